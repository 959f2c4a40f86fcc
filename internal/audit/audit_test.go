package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	xhkdf "golang.org/x/crypto/hkdf"

	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testChain(t *testing.T, seed byte) *Chain {
	t.Helper()
	c, err := New(KeyFrom(bytes.Repeat([]byte{seed}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// appendN appends n entries numbered from first through c.
func appendN(t *testing.T, db *store.DB, c *Chain, first, n int) {
	t.Helper()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		e := Entry{At: at.Add(time.Duration(i) * time.Minute), ActorID: int64(i%3 + 1), ActorRole: "reviewer",
			Action: "application.review", Subject: fmt.Sprintf("application:%d", i), Details: map[string]any{"decision": "approve"}}
		if err := db.InTx(context.Background(), func(tx *store.Tx) error { return c.Append(context.Background(), tx, e) }); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

// keyedDB returns a fresh database whose chain holds n rows keyed by
// testChain(t, 1), that chain, and the verified head.
func keyedDB(t *testing.T, n int) (*store.DB, *Chain, Head) {
	t.Helper()
	db := openDB(t)
	c := testChain(t, 1)
	appendN(t, db, c, 1, n)
	rep, err := c.Verify(context.Background(), db, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return db, c, rep.Head()
}

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if err := db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// mustBreak asserts that Verify fails with ErrBroken at row bad.
func mustBreak(t *testing.T, db *store.DB, c *Chain, opts VerifyOptions, bad int64, problem string) {
	t.Helper()
	rep, err := c.Verify(context.Background(), db, opts)
	if !errors.Is(err, ErrBroken) || rep.OK || rep.BadID != bad || !strings.Contains(rep.Problem, problem) {
		t.Fatalf("Verify = %+v, %v; want broken at row %d with %q", rep, err, bad, problem)
	}
}

func TestKeyedChainVerifies(t *testing.T) {
	db, c, _ := keyedDB(t, 5)
	rep, err := c.Verify(context.Background(), db, VerifyOptions{RequireKeyed: true})
	if err != nil || !rep.OK || rep.Rows != 5 || rep.KeyedRows != 5 || rep.HeadID != 5 || !isKeyed(rep.HeadHash) {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	// Without the key the chain can be neither checked nor extended.
	if rep, err := Verify(context.Background(), db); !errors.Is(err, ErrKeyRequired) || rep.OK || rep.BadID != 1 {
		t.Fatalf("unkeyed Verify of a keyed chain = %+v, %v; want ErrKeyRequired at row 1", rep, err)
	}
	err = db.InTx(context.Background(), func(tx *store.Tx) error {
		return Append(context.Background(), tx, Entry{At: time.Now(), ActorRole: "admin", Action: "x", Subject: "y"})
	})
	if !errors.Is(err, ErrKeyRequired) {
		t.Fatalf("unkeyed Append onto a keyed chain: %v; want ErrKeyRequired", err)
	}
	// A different key does not verify it.
	mustBreak(t, db, testChain(t, 2), VerifyOptions{}, 1, "rewritten without the key")
}

func TestTamperedRowDetected(t *testing.T) {
	for _, tc := range []struct{ column, value string }{
		{"subject", "application:999"},
		{"actor_role", "admin"},
		{"details", `{"decision":"reject"}`},
		{"at", "1"},
	} {
		t.Run(tc.column, func(t *testing.T) {
			db, c, _ := keyedDB(t, 6)
			exec(t, db, `UPDATE audit_log SET `+tc.column+` = ? WHERE id = 3`, tc.value)
			mustBreak(t, db, c, VerifyOptions{}, 3, "content does not match")
		})
	}
}

func TestDeletedTailDetected(t *testing.T) {
	db, c, pin := keyedDB(t, 6)
	exec(t, db, `DELETE FROM audit_log WHERE id > 4`)
	// The head still names row 6.
	mustBreak(t, db, c, VerifyOptions{}, 4, "rows were removed")
	// Moving the head back to row 4 (whose hash is in the table for anyone
	// to copy) makes the chain consistent again: only the exported head
	// tells that rows 5 and 6 existed.
	exec(t, db, `UPDATE audit_head SET last_id = 4, last_hash = (SELECT hash FROM audit_log WHERE id = 4)`)
	if rep, err := c.Verify(context.Background(), db, VerifyOptions{}); err != nil || !rep.OK {
		t.Fatalf("consistent shorter chain = %+v, %v", rep, err)
	}
	mustBreak(t, db, c, VerifyOptions{ExpectHead: &pin}, 4, "expected head is row 6")
	bare := Head{Hash: pin.Hash}
	mustBreak(t, db, c, VerifyOptions{ExpectHead: &bare}, 4, "not the expected")
}

func TestExpectHeadAllowsGrowth(t *testing.T) {
	db, c, pin := keyedDB(t, 3)
	appendN(t, db, c, 4, 2)
	if rep, err := c.Verify(context.Background(), db, VerifyOptions{ExpectHead: &pin}); err != nil || rep.Rows != 5 {
		t.Fatalf("grown chain with an older pinned head = %+v, %v", rep, err)
	}
	// The same id with another hash: a rewritten chain.
	other := Head{ID: 3, Hash: keyedPrefix + strings.Repeat("0", 64)}
	mustBreak(t, db, c, VerifyOptions{ExpectHead: &other}, 3, "is not the expected")
	// The empty chain's head pins nothing.
	if _, err := c.Verify(context.Background(), db, VerifyOptions{ExpectHead: &Head{}}); err != nil {
		t.Fatalf("expect 0: : %v", err)
	}
}

// forge rewrites rows from..to (to 0: the newest) with a chosen subject,
// recomputing their hashes with forger, and moves the head when it rewrote
// the newest row: what someone with write access to the database but not the
// key can do.
func forge(t *testing.T, db *store.DB, forger *Chain, from, to int64) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		type stored struct {
			row
			hash string
		}
		all, err := store.All(ctx, tx.Q(), func(r store.Row) (stored, error) {
			var x stored
			err := r.Scan(&x.ID, &x.At, &x.ActorID, &x.Role, &x.Action, &x.Subject, &x.Details, &x.Prev, &x.hash)
			return x, err
		}, `SELECT id, at, COALESCE(actor_id, 0), actor_role, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id`)
		if err != nil {
			return err
		}
		prev := ""
		if from > 1 {
			prev = all[from-2].hash
		}
		if to == 0 {
			to = int64(len(all))
		}
		for _, s := range all[from-1 : to] {
			x := s.row
			x.Prev = prev
			x.Subject = "application:forged"
			h := forger.hash(x)
			if _, err := tx.Q().ExecContext(ctx, `UPDATE audit_log SET subject = ?, prev_hash = ?, hash = ? WHERE id = ?`, x.Subject, x.Prev, h, x.ID); err != nil {
				return err
			}
			prev = h
		}
		if to < int64(len(all)) {
			_, err = tx.Q().ExecContext(ctx, `UPDATE audit_log SET prev_hash = ? WHERE id = ?`, prev, to+1)
			return err
		}
		_, err = tx.Q().ExecContext(ctx, `UPDATE audit_head SET last_hash = ? WHERE id = 1`, prev)
		return err
	})
	if err != nil {
		t.Fatalf("forge: %v", err)
	}
}

func TestRewriteWithoutKeyDetected(t *testing.T) {
	setup := func(t *testing.T) (*store.DB, *Chain, Head) { return keyedDB(t, 5) }
	t.Run("recomputed with another key", func(t *testing.T) {
		db, c, _ := setup(t)
		forge(t, db, testChain(t, 9), 3, 0)
		mustBreak(t, db, c, VerifyOptions{}, 3, "content does not match")
	})
	t.Run("tail downgraded to unkeyed hashes", func(t *testing.T) {
		db, c, _ := setup(t)
		forge(t, db, Unkeyed(), 4, 0)
		mustBreak(t, db, c, VerifyOptions{}, 4, "unkeyed after keyed row 1")
	})
	t.Run("whole chain replaced by unkeyed hashes", func(t *testing.T) {
		db, c, pin := setup(t)
		forge(t, db, Unkeyed(), 1, 0)
		// Indistinguishable from a database written before the key...
		if rep, err := c.Verify(context.Background(), db, VerifyOptions{}); err != nil || rep.KeyedRows != 0 {
			t.Fatalf("plain verify of an all-unkeyed chain = %+v, %v", rep, err)
		}
		// ...except by the policy that a keyed server has run, and by the pin.
		mustBreak(t, db, c, VerifyOptions{RequireKeyed: true}, 5, "not keyed")
		mustBreak(t, db, c, VerifyOptions{ExpectHead: &pin}, 5, "is not the expected")
	})
}

// TestUnkeyedRowsStillVerify: a database written before the key keeps
// verifying, with and without the key, after a keyed server extended it; its
// old rows are still protected by their SHA-256 and by the keyed rows after.
func TestUnkeyedRowsStillVerify(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return Append(ctx, tx, Entry{At: time.Unix(int64(1000+i), 0), ActorRole: "applicant", Action: "application.create", Subject: fmt.Sprint("application:", i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := Verify(ctx, db); err != nil || rep.Rows != 3 || rep.KeyedRows != 0 {
		t.Fatalf("old chain = %+v, %v", rep, err)
	}
	c := testChain(t, 1)
	mustBreak(t, db, c, VerifyOptions{RequireKeyed: true}, 3, "not keyed")
	added, err := c.Anchor(ctx, db, time.Unix(2000, 0))
	if err != nil || !added {
		t.Fatalf("Anchor = %v, %v", added, err)
	}
	if added, err := c.Anchor(ctx, db, time.Unix(2001, 0)); err != nil || added {
		t.Fatalf("second Anchor = %v, %v; want nothing appended", added, err)
	}
	appendN(t, db, c, 10, 2)
	rep, err := c.Verify(ctx, db, VerifyOptions{RequireKeyed: true})
	if err != nil || rep.Rows != 6 || rep.KeyedRows != 3 {
		t.Fatalf("mixed chain = %+v, %v", rep, err)
	}
	// An old, unkeyed row changed: its SHA-256 no longer matches. Re-hashed
	// with the links of the unkeyed rows after it mended, the first keyed
	// row (4, the anchor) no longer verifies, for its HMAC covers row 3's hash.
	exec(t, db, `UPDATE audit_log SET subject = 'application:999' WHERE id = 2`)
	mustBreak(t, db, c, VerifyOptions{}, 2, "content does not match")
	forge(t, db, Unkeyed(), 2, 3)
	mustBreak(t, db, c, VerifyOptions{}, 4, "content does not match")
	// Rewriting everything from row 2 on without the key leaves an all-unkeyed
	// chain: refused once a keyed server has run.
	forge(t, db, Unkeyed(), 2, 0)
	mustBreak(t, db, c, VerifyOptions{RequireKeyed: true}, 6, "not keyed")
}

func TestRowsBeyondHeadDetected(t *testing.T) {
	db, c, _ := keyedDB(t, 3)
	exec(t, db, `INSERT INTO audit_log (id, at, actor_role, action, subject, details, prev_hash, hash) VALUES (4, 0, 'admin', 'x', 'y', '{}', '', '')`)
	mustBreak(t, db, c, VerifyOptions{}, 4, "beyond the head")
}

func TestKeyFrom(t *testing.T) {
	dataKey := bytes.Repeat([]byte{7}, 32)
	got := KeyFrom(dataKey)
	// An independent HKDF implementation agrees (x/crypto, not crypto/hkdf).
	want := make([]byte, KeySize)
	if _, err := io.ReadFull(xhkdf.New(sha256.New, dataKey, nil, []byte("beian/audit/chain/v1")), want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || bytes.Equal(got, dataKey) || bytes.Equal(got, KeyFrom(bytes.Repeat([]byte{8}, 32))) {
		t.Fatalf("KeyFrom = %x, want %x, distinct from the data key and per key", got, want)
	}
	if _, err := New(got[:16]); err == nil {
		t.Fatal("New accepted a 16-byte key")
	}
	if s := fmt.Sprint(testChain(t, 1)); strings.Contains(s, fmt.Sprintf("%x", got[:4])) || s != "audit.Chain{keyed}" {
		t.Fatalf("Chain prints %q", s)
	}
}

func TestParseHead(t *testing.T) {
	h := strings.Repeat("ab", 32)
	tests := []struct {
		in      string
		want    Head
		wantErr string
	}{
		{"42:" + h, Head{42, h}, ""},
		{" 42:hmac:" + h + "\n", Head{42, "hmac:" + h}, ""},
		{h, Head{Hash: h}, ""},
		{"hmac:" + h, Head{Hash: "hmac:" + h}, ""},
		{"0:", Head{}, ""},
		{"0:" + h, Head{}, "empty chain"},
		{"-1:" + h, Head{}, "row number"},
		{"x:" + h, Head{}, "row number"},
		{"42:" + h[:10], Head{}, "hex digits"},
		{"42:" + strings.ToUpper(h), Head{}, "lower-case hex"},
		{"", Head{}, "hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHead(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseHead(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseHead(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if back, err := ParseHead(got.String()); tt.want.ID != 0 && (err != nil || back != got) {
				t.Fatalf("round trip of %v = %v, %v", got, back, err)
			}
		})
	}
}

func FuzzParseHead(f *testing.F) {
	for _, s := range []string{"42:" + strings.Repeat("ab", 32), "7:hmac:" + strings.Repeat("0", 64), "0:", "hmac:", ":", "1:hmac:hmac:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHead(s)
		if err != nil {
			return
		}
		if h.ID < 0 || (h.ID == 0) != (h.Hash == "" || !strings.Contains(strings.TrimSpace(s), ":") || strings.HasPrefix(strings.TrimSpace(s), "hmac:")) {
			t.Fatalf("ParseHead(%q) = %+v", s, h)
		}
		if h.Hash != "" && checkHash(h.Hash) != nil {
			t.Fatalf("ParseHead(%q) accepted hash %q", s, h.Hash)
		}
		if h.ID > 0 {
			if back, err := ParseHead(h.String()); err != nil || back != h {
				t.Fatalf("round trip %+v: %+v, %v", h, back, err)
			}
		}
	})
}
