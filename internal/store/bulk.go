package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Conn is one connection of the write pool, held for a bulk operation that
// needs session state across transactions: TEMP staging tables, statements
// prepared once and run for every row, and (PostgreSQL) COPY through the
// pgx connection underneath database/sql. On SQLite it is the only writer
// connection, so other writers of this process wait until Close; other
// processes wait on busy_timeout for one transaction at a time, which is why
// bulk work commits in batches.
type Conn struct {
	db *DB
	c  *sql.Conn
}

// Conn takes a connection from the write pool until Close.
func (db *DB) Conn(ctx context.Context) (*Conn, error) {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: connection: %w", err)
	}
	return &Conn{db: db, c: c}, nil
}

// Close returns the connection to the pool.
func (c *Conn) Close() error { return c.c.Close() }

// Dialect reports the dialect of the connection's database.
func (c *Conn) Dialect() Dialect { return c.db.dialect }

// Q returns a querier on the connection outside any transaction (each
// statement commits on its own), with ? placeholders.
func (c *Conn) Q() Querier { return rebinder{q: c.c, dialect: c.db.dialect, n: &c.db.queries} }

// BulkTx is a write transaction on a held Conn. It is a *Tx, so the domain
// helpers that append to the audit chain or the gate feed take it as they
// take any transaction, and it also prepares statements for the rows a bulk
// load sends many times.
type BulkTx struct {
	*Tx
	stx *sql.Tx
}

// Prepare prepares query (? placeholders) for the rest of the transaction.
// The statement is closed when the transaction ends.
func (t *BulkTx) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := t.stx.PrepareContext(ctx, t.q.bind(query))
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	return st, nil
}

// InTx runs fn in a transaction on the connection and commits when fn
// returns nil; the after-commit hooks of the Tx run then. Unlike DB.InTx it
// does not retry: a bulk batch is re-run by running the import again, which
// is idempotent.
func (c *Conn) InTx(ctx context.Context, fn func(tx *BulkTx) error) error {
	stx, err := c.c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &BulkTx{Tx: c.db.newTx(stx), stx: stx}
	return runTx(stx, tx.Tx, func() error { return fn(tx) })
}

// ErrNotPostgres is returned by CopyFrom on SQLite.
var ErrNotPostgres = errors.New("store: COPY needs PostgreSQL")

// CopyFrom loads rows into table with PostgreSQL's COPY protocol (pgx
// CopyFrom), inside whatever transaction is open on the connection. next
// returns the next row's values, or nil at the end; its error stops the copy.
// See https://pkg.go.dev/github.com/jackc/pgx/v5#Conn.CopyFrom.
func (c *Conn) CopyFrom(ctx context.Context, table string, columns []string, next func() ([]any, error)) (int64, error) {
	if c.db.dialect != Postgres {
		return 0, ErrNotPostgres
	}
	var n int64
	err := c.c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY: driver connection is %T, not pgx", dc)
		}
		var err error
		n, err = sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, &copySource{next: next})
		return err
	})
	c.db.queries.Add(1)
	if err != nil {
		return n, fmt.Errorf("store: COPY into %s: %w", table, err)
	}
	return n, nil
}

// copySource adapts a next function to pgx.CopyFromSource.
type copySource struct {
	next func() ([]any, error)
	row  []any
	err  error
}

func (s *copySource) Next() bool {
	if s.err != nil {
		return false
	}
	s.row, s.err = s.next()
	return s.err == nil && s.row != nil
}

func (s *copySource) Values() ([]any, error) { return s.row, nil }
func (s *copySource) Err() error             { return s.err }
