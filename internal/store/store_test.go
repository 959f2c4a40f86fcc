package store_test

import (
	"context"
	"errors"
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
		err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
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
	err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?)`, "a", "dup", 1)
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate code: %v, want ErrConflict", err)
	}
	var name string
	err = store.One(db.R(ctx).QueryRowContext(ctx, `SELECT name FROM providers WHERE code = ?`, "zzz").Scan(&name))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing row: %v, want ErrNotFound", err)
	}
	boom := errors.New("boom")
	err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?)`, "c", "n", 1); err != nil {
			return err
		}
		// A nested InTx joins the outer transaction and rolls back with it.
		return db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error { return boom })
	})
	if !errors.Is(err, boom) {
		t.Fatalf("closure error: %v", err)
	}
	var n int
	if err := db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM providers`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after rollback: %d providers, %v", n, err)
	}
}
