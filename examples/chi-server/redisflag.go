package main

import (
	"flag"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// redisFlags is -redis: the Redis shared by the replicas. The DPoP replay
// store needs nothing else from it than redisClient; when the revocation
// store's own -redis lands, newDPoP takes that client and this file goes.
type redisFlags struct {
	redisURL string // -redis
}

func (c *redisFlags) addRedisFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.redisURL, "redis", "", "share state with the other replicas through the Redis at this `URL` (redis://host:6379/0): DPoP proofs used on one replica are refused on all")
}

// redisClient returns the client of -redis, nil when it is not given.
func (c *redisFlags) redisClient() (*redis.Client, error) {
	if c.redisURL == "" {
		return nil, nil
	}
	opt, err := redis.ParseURL(c.redisURL)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	// Deadlines of the request path must bound each call.
	opt.ContextTimeoutEnabled = true
	return redis.NewClient(opt), nil
}
