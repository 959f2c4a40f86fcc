// Package audit is the append-only, hash-chained log of every state change
// and every read of decrypted personal data. Each row's hash covers its
// content and the previous row's hash; row ids are consecutive; a head row
// holds the last id and hash. Verify therefore detects a changed row (its
// hash no longer matches), an inserted or deleted row (the chain or the id
// sequence breaks) and a truncated tail (the head disagrees). Someone who
// can rewrite the whole table and the head at once is outside this model:
// export the head hash elsewhere (beian audit verify prints it) to pin it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// Append adds e to the chain inside the caller's transaction, so that the
// audit row commits or rolls back with the change it records.
func Append(ctx context.Context, tx *store.Tx, e Entry) error {
	lock := `SELECT last_id, last_hash FROM audit_head WHERE id = 1`
	if tx.Dialect() == store.Postgres {
		lock += ` FOR UPDATE`
	}
	var lastID int64
	var lastHash string
	if err := tx.Q().QueryRowContext(ctx, lock).Scan(&lastID, &lastHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
		details = string(b)
	}
	id := lastID + 1
	at := store.Micros(e.At)
	h := rowHash(lastHash, id, at, e.ActorID, e.ActorRole, e.Action, e.Subject, details)
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	if _, err := tx.Q().ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_role, action, subject, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, at, actor, e.ActorRole, e.Action, e.Subject, details, lastHash, h); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1`, id, h); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// rowHash is SHA-256 over the previous hash and the row's fields, each
// length-prefixed so that no two different rows share an encoding.
func rowHash(prev string, id, at, actorID int64, role, action, subject, details string) string {
	h := sha256.New()
	for _, f := range []string{prev, strconv.FormatInt(id, 10), strconv.FormatInt(at, 10), strconv.FormatInt(actorID, 10), role, action, subject, details} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Report is the outcome of Verify.
type Report struct {
	Rows     int64  `json:"rows"`
	HeadID   int64  `json:"head_id"`
	HeadHash string `json:"head_hash"`
	OK       bool   `json:"ok"`
	// Problem describes the first break found, with the row id.
	Problem string `json:"problem,omitempty"`
	BadID   int64  `json:"bad_id,omitempty"`
}

// ErrBroken is wrapped by Verify's error when the chain does not verify.
var ErrBroken = errors.New("audit chain broken")

// Verify walks the whole chain.
func Verify(ctx context.Context, db *store.DB) (Report, error) {
	q := db.R(ctx)
	var r Report
	if err := q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&r.HeadID, &r.HeadHash); err != nil {
		return r, fmt.Errorf("audit head: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_role, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return r, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	prev, want := "", int64(1)
	fail := func(id int64, format string, args ...any) (Report, error) {
		r.BadID, r.Problem = id, fmt.Sprintf(format, args...)
		return r, fmt.Errorf("%w at row %d: %s", ErrBroken, id, r.Problem)
	}
	for rows.Next() {
		var id, at, actor int64
		var role, action, subject, details, prevHash, hash string
		if err := rows.Scan(&id, &at, &actor, &role, &action, &subject, &details, &prevHash, &hash); err != nil {
			return r, fmt.Errorf("audit log: %w", err)
		}
		switch {
		case id != want:
			return fail(want, "row %d expected, found %d: a row was deleted or inserted", want, id)
		case prevHash != prev:
			return fail(id, "previous-hash link does not match row %d", id-1)
		case rowHash(prevHash, id, at, actor, role, action, subject, details) != hash:
			return fail(id, "content does not match its hash: the row was changed")
		}
		prev, want = hash, want+1
		r.Rows++
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("audit log: %w", err)
	}
	if r.Rows != r.HeadID || prev != r.HeadHash {
		return fail(r.Rows, "the head says %d rows ending in %.12s…, the log has %d: rows were removed from the end or added", r.HeadID, r.HeadHash, r.Rows)
	}
	r.OK = true
	return r, nil
}
