package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"

	"github.com/jwtguard/jwtguard/internal/dpopclient"
)

// dpopLoad calls the API as DPoP clients do: each client holds its own
// key and a token bound to it (from the demo issuer's /token, with a
// proof), and sends a fresh proof with every request. Now and then it
// misbehaves as an attacker would.
type dpopLoad struct {
	l       *loader
	clients []*dpopclient.Client
	tokens  []string // tokens[i] is bound to clients[i]'s key
}

// newDPoPLoad makes n clients and gets each a bound token.
func newDPoPLoad(ctx context.Context, l *loader, n int) (*dpopLoad, error) {
	d := &dpopLoad{l: l}
	for i := range n {
		c, err := dpopclient.New()
		if err != nil {
			return nil, err
		}
		c.HTTP = l.client
		tok, err := c.Token(ctx, l.issuer+"/token", url.Values{
			"sub": {fmt.Sprintf("dpop-user-%d", i)}, "scope": {"openid reports:read"}, "ttl": {"2h"},
		})
		if err != nil {
			return nil, fmt.Errorf("a DPoP-bound token: %w", err)
		}
		if tok.TokenType != "DPoP" {
			return nil, fmt.Errorf("the demo issuer answered token_type %q, not DPoP", tok.TokenType)
		}
		d.clients = append(d.clients, c)
		d.tokens = append(d.tokens, tok.AccessToken)
	}
	return d, nil
}

// one sends one DPoP request of the mix: mostly a fresh proof; sometimes
// a proof sent twice (the second is a replay), the bound token as a plain
// bearer token (a stolen token without its key), or a proof signed by
// another client's key.
func (d *dpopLoad) one(ctx context.Context) {
	i := rand.IntN(len(d.clients))
	c, tok := d.clients[i], d.tokens[i]
	target := d.l.api + "/api/me"
	n := rand.IntN(100)
	switch {
	case n < 80:
		if _, err := c.Get(ctx, target, tok); err == nil {
			d.l.count(1)
		}
	case n < 90:
		proof, err := c.Proof(http.MethodGet, target, true, tok)
		if err != nil {
			return
		}
		for range 2 {
			d.send(ctx, c, target, "DPoP", tok, proof)
		}
	case n < 95:
		d.send(ctx, c, target, "Bearer", tok, "")
	default:
		other := d.clients[(i+1)%len(d.clients)]
		proof, err := other.Proof(http.MethodGet, target, true, tok)
		if err != nil {
			return
		}
		d.send(ctx, c, target, "DPoP", tok, proof)
	}
}

func (d *dpopLoad) send(ctx context.Context, c *dpopclient.Client, target, scheme, tok, proof string) {
	req, err := c.NewRequest(ctx, target, scheme, tok, proof)
	if err != nil {
		return
	}
	if _, err := c.Send(req); err == nil {
		d.l.count(1)
	}
}
