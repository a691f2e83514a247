package main

import (
	"bufio"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// What every contender checks: RS256 tokens of one issuer for one
// audience, with 60 s of clock skew (jwtguard's default), and the kid of
// the one key.
const (
	alg      = "RS256"
	issuer   = "https://sso.example.com/realms/eat_realm"
	audience = "ea-api-edge"
	leeway   = 60 * time.Second
	kid      = "bench-RS256"
)

var b64 = base64.RawURLEncoding

// loadKey reads the RSA 2048 test key of the repository.
func loadKey(dir string) (*rsa.PrivateKey, keyMaterial, error) {
	data, err := os.ReadFile(filepath.Join(dir, "rsa2048.pem"))
	if err != nil {
		return nil, keyMaterial{}, fmt.Errorf("%w (run from bench/, or set -keys to jwtguard's testdata/keys)", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, keyMaterial{}, errors.New("rsa2048.pem: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, keyMaterial{}, err
	}
	priv, isRSA := k.(*rsa.PrivateKey)
	if !isRSA {
		return nil, keyMaterial{}, fmt.Errorf("rsa2048.pem holds a %T", k)
	}
	jwks, err := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "kid": kid, "alg": alg, "use": "sig",
		"n": b64.EncodeToString(priv.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(priv.E)).Bytes()),
	}}})
	if err != nil {
		return nil, keyMaterial{}, err
	}
	return priv, keyMaterial{pub: &priv.PublicKey, jwks: jwks}, nil
}

// keycloakClaims is a Keycloak-shaped access token body of about 700
// bytes, the shape of bench's and verify's benchmarks.
func keycloakClaims(now time.Time, jti string) map[string]any {
	return map[string]any{
		"exp": now.Add(24 * time.Hour).Unix(), "iat": now.Unix(), "nbf": 0, "auth_time": now.Unix(),
		"jti": jti, "iss": issuer, "aud": []string{audience, "account"},
		"sub": "f4a9c1d2-5b7e-4c3a-8e2f-1a6d9b0c7e34", "typ": "Bearer", "azp": audience,
		"session_state": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "sid": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "acr": "1",
		"allowed-origins": []string{"https://app.e-attestations.com"},
		"realm_access":    map[string]any{"roles": []string{"offline_access", "uma_authorization", "default-roles-eat_realm"}},
		"resource_access": map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}},
		"scope":           "openid profile email", "email_verified": true, "name": "Jeanne Martin",
		"preferred_username": "jeanne.martin", "given_name": "Jeanne", "family_name": "Martin",
		"email": "jeanne.martin@example.com", "account_ids": "118466",
	}
}

// signToken signs claims as a compact RS256 JWS with header kid (and alg).
func signToken(priv *rsa.PrivateKey, hdr map[string]string, claims map[string]any) (string, error) {
	h, err := json.Marshal(hdr)
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

var header = map[string]string{"alg": alg, "kid": kid, "typ": "JWT"}

// forge returns token with one bit of its signature flipped.
func forge(token string) string {
	i := strings.LastIndexByte(token, '.')
	sig, err := b64.DecodeString(token[i+1:])
	if err != nil {
		panic(err)
	}
	sig[len(sig)/2] ^= 1
	return token[:i+1] + b64.EncodeToString(sig)
}

// coldTokens returns n distinct valid tokens (a different jti each),
// valid for at least two more hours. Signing 20,000 RSA tokens takes
// 10-30 s, so they are kept in the user's cache directory (or the temp
// directory) and reused while they stay valid.
func coldTokens(priv *rsa.PrivateKey, n int) ([]string, error) {
	fp := sha256.Sum256(priv.N.Bytes())
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	file := filepath.Join(dir, "jwtguard-httpbench", fmt.Sprintf("tokens-%s-%d.txt", hex.EncodeToString(fp[:6]), n))
	if toks, err := readTokens(file, n); err == nil {
		return toks, nil
	}
	now := time.Now()
	toks := make([]string, n)
	errs := make([]error, runtime.NumCPU())
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += len(errs) {
				toks[i], errs[w] = signToken(priv, header, keycloakClaims(now, fmt.Sprintf("cold-%06d", i)))
				if errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := writeTokens(file, now.Add(24*time.Hour), toks); err != nil {
		fmt.Fprintln(os.Stderr, "httpbench: could not keep the tokens:", err)
	}
	return toks, nil
}

// readTokens reads a token file: its first line is the tokens' exp, then
// one token a line.
func readTokens(file string, n int) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	if !sc.Scan() {
		return nil, errors.New("empty token file")
	}
	exp, err := strconv.ParseInt(sc.Text(), 10, 64)
	if err != nil || time.Until(time.Unix(exp, 0)) < 2*time.Hour {
		return nil, errors.New("stale token file")
	}
	toks := make([]string, 0, n)
	for sc.Scan() {
		toks = append(toks, sc.Text())
	}
	if sc.Err() != nil || len(toks) != n {
		return nil, errors.New("incomplete token file")
	}
	return toks, nil
}

func writeTokens(file string, exp time.Time, toks []string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(exp.Unix(), 10) + "\n")
	for _, t := range toks {
		b.WriteString(t + "\n")
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// badTokens are tokens every authenticating contender must refuse, by the
// check they exercise.
func badTokens(priv *rsa.PrivateKey, valid string) (map[string]string, error) {
	now := time.Now()
	with := func(k string, v any) map[string]any {
		c := maps.Clone(keycloakClaims(now, "bad"))
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	out := map[string]string{
		"signature": forge(valid),
		"alg none": b64.EncodeToString([]byte(`{"alg":"none","kid":"`+kid+`"}`)) + "." +
			strings.Split(valid, ".")[1] + ".",
	}
	for name, c := range map[string]map[string]any{
		"expired":  with("exp", now.Add(-time.Hour).Unix()),
		"no exp":   with("exp", nil),
		"issuer":   with("iss", "https://evil.example.com"),
		"audience": with("aud", []string{"another-api", "account"}),
	} {
		t, err := signToken(priv, header, c)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	t, err := signToken(priv, map[string]string{"alg": alg, "kid": "bench-other", "typ": "JWT"}, keycloakClaims(now, "kid"))
	if err != nil {
		return nil, err
	}
	out["unknown kid"] = t
	return out, nil
}
