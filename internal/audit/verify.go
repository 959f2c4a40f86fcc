package audit

import (
	"context"
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/store"
)

// Report is the outcome of Verify.
type Report struct {
	Rows int64 `json:"rows"`
	// KeyedRows counts the rows carrying an HMAC; the others predate the key.
	KeyedRows int64  `json:"keyed_rows"`
	HeadID    int64  `json:"head_id"`
	HeadHash  string `json:"head_hash"`
	OK        bool   `json:"ok"`
	// Problem describes the first break found, with the row id.
	Problem string `json:"problem,omitempty"`
	BadID   int64  `json:"bad_id,omitempty"`
}

// Head returns the verified head, the value to store outside the database.
func (r Report) Head() Head { return Head{ID: r.HeadID, Hash: r.HeadHash} }

// Head names the newest row of the chain: its id and its hash. Stored outside
// the database (a ticket, a log shipped elsewhere, another machine), it pins
// every row up to ID: a chain rewritten, or cut back below ID, no longer has
// Hash at row ID.
type Head struct {
	ID   int64
	Hash string
}

// String is the exported form "ID:HASH" ("0:" for an empty chain), which
// ParseHead reads back.
func (h Head) String() string { return strconv.FormatInt(h.ID, 10) + ":" + h.Hash }

