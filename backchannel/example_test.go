package backchannel_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// A back-channel logout endpoint: the issuer POSTs a logout token, the
// session's tokens are revoked in the store that the service's verifiers
// check, and the same token sent again is refused.
func ExampleNew() {
	key := exampleKey() // the issuer's signing key; the service has only its public half
	pub, err := keysource.NewKey("rsa-2048", "RS256", &key.PublicKey)
	if err != nil {
		panic(err)
	}
	keys, err := keysource.NewStatic(pub) // in production: keysource.NewOIDC for the issuer
	if err != nil {
		panic(err)
	}
	now := time.Unix(1_800_000_000, 0)
	store := newMemStore(func() time.Time { return now }) // in production: a revocation store

	h, err := backchannel.New(backchannel.Config{
		Keys:     keys,
		Issuer:   "https://idp.example.com/realms/test",
		ClientID: "my-api",
		Store:    store,
		Now:      func() time.Time { return now },
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/backchannel-logout", h)

	logoutToken := signRS256(key,
		map[string]any{"alg": "RS256", "kid": "rsa-2048", "typ": "logout+jwt"},
		map[string]any{
			"iss":    "https://idp.example.com/realms/test",
			"aud":    "my-api",
			"iat":    now.Unix(),
			"jti":    "bWJq",
			"sid":    "08a5019c-17e1-4977-8f42-65a12843ea02",
			"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
		})
	send := func() {
		req := httptest.NewRequest(http.MethodPost, "/backchannel-logout",
			strings.NewReader(url.Values{"logout_token": {logoutToken}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Body.String())))
	}
	send()
	send()

	err = store.Check(&revocation.Token{
		Issuer:    "https://idp.example.com/realms/test",
		SessionID: "08a5019c-17e1-4977-8f42-65a12843ea02",
	})
	fmt.Println(err)
	// Output:
	// 200
	// 400 {"error":"invalid_request","error_description":"logout token already used (jti)"}
	// token revoked
}
