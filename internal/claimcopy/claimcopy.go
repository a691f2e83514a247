// Package claimcopy copies cached claims for a caller, so that what one
// caller changes never reaches the cache or another caller.
package claimcopy

import (
	"maps"
	"reflect"

	"github.com/jwtguard/jwtguard/claims"
)

// Of returns a new *C holding a copy of *src: every field of a struct is
// copied, so setting one never reaches src; slices and maps inside are
// shared. A claims type that is itself a map (claims.Map, or a caller's own
// map type) is copied one level deep, since its entries are its fields.
func Of[C any](src *C) *C {
	out := new(C)
	*out = *src
	if m, ok := any(out).(*claims.Map); ok {
		*m = maps.Clone(*m)
		return out
	}
	if reflect.TypeFor[C]().Kind() == reflect.Map {
		v := reflect.ValueOf(out).Elem()
		if !v.IsNil() {
			c := reflect.MakeMapWithSize(v.Type(), v.Len())
			iter := v.MapRange()
			for iter.Next() {
				c.SetMapIndex(iter.Key(), iter.Value())
			}
			v.Set(c)
		}
	}
	return out
}
