// Command jwtrevoke revokes tokens before they expire, in the Redis that
// the replicas of a service share through package redisstore, and lists
// what is in force. Every replica refuses a revoked token within moments
// (401 invalid_token, error_description="revoked").
//
//	jwtrevoke token   -redis URL [-leeway 60s] TOKEN|-     one token, by its iss, jti and exp
//	jwtrevoke session -redis URL -iss ISSUER -sid SID      every token of a session
//	jwtrevoke subject -redis URL -iss ISSUER -sub SUB [-before TIME]
//	jwtrevoke client  -redis URL -iss ISSUER -client ID [-before TIME]
//	jwtrevoke issuer  -redis URL -iss ISSUER -before TIME  every token of the issuer (key compromise)
//	jwtrevoke list    -redis URL [-iss ISSUER] [-json]
//	jwtrevoke count   -redis URL [-iss ISSUER]
//
// -redis is a redis:// or rediss:// URL (redis://[user:password@]host:port/db);
// when absent it is read from the environment variable JWTREVOKE_REDIS, which
// keeps a password out of the process list. -prefix must be the services'
// redisstore Prefix (default "jwtguard:revocation").
//
// The token command reads the token (the argument, or stdin when it is
// absent or "-") without verifying it: a revocation can only refuse tokens,
// never let one in, so a forged token can at worst revoke the jti it names.
// It needs iss, jti and exp; the entry lasts until exp plus -leeway. A
// subject, client or issuer cut-off revokes the tokens issued at or before
// -before (RFC 3339, Unix seconds, or "now"; default now for subject and
// client, required for issuer); those entries, and sessions, last
// -max-token-lifetime past the cut-off (default 24 h; give the services'
// MaxTokenLifetime).
//
// Exit status: 0 done (for token, also when the token has already
// expired: nothing to revoke); 1 Redis did not take it or could not be read
// (unreachable, refused, the store full): nothing was revoked; 2 usage
// error (nothing sent to Redis).
package main
