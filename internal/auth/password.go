// Package auth holds what proves who a caller is: argon2id password hashes
// in the PHC string format, random API tokens of which the store keeps only a
// digest, the password policy, the roles of the platform, and the Principal
// that the web layer puts in the request context once a caller is known.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new hashes. RFC 9106 §4 recommends, as its second
// option for when 2 GiB is too much memory, argon2id with t=3 passes over
// m=64 MiB and p=4 lanes. On this project's reference machine (2 shared AMD
// EPYC cores) that costs about 84 ms with both cores and 142 ms on one, over
// the ~100 ms budget for a login; t=2, m=64 MiB, p=2 keeps the same memory
// hardness and costs about 58 ms on two cores and 95 ms on one (measured by
// BenchmarkHashPassword). Each hash in flight holds 64 MiB, so the web layer
// bounds how many run at once. Old hashes keep verifying with the parameters
// in their own string; NeedsRehash tells when to upgrade one at the next login.
const (
	ArgonTime    uint32 = 2
	ArgonMemory  uint32 = 64 * 1024 // KiB
	ArgonThreads uint8  = 2
	SaltLen             = 16
	HashLen             = 32
)

// Limits on the parameters VerifyPassword accepts from an encoded hash, so
// that a corrupted or hostile row cannot make one login allocate gigabytes or
// spin for minutes.
const (
	maxMemory  = 256 * 1024 // KiB: 256 MiB, four times today's cost
	maxTime    = 10
	maxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minHash    = 16
	maxHash    = 64
)

// ErrMalformedHash is wrapped by VerifyPassword and NeedsRehash when the
// encoded hash is not an argon2id PHC string this package can check.
// (Sentinel errors are the one kind of package variable here; nothing writes them.)
var ErrMalformedHash = errors.New("malformed password hash")

// HashPassword returns password hashed with argon2id under a fresh 16-byte
// salt, as a PHC string "$argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>". It does
// not apply the policy: call CheckPasswordPolicy first on a new password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: password salt: %w", err)
	}
	p := phc{memory: ArgonMemory, time: ArgonTime, threads: ArgonThreads, salt: salt}
	p.hash = argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, HashLen)
	return p.String(), nil
}

// VerifyPassword reports whether password matches encoded, a hash from
// HashPassword, using the parameters written in encoded and a constant-time
// comparison. A wrong password is (false, nil); an encoded value that is not
// a well-formed argon2id hash within sane limits is an error wrapping
// ErrMalformedHash.
func VerifyPassword(encoded, password string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.hash)))
	return subtle.ConstantTimeCompare(got, p.hash) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than the
// current ones, so that the caller can store a fresh hash after a successful
// login. A malformed encoding is an error wrapping ErrMalformedHash.
func NeedsRehash(encoded string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	return p.memory != ArgonMemory || p.time != ArgonTime || p.threads != ArgonThreads ||
		len(p.salt) != SaltLen || len(p.hash) != HashLen, nil
}

// phc is a decoded argon2id PHC string.
type phc struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	hash    []byte
}

// String encodes p in the PHC string format.
func (p phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, base64.RawStdEncoding.EncodeToString(p.salt), base64.RawStdEncoding.EncodeToString(p.hash))
}

// parsePHC decodes "$argon2id$v=19$m=M,t=T,p=P$salt$hash" strictly (fields in
// that order, version 19, parameters and lengths within limits).
func parsePHC(s string) (phc, error) {
	bad := func(format string, args ...any) (phc, error) {
		return phc{}, fmt.Errorf("auth: %w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 fields separated by '$', got %d", len(parts)-1)
	}
	if parts[1] != "argon2id" {
		return bad("algorithm %q, want argon2id", truncate(parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version %q, want v=%d", truncate(parts[2]), argon2.Version)
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return bad("parameters %q, want m=…,t=…,p=…", truncate(parts[3]))
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		digits, ok := strings.CutPrefix(params[i], name+"=")
		if !ok || digits == "" || len(digits) > 10 || strings.Trim(digits, "0123456789") != "" ||
			(len(digits) > 1 && digits[0] == '0') {
			return bad("parameter %d is %q, want %s=<decimal>", i+1, truncate(params[i]), name)
		}
		v, err := strconv.ParseUint(digits, 10, 32)
		if err != nil {
			return bad("parameter %s: %v", name, err)
		}
		vals[i] = v
	}
	p := phc{memory: uint32(vals[0]), time: uint32(vals[1])}
	if vals[2] < 1 || vals[2] > maxThreads {
		return bad("p=%d outside 1..%d", vals[2], maxThreads)
	}
	p.threads = uint8(vals[2])
	if p.time < 1 || p.time > maxTime {
		return bad("t=%d outside 1..%d", p.time, maxTime)
	}
	if p.memory < 8*uint32(p.threads) || p.memory > maxMemory {
		return bad("m=%d outside %d..%d KiB", p.memory, 8*uint32(p.threads), maxMemory)
	}
	var err error
	if p.salt, err = decodeB64(parts[4]); err != nil {
		return bad("salt: %v", err)
	}
	if len(p.salt) < minSalt || len(p.salt) > maxSalt {
		return bad("salt of %d bytes outside %d..%d", len(p.salt), minSalt, maxSalt)
	}
	if p.hash, err = decodeB64(parts[5]); err != nil {
		return bad("hash: %v", err)
	}
	if len(p.hash) < minHash || len(p.hash) > maxHash {
		return bad("hash of %d bytes outside %d..%d", len(p.hash), minHash, maxHash)
	}
	return p, nil
}

// decodeB64 decodes the PHC format's base64 (standard alphabet, no padding)
// strictly: encoding/base64 skips '\r' and '\n' even in strict mode, so any
// byte outside the alphabet is refused first, and a hash has one spelling.
func decodeB64(s string) ([]byte, error) {
	for i := range len(s) {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, fmt.Errorf("byte %q at %d is not in the base64 alphabet", c, i)
		}
	}
	return base64.RawStdEncoding.Strict().DecodeString(s)
}

// truncate shortens a field echoed in an error, so that a huge malformed row
// does not make a huge log line.
func truncate(s string) string {
	const max = 32
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
