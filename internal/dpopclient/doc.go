// Package dpopclient is the DPoP client of the examples: it makes a key,
// gets a DPoP-bound token from a token endpoint (RFC 9449 section 5) and
// calls an API with a fresh proof per request, answering use_dpop_nonce
// challenges once. examples/dpop-client runs its Demo; the example
// server's tests run the same Demo against the example server. It is not
// API.
package dpopclient
