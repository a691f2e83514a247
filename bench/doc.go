// Package bench compares jwtguard's verifier with the lower bounds of JWT
// verification (the bare signature check, and a minimal hand-written verify)
// and with the Go libraries people use for the same job, on the same tokens
// and with equivalent validation.
//
// It is a module of its own, so that the peer libraries it measures never
// enter jwtguard's go.mod. Everything lives in _test.go files; run.sh runs
// the benchmarks and cmd/report turns their output into a table of medians
// and ratios. See README.md.
package bench
