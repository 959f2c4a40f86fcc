package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// TestOpenMigratesAndMapsErrors runs on SQLite, and on PostgreSQL when
// BEIAN_TEST_POSTGRES is set: migrations apply (twice is a no-op), ?
// placeholders bind, identity keys count up, unique violations are
// ErrConflict, missing rows ErrNotFound, and a failed closure rolls back.
func TestOpenMigratesAndMapsErrors(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = store.Open(ctx, dsn); err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer db.Close()
	var ids []int64
	for _, code := range []string{"a", "b"} {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var id int64
			err := tx.Q().QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?) RETURNING id`, code, "n", 1).Scan(&id)
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if ids[0] <= 0 || ids[1] != ids[0]+1 {
		t.Fatalf("identity keys %v", ids)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?)`, "a", "dup", 1)
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate code: %v, want ErrConflict", err)
	}
	var name string
	err = store.One(db.R().QueryRowContext(ctx, `SELECT name FROM providers WHERE code = ?`, "zzz").Scan(&name))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing row: %v, want ErrNotFound", err)
	}
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?)`, "c", "n", 1); err != nil {
			return err
		}
		// The closure's error rolls back what it wrote.
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("closure error: %v", err)
	}
	var n int
	if err := db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM providers`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after rollback: %d providers, %v", n, err)
	}
}

// TestAllAfterCommitAndQueryCount covers the scan helper, the commit hooks
// (run once after commit, never after a rollback) and the statement counter.
func TestAllAfterCommitAndQueryCount(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hooks := 0
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range []string{"x", "y", "z"} {
			if _, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?)`, c, "n", 1); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() { hooks++ })
		return nil
	})
	if err != nil || hooks != 1 {
		t.Fatalf("commit: hooks %d, err %v", hooks, err)
	}
	_ = db.InTx(ctx, func(tx *store.Tx) error {
		tx.AfterCommit(func() { hooks++ })
		return errors.New("roll back")
	})
	if hooks != 1 {
		t.Fatalf("a rolled-back transaction ran its hook: %d", hooks)
	}
	before := db.Queries()
	codes, err := store.All(ctx, db.R(), store.Scalar[string], `SELECT code FROM providers WHERE code > ? ORDER BY code`, "x")
	if err != nil || len(codes) != 2 || codes[0] != "y" || codes[1] != "z" {
		t.Fatalf("All: %v %v", codes, err)
	}
	if got := db.Queries() - before; got != 1 {
		t.Fatalf("one listing counted %d statements", got)
	}
	none, err := store.All(ctx, db.R(), store.Scalar[string], `SELECT code FROM providers WHERE code = ?`, "nope")
	if err != nil || len(none) != 0 {
		t.Fatalf("empty All: %v %v", none, err)
	}
	if _, err := store.All(ctx, db.R(), store.Scalar[string], `SELECT nope FROM providers`); err == nil {
		t.Fatal("a bad query returned no error")
	}
}

// TestSQLiteFileIsPrivate: the database file holds personal data and must
// not be readable by other users of the machine.
func TestSQLiteFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %v, want no group/other access", filepath.Base(p), mode)
		}
	}
}
