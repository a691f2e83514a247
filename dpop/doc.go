// Package dpop checks DPoP proofs (RFC 9449, OAuth 2.0 Demonstrating Proof of
// Possession): the signed JWT a client sends in a DPoP header to show that it
// holds the private key an access token is bound to.
//
// A Checker is built once and shared:
//
//	c, err := dpop.New(dpop.Config{
//		ExternalBaseURL: "https://api.example.com", // what clients put in htu
//		Replay:          replay,                    // e.g. redisstore.NewReplay, for several replicas
//	})
//	p, err := c.Check(ctx, dpop.RequestFromHTTP(r, accessToken))
//	// then: the token's cnf.jkt must equal p.JKT
//
// The package checks the proof only. Binding it to the access token (cnf.jkt
// equal to Proof.JKT, RFC 9449 section 7.1), the Authorization: DPoP scheme,
// the HTTP answers and the WWW-Authenticate challenges are the caller's
// (jwtguard's middleware).
//
// # Checks
//
// Check applies RFC 9449 section 4.3, cheapest first, and wraps every
// failure in an *Error with a stable Reason and one sentinel error:
//
//   - exactly one DPoP header (ErrMissing, ErrMultipleProofs: two headers
//     are refused, never one of them picked);
//   - at most Config.MaxProofBytes (8 KiB), a compact JWS of three strict
//     base64url segments, a strict JSON header (no duplicate member names,
//     valid UTF-8, member names matched exactly) without "crit", "b64",
//     "jku", "x5u" or "x5c" (ErrMalformed);
//   - "typ" exactly "dpop+jwt" (ErrType);
//   - "alg" in Config.Algorithms, an asymmetric allow-list: HMAC and "none"
//     can never be configured (ErrAlgorithm);
//   - a "jwk" header holding a public key only (ErrPrivateKey when any
//     private member is present), of an asymmetric type, not marked "use":
//     "enc", fitting "alg" (and its own "alg" when it has one), and passing
//     the key rules every jwtguard key passes (keysource.NewKey: RSA of at
//     least 2048 bits with an odd exponent of at least 3 and no ROCA
//     fingerprint, EC points on P-256, P-384 or P-521, Ed25519 points not of
//     small order), and RSA of at most MaxRSABits (4096), since the client
//     picks the key whose signature the server pays to check (ErrJWK);
//   - the signature, with that key (ErrSignature); no claim is read before;
//   - strict JSON claims with "jti" (at most MaxJTIBytes), "htm", "htu" and
//     "iat" (a JSON number) (ErrMalformed, ErrMissingClaim);
//   - "htm" equal to the request method, exactly (ErrHTM);
//   - "htu" equal to the request URI, both without query and fragment,
//     compared after RFC 3986 normalization: scheme and host case, default
//     port dropped, percent-encoding of unreserved characters decoded and
//     other hex digits upper-cased, dot segments removed, an empty path
//     read as "/" (ErrHTU);
//   - "iat" within Config.IATWindow (60 s) of the current time, in either
//     direction (ErrIAT);
//   - when an access token came with the request, "ath" present and equal
//     to base64url(SHA-256(token)) (ErrATH);
//   - when server nonces are on, a current "nonce" (ErrUseNonce);
//   - last, the pair (key thumbprint, jti) never accepted before within the
//     window (ErrReplayed), asked of the ReplayStore; a store that cannot
//     answer refuses the proof (ErrReplayUnavailable), which HTTP services
//     answer with 503.
//
// A client signs all its proofs with one key, so they share one header
// segment: each Checker keeps a bounded cache of header segments that
// passed the header checks (typ, alg, jwk), keyed by the segment as sent,
// and a proof whose header is in it goes straight to its signature. Refused
// headers are never cached; the signature and every claim are checked on
// every proof.
//
// The proof's jwk header is the one place jwtguard takes a key from a
// header, and it is trusted for one thing only: that this proof was signed
// by the holder of that key. Whether the key may use a token is the
// cnf.jkt comparison.
//
// # Answering errors over HTTP
//
// For the caller that maps errors to HTTP (RFC 9449 sections 7.1 and 8):
// ErrUseNonce is a 401 with error "use_dpop_nonce" and the *Error's Nonce in
// a DPoP-Nonce header; ErrReplayUnavailable is a 503 (the proof may be fine,
// the store could not say); ErrRequest is the server's own fault (500);
// every other error, ErrMultipleProofs included, is a 401 with error
// "invalid_dpop_proof" and algs set to Checker.Algorithms (at a token
// endpoint, a 400 with the same error codes, RFC 9449 section 5). Reason
// gives the error_description.
//
// # htu, Host and ExternalBaseURL
//
// A proof names the URI it was made for, and the server must know its own
// URI to compare. When Config.ExternalBaseURL is set (e.g.
// "https://api.example.com", the address of the load balancer in front of
// all replicas), htu's scheme and authority must be exactly that, whatever
// the request's Host header says; only the path comes from the request.
// Set it in production.
//
// When it is empty, the scheme and authority come from Request.URL, which
// RequestFromHTTP fills from the connection (https when TLS reached this
// process) and from the Host header. Two risks follow. The Host header is
// chosen by the client, so a proof the client made for another service's
// host is accepted here if this service answers requests for that host
// (a proof captured in transit to https://other.example/api can be played
// to this service with Host: other.example, when the paths agree and the
// replay store does not already hold it). And behind a proxy that
// terminates TLS or rewrites Host, the server sees http and an internal
// host, so honest proofs fail. Neither happens with ExternalBaseURL.
//
// # Replays
//
// A proof is accepted once: its key's thumbprint and its jti, hashed
// together, are recorded in a ReplayStore until iat plus the window plus a
// few seconds of margin for clock differences between replicas (after that
// the iat check refuses it anyway). Keying on thumbprint and jti, not on
// the proof's text, matters: ECDSA signatures are malleable, so one signed
// proof has several valid encodings.
//
// The default MemoryReplay is bounded (DefaultMaxEntries), expires entries
// by itself, starts no goroutine and, when full of live entries, refuses
// proofs (ErrReplayUnavailable) rather than forget one that could still be
// replayed. It serves one process. With several replicas, a proof replayed
// to another replica is refused only with a shared store: package
// redisstore's NewReplay makes one round trip to Redis per proof (an atomic
// SET NX PX, pipelined with a read of an epoch key that reveals a Redis
// that lost its data), after a local MemoryReplay has refused same-replica
// replays without a network call, with a short timeout, failing closed. It
// is the one call on jwtguard's request path that waits on Redis: a local
// copy fed by a change feed would let a replay sent to two replicas at once
// through both (see redisstore.Replay).
//
// The store is shared by every client, so whoever may write to it could
// fill it. With Config.DeferReplay, Check records nothing and the caller
// records a proof with Checker.Use only after the access token has been
// verified and found bound to the proof's key: a client that signs proofs
// with keys of its own, without a token bound to them, never takes room in
// the store. The middleware works that way; a caller with no token to
// check (a token endpoint) leaves DeferReplay off.
//
// # Server nonces
//
// With Config.Nonces set, every proof must carry a server nonce (RFC 9449
// section 8); otherwise Check fails with ErrUseNonce and the *Error's Nonce
// holds the nonce to send in a DPoP-Nonce header with error
// "use_dpop_nonce" (Checker.Nonce gives the current one at any time). The
// nonces are stateless: an HMAC-SHA-256, under a secret every replica
// shares, of the current time step, so replicas agree without shared state
// as long as their clocks do. A nonce is accepted during its step and the
// next. Nonces bound how far ahead a client can make proofs; they do not
// replace the replay store.
//
// # Clients and token endpoints
//
// NewProof makes a proof for one request (a fresh jti, iat now, ath for a
// token), for tests, the demo issuer and example clients. At a token
// endpoint, Check a proof with an empty Request.AccessToken and put
// Proof.JKT into the issued token's cnf.jkt; Thumbprint computes the same
// value from a public key.
package dpop
