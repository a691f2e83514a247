// Package fakeintrospect is a small RFC 7662 token introspection endpoint,
// as an httptest server on the loopback interface, for tests of remote
// token checks. It is not API.
//
// POST /introspect takes the form token=...&token_type_hint=... and
// authenticates the caller by client_secret_basic, client_secret_post or a
// bearer token (401 {"error":"invalid_client"} otherwise). It answers
// {"active":true, ...claims} for a token made active with Activate, and
// {"active":false} for any other, and 400 {"error": code} for a token given
// to Refuse. SetRaw replaces every answer with fixed bytes, for the
// malformed answers a client must refuse.
package fakeintrospect
