// Package readiness serves a readiness endpoint: an http.Handler that
// answers 200 when every registered dependency can serve (each key source
// has keys that are not stale, each revocation store is in sync with the
// shared state) and 503 with a JSON body naming what is not ready.
//
//	ready, err := readiness.New(readiness.Config{Checks: []readiness.Check{
//		readiness.KeySource("keycloak", src),
//		readiness.Revocation("revocations", store),
//	}})
//	if err != nil {
//		return err
//	}
//	mux.Handle("/readyz", ready)
//
// Liveness is a separate question (is the process able to answer at all?)
// and belongs on its own endpoint that checks nothing here: a pod whose
// issuer is down is alive, and restarting it would not bring the keys back.
//
// Keep in mind that every replica shares the issuer and the Redis: when one
// of them fails, every replica turns unready together, and a load balancer
// that drops unready replicas then answers for all of them, public routes
// included. Whether that is wanted is the operator's choice; the
// middleware's own 503 (keys_unavailable, revocation_unavailable) protects
// the protected routes either way.
//
// The body names each check and says why it is not ready in a short fixed
// phrase; the underlying errors (URLs, addresses) appear only with
// Config.Verbose, since a readiness endpoint is often reachable from more
// places than the logs are.
package readiness
