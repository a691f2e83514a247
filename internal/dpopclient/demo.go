package dpopclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Result is what Demo saw.
type Result struct {
	// Token is the token endpoint's answer.
	Token Token
	// BoundTo is the token's cnf.jkt ("" when unbound).
	BoundTo string
	// First and Second are calls with fresh proofs.
	First, Second *Response
	// Replayed repeats Second's proof.
	Replayed *Response
	// AsBearer sends the token as a bearer token, without a proof.
	AsBearer *Response
}

// Demo gets a token bound to c's key from tokenURL (form scope=openid
// reports:read) and calls apiURL: twice with fresh proofs, once replaying
// the second proof, once with the token as a bearer token. It prints each
// step to w.
func Demo(ctx context.Context, w io.Writer, c *Client, tokenURL, apiURL string) (*Result, error) {
	res := &Result{}
	fmt.Fprintf(w, "key: a fresh P-256 key, thumbprint (jkt) %s\n\n", c.Thumbprint())

	tok, err := c.Token(ctx, tokenURL, url.Values{"scope": {"openid reports:read"}})
	if err != nil {
		return nil, err
	}
	res.Token = tok
	res.BoundTo = cnfJKT(tok.AccessToken)
	match := "the client's key"
	if res.BoundTo != c.Thumbprint() {
		match = "NOT the client's key"
	}
	fmt.Fprintf(w, "POST %s with a DPoP proof (htm POST, htu the token endpoint)\n  -> token_type %q, cnf.jkt %s (%s)\n\n", tokenURL, tok.TokenType, res.BoundTo, match)

	if res.First, err = c.Get(ctx, apiURL, tok.AccessToken); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "GET %s, Authorization: DPoP <token>, a fresh proof\n  -> %s\n\n", apiURL, describe(res.First))
	if res.Second, err = c.Get(ctx, apiURL, tok.AccessToken); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "GET %s again with a new proof\n  -> %s\n\n", apiURL, describe(res.Second))

	req, err := c.NewRequest(ctx, apiURL, "DPoP", tok.AccessToken, res.Second.Proof)
	if err != nil {
		return nil, err
	}
	if res.Replayed, err = c.Send(req); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "GET %s replaying the previous proof (as an attacker who copied it would)\n  -> %s\n\n", apiURL, describe(res.Replayed))

	if req, err = c.NewRequest(ctx, apiURL, "Bearer", tok.AccessToken, ""); err != nil {
		return nil, err
	}
	if res.AsBearer, err = c.Send(req); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "GET %s with the token as Authorization: Bearer, no proof (a stolen token)\n  -> %s\n", apiURL, describe(res.AsBearer))
	return res, nil
}

// Reason returns the "reason" member of a problem+json body, "" if none.
func (r *Response) Reason() string {
	var p struct {
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal([]byte(r.Body), &p)
	return p.Reason
}

func describe(r *Response) string {
	if r.Status == 200 {
		body := strings.TrimSpace(r.Body)
		if len(body) > 200 {
			body = body[:200] + "..."
		}
		return fmt.Sprintf("%d %s", r.Status, body)
	}
	s := fmt.Sprintf("%d, reason %q", r.Status, r.Reason())
	for _, v := range r.Header.Values("WWW-Authenticate") {
		s += "\n     WWW-Authenticate: " + v
	}
	return s
}

// cnfJKT reads the cnf.jkt of a JWT without verifying it: the client only
// shows it.
func cnfJKT(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Cnf struct {
			JKT string `json:"jkt"`
		} `json:"cnf"`
	}
	_ = json.Unmarshal(raw, &c)
	return c.Cnf.JKT
}

// ReplayTo sends the proof of res.Second, which the first replica accepted,
// to another replica's apiURL (the same API behind the same public URL),
// then a fresh proof: with a replay store the replicas share, the first is
// refused and the second accepted. It prints each step to w.
func ReplayTo(ctx context.Context, w io.Writer, c *Client, res *Result, apiURL string) (replayed, fresh *Response, err error) {
	req, err := c.NewRequest(ctx, apiURL, "DPoP", res.Token.AccessToken, res.Second.Proof)
	if err != nil {
		return nil, nil, err
	}
	if replayed, err = c.Send(req); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(w, "\nGET %s (another replica) replaying the proof the first accepted\n  -> %s\n", apiURL, describe(replayed))
	if fresh, err = c.Get(ctx, apiURL, res.Token.AccessToken); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(w, "\nGET %s with a fresh proof\n  -> %s\n", apiURL, describe(fresh))
	return replayed, fresh, nil
}
