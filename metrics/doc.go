// Package metrics holds what the metrics adapters share: the bounded label
// values (reasons mapped through a fixed allow-list, HTTP statuses, key
// fetch triggers and outcomes) and helpers that combine several observers
// or hook sets into one.
//
// The adapters live in its subpackages:
//
//   - prommetrics records Prometheus metrics (github.com/prometheus/client_golang);
//   - otelmetrics records OpenTelemetry metrics and traces (go.opentelemetry.io/otel).
//
// The core packages (claims, keysource, verify, middleware, remotecheck,
// revocation, dpop, profile) import none of them: a program that never
// imports an adapter never compiles its metrics stack. Package metrics
// itself imports only the core and the standard library.
//
// # Labels
//
// Every label value comes from a bounded set: the names the program gives
// when it wires an adapter ("keycloak", "api"), and fixed words (reasons,
// outcomes, triggers). Nothing a client chooses (a kid, an issuer, a
// subject, a token) ever becomes a label: reasons come from errors, and an
// error can carry any reason a validator put there, so Reason maps every
// reason outside the allow-list to "other".
package metrics
