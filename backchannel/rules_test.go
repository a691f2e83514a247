package backchannel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/verify"
)

// Descriptions of the refusals, as the issuer reads them.
const (
	descType      = "typ header must be logout+jwt"
	descAlg       = "signature algorithm not accepted"
	descSignature = "invalid signature"
	descUnknown   = "unknown signing key"
	descIssuer    = "iss is not the expected issuer"
	descAudience  = "aud does not name this client"
	descMissing   = "a required claim is missing (iss, aud and iat are required)"
	descFuture    = "logout token issued in the future (iat)"
	descOld       = "logout token too old (iat)"
	descExpired   = "logout token expired (exp)"
	descSubject   = "logout token needs sid or sub"
	descEvents    = "events must hold http://schemas.openid.net/event/backchannel-logout with a JSON object value"
	descNonce     = "logout token must not carry a nonce"
	descJTI       = "logout token needs a jti"
	descClaims    = "a claim has the wrong type"
	descMalformed = "logout token is malformed"
	descReplayed  = "logout token already used (jti)"
	descRequest   = "the request must be an application/x-www-form-urlencoded POST with one logout_token"
	descStore     = "the logout could not be stored; retry"
)

// TestLogoutTokenRules runs every rule of sections 2.4 and 2.6 on a token
// that breaks it alone: the HTTP answer, the error Logout returns, and
// that nothing was stored for a refusal.
func TestLogoutTokenRules(t *testing.T) {
	evt := backchannel.EventBackchannelLogout
	tests := []struct {
		name   string
		header map[string]any // changes to the header; nil values remove
		over   map[string]any // changes to the claims
		edit   func(*backchannel.Config)
		key    any    // signing key, if not the RS256 test key
		alg    string // signing algorithm, if not RS256
		desc   string // "" for a token accepted
		want   error  // the sentinel Logout's error matches
		reason string // verify.Reason of that error
	}{
		{name: "good token with sid and sub"},
		{name: "sid only", over: map[string]any{"sub": nil}},
		{name: "sub only", over: map[string]any{"sid": nil}},
		{name: "typ with application/ prefix", header: map[string]any{"typ": "application/logout+jwt"}},
		{name: "typ JWT refused", header: map[string]any{"typ": "JWT"}, desc: descType, want: verify.ErrTokenType, reason: verify.ReasonTokenType},
		{name: "typ absent refused", header: map[string]any{"typ": nil}, desc: descType, want: verify.ErrTokenType, reason: verify.ReasonTokenType},
		{name: "typ at+jwt refused", header: map[string]any{"typ": "at+jwt"}, desc: descType, want: verify.ErrTokenType, reason: verify.ReasonTokenType},
		{name: "HS256 refused by default", alg: "HS256", key: testkeys.HMAC(t), desc: descAlg, want: verify.ErrAlgorithm, reason: verify.ReasonAlgorithm},
		{name: "alg none refused", alg: "none", desc: descAlg, want: verify.ErrAlgorithm, reason: verify.ReasonAlgorithm},
		{name: "ES256 not configured", alg: "ES256", key: testkeys.P256(t), desc: descAlg, want: verify.ErrAlgorithm, reason: verify.ReasonAlgorithm},
		{name: "signed by another key under the issuer's kid", key: testkeys.RSA3072(t), desc: descSignature, want: verify.ErrSignature, reason: verify.ReasonSignature},
		{name: "unknown kid", header: map[string]any{"kid": "other"}, desc: descUnknown, want: verify.ErrUnknownKey, reason: verify.ReasonUnknownKey},
		{name: "iss of another issuer", over: map[string]any{"iss": issuer + "2"}, desc: descIssuer, want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "iss with a trailing slash", over: map[string]any{"iss": issuer + "/"}, desc: descIssuer, want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "iss missing", over: map[string]any{"iss": nil}, desc: descMissing, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "aud of another client", over: map[string]any{"aud": "other-client"}, desc: descAudience, want: verify.ErrAudience, reason: verify.ReasonAudience},
		{name: "aud array containing the client", over: map[string]any{"aud": []string{"other-client", clientID}}},
		{name: "aud missing", over: map[string]any{"aud": nil}, desc: descMissing, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "iat missing", over: map[string]any{"iat": nil}, desc: descMissing, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "iat in the future within the leeway", over: map[string]any{"iat": t0.Add(59 * time.Second).Unix()}},
		{name: "iat in the future beyond the leeway", over: map[string]any{"iat": t0.Add(61 * time.Second).Unix()}, desc: descFuture, want: verify.ErrIssuedInFuture, reason: verify.ReasonIssuedInFuture},
		{name: "iat older than MaxAge within the leeway", over: map[string]any{"iat": t0.Add(-5*time.Minute - 59*time.Second).Unix()}},
		{name: "iat older than MaxAge and the leeway", over: map[string]any{"iat": t0.Add(-5*time.Minute - 61*time.Second).Unix()}, desc: descOld, want: verify.ErrTooOld, reason: verify.ReasonTooOld},
		{name: "iat older than a configured MaxAge", edit: func(c *backchannel.Config) { c.MaxAge = time.Minute }, over: map[string]any{"iat": t0.Add(-3 * time.Minute).Unix()}, desc: descOld, want: verify.ErrTooOld, reason: verify.ReasonTooOld},
		{name: "no leeway: iat one second ahead", edit: func(c *backchannel.Config) { c.Leeway = -1 }, over: map[string]any{"iat": t0.Add(time.Second).Unix()}, desc: descFuture, want: verify.ErrIssuedInFuture, reason: verify.ReasonIssuedInFuture},
		{name: "exp absent", over: map[string]any{"exp": nil}},
		{name: "exp past", over: map[string]any{"iat": t0.Add(-3 * time.Minute).Unix(), "exp": t0.Add(-2 * time.Minute).Unix()}, desc: descExpired, want: verify.ErrExpired, reason: verify.ReasonExpired},
		{name: "exp not a number", over: map[string]any{"exp": "soon"}, desc: descClaims, want: verify.ErrClaims, reason: verify.ReasonClaims},
		{name: "nbf in the future", over: map[string]any{"nbf": t0.Add(10 * time.Minute).Unix()}, desc: "logout token not yet valid (nbf)", want: verify.ErrNotYetValid, reason: verify.ReasonNotYetValid},
		{name: "neither sid nor sub", over: map[string]any{"sid": nil, "sub": nil}, desc: descSubject, want: backchannel.ErrNoSubject, reason: verify.ReasonClaims},
		{name: "empty sid and sub", over: map[string]any{"sid": "", "sub": ""}, desc: descSubject, want: backchannel.ErrNoSubject, reason: verify.ReasonClaims},
		{name: "sid not a string", over: map[string]any{"sid": 7}, desc: descClaims, want: verify.ErrClaims, reason: verify.ReasonClaims},
		{name: "events missing", over: map[string]any{"events": nil}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "events an array", over: map[string]any{"events": []string{evt}}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "events null", over: map[string]any{"events": nullJSON}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "events without the logout member", over: map[string]any{"events": map[string]any{"http://schemas.openid.net/event/other": map[string]any{}}}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "logout event true", over: map[string]any{"events": map[string]any{evt: true}}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "logout event an array", over: map[string]any{"events": map[string]any{evt: []any{}}}, desc: descEvents, want: backchannel.ErrEvents, reason: verify.ReasonClaims},
		{name: "logout event with members", over: map[string]any{"events": map[string]any{evt: map[string]any{"reason": "admin"}}}},
		{name: "Keycloak's revoke_offline_access beside the event", over: map[string]any{"events": map[string]any{evt: map[string]any{}, "revoke_offline_access": true}}},
		{name: "nonce present", over: map[string]any{"nonce": "n-0S6_WzA2Mj"}, desc: descNonce, want: backchannel.ErrNonce, reason: verify.ReasonClaims},
		{name: "nonce null", over: map[string]any{"nonce": nullJSON}, desc: descNonce, want: backchannel.ErrNonce, reason: verify.ReasonClaims},
		{name: "jti missing", over: map[string]any{"jti": nil}, desc: descJTI, want: backchannel.ErrNoID, reason: verify.ReasonMissingClaim},
		{name: "jti empty", over: map[string]any{"jti": ""}, desc: descJTI, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.edit)
			alg, key := "RS256", any(f.key)
			if tt.alg != "" {
				alg = tt.alg
			}
			if tt.key != nil {
				key = tt.key
			}
			header := map[string]any{"kid": testkeys.KIDRSA2048, "typ": backchannel.TokenType}
			for k, v := range tt.header {
				header[k] = v
			}
			token := testkeys.SignClaims(t, alg, key, header, logoutClaims(tt.over))

			rec := post(f.h, token)
			if tt.desc == "" {
				requireAnswer(t, rec, http.StatusOK, "", "")
				entries, _ := f.store.Entries(context.Background())
				require.Len(t, entries, 1)
				return
			}
			requireAnswer(t, rec, http.StatusBadRequest, "invalid_request", tt.desc)
			_, err := f.h.Logout(context.Background(), token)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.reason, verify.Reason(err))
			entries, _ := f.store.Entries(context.Background())
			assert.Empty(t, entries, "a refused token revoked something")
			assert.Zero(t, f.store.uses, "a refused token's jti was recorded")
		})
	}
}

