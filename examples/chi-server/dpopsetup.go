package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/redisstore"
)

// dpopSetup is the API's DPoP configuration and what it holds open.
type dpopSetup struct {
	cfg      middleware.DPoPConfig
	describe string // for the banner
	redis    *redis.Client
}

func (d *dpopSetup) close() error {
	if d == nil || d.redis == nil {
		return nil
	}
	return d.redis.Close()
}

// newDPoP builds the DPoP checker of the flags: htu against -public-url
// (else the request's Host), replays remembered in memory or, with
// -redis, in Redis for every replica, and nonces with -dpop-nonce.
func newDPoP(c *config, o *ops, log *slog.Logger) (*dpopSetup, error) {
	d := &dpopSetup{cfg: middleware.DPoPConfig{Mode: c.dpopMode}}
	if c.dpopMode == middleware.DPoPOff {
		d.describe = "off: Authorization: DPoP is not read, DPoP-bound tokens are refused"
		return d, nil
	}
	dc := dpop.Config{ExternalBaseURL: c.publicURL, DeferReplay: true, OnCheck: o.m.DPoP(apiName)}
	htu := "htu against " + c.publicURL
	if c.publicURL == "" {
		htu = "htu against the request's scheme and Host header (set -public-url behind a proxy or balancer)"
	}
	replay := "replays refused by this process only (memory)"
	rc, err := c.redisClient()
	if err != nil {
		return nil, err
	}
	if rc != nil {
		d.redis = rc
		store, err := redisstore.NewReplay(redisstore.ReplayConfig{Client: rc})
		if err != nil {
			_ = d.close()
			return nil, err
		}
		dc.Replay = store
		replay = "replays refused by every replica (Redis " + rc.Options().Addr + "; a Redis new to the replay memory, or that lost it, makes DPoP answer 503 for about 2 minutes)"
	}
	nonce := "no server nonce"
	if c.dpopNonce {
		secret, err := nonceSecret(c.dpopNonceSecret)
		if err != nil {
			_ = d.close()
			return nil, err
		}
		dc.Nonces = &dpop.NonceConfig{Secret: secret}
		nonce = "server nonces (secret from " + c.dpopNonceSecret + ")"
		if c.dpopNonceSecret == "" {
			nonce = "server nonces (random secret: replicas would not accept each other's; give -dpop-nonce-secret-file)"
			log.Warn("-dpop-nonce without -dpop-nonce-secret-file: the nonce secret is random, so other replicas refuse this one's nonces")
		}
	}
	checker, err := dpop.New(dc)
	if err != nil {
		_ = d.close()
		return nil, err
	}
	d.cfg.Checker = checker
	d.describe = fmt.Sprintf("%s: %s; %s; %s", c.dpopMode, htu, replay, nonce)
	return d, nil
}

// nonceSecret reads the nonce secret file, or makes a random secret.
func nonceSecret(file string) ([]byte, error) {
	if file == "" {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("-dpop-nonce-secret-file: %w", err)
	}
	if len(b) < dpop.MinNonceSecretBytes {
		return nil, errors.New("-dpop-nonce-secret-file: the secret is shorter than 32 bytes")
	}
	return b, nil
}
