package claimsdec

import (
	"strconv"
	"testing"
)

// TestNames checks both duplicate detectors below, at and above the
// point where each moves its names into a map.
func TestNames(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 47, 48, 49, 200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			var few names
			var many manyNames
			for i := range n {
				name := "n" + strconv.Itoa(i)
				if i == 3 {
					name = "" // the empty name is a name like any other
				}
				if !few.add(name) || !many.add(name) {
					t.Fatalf("%q, the %dth name, reported as a duplicate", name, i)
				}
			}
			for i := range n {
				name := "n" + strconv.Itoa(i)
				if i == 3 {
					name = ""
				}
				if few.add(name) || many.add(name) {
					t.Fatalf("%q added twice", name)
				}
			}
		})
	}
}
