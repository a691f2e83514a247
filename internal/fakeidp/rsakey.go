package fakeidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// rsaKey is an RSA key pair with the self-signed certificate Keycloak
// publishes in x5c.
type rsaKey struct {
	priv *rsa.PrivateKey
	kid  string
	cert []byte // DER
}

// newRSAKey generates a 2048-bit key and its certificate, whose subject
// is cn as Keycloak's are (the realm name).
func newRSAKey(cn string) (*rsaKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("fakeidp: generating an RSA key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("fakeidp: certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, fmt.Errorf("fakeidp: self-signed certificate: %w", err)
	}
	return &rsaKey{priv: priv, kid: randomKID(32), cert: cert}, nil
}

// jwk returns the key's public JWK as Keycloak publishes it, for use "sig"
// (alg RS256) or "enc" (alg RSA-OAEP).
func (k *rsaKey) jwk(use string) map[string]any {
	alg := "RS256"
	if use == "enc" {
		alg = "RSA-OAEP"
	}
	s1 := sha1.Sum(k.cert)
	s256 := sha256.Sum256(k.cert)
	pub := &k.priv.PublicKey
	return map[string]any{
		"kid":      k.kid,
		"kty":      "RSA",
		"alg":      alg,
		"use":      use,
		"n":        b64.EncodeToString(pub.N.Bytes()),
		"e":        b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"x5c":      []string{base64.StdEncoding.EncodeToString(k.cert)},
		"x5t":      b64.EncodeToString(s1[:]),
		"x5t#S256": b64.EncodeToString(s256[:]),
	}
}

// pem returns the key's public key as a PEM "PUBLIC KEY" block.
func (k *rsaKey) pem() []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
	if err != nil {
		panic(fmt.Sprintf("fakeidp: encoding a public key: %v", err)) // an RSA key always encodes
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// encKey is the one encryption key every Realm publishes: it is never used,
// only skipped by verifiers, so one per process saves a key generation per
// server.
var encKey = sync.OnceValues(func() (*rsaKey, error) { return newRSAKey("enc") })
