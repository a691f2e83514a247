// Package cliflag holds what jwtguard's command-line programs share, so that
// a flag both take means the same in both: jwtverify (cmd/jwtverify), jwtrevoke
// (cmd/jwtrevoke) and the example server (examples/chi-server). It is not
// API.
//
//   - List: a repeatable, comma-separated list flag (-iss, -aud, -alg, -typ);
//   - -typ: TypesUsage and Types, the accepted "typ" header values;
//   - -secret-file: SecretFile reads an HMAC secret, the file's bytes
//     exactly, with a warning for a trailing newline; CheckAlgorithms keeps
//     HS* algorithms and -secret-file together;
//   - Remote and AsRemote: the remote key sources both programs build;
//   - URLError and RedactURL: a URL flag that did not parse is named
//     without its password (-redis).
package cliflag
