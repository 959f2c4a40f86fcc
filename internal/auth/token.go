package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenPrefix starts every API token, so that a token pasted into a chat or a
// repository is recognisable (and findable by secret scanners).
const TokenPrefix = "bn_"

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// NewToken returns a fresh API token to hand to the client once, "bn_"
// followed by 32 random bytes in unpadded base64url (46 characters in all),
// and its digest (TokenDigest) to store. The store never keeps the token
// itself, so a copy of the database does not let anyone call the API.
func NewToken() (token, digest string, err error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", "", fmt.Errorf("auth: new token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	return token, TokenDigest(token), nil
}

// TokenDigest returns the lower-case hex SHA-256 of the whole token (prefix
// included), the value the store keeps and looks a bearer token up by. A
// plain hash suffices because a token has 256 bits of entropy; no salt or slow
// hash is needed, and lookups stay an indexed equality.
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
