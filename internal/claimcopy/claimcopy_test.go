package claimcopy

import (
	"testing"

	"github.com/jwtguard/jwtguard/claims"
)

type ownMap map[string]any

func TestOf(t *testing.T) {
	t.Run("struct", func(t *testing.T) {
		src := &claims.Registered{Subject: "a"}
		c := Of(src)
		c.Subject = "b"
		if src.Subject != "a" || c == src {
			t.Fatalf("copy shares the struct")
		}
	})
	t.Run("claims.Map", func(t *testing.T) {
		src := &claims.Map{"role": "user"}
		c := Of(src)
		(*c)["role"] = "admin"
		if (*src)["role"] != "user" {
			t.Fatalf("copy shares the map")
		}
	})
	t.Run("own map type", func(t *testing.T) {
		src := &ownMap{"role": "user"}
		c := Of(src)
		(*c)["role"] = "admin"
		if (*src)["role"] != "user" {
			t.Fatalf("copy shares the map")
		}
	})
	t.Run("nil map", func(t *testing.T) {
		var m claims.Map
		if c := Of(&m); *c != nil {
			t.Fatalf("nil map became %v", *c)
		}
	})
}
