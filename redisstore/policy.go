package redisstore

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// checkPolicy logs at Error when Redis's maxmemory-policy may evict keys:
// the stores detect such a loss and recover (see the package doc), but
// noeviction is the setting they are meant for. When CONFIG is refused (as
// on many managed services), it logs at Warn and carries on.
func checkPolicy(parent context.Context, c redis.UniversalClient, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	res, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		if parent.Err() == nil { // not closing
			log.Warn("cannot read Redis's maxmemory-policy; it must be noeviction", "err", err)
		}
		return
	}
	switch p := res["maxmemory-policy"]; p {
	case "noeviction":
	case "":
		log.Warn("Redis did not report its maxmemory-policy; it must be noeviction")
	default:
		log.Error("Redis's maxmemory-policy evicts keys; it must be noeviction (an eviction is detected and repaired, at the cost of a reload and, for DPoP, refusing proofs for a while)", "maxmemory-policy", p)
	}
}
