// Package audit is the append-only, hash-chained log of every state change
// and every read of decrypted personal data. Each row's hash covers its
// content and the previous row's hash; row ids are consecutive; a head row
// holds the last id and hash. Verify therefore detects a changed row (its
// hash no longer matches), an inserted or deleted row (the chain or the id
// sequence breaks) and a truncated tail (the head disagrees).
//
// Rows written through a keyed Chain carry an HMAC-SHA256 under a key derived
// from the data key (KeyFrom), so that someone who can write to the database
// but does not hold the key cannot rewrite the chain and the head together:
// every row they recompute fails the HMAC. Rows written before the log was
// keyed carry a plain SHA-256 and still verify; once a keyed row exists, an
// unkeyed row after it is a rewrite. What the key cannot catch — deleting the
// newest rows together with the head, or replacing the whole chain with
// unkeyed rows — is caught by pinning the head outside the database
// (`beian audit head` prints it, `beian audit verify --expect-head` checks it)
// and by VerifyOptions.RequireKeyed. The design follows the forward-secure
// audit logs of Schneier and Kelsey, "Secure Audit Logs to Support Computer
// Forensics" (https://www.schneier.com/academic/paperfiles/paper-auditlogs.pdf),
// without the per-entry key evolution: the data key already lives on the server.
package audit

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/store"
)

// Entry is one audited event.
type Entry struct {
	At        time.Time
	ActorID   int64
	ActorRole string
	// Action is e.g. "application.submit" or "pii.read".
	Action string
	// Subject names what was acted on, e.g. "application:42".
	Subject string
	Details map[string]any
}

// KeySize is the length of a chain key (an HMAC-SHA256 key as long as its output).
const KeySize = 32

// keyInfo is the HKDF info string of the chain key, so that the chain key is
// never the same bytes as the data key (AES) or the blind-index key.
const keyInfo = "beian/audit/chain/v1"

// keyedPrefix starts the hash of every row written with a key. The prefix is
// itself hashed into the next row (as part of the previous hash), so it
// cannot be stripped without breaking the link.
const keyedPrefix = "hmac:"

// ErrBroken is wrapped by Verify's error when the chain does not verify.
var ErrBroken = errors.New("audit chain broken")

// ErrKeyRequired is wrapped when a keyed chain is appended to or verified
// without the key: the server must then be given the data key, not fall back
// to unkeyed rows that would read as a rewrite.
var ErrKeyRequired = errors.New("audit chain is keyed: the data key is required")

// KeyFrom derives the chain key from the data key (see secret.LoadKey):
// HKDF-SHA256 (RFC 5869) with an empty salt and the info
// "beian/audit/chain/v1", 32 bytes. It is a function of the data key alone,
// so every process that holds BEIAN_DATA_KEY or the key file — serve and
// `beian audit verify` — derives the same key without storing another secret.
func KeyFrom(secret []byte) []byte {
	// hkdf.Key fails only when more than 255 hash lengths are asked for.
	k, _ := hkdf.Key(sha256.New, secret, nil, keyInfo, KeySize)
	return k
}

// Chain appends to and verifies the log under one key. A Chain with no key
// (Unkeyed) writes and checks the plain SHA-256 rows of databases made before
// the log was keyed; it refuses to extend or vouch for a keyed chain. A Chain
// is immutable and safe for concurrent use.
type Chain struct {
	key []byte
}

// New returns a Chain that keys every row it writes with key (KeyFrom of the
// data key). A key shorter than KeySize is refused: it would be guessable.
func New(key []byte) (*Chain, error) {
	if len(key) < KeySize {
		return nil, fmt.Errorf("audit: chain key is %d bytes, want at least %d", len(key), KeySize)
	}
	return &Chain{key: append([]byte(nil), key...)}, nil
}

// Unkeyed returns the Chain of the package-level Append and Verify.
func Unkeyed() *Chain { return &Chain{} }

// String hides the key, so that logging a Chain by mistake leaks nothing.
func (c *Chain) String() string {
	if c.key == nil {
		return "audit.Chain{unkeyed}"
	}
	return "audit.Chain{keyed}"
}

