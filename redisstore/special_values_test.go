package redisstore_test

import (
	"strings"
	"testing"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

// TestSpecialValuesRoundTrip: values a user may influence (sub, sid) with
// the field separator, NUL bytes, Lua and Redis syntax, invalid UTF-8 and
// a long string go through the script, the hash and the feed unchanged,
// and one never matches another (issuer/value boundary included).
func TestSpecialValuesRoundTrip(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	synced(t, a, b)
	values := []string{
		"a|b", "|", "2|0|5|x", "\x00", "x\x00y", "'); redis.call('FLUSHALL') --",
		"]]..", "\r\n*1\r\n$8\r\nFLUSHALL\r\n", "\xff\xfe", "ünï", strings.Repeat("v", 8<<10),
	}
	for _, v := range values {
		mustRevoke(t, a, revocation.SessionEntry(iss, v))
	}
	c := replica(t, srv.Addr(), nil)
	synced(t, c)
	for _, r := range []*redisstore.Revocation{a, b, c} {
		for _, v := range values {
			eventually(t, waitFor, "revoked "+v[:min(len(v), 16)], refuses(r, revocation.Token{Issuer: iss, SessionID: v}, revocation.ErrRevoked))
		}
		for _, tok := range []revocation.Token{
			{Issuer: iss, SessionID: "a"},
			{Issuer: iss, SessionID: "x"},
			{Issuer: iss + "a", SessionID: "|b"}, // issuer/value boundary moved
			{Issuer: iss[:len(iss)-1], SessionID: iss[len(iss)-1:] + "a|b"},
			{Issuer: iss, Subject: "a|b"}, // another kind
		} {
			if err := r.Check(&tok); err != nil {
				t.Fatalf("Check(%+v) = %v; want nil", tok, err)
			}
		}
	}
	if r, err := srv.Do("DBSIZE"); err != nil || r == ":0" {
		t.Fatalf("DBSIZE = %q, %v", r, err)
	}
}
