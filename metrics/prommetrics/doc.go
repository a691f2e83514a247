// Package prommetrics records jwtguard's metrics in Prometheus
// (github.com/prometheus/client_golang).
//
//	m, err := prommetrics.New(prometheus.DefaultRegisterer, prommetrics.Options{})
//	src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: u, FetchConfig: keysource.FetchConfig{
//		Hooks: m.KeySourceHooks("keycloak"),
//	}})
//	err = m.WatchKeySource("keycloak", src)
//	v, err := verify.New(verify.Config[claims.Keycloak]{Keys: src, Observer: m.Verifier("keycloak"), ...})
//	mw, err := middleware.New(middleware.Config{..., OnOutcome: m.Middleware("api")})
//
// Each method takes a name that becomes a label value ("verifier",
// "source", "handler", "checker", "store"): name things by what they are
// in the program ("keycloak", "erply", "api"), a small fixed set. No label
// value ever comes from a request: reasons pass through metrics.Reason's
// allow-list, kids, issuers, subjects and tokens are never recorded.
//
// # Metrics
//
// Verifications (Verifier):
//
//	jwtguard_verifications_total{verifier,outcome,reason}   outcome accepted|rejected; reason "" when accepted
//	jwtguard_verify_duration_seconds{verifier,cache}         histogram; cache hit|miss
//	jwtguard_verify_cache_hits_total{verifier}               answered from the verified-token cache
//	jwtguard_verify_cache_misses_total{verifier}             every other verification (all of them with the cache off)
//
// Key sources (KeySourceHooks, WatchKeySource):
//
//	jwtguard_key_fetches_total{source,trigger,outcome}      trigger first|scheduled|retry|unknown_kid|signature; outcome updated|unchanged|not_modified|failed
//	jwtguard_key_fetch_duration_seconds{source}             histogram
//	jwtguard_key_unknown_kid_refreshes_total{source}        refreshes asked for by a token with a kid not in the set
//	jwtguard_key_refresh_cooldown_refusals_total{source,reason}  on-demand refreshes refused during the cooldown
//	jwtguard_keys_added_total{source}, jwtguard_keys_removed_total{source}
//	jwtguard_keys_served{source}                            gauge, read at scrape time
//	jwtguard_keys_age_seconds{source}                       seconds since the last successful fetch (absent before the first)
//	jwtguard_keys_stale{source}                             1 when the source serves no keys (none fetched yet, or older than MaxStale)
//	jwtguard_key_fetch_consecutive_failures{source}         failed fetches since the last success
//
// Remote checks (RemoteCheck):
//
//	jwtguard_remote_checks_total{checker,outcome,reason}
//	jwtguard_remote_check_duration_seconds{checker}         histogram, retries included
//	jwtguard_remote_check_attempts_total{checker}           requests sent to the issuer
//
// HTTP (Middleware):
//
//	jwtguard_http_decisions_total{handler,decision,status,reason}  decision allowed|anonymous|preflight|denied
//
// Revocation stores (Revocations, WatchRevocation):
//
//	jwtguard_revocations_total{store,kind,result}           kind token|session|subject|client|issuer; result stored|full
//	jwtguard_revocation_entries{store}                      entries in force
//	jwtguard_revocation_sync_lag_seconds{store}             how long the local copy has not been confirmed in sync
//	jwtguard_revocation_in_sync{store}                      1 or 0
//
// DPoP proofs (DPoP):
//
//	jwtguard_dpop_proofs_total{checker,outcome,reason}
package prommetrics
