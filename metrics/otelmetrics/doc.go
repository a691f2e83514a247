// Package otelmetrics records jwtguard's metrics and traces with
// OpenTelemetry (go.opentelemetry.io/otel): metrics through a
// metric.MeterProvider, spans through a trace.TracerProvider.
//
//	m, err := otelmetrics.New(otelmetrics.Options{MeterProvider: mp, TracerProvider: tp})
//	src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: u, FetchConfig: keysource.FetchConfig{
//		Hooks: m.KeySourceHooks("keycloak"),
//	}})
//	err = m.WatchKeySource("keycloak", src)
//	v, err := verify.New(verify.Config[claims.Keycloak]{Keys: src, Observer: m.Verifier("keycloak"), ...})
//	mw, err := middleware.New(middleware.Config{..., OnOutcome: m.Middleware("api")})
//
// The metrics are the Prometheus adapter's (package prommetrics) under
// OpenTelemetry's names: dotted, units in the instrument's unit rather than
// its name, counters without "_total".
//
//	jwtguard.verifications            {verification}  jwtguard.verifier, jwtguard.outcome, jwtguard.reason
//	jwtguard.verify.duration          s (histogram)   jwtguard.verifier, jwtguard.cache_hit
//	jwtguard.verify.cache.hits        {verification}  jwtguard.verifier
//	jwtguard.verify.cache.misses      {verification}  jwtguard.verifier
//	jwtguard.key.fetches              {fetch}         jwtguard.source, jwtguard.trigger, jwtguard.outcome
//	jwtguard.key.fetch.duration       s (histogram)   jwtguard.source
//	jwtguard.key.unknown_kid_refreshes {refresh}      jwtguard.source
//	jwtguard.key.refresh.cooldown_refusals {refresh}  jwtguard.source, jwtguard.refresh_reason
//	jwtguard.keys.added, jwtguard.keys.removed {key}  jwtguard.source
//	jwtguard.keys.served              {key}   gauge   jwtguard.source
//	jwtguard.keys.age                 s       gauge   jwtguard.source (absent before the first fetch)
//	jwtguard.keys.stale               1       gauge   jwtguard.source
//	jwtguard.key.fetch.consecutive_failures {fetch} gauge jwtguard.source
//	jwtguard.remote_checks            {check}         jwtguard.checker, jwtguard.outcome, jwtguard.reason
//	jwtguard.remote_check.duration    s (histogram)   jwtguard.checker
//	jwtguard.remote_check.attempts    {request}       jwtguard.checker
//	jwtguard.http.decisions           {request}       jwtguard.handler, jwtguard.decision, http.response.status_code, jwtguard.reason
//	jwtguard.revocations              {revocation}    jwtguard.store, jwtguard.revocation.kind, jwtguard.result
//	jwtguard.revocation.entries       {entry} gauge   jwtguard.store
//	jwtguard.revocation.sync_lag      s       gauge   jwtguard.store
//	jwtguard.revocation.in_sync       1       gauge   jwtguard.store
//	jwtguard.dpop.proofs              {proof}         jwtguard.checker, jwtguard.outcome, jwtguard.reason
//
// # Traces
//
// Verifier's Observer starts a span "jwtguard.verify" per verification, a
// child of the span in the context given to Verify (the request's span
// when the HTTP server is traced). Its attributes are the configured name
// (jwtguard.verifier), and, when it ends, jwtguard.alg (one of the allowed
// algorithms, absent when the token failed before the algorithm check),
// jwtguard.reason and jwtguard.cache_hit; a refused token sets the span's
// status to Error with the reason as description. Nothing else from the
// token is recorded: no kid, issuer, subject, claim or token, and not the
// error text, which may quote a claim.
//
// KeySourceHooks starts a span "jwtguard.key.fetch" per key fetch. These
// are root spans: a fetch runs on the source's own goroutine and serves
// every verification waiting for it at once (single flight), so it is no
// one request's child, and the source's hooks carry no context. The
// verification that waited shows as a long jwtguard.verify span; the fetch
// span tells why (jwtguard.trigger, jwtguard.outcome, the error).
package otelmetrics
