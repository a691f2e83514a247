package middleware

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
)

// maxCertHeaderBytes bounds the client certificate header read with
// Config.InsecureClientCertHeader.
const maxCertHeaderBytes = 16 << 10

// CertThumbprint returns base64url(SHA-256(der)), no padding: the
// "x5t#S256" confirmation of a token bound to the certificate whose DER
// encoding is der (RFC 8705 section 3.1).
func CertThumbprint(der []byte) string {
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// clientCertThumbprint returns the thumbprint of the request's client
// certificate, "" when it has none. The certificate comes from the TLS
// connection (r.TLS.PeerCertificates[0], which net/http has verified
// against tls.Config.ClientCAs when ClientAuth asks it to) or, when
// header is set and the connection carries none, from that header.
func clientCertThumbprint(r *http.Request, header string) (string, error) {
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		return CertThumbprint(r.TLS.PeerCertificates[0].Raw), nil
	}
	if header == "" {
		return "", nil
	}
	v := r.Header[header]
	switch {
	case len(v) == 0 || len(v) == 1 && v[0] == "":
		return "", nil
	case len(v) > 1:
		return "", fmt.Errorf("%w: %d %s headers", ErrMalformedRequest, len(v), header)
	case len(v[0]) > maxCertHeaderBytes:
		return "", fmt.Errorf("%w: header %s is longer than %d bytes", ErrMalformedRequest, header, maxCertHeaderBytes)
	}
	// PathUnescape, not QueryUnescape: a literal "+" of base64 stays "+".
	raw, err := url.PathUnescape(v[0])
	if err != nil {
		return "", fmt.Errorf("%w: header %s is not URL-encoded", ErrMalformedRequest, header)
	}
	block, rest := pem.Decode([]byte(raw))
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("%w: header %s holds no PEM certificate", ErrMalformedRequest, header)
	}
	if b, _ := pem.Decode(rest); b != nil {
		return "", fmt.Errorf("%w: header %s holds more than one PEM block", ErrMalformedRequest, header)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return "", fmt.Errorf("%w: header %s holds no X.509 certificate", ErrMalformedRequest, header)
	}
	return CertThumbprint(block.Bytes), nil
}

// canonicalCertHeader checks and canonicalizes Config.InsecureClientCertHeader.
func canonicalCertHeader(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if !validHeaderName(name) {
		return "", fmt.Errorf("middleware: Config.InsecureClientCertHeader %q is not a valid header name", name)
	}
	return textproto.CanonicalMIMEHeaderKey(name), nil
}
