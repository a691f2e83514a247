package fakeidp_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/keysource"
)

// TestMain checks that closed fakes leave no goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// payload decodes a compact JWS's header and claims without checking it.
func payload(t *testing.T, token string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	var h, c map[string]any
	for i, v := range []*map[string]any{&h, &c} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, v))
	}
	return h, c
}

func TestRealmDocuments(t *testing.T) {
	for _, tt := range []struct {
		name   string
		legacy bool
		path   string
	}{
		{name: "Keycloak 17+", path: "/realms/eat_realm"},
		{name: "legacy /auth", legacy: true, path: "/auth/realms/eat_realm"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := fakeidp.NewRealm(t, fakeidp.RealmOptions{Legacy: tt.legacy})
			assert.True(t, strings.HasSuffix(r.URL, tt.path), r.URL)
			resp, body := get(t, r.URL+fakeidp.DiscoveryPath)
			require.Equal(t, 200, resp.StatusCode)
			var d keysource.Discovery
			require.NoError(t, json.Unmarshal(body, &d))
			assert.Equal(t, r.Issuer, d.Issuer)
			assert.Equal(t, r.Issuer+"/protocol/openid-connect/certs", d.JWKSURI)

			resp, body = get(t, d.JWKSURI)
			require.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
			keys, skipped, err := keysource.ParseJWKS(body)
			require.NoError(t, err)
			require.Len(t, keys, 1, "the signing key")
			assert.Equal(t, r.KeyID(), keys[0].ID())
			require.Len(t, skipped, 1, "the enc key")
			var ke *keysource.KeyError
			require.True(t, errors.As(skipped[0], &ke))
			assert.Equal(t, "use-enc", ke.Rule)
			for _, k := range []string{"x5c", "x5t", "x5t#S256"} {
				assert.Equal(t, 2, strings.Count(string(body), `"`+k+`"`), k)
			}
			assert.Equal(t, 2, r.Fetches())

			resp, _ = get(t, r.URL+"/nope")
			assert.Equal(t, 404, resp.StatusCode)
		})
	}
}

func TestRealmTokens(t *testing.T) {
	r := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	h, c := payload(t, r.AccessToken(nil))
	assert.Equal(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": r.KeyID()}, h)
	assert.Equal(t, "Bearer", c["typ"])
	assert.Equal(t, "ea-api-edge", c["azp"])
	assert.Equal(t, "profile email", c["scope"])
	assert.Equal(t, "118466", c["account_ids"])
	assert.Equal(t, float64(0), c["nbf"])
	assert.NotEmpty(t, c["session_state"])
	assert.Equal(t, "1", c["acr"])

	h, c = payload(t, r.RefreshToken(nil))
	assert.Equal(t, "HS256", h["alg"])
	assert.Equal(t, "Refresh", c["typ"])
	_, c = payload(t, r.IDToken(nil))
	assert.Equal(t, "ID", c["typ"])
	_, c = payload(t, r.LogoutToken(nil))
	assert.Equal(t, "Logout", c["typ"])
	assert.Contains(t, c["events"], "http://schemas.openid.net/event/backchannel-logout")

	_, c = payload(t, r.AccessToken(fakeidp.Claims{"azp": "x", "acr": nil}))
	assert.Equal(t, "x", c["azp"])
	assert.NotContains(t, c, "acr")

	old := r.KeyID()
	kid, err := r.Rotate()
	require.NoError(t, err)
	assert.NotEqual(t, old, kid)
	h, _ = payload(t, r.AccessToken(nil))
	assert.Equal(t, kid, h["kid"])
	assert.False(t, r.Retire(kid), "the active key stays")
	assert.True(t, r.Retire(old))
}

func TestRealmTokenEndpoint(t *testing.T) {
	r := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	post := func(form url.Values) (int, map[string]any) {
		resp, err := http.PostForm(r.URL+fakeidp.TokenPath, form)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, out := post(url.Values{"grant_type": {"password"}, "client_id": {"ea-api-edge"}, "username": {"bob"}, "password": {"x"},
		"scope": {"openid reports:read"}, "roles": {"admin"}})
	require.Equal(t, 200, status, out)
	assert.Equal(t, "Bearer", out["token_type"])
	assert.NotEmpty(t, out["id_token"])
	_, c := payload(t, out["access_token"].(string))
	assert.Equal(t, "profile email openid reports:read", c["scope"])
	assert.Equal(t, "bob", c["preferred_username"])
	assert.Contains(t, c["realm_access"].(map[string]any)["roles"], "admin")
	_, rc := payload(t, out["refresh_token"].(string))
	assert.Equal(t, c["sid"], rc["sid"])
	assert.Equal(t, c["sub"], rc["sub"])

	status, out = post(url.Values{"grant_type": {"client_credentials"}, "client_id": {"ea-api-edge"}})
	require.Equal(t, 200, status)
	assert.Nil(t, out["id_token"])
	status, out = post(url.Values{"grant_type": {"client_credentials"}, "client_id": {"other"}})
	assert.Equal(t, 401, status)
	assert.Equal(t, "invalid_client", out["error"])
	status, _ = post(url.Values{"grant_type": {"authorization_code"}, "client_id": {"ea-api-edge"}})
	assert.Equal(t, 400, status)
}

func TestErply(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	resp, body := get(t, e.PEMURL)
	require.Equal(t, 200, resp.StatusCode)
	keys, err := keysource.ParsePEM(body)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	h, c := payload(t, e.Token(nil))
	assert.Equal(t, map[string]any{"alg": "RS256", "typ": "JWT"}, h, "no kid")
	assert.Equal(t, fakeidp.DefaultErplyAccount, c["clientCode"])
	assert.NotContains(t, c, "iss")

	require.NoError(t, e.Rotate(true))
	_, body = get(t, e.PEMURL)
	keys2, err := keysource.ParsePEM(body)
	require.NoError(t, err)
	require.Len(t, keys2, 2)
	assert.True(t, keys2[1].SameMaterial(keys[0]), "the old key comes second")
	require.NoError(t, e.Rotate(false))
	_, body = get(t, e.PEMURL)
	keys3, err := keysource.ParsePEM(body)
	require.NoError(t, err)
	require.Len(t, keys3, 1)
	assert.Equal(t, 3, e.Fetches())
}

func TestAnsira(t *testing.T) {
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	resp, err := http.PostForm(a.TokenURL, url.Values{"grant_type": {"client_credentials"},
		"client_id": {fakeidp.DefaultAnsiraClientID}, "client_secret": {fakeidp.DefaultAnsiraClientSecret}, "scope": {"a:read b:write"}})
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.Equal(t, "a:read,b:write", out["scope"])
	_, c := payload(t, out["access_token"].(string))
	assert.Equal(t, "a:read,b:write", c["scope"])
	assert.Equal(t, a.Issuer, c["iss"])

	resp2, err := http.PostForm(a.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}, "client_secret": {"y"}})
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, 401, resp2.StatusCode)

	_, body := get(t, a.JWKSURL)
	keys, skipped, err := keysource.ParseJWKS(body)
	require.NoError(t, err)
	assert.Empty(t, skipped)
	_, body = get(t, a.PEMURL)
	pems, err := keysource.ParsePEM(body)
	require.NoError(t, err)
	assert.True(t, keys[0].SameMaterial(pems[0]))
}