// ParseHead reads the form Head.String prints. A bare hash (no "ID:") is
// accepted with ID 0, meaning "the newest row, whatever its id".
func ParseHead(s string) (Head, error) {
	s = strings.TrimSpace(s)
	idPart, hashPart, found := strings.Cut(s, ":")
	if !found || idPart == "hmac" {
		if err := checkHash(s); err != nil {
			return Head{}, fmt.Errorf("audit head %q: %w", short(s), err)
		}
		return Head{Hash: s}, nil
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id < 0 {
		return Head{}, fmt.Errorf("audit head %q: want ID:HASH as `beian audit head` prints it, the ID a row number", short(s))
	}
	if id == 0 {
		if hashPart != "" {
			return Head{}, fmt.Errorf("audit head %q: an empty chain (row 0) has no hash", short(s))
		}
		return Head{}, nil
	}
	if err := checkHash(hashPart); err != nil {
		return Head{}, fmt.Errorf("audit head %q: %w", short(s), err)
	}
	return Head{ID: id, Hash: hashPart}, nil
}

// checkHash accepts the two stored forms: 64 hex digits, optionally after "hmac:".
func checkHash(h string) error {
	hexPart := strings.TrimPrefix(h, keyedPrefix)
	if len(hexPart) != 64 {
		return fmt.Errorf("hash has %d hex digits, want 64", len(hexPart))
	}
	for i := 0; i < len(hexPart); i++ {
		if c := hexPart[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("hash has %q at %d, want lower-case hex", c, i)
		}
	}
	return nil
}

// short cuts user input for error messages.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// VerifyOptions are the checks beyond the chain itself.
type VerifyOptions struct {
	// ExpectHead, when set, is a head exported earlier: the chain must still
	// hold Hash at row ID (it may have grown since). With ID 0 Hash must be
	// the newest row's hash. This catches what no key can: the newest rows
	// deleted together with the head, or the whole chain replaced.
	ExpectHead *Head
	// RequireKeyed refuses a chain whose newest row is not keyed, or that is
	// empty: after a keyed server's first start (Chain.Anchor) that is a
	// chain replaced by someone without the key.
	RequireKeyed bool
}

// Verify walks the chain up to the head read first, so that rows appended
// while it runs neither break nor lengthen the walk; afterwards it checks that
// no row lies beyond the head. It returns a Report and, when the chain does
// not verify, an error wrapping ErrBroken (or ErrKeyRequired when c has no
// key and the chain is keyed); other errors are the database's.
func (c *Chain) Verify(ctx context.Context, db *store.DB, opts VerifyOptions) (Report, error) {
	q := db.R()
	var r Report
	if err := q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&r.HeadID, &r.HeadHash); err != nil {
		return r, fmt.Errorf("audit head: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_role, action, subject, details, prev_hash, hash
		FROM audit_log WHERE id <= ? ORDER BY id`, r.HeadID)
	if err != nil {
		return r, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	fail := func(err error, id int64, format string, args ...any) (Report, error) {
		r.BadID, r.Problem = id, fmt.Sprintf(format, args...)
		return r, fmt.Errorf("%w at row %d: %s", err, id, r.Problem)
	}
	prev, want, firstKeyed := "", int64(1), int64(0)
	pinned := ""
	for rows.Next() {
		var x row
		var stored string
		if err := rows.Scan(&x.ID, &x.At, &x.ActorID, &x.Role, &x.Action, &x.Subject, &x.Details, &x.Prev, &stored); err != nil {
			return r, fmt.Errorf("audit log: %w", err)
		}
		switch {
		case x.ID != want:
			return fail(ErrBroken, want, "row %d expected, found %d: a row was deleted or inserted", want, x.ID)
		case x.Prev != prev:
			return fail(ErrBroken, x.ID, "previous-hash link does not match row %d", x.ID-1)
		case isKeyed(stored) && c.key == nil:
			return fail(ErrKeyRequired, x.ID, "row %d is keyed: verify with the data key (BEIAN_DATA_KEY or the key file)", x.ID)
		case !isKeyed(stored) && firstKeyed != 0:
			return fail(ErrBroken, x.ID, "row %d is unkeyed after keyed row %d: the chain was rewritten without the key", x.ID, firstKeyed)
		case !hmac.Equal([]byte(c.recompute(x, stored)), []byte(stored)):
			return fail(ErrBroken, x.ID, "content does not match its hash: the row was changed or rewritten without the key")
		}
		if isKeyed(stored) {
			r.KeyedRows++
			if firstKeyed == 0 {
				firstKeyed = x.ID
			}
		}
		if opts.ExpectHead != nil && x.ID == opts.ExpectHead.ID {
			pinned = stored
		}
		prev, want = stored, want+1
		r.Rows++
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("audit log: %w", err)
	}
	if r.Rows != r.HeadID || prev != r.HeadHash {
		return fail(ErrBroken, r.Rows, "the head says %d rows ending in %.17s…, the log has %d: rows were removed from the end or the head was changed", r.HeadID, r.HeadHash, r.Rows)
	}
	// Rows beyond the head: read the highest id before the head, so that an
	// append committing in between (row and head move together) raises both.
	var maxID int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&maxID); err != nil {
		return r, fmt.Errorf("audit log: %w", err)
	}
	var headNow int64
	if err := q.QueryRowContext(ctx, `SELECT last_id FROM audit_head WHERE id = 1`).Scan(&headNow); err != nil {
		return r, fmt.Errorf("audit head: %w", err)
	}
	if maxID > headNow {
		return fail(ErrBroken, headNow+1, "row %d lies beyond the head (row %d): rows were added without moving the head", maxID, headNow)
	}
	if e := opts.ExpectHead; e != nil {
		switch {
		case e.ID == 0 && e.Hash != "" && e.Hash != r.HeadHash:
			return fail(ErrBroken, r.HeadID, "the head %.17s… is not the expected %.17s…: the chain was rewritten or cut back", r.HeadHash, e.Hash)
		case e.ID > r.Rows:
			return fail(ErrBroken, r.Rows, "the chain has %d rows, the expected head is row %d: rows were removed from the end", r.Rows, e.ID)
		case e.ID > 0 && pinned != e.Hash:
			return fail(ErrBroken, e.ID, "row %d's hash %.17s… is not the expected %.17s…: the chain was rewritten", e.ID, pinned, e.Hash)
		}
	}
	if opts.RequireKeyed && !isKeyed(r.HeadHash) {
		return fail(ErrBroken, r.HeadID, "the newest row (%d) is not keyed: the chain was replaced by someone without the key, or no keyed server has written to it yet", r.HeadID)
	}
	r.OK = true
	return r, nil
}

// recompute is the hash a row should carry: with the scheme its stored hash
// names (keyed rows need c's key; Verify refuses them earlier without one).
func (c *Chain) recompute(x row, stored string) string {
	if isKeyed(stored) {
		return c.hash(x)
	}
	return Unkeyed().hash(x)
}
