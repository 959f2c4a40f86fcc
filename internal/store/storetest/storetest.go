// Package storetest gives each test a fresh database: an SQLite file in the
// test's temp dir, or, when BEIAN_TEST_POSTGRES is set, a new schema on that
// PostgreSQL server that is dropped when the test ends. The same tests thus
// run on both stores.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver
)

// EnvPostgres names the variable that selects PostgreSQL for tests.
const EnvPostgres = "BEIAN_TEST_POSTGRES"

// DSN returns a DSN for a fresh, empty database for t.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return filepath.Join(t.TempDir(), "beian.db")
	}
	return PostgresSchema(t, base)
}

// Postgres returns a fresh PostgreSQL schema DSN, or skips t when
// BEIAN_TEST_POSTGRES is unset (for tests that only make sense there).
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("BEIAN_TEST_POSTGRES is not set; PostgreSQL variant skipped")
	}
	return PostgresSchema(t, base)
}

// PostgresSchema creates a schema on base and returns a DSN whose search_path is it.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres %s: %v", base, err)
	}
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("BEIAN_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