// nullJSON is a JSON null claim value.
var nullJSON = jsonRaw("null")

type jsonRaw string

func (r jsonRaw) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// TestUntypedLogoutTokensOption: a typ of "JWT" or none passes only with
// InsecureAllowUntypedLogoutTokens, and another typ never does.
func TestUntypedLogoutTokensOption(t *testing.T) {
	tests := []struct {
		name   string
		typ    any // nil: no typ
		insec  bool
		status int
	}{
		{name: "JWT refused by default", typ: "JWT", status: http.StatusBadRequest},
		{name: "absent refused by default", typ: nil, status: http.StatusBadRequest},
		{name: "JWT with the option", typ: "JWT", insec: true, status: http.StatusOK},
		{name: "jwt lower case with the option", typ: "jwt", insec: true, status: http.StatusOK},
		{name: "absent with the option", typ: nil, insec: true, status: http.StatusOK},
		{name: "logout+jwt with the option", typ: "logout+jwt", insec: true, status: http.StatusOK},
		{name: "at+jwt even with the option", typ: "at+jwt", insec: true, status: http.StatusBadRequest},
		{name: "ID token's typ even with the option", typ: "id_token+jwt", insec: true, status: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *backchannel.Config) { c.InsecureAllowUntypedLogoutTokens = tt.insec })
			// A nil typ leaves the header without one.
			token := testkeys.SignClaims(t, "RS256", f.key, map[string]any{"kid": testkeys.KIDRSA2048, "typ": tt.typ}, logoutClaims(nil))
			rec := post(f.h, token)
			if tt.status == http.StatusOK {
				requireAnswer(t, rec, http.StatusOK, "", "")
				return
			}
			requireAnswer(t, rec, tt.status, "invalid_request", descType)
		})
	}
}

// TestHMACWhenConfigured: HS256 logout tokens (a client secret) pass only
// when Algorithms lists HS256 and the keys are that secret.
func TestHMACWhenConfigured(t *testing.T) {
	secret := testkeys.HMAC(t)
	k, err := keysourceSecret(secret)
	require.NoError(t, err)
	f := newFixture(t, func(c *backchannel.Config) {
		c.Keys = k
		c.Algorithms = []string{"HS256"}
	})
	token := testkeys.SignClaims(t, "HS256", secret, map[string]any{"typ": backchannel.TokenType}, logoutClaims(nil))
	requireAnswer(t, post(f.h, token), http.StatusOK, "", "")
	rs := f.token(t, nil)
	requireAnswer(t, post(f.h, rs), http.StatusBadRequest, "invalid_request", descAlg)
}
