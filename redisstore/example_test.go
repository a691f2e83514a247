package redisstore_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

// Every replica of a service builds the same store on its own client; a
// revocation made on one is refused by all within milliseconds.
func ExampleNewRevocation() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	store, err := redisstore.NewRevocation(redisstore.RevocationConfig{
		Client: client,
		MaxLag: time.Minute, // then Check returns revocation.ErrUnavailable
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	// Before serving, wait for the first load of the shared state.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := store.WaitSynced(ctx); err != nil {
		log.Fatal(err)
	}
	// An operator revokes every token of a client issued until now.
	err = store.Revoke(ctx, revocation.ClientEntry("https://auth.ansira.example", "client-42", time.Time{}))
	if err != nil {
		log.Fatal(err) // Redis did not take it: nothing was revoked
	}
}