// Keyed reports whether c writes keyed rows.
func (c *Chain) Keyed() bool { return c.key != nil }

// Append adds e to the chain inside the caller's transaction with an unkeyed
// Chain. Callers move to a keyed Chain's Append; once the chain holds a keyed
// row this returns an error wrapping ErrKeyRequired.
func Append(ctx context.Context, tx *store.Tx, e Entry) error {
	return Unkeyed().Append(ctx, tx, e)
}

// Verify walks the whole chain with an unkeyed Chain: it verifies databases
// written before the log was keyed and returns an error wrapping
// ErrKeyRequired at the first keyed row.
func Verify(ctx context.Context, db *store.DB) (Report, error) {
	return Unkeyed().Verify(ctx, db, VerifyOptions{})
}

// Append adds e to the chain inside the caller's transaction, so that the
// audit row commits or rolls back with the change it records. The head row
// is locked for the transaction (FOR UPDATE on PostgreSQL; SQLite has one
// writer), so concurrent appends are serialised and ids stay consecutive.
func (c *Chain) Append(ctx context.Context, tx *store.Tx, e Entry) error {
	lock := `SELECT last_id, last_hash FROM audit_head WHERE id = 1`
	if tx.Dialect() == store.Postgres {
		lock += ` FOR UPDATE`
	}
	var lastID int64
	var lastHash string
	if err := tx.Q().QueryRowContext(ctx, lock).Scan(&lastID, &lastHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	if c.key == nil && isKeyed(lastHash) {
		return fmt.Errorf("audit append %s: %w", e.Action, ErrKeyRequired)
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
		details = string(b)
	}
	r := row{ID: lastID + 1, At: store.Micros(e.At), ActorID: e.ActorID, Role: e.ActorRole, Action: e.Action,
		Subject: e.Subject, Details: details, Prev: lastHash}
	h := c.hash(r)
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	if _, err := tx.Q().ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_role, action, subject, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.At, actor, r.Role, r.Action, r.Subject, r.Details, r.Prev, h); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1`, r.ID, h); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// Anchor appends an "audit.keyed" row when the chain's newest row is not
// keyed (or the chain is empty), so that from the first start with a key
// on, the newest row of a genuine chain is always keyed and
// VerifyOptions.RequireKeyed can refuse a chain replaced by unkeyed rows. It
// reports whether it appended. Call it once at start-up, with a keyed Chain.
func (c *Chain) Anchor(ctx context.Context, db *store.DB, at time.Time) (bool, error) {
	if c.key == nil {
		return false, errors.New("audit anchor: the chain has no key")
	}
	added := false
	err := db.InTx(ctx, func(tx *store.Tx) error {
		added = false
		var last string
		if err := tx.Q().QueryRowContext(ctx, `SELECT last_hash FROM audit_head WHERE id = 1`).Scan(&last); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if isKeyed(last) {
			return nil
		}
		added = true
		return c.Append(ctx, tx, Entry{At: at, ActorRole: "system", Action: "audit.keyed", Subject: "audit"})
	})
	if err != nil {
		return false, fmt.Errorf("audit anchor: %w", err)
	}
	return added, nil
}

// row is one audit_log row as it is hashed.
type row struct {
	ID, At, ActorID                      int64
	Role, Action, Subject, Details, Prev string
}

// hash is the row's hash under c: HMAC-SHA256 with the "hmac:" prefix when c
// is keyed, plain SHA-256 otherwise.
func (c *Chain) hash(r row) string {
	if c.key == nil {
		return digest(sha256.New(), r)
	}
	return keyedPrefix + digest(hmac.New(sha256.New, c.key), r)
}

// digest writes the row's fields into h, each length-prefixed so that no two
// different rows share an encoding, and returns the hex sum. The plain
// SHA-256 form is the one every existing database was written with.
func digest(h hash.Hash, r row) string {
	for _, f := range []string{r.Prev, strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.At, 10), strconv.FormatInt(r.ActorID, 10), r.Role, r.Action, r.Subject, r.Details} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// isKeyed reports whether a stored hash was written with a key.
func isKeyed(h string) bool { return strings.HasPrefix(h, keyedPrefix) }
