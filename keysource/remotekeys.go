package keysource

import "fmt"

// buildSet turns the keys of a fetched document into the set to serve. Keys
// a remote source must not serve are skipped (added to skipped): HMAC secrets
// (a secret published at a URL is no secret) and every key whose kid occurs
// more than once (which one is meant cannot be told). A key whose kid,
// algorithm and material are unchanged keeps its *Key from old, and when
// every key is unchanged old itself is returned. added and removed list the
// keys that appeared and left. No usable key is an error wrapping ErrNoKeys.
func buildSet(old *Set, keys []*Key, skipped []error) (set *Set, added, removed []*Key, _ []error, err error) {
	count := make(map[string]int, len(keys))
	for _, k := range keys {
		if k != nil && k.ID() != "" {
			count[k.ID()]++
		}
	}
	used := make(map[*Key]bool)
	kept := make([]*Key, 0, len(keys))
	for i, k := range keys {
		switch {
		case k == nil:
			continue
		case k.Symmetric():
			skipped = append(skipped, &KeyError{KID: k.ID(), Index: i, Rule: "remote-symmetric",
				Detail: "a remote source does not serve HMAC secrets"})
			continue
		case count[k.ID()] > 1:
			skipped = append(skipped, &KeyError{KID: k.ID(), Index: i, Rule: "duplicate-kid",
				Detail: fmt.Sprintf("%d keys share this kid", count[k.ID()])})
			continue
		}
		if o := previous(old, k, used); o != nil {
			k = o
		} else {
			added = append(added, k)
		}
		used[k] = true
		kept = append(kept, k)
	}
	if len(kept) == 0 {
		return nil, nil, nil, skipped, fmt.Errorf("%w in the document (%d skipped)", ErrNoKeys, len(skipped))
	}
	if old != nil {
		for _, o := range old.Keys() {
			if !used[o] {
				removed = append(removed, o)
			}
		}
		if len(added) == 0 && len(removed) == 0 && sameOrder(old.Keys(), kept) {
			return old, nil, nil, skipped, nil
		}
	}
	set, err = NewSet(kept...)
	if err != nil {
		return nil, nil, nil, skipped, err
	}
	return set, added, removed, skipped, nil
}

// previous returns the key of old that k continues (same kid, algorithm and
// material) and that is not used yet, or nil.
func previous(old *Set, k *Key, used map[*Key]bool) *Key {
	if old == nil {
		return nil
	}
	same := func(o *Key) bool {
		return o != nil && !used[o] && o.ID() == k.ID() && o.Algorithm() == k.Algorithm() && o.SameMaterial(k)
	}
	if k.ID() != "" {
		if o := old.ByID(k.ID()); same(o) {
			return o
		}
		return nil
	}
	for _, o := range old.WithoutID() {
		if same(o) {
			return o
		}
	}
	return nil
}

func sameOrder(a, b []*Key) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
