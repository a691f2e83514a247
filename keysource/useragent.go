package keysource

// Version is jwtguard's version. Remote sources send it in their User-Agent
// header as "jwtguard/<Version>", so an identity provider's operators can
// tell which client fetches its keys.
const Version = "0.1.0"

// userAgent returns the User-Agent header for a source: custom, when set,
// followed by "jwtguard/<Version>", which is always present.
func userAgent(custom string) string {
	if custom == "" {
		return "jwtguard/" + Version
	}
	return custom + " jwtguard/" + Version
}
