//go:build ignore

// Command gen writes the test keys in testdata/keys. The keys are generated
// once and committed; tests read them through internal/testkeys. Run it from
// the repository root:
//
//	go run testdata/keys/gen/main.go [-out testdata/keys] [-force]
//
// It refuses to overwrite existing files unless -force is given: tests and
// documents may quote a key's kid or thumbprint. The keys are for tests only;
// never use them anywhere else.
package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

var (
	out   = flag.String("out", filepath.Join("testdata", "keys"), "output directory")
	force = flag.Bool("force", false, "overwrite existing files")
)

// jwk is a public JWK with its members in the usual order.
type jwk struct {
	KID     string   `json:"kid,omitempty"`
	Kty     string   `json:"kty"`
	Alg     string   `json:"alg,omitempty"`
	Use     string   `json:"use,omitempty"`
	Crv     string   `json:"crv,omitempty"`
	N       string   `json:"n,omitempty"`
	E       string   `json:"e,omitempty"`
	X       string   `json:"x,omitempty"`
	Y       string   `json:"y,omitempty"`
	K       string   `json:"k,omitempty"`
	X5C     []string `json:"x5c,omitempty"`
	X5T     string   `json:"x5t,omitempty"`
	X5TS256 string   `json:"x5t#S256,omitempty"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

var b64 = base64.RawURLEncoding

func main() {
	log.SetFlags(0)
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}

	rsa2048 := must(rsa.GenerateKey(rand.Reader, 2048))
	rsa3072 := must(rsa.GenerateKey(rand.Reader, 3072))
	rsaEnc := must(rsa.GenerateKey(rand.Reader, 2048)) // Keycloak's "use": "enc" key; its private half is thrown away
	p256 := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	edPub, edPriv := must2(ed25519.GenerateKey(rand.Reader))
	secret := make([]byte, 64)
	must(rand.Read(secret))

	for name, priv := range map[string]any{"rsa2048": rsa2048, "rsa3072": rsa3072, "p256": p256, "p384": p384, "ed25519": edPriv} {
		write(name+".pem", pemBlock("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(priv))))
	}
	for name, pub := range map[string]any{"rsa2048": &rsa2048.PublicKey, "rsa3072": &rsa3072.PublicKey, "p256": &p256.PublicKey, "p384": &p384.PublicKey, "ed25519": edPub} {
		write(name+".pub.pem", pemBlock("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(pub))))
	}
	write("rsa2048.pkcs1.pub.pem", pemBlock("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsa2048.PublicKey)))
	write("multi.pub.pem", append(
		pemBlock("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&rsa2048.PublicKey))),
		pemBlock("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&p256.PublicKey)))...))
	write("cert.pem", pemBlock("CERTIFICATE", selfSigned(rsa2048, "jwtguard test")))

	write("rsa2048.jwks.json", jsonFile(jwkSet{[]jwk{rsaJWK("rsa-2048", "RS256", &rsa2048.PublicKey)}}))
	write("rsa3072.jwks.json", jsonFile(jwkSet{[]jwk{rsaJWK("rsa-3072", "", &rsa3072.PublicKey)}}))
	write("jwks.json", jsonFile(jwkSet{[]jwk{
		rsaJWK("rsa-2048", "RS256", &rsa2048.PublicKey),
		rsaJWK("rsa-3072", "", &rsa3072.PublicKey),
		ecJWK("p-256", "ES256", p256),
		ecJWK("p-384", "ES384", p384),
		{KID: "ed25519", Kty: "OKP", Alg: "EdDSA", Use: "sig", Crv: "Ed25519", X: b64.EncodeToString(edPub)},
	}}))
	write("hmac.key", secret)
	write("hmac.jwks.json", jsonFile(jwkSet{[]jwk{{KID: "hmac-1", Kty: "oct", K: b64.EncodeToString(secret)}}}))

	// Keycloak's {issuer}/protocol/openid-connect/certs: an RS256 signing
	// key and an RSA-OAEP encryption key, each with its self-signed
	// certificate and a kid that is the key's RFC 7638 thumbprint.
	sig := rsaJWK(rsaThumbprint(&rsa2048.PublicKey), "RS256", &rsa2048.PublicKey)
	enc := rsaJWK(rsaThumbprint(&rsaEnc.PublicKey), "RSA-OAEP", &rsaEnc.PublicKey)
	enc.Use = "enc"
	withCert(&sig, selfSigned(rsa2048, "eat_realm"))
	withCert(&enc, selfSigned(rsaEnc, "eat_realm"))
	write("keycloak-certs.json", jsonFile(jwkSet{[]jwk{sig, enc}}))
}

func rsaJWK(kid, alg string, pub *rsa.PublicKey) jwk {
	return jwk{KID: kid, Kty: "RSA", Alg: alg, Use: "sig", N: b64.EncodeToString(pub.N.Bytes()), E: b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes())}
}

func ecJWK(kid, alg string, priv *ecdsa.PrivateKey) jwk {
	// The uncompressed point is 0x04 || X || Y, each coordinate full width.
	enc := must(priv.PublicKey.Bytes())
	size := (len(enc) - 1) / 2
	return jwk{KID: kid, Kty: "EC", Alg: alg, Use: "sig", Crv: priv.Curve.Params().Name,
		X: b64.EncodeToString(enc[1 : 1+size]), Y: b64.EncodeToString(enc[1+size:])}
}

// rsaThumbprint is the RFC 7638 thumbprint: SHA-256 over the required
// members in lexical order, without whitespace.
func rsaThumbprint(pub *rsa.PublicKey) string {
	j := rsaJWK("", "", pub)
	sum := sha256.Sum256([]byte(`{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`))
	return b64.EncodeToString(sum[:])
}

func withCert(j *jwk, der []byte) {
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	j.X5C = []string{base64.StdEncoding.EncodeToString(der)}
	j.X5T = b64.EncodeToString(s1[:])
	j.X5TS256 = b64.EncodeToString(s256[:])
}

func selfSigned(priv *rsa.PrivateKey, cn string) []byte {
	tmpl := &x509.Certificate{
		SerialNumber: must(rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2124, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	return must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv))
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func jsonFile(v any) []byte {
	return append(must(json.MarshalIndent(v, "", "  ")), '\n')
}

func write(name string, data []byte) {
	path := filepath.Join(*out, name)
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !*force {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		log.Fatalf("%v (use -force to overwrite)", err)
	}
	if _, err := f.Write(data); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", path)
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func must2[T, U any](t T, u U, err error) (T, U) {
	if err != nil {
		log.Fatal(err)
	}
	return t, u
}
