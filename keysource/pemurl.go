package keysource

// pemAccept is the Accept header of a PEM request.
const pemAccept = "application/x-pem-file, application/x-x509-ca-cert, text/plain;q=0.9, */*;q=0.1"

// PEMConfig configures NewPEM.
type PEMConfig struct {
	// URL is the PEM document's address, e.g.
	// "https://id.erply.com/jwt/pubkey.pem". Required. It must be https,
	// except to a loopback host or with InsecureAllowHTTP. The document holds
	// one or more PEM blocks (public keys or certificates).
	URL string

	FetchConfig
}

// NewPEM returns a source serving the public keys of the PEM document at
// cfg.URL. Its keys have no kid, so a verifier tries each; when a signature
// fails against all of them it asks for a refresh (RefreshSignature), which
// fetches again at most once per RefreshCooldown: that is how a rotated key
// is picked up between background refreshes. It fails with an error
// wrapping ErrConfig or ErrInsecureURL when the configuration is invalid.
// The caller must Close the source.
func NewPEM(cfg PEMConfig) (*Remote, error) {
	return newURLSource(cfg.FetchConfig, cfg.URL, "PEMConfig", pemAccept, parsePEM)
}
