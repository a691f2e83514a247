// Command jwtverify verifies one JWT (compact JWS) from the command line and
// prints one JSON object that says whether it is valid and, if not, why:
//
//	jwtverify -jwks https://sso.example.com/realms/main/protocol/openid-connect/certs \
//		-iss https://sso.example.com/realms/main -aud my-api "$TOKEN"
//
//	{"valid":true,"header":{...},"claims":{...},"key":{...}}
//	{"valid":false,"reason":"expired","error":"...","hint":"exp is ...","unverified":{...}}
//
// The token is the argument, or is read from stdin when the argument is
// absent or "-". Keys come from exactly one of -jwks FILE|URL, -pem
// FILE|URL, -oidc ISSUER_URL or -secret-file FILE. Without -iss (or -oidc,
// whose issuer is then expected) the issuer is not checked, and without
// -aud the audience is not checked: the output says so under "warnings",
// which are repeated on stderr.
//
// Exit status: 0 valid, 1 token rejected, 2 usage or configuration error,
// 3 keys unavailable. See docs/jwtverify.md for every flag.
package main
