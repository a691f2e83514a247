package revocation_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// A service in one process revokes a Keycloak session on logout; a token
// of that session is refused from then on, another session's is not.
func ExampleMemory() {
	store, err := revocation.NewMemory(revocation.MemoryConfig{})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	const issuer = "https://sso.example/realms/eat_realm"
	if err := store.Revoke(context.Background(), revocation.SessionEntry(issuer, "8a9b7c6d")); err != nil {
		panic(err)
	}
	for _, sid := range []string{"8a9b7c6d", "1f2e3d4c"} {
		err := store.Check(&revocation.Token{Issuer: issuer, SessionID: sid, IssuedAt: time.Now()})
		fmt.Println(sid, errors.Is(err, revocation.ErrRevoked))
	}
	// Output:
	// 8a9b7c6d true
	// 1f2e3d4c false
}
