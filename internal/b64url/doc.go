// Package b64url decodes unpadded base64url (RFC 4648 §5, the encoding of
// every JWS segment, RFC 7515 §2) with exactly the strictness of
// base64.RawURLEncoding.Strict(), only faster. It is not API.
//
// AppendDecode accepts the 64 characters "A"-"Z", "a"-"z", "0"-"9", "-" and
// "_" and nothing else: it refuses padding ("="), the standard alphabet's
// "+" and "/", spaces, and every other byte; a length that leaves one
// character over (len%4 == 1); and a final group whose unused low bits are
// not zero, so that every byte string has exactly one accepted encoding.
//
// One deliberate difference from encoding/base64: that package silently
// skips "\r" and "\n" anywhere in its input; AppendDecode refuses them like
// any other byte outside the alphabet. A token never legitimately holds a
// line break, and a decoder that ignores characters would let two
// different strings decode to the same bytes.
//
// The decoder is table-driven pure Go: each character position has its own
// lookup table holding the character's six bits already shifted into place,
// and a character outside the alphabet maps to a value with a marker bit
// that no valid character sets, so one test over the OR of a group's
// lookups finds any invalid character.
package b64url
