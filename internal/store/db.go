// Package store is the database of the platform: SQLite by default (pure Go,
// modernc.org/sqlite, WAL, one writer connection beside a read pool) and
// PostgreSQL (pgx) behind a postgres:// DSN. SQL lives in Go strings, one file
// per domain, written once with `?` placeholders; a tiny dialect seam rebinds
// them for PostgreSQL. Migrations are numbered goose files applied at Open.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique constraint refuses a row.
var ErrConflict = errors.New("conflict")

// Dialect names the SQL dialect of a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open, migrated database. Writes go through InTx on the writer
// pool (one connection for SQLite, so writers queue instead of failing with
// SQLITE_BUSY); reads use the read pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	queries atomic.Int64
	commits atomic.Uint64
}

// DefaultSQLitePath is the database file `beian serve` uses when --db is not given.
const DefaultSQLitePath = "beian.db"

// Open opens (creating if needed) and migrates the database named by dsn:
// a postgres:// or postgresql:// URL, or an SQLite file path (optionally
// prefixed with sqlite: or file:).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = DefaultSQLitePath
	}
	var db *DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err = openPostgres(ctx, dsn)
	} else {
		db, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openSQLite(ctx context.Context, dsn string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	// The file holds personal data: owner-only, created so before SQLite
	// opens it (its -wal and -shm files take the same mode).
	if path != ":memory:" {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: create %s: %w", path, err)
		}
		f.Close()
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	return &DB{dialect: SQLite, write: w, read: r}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s: %w", redactDSN(dsn), err)
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store: connect postgres %s: %w", redactDSN(dsn), err)
	}
	return &DB{dialect: Postgres, write: p, read: p}, nil
}

// redactDSN hides the password of a DSN for error messages and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	sub = dialectFS{FS: sub, dialect: db.dialect}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Dialect reports which SQL dialect the database speaks.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (for /healthz).
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Querier is what both a transaction and the read pool offer; SQL is
// written with ? placeholders. Every function that touches a table takes
// one explicitly: the transaction when it must see the caller's uncommitted
// writes, the read pool otherwise. Nothing is found through ctx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction. Hooks added with AfterCommit run once the
// transaction has committed, never when it rolls back or is retried, so a
// closure passed to InTx keeps its side effects there.
type Tx struct {
	q       rebinder
	after   []func()
	dialect Dialect
}

// AfterCommit queues fn to run after a successful commit: counters the
// caller reports, notifications, wake-ups of the outbox and the gate feed.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Q returns the transaction's querier.
func (tx *Tx) Q() Querier { return tx.q }

// Dialect reports the dialect of the transaction's database.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// InTx runs fn in a write transaction and commits when fn returns nil.
// On PostgreSQL a serialization failure re-runs fn (up to five times), so fn
// must have no effect outside the transaction: whatever must happen once it
// has committed goes into tx.AfterCommit. Transactions do not nest; a
// service that composes others passes its *Tx down.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.inTxOnce(ctx, fn)
		if err != nil && db.dialect == Postgres && isSerializationFailure(err) && attempt < 5 {
			continue
		}
		return err
	}
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := db.newTx(stx)
	tx.AfterCommit(func() { db.commits.Add(1) })
	return runTx(stx, tx, func() error { return fn(tx) })
}

// Commits counts the write transactions InTx has committed in this
// process: a reader that keeps derived state (the public lookup's cache)
// compares it to learn at once, without a query, that something may have
// changed.
func (db *DB) Commits() uint64 { return db.commits.Load() }

// newTx wraps an open transaction; beginning it counts as a statement.
func (db *DB) newTx(stx *sql.Tx) *Tx {
	db.queries.Add(1)
	return &Tx{q: rebinder{q: stx, dialect: db.dialect, n: &db.queries}, dialect: db.dialect}
}

// runTx runs fn in stx and commits when it returns nil, then runs tx's
// after-commit hooks; an error or a panic rolls back. DB.InTx and the bulk
// connection's Conn.InTx share it.
func runTx(stx *sql.Tx, tx *Tx, fn func() error) error {
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// R returns a querier on the read pool. It never sees uncommitted writes;
// code inside a transaction uses tx.Q().
func (db *DB) R() Querier {
	return rebinder{q: db.read, dialect: db.dialect, n: &db.queries}
}

// Queries returns how many statements (and transactions begun) the DB has
// run since it was opened; tests use it to prove that a listing costs a
// constant number of queries.
func (db *DB) Queries() int64 { return db.queries.Load() }

// rebinder rewrites ? placeholders to $n for PostgreSQL and counts statements.
type rebinder struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
	dialect Dialect
	n       *atomic.Int64
}

func (r rebinder) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r.n.Add(1)
	res, err := r.q.ExecContext(ctx, r.bind(q), args...)
	return res, mapErr(err)
}

func (r rebinder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.n.Add(1)
	rows, err := r.q.QueryContext(ctx, r.bind(q), args...)
	return rows, mapErr(err)
}

func (r rebinder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.n.Add(1)
	return r.q.QueryRowContext(ctx, r.bind(q), args...)
}

func (r rebinder) bind(q string) string {
	if r.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// mapErr turns unique-constraint violations of either database into ErrConflict.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if IsUnique(err) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrConflict) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}

func isSerializationFailure(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLSTATE 40001") || strings.Contains(s, "SQLSTATE 40P01")
}

// Micros is the storage form of an instant: Unix microseconds (BIGINT on both databases).
func Micros(t time.Time) int64 { return t.UnixMicro() }

// FromMicros is the inverse of Micros, in UTC.
func FromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// One scans a single row from QueryRow, mapping sql.ErrNoRows to ErrNotFound.
func One(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return mapErr(err)
}

// Row is what a scan function reads: *sql.Rows or *sql.Row.
type Row interface{ Scan(dest ...any) error }

// All runs query on q and returns one value per row, built by scan. It is
// the one loop over rows in the code base: it closes the rows and reports
// the iteration error, which hand-written loops tend to forget.
func All[T any](ctx context.Context, q Querier, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Scalar scans a single-column row into a T (handy with All).
func Scalar[T any](r Row) (T, error) {
	var v T
	err := r.Scan(&v)
	return v, err
}
