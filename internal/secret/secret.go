// Package secret keeps the personal data of principals (ID numbers, phones,
// e-mail addresses) encrypted at rest and out of logs: a Box seals values with
// AES-256-GCM bound to the row they belong to, computes blind indexes so that
// the store can still find "the entity with this certificate number" without
// keeping it in clear, and the Mask functions and the Masked type print a
// value so that a log line or a role that does not need it never sees it whole.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// KeySize is the length in bytes of a data key: AES-256 takes 32 bytes.
const KeySize = 32

// Version1 is the first byte of every ciphertext Seal produces today: AES-256-GCM
// under the data key with a random 96-bit nonce. A later scheme gets a new
// version byte so that old rows stay readable during a migration.
const Version1 byte = 1

// nonceSize is the GCM standard nonce size.
const nonceSize = 12

// overhead is the version byte, the nonce and the GCM tag.
const overhead = 1 + nonceSize + 16

// blindIndexInfo is the HKDF info string that derives the blind-index key
// from the data key, so that the AES key and the HMAC key are never the same bytes.
const blindIndexInfo = "beian/secret/blind-index/v1"

// Kinds of values a blind index is computed for. The kind is mixed into the
// HMAC, so that the same digits as a phone and as an ID number give different
// indexes, and it selects the normalisation (see BlindIndex).
const (
	KindID    = "id"    // an ID or certificate number: case and inner spaces ignored
	KindPhone = "phone" // a phone number: spaces, hyphens, dots and brackets ignored
	KindEmail = "email" // an e-mail address: case ignored
)

// ErrMalformed is wrapped by Open and OpenString when the input is not a
// ciphertext Seal could have produced (too short, unknown version, bad base64).
var ErrMalformed = errors.New("malformed ciphertext")

// ErrAuthentication is wrapped by Open and OpenString when the ciphertext does
// not authenticate: wrong key, wrong associated data, or tampered bytes.
var ErrAuthentication = errors.New("ciphertext does not authenticate (wrong key, wrong row or tampered)")

// Box seals and opens personal data under one data key. It is immutable after
// New and safe for concurrent use by many goroutines.
type Box struct {
	aead     cipher.AEAD
	indexKey []byte
}

// New returns a Box for a 32-byte data key (see LoadKey). The AES-256-GCM key
// is the data key itself, so that an operator holding BEIAN_DATA_KEY can
// decrypt a row with standard tools; the blind-index key is
// HKDF-SHA256(data key, salt empty, info "beian/secret/blind-index/v1"), 32 bytes.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: data key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: data key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: data key: %w", err)
	}
	indexKey, err := hkdf.Key(sha256.New, key, nil, blindIndexInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("secret: derive blind-index key: %w", err)
	}
	return &Box{aead: aead, indexKey: indexKey}, nil
}

// String hides the key material, so that printing a Box by mistake leaks nothing.
func (b *Box) String() string { return "secret.Box{…}" }

// GoString hides the key material from %#v.
func (b *Box) GoString() string { return b.String() }

// additional returns the GCM additional data: the version byte followed by the
// caller's aad, so that the version is authenticated as well.
func additional(version byte, aad []byte) []byte {
	out := make([]byte, 0, 1+len(aad))
	out = append(out, version)
	return append(out, aad...)
}

// Seal encrypts plaintext and returns version byte || nonce || ciphertext and tag.
// aad binds the ciphertext to its row (for example "principal:42:id_number"):
// Open with any other aad fails, so that a ciphertext copied into another row
// does not decrypt there. Each call draws a fresh random nonce, so sealing the
// same value twice gives different bytes (use BlindIndex to look values up).
func (b *Box) Seal(plaintext, aad []byte) []byte {
	out := make([]byte, 1+nonceSize, overhead+len(plaintext))
	out[0] = Version1
	// crypto/rand.Read never returns an error (it aborts the program if the
	// system's randomness fails), so there is no error to report here.
	_, _ = rand.Read(out[1 : 1+nonceSize])
	return b.aead.Seal(out, out[1:1+nonceSize], plaintext, additional(Version1, aad))
}

// Open decrypts what Seal returned for the same aad. It returns an error
// wrapping ErrMalformed for input that is not a ciphertext of a known version,
// and ErrAuthentication when the key, the aad or the bytes do not match.
func (b *Box) Open(ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < overhead {
		return nil, fmt.Errorf("secret: open: %w: %d bytes, want at least %d", ErrMalformed, len(ciphertext), overhead)
	}
	if ciphertext[0] != Version1 {
		return nil, fmt.Errorf("secret: open: %w: unknown version %d", ErrMalformed, ciphertext[0])
	}
	nonce := ciphertext[1 : 1+nonceSize]
	plain, err := b.aead.Open(nil, nonce, ciphertext[1+nonceSize:], additional(Version1, aad))
	if err != nil {
		return nil, fmt.Errorf("secret: open: %w", ErrAuthentication)
	}
	return plain, nil
}

// SealString is Seal for TEXT columns: it returns the ciphertext as unpadded
// base64url.
func (b *Box) SealString(s, aad string) string {
	return base64.RawURLEncoding.EncodeToString(b.Seal([]byte(s), []byte(aad)))
}

// OpenString reverses SealString.
func (b *Box) OpenString(s, aad string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("secret: open: %w: base64url: %w", ErrMalformed, err)
	}
	plain, err := b.Open(raw, []byte(aad))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// BlindIndex returns a keyed digest of value, hex-encoded (64 characters), so
// that the store can keep it in an indexed column and find rows by an exact
// value without storing the value in clear. It is
// HMAC-SHA256(blind-index key, kind || 0x00 || Normalize(kind, value)); the
// key is derived from the data key (see New), so the index is useless without it.
func (b *Box) BlindIndex(kind, value string) string {
	mac := hmac.New(sha256.New, b.indexKey)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(Normalize(kind, value)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Normalize returns the form of value that BlindIndex digests, so that the
// ways people type the same value find the same row: Unicode NFKC (full-width
// digits and letters become ASCII), whitespace removed, and then per kind:
// KindID upper-cased (a final "x" of a resident ID is "X"); KindPhone without
// hyphens, dots and brackets; KindEmail lower-cased; any other kind upper-cased.
func Normalize(kind, value string) string {
	value = norm.NFKC.String(value)
	var sb strings.Builder
	sb.Grow(len(value))
	for _, r := range value {
		if unicode.IsSpace(r) {
			continue
		}
		if kind == KindPhone && strings.ContainsRune("-.()", r) {
			continue
		}
		sb.WriteRune(r)
	}
	if kind == KindEmail {
		return strings.ToLower(sb.String())
	}
	return strings.ToUpper(sb.String())
}
