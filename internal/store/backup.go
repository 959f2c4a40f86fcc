package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

// This file holds the operator's view of the schema (`beian migrate`) and
// of the data as a whole (`beian backup`, `beian restore`). A backup is
// taken while the platform runs and is consistent: on SQLite it is
// VACUUM INTO (https://www.sqlite.org/lang_vacuum.html#vacuuminto), a
// complete database file written from one read transaction; on PostgreSQL
// it is every table read in one REPEATABLE READ, READ ONLY transaction,
// which sees one snapshot (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-REPEATABLE-READ),
// written as a gzipped archive. Restore reads either kind into either
// database, so a backup is also the way from SQLite to PostgreSQL.

// OpenUnmigrated opens dsn as Open does but applies no migration, for
// commands that report or choose the schema version themselves.
func OpenUnmigrated(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = DefaultSQLitePath
	}
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// MigrationState is one migration file and whether it has been applied.
type MigrationState struct {
	Version   int64
	Name      string // file name, e.g. 00004_bulk.sql
	Applied   bool
	AppliedAt time.Time // zero when pending
}

func (db *DB) migrationProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, dialectFS{FS: sub, dialect: db.dialect})
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrations lists every migration this binary carries, oldest first, with
// its state in the database.
func (db *DB) Migrations(ctx context.Context) ([]MigrationState, error) {
	p, err := db.migrationProvider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationState{Version: s.Source.Version, Name: filepath.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt})
	}
	return out, nil
}

// MigrateUp applies the pending migrations up to version (0: all of them)
// and returns those it applied.
func (db *DB) MigrateUp(ctx context.Context, version int64) ([]MigrationState, error) {
	p, err := db.migrationProvider()
	if err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	if version > 0 {
		res, err = p.UpTo(ctx, version)
	} else {
		res, err = p.Up(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	out := make([]MigrationState, 0, len(res))
	for _, r := range res {
		out = append(out, MigrationState{Version: r.Source.Version, Name: filepath.Base(r.Source.Path), Applied: true})
	}
	return out, nil
}

// SchemaVersion is the newest migration applied to the database (0 for a
// database without the schema).
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.migrationProvider()
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil && !errors.Is(err, goose.ErrNoMigrations) {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// BackupInfo describes a backup written or read.
type BackupInfo struct {
	Kind   string // "sqlite" (a database file) or "archive" (gzipped JSON lines)
	Schema int64  // schema version of the data
	Tables int
	Rows   int64 // rows copied (archive and restore; a VACUUM INTO copy does not count them)
	Bytes  int64 // size of the backup file
}

// Backup writes a consistent copy of the whole database to path while the
// database stays in use. path must not exist; the copy is written beside
// it under a temporary name and renamed into place when complete, so a
// failed backup never leaves a file that looks whole. The file is readable
// by its owner only: it holds personal data, sealed as in the database.
func (db *DB) Backup(ctx context.Context, path string) (BackupInfo, error) {
	if _, err := os.Lstat(path); err == nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %s exists; give a new file name (备份文件已存在)", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	info := BackupInfo{}
	if info.Schema, err = db.SchemaVersion(ctx); err != nil {
		tmp.Close()
		return info, err
	}
	if db.dialect == SQLite {
		tmp.Close()
		info.Kind = "sqlite"
		err = db.vacuumInto(ctx, tmpName)
	} else {
		info.Kind = "archive"
		err = db.writeArchive(ctx, tmp, &info)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	st, err := os.Stat(tmpName)
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	info.Bytes = st.Size()
	if err := os.Link(tmpName, path); err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	return info, nil
}

// vacuumInto copies the SQLite database into the empty file tmp. It runs on
// a connection of its own: the read pool is query_only, which SQLite
// applies to VACUUM INTO too, and the writer must stay free for the
// platform. VACUUM INTO only reads the source, from one read transaction.
func (db *DB) vacuumInto(ctx context.Context, tmp string) error {
	var file string
	err := db.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file)
	if err != nil {
		return fmt.Errorf("database file: %w", err)
	}
	if file == "" {
		return errors.New("an in-memory database has no file to back up")
	}
	c, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer c.Close()
	db.queries.Add(1)
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("VACUUM INTO: %w", err)
	}
	return nil
}

// The archive is gzip (RFC 1952) over JSON lines: a header object, then per
// table an object naming it and its columns, one JSON array per row, and an
// object with the row count; a last object marks the end, so a cut file is
// told from a whole one.
const archiveFormat = "beian-backup/1"

type archiveLine struct {
	Format  string   `json:"format,omitempty"`
	Dialect string   `json:"dialect,omitempty"`
	Schema  int64    `json:"schema,omitempty"`
	Created string   `json:"created,omitempty"`
	Table   string   `json:"table,omitempty"`
	Columns []string `json:"columns,omitempty"`
	End     string   `json:"end,omitempty"`
	Rows    *int64   `json:"rows,omitempty"`
	Done    bool     `json:"done,omitempty"`
	Tables  int      `json:"tables,omitempty"`
}

// writeArchive reads every table in one REPEATABLE READ snapshot.
func (db *DB) writeArchive(ctx context.Context, w io.Writer, info *BackupInfo) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	src, err := newSQLSource(ctx, tx, db.dialect)
	if err != nil {
		return err
	}
	src.version = info.Schema
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(archiveLine{Format: archiveFormat, Dialect: string(db.dialect), Schema: info.Schema,
		Created: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	for {
		t, ok, err := src.nextTable(ctx)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := enc.Encode(archiveLine{Table: t.name, Columns: t.cols}); err != nil {
			return err
		}
		var n int64
		for {
			vals, err := src.nextRow()
			if err != nil {
				return err
			}
			if vals == nil {
				break
			}
			if err := writeArchiveRow(bw, vals); err != nil {
				return fmt.Errorf("table %s: %w", t.name, err)
			}
			n++
		}
		if err := enc.Encode(archiveLine{End: t.name, Rows: &n}); err != nil {
			return err
		}
		info.Tables++
		info.Rows += n
	}
	if err := enc.Encode(archiveLine{Done: true, Tables: info.Tables}); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// writeArchiveRow writes one row as a JSON array: null, numbers, strings,
// booleans, and {"b64": …} for bytes.
func writeArchiveRow(w *bufio.Writer, vals []any) error {
	w.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			w.WriteByte(',')
		}
		switch v := v.(type) {
		case nil:
			w.WriteString("null")
		case int64:
			w.WriteString(strconv.FormatInt(v, 10))
		case float64:
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			w.Write(b)
		case bool:
			w.WriteString(strconv.FormatBool(v))
		case string:
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			w.Write(b)
		case []byte:
			w.WriteString(`{"b64":"` + base64.StdEncoding.EncodeToString(v) + `"}`)
		default:
			return fmt.Errorf("column %d: value of type %T cannot be archived", i+1, v)
		}
	}
	w.WriteByte(']')
	return w.WriteByte('\n')
}

// table is one table of a source: its name and columns.
type table struct {
	name string
	cols []string
}

// source is what restore reads: a schema version, then tables in an order
// where a table comes after those its foreign keys name, each with its rows
// (nil ends a table).
type source interface {
	schema() int64
	nextTable(ctx context.Context) (table, bool, error)
	nextRow() ([]any, error)
}

type sqlQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sqlSource reads the tables of a database (a snapshot transaction, or an
// SQLite backup file opened read-only).
type sqlSource struct {
	q       sqlQuerier
	dialect Dialect
	version int64
	tables  []table
	rows    *sql.Rows
	vals    []any
	ptrs    []any
}

func newSQLSource(ctx context.Context, q sqlQuerier, d Dialect) (*sqlSource, error) {
	cat := catalog{q: q, dialect: d}
	tables, err := cat.tables(ctx)
	if err != nil {
		return nil, err
	}
	return &sqlSource{q: q, dialect: d, tables: tables}, nil
}

func (s *sqlSource) schema() int64 { return s.version }

func (s *sqlSource) nextTable(ctx context.Context) (table, bool, error) {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
	if len(s.tables) == 0 {
		return table{}, false, nil
	}
	t := s.tables[0]
	s.tables = s.tables[1:]
	rows, err := s.q.QueryContext(ctx, `SELECT `+quoteList(t.cols)+` FROM `+quoteIdent(t.name))
	if err != nil {
		return t, false, fmt.Errorf("read %s: %w", t.name, err)
	}
	s.rows = rows
	s.vals = make([]any, len(t.cols))
	s.ptrs = make([]any, len(t.cols))
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return t, true, nil
}

func (s *sqlSource) nextRow() ([]any, error) {
	if !s.rows.Next() {
		err := s.rows.Err()
		s.rows.Close()
		return nil, err
	}
	if err := s.rows.Scan(s.ptrs...); err != nil {
		return nil, err
	}
	return s.vals, nil
}

// catalog reads table, column and foreign-key metadata of a database.
type catalog struct {
	q       sqlQuerier
	dialect Dialect
}

// columnKind is how restore converts a value for a column.
type columnKind int

const (
	kindText columnKind = iota
	kindInt
	kindReal
	kindBool
	kindBytes
)

type column struct {
	name     string
	kind     columnKind
	identity bool // PostgreSQL identity column, whose sequence restore moves on
}

// tables lists the schema's tables (without goose's version table, which
// restore's own migrations write) ordered parents first.
func (c catalog) tables(ctx context.Context) ([]table, error) {
	var names []string
	var err error
	if c.dialect == Postgres {
		names, err = queryStrings(ctx, c.q, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	} else {
		names, err = queryStrings(ctx, c.q, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	}
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	parents := map[string][]string{}
	var out []table
	for _, n := range names {
		if n == "goose_db_version" {
			continue
		}
		cols, err := c.columns(ctx, n)
		if err != nil {
			return nil, err
		}
		t := table{name: n}
		for _, col := range cols {
			t.cols = append(t.cols, col.name)
		}
		out = append(out, t)
		if c.dialect == Postgres {
			parents[n], err = queryStrings(ctx, c.q, `SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc
				JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
				WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1`, n)
		} else {
			parents[n], err = queryStrings(ctx, c.q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		}
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", n, err)
		}
	}
	return topoSort(out, parents)
}

// topoSort orders tables so that each follows the tables it references.
func topoSort(tables []table, parents map[string][]string) ([]table, error) {
	byName := map[string]table{}
	for _, t := range tables {
		byName[t.name] = t
	}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var out []table
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		ps := append([]string(nil), parents[n]...)
		sort.Strings(ps)
		for _, p := range ps {
			if _, ok := byName[p]; ok && p != n {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, byName[n])
		return nil
	}
	for _, t := range tables {
		if err := visit(t.name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// columns lists a table's columns in order with their kinds.
func (c catalog) columns(ctx context.Context, tableName string) ([]column, error) {
	var q string
	if c.dialect == Postgres {
		q = `SELECT column_name, data_type, is_identity FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	} else {
		q = `SELECT name, type, 'NO' FROM pragma_table_info(?) ORDER BY cid`
	}
	rows, err := c.q.QueryContext(ctx, q, tableName)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", tableName, err)
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var name, typ, ident string
		if err := rows.Scan(&name, &typ, &ident); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", tableName, err)
		}
		out = append(out, column{name: name, kind: kindOf(typ), identity: ident == "YES"})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("columns of %s: %w", tableName, err)
	}
	return out, nil
}

// kindOf classifies a declared column type, following SQLite's affinity
// rules (https://www.sqlite.org/datatype3.html#determination_of_column_affinity)
// and PostgreSQL's information_schema type names.
func kindOf(typ string) columnKind {
	t := strings.ToUpper(typ)
	switch {
	case t == "BOOLEAN":
		return kindBool
	case strings.Contains(t, "INT"):
		return kindInt
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return kindText
	case t == "BYTEA", strings.Contains(t, "BLOB"):
		return kindBytes
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"), strings.Contains(t, "NUMERIC"):
		return kindReal
	}
	return kindText
}

func queryStrings(ctx context.Context, q sqlQuerier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quoteIdent quotes an SQL identifier (the same on both databases).
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// archiveSource reads an archive written by writeArchive.
type archiveSource struct {
	sc      *bufio.Scanner
	line    int64
	version int64
	cur     table
	n       int64
	tables  int
	done    bool
}

// maxArchiveLine caps one archive line (one row); rows of this schema are
// small, and the cap keeps a damaged file from taking all memory.
const maxArchiveLine = 64 << 20

func newArchiveSource(r io.Reader) (*archiveSource, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a beian backup (neither an SQLite file nor a gzip archive): %w", err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), maxArchiveLine)
	s := &archiveSource{sc: sc}
	var h archiveLine
	if err := s.meta(&h); err != nil {
		return nil, err
	}
	if h.Format != archiveFormat {
		return nil, fmt.Errorf("archive format %q, want %q", h.Format, archiveFormat)
	}
	if h.Schema <= 0 {
		return nil, errors.New("archive header has no schema version")
	}
	s.version = h.Schema
	return s, nil
}

func (s *archiveSource) schema() int64 { return s.version }

// meta reads the next line as an archive object.
func (s *archiveSource) meta(v *archiveLine) error {
	if !s.sc.Scan() {
		if err := s.sc.Err(); err != nil {
			return fmt.Errorf("archive line %d: %w", s.line+1, err)
		}
		return fmt.Errorf("archive ends at line %d before its end marker: the backup is incomplete", s.line)
	}
	s.line++
	if err := json.Unmarshal(s.sc.Bytes(), v); err != nil {
		return fmt.Errorf("archive line %d: %w", s.line, err)
	}
	return nil
}

func (s *archiveSource) nextTable(context.Context) (table, bool, error) {
	if s.done {
		return table{}, false, nil
	}
	var m archiveLine
	if err := s.meta(&m); err != nil {
		return table{}, false, err
	}
	if m.Done {
		if m.Tables != s.tables {
			return table{}, false, fmt.Errorf("archive end marker counts %d tables, the file holds %d", m.Tables, s.tables)
		}
		s.done = true
		return table{}, false, nil
	}
	if m.Table == "" || len(m.Columns) == 0 {
		return table{}, false, fmt.Errorf("archive line %d: want a table header", s.line)
	}
	s.cur, s.n = table{name: m.Table, cols: m.Columns}, 0
	s.tables++
	return s.cur, true, nil
}

func (s *archiveSource) nextRow() ([]any, error) {
	if !s.sc.Scan() {
		if err := s.sc.Err(); err != nil {
			return nil, fmt.Errorf("archive line %d: %w", s.line+1, err)
		}
		return nil, fmt.Errorf("archive ends inside table %s: the backup is incomplete", s.cur.name)
	}
	s.line++
	b := s.sc.Bytes()
	if len(b) > 0 && b[0] == '{' {
		var m archiveLine
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("archive line %d: %w", s.line, err)
		}
		if m.End != s.cur.name || m.Rows == nil || *m.Rows != s.n {
			return nil, fmt.Errorf("archive line %d: table %s ends after %d rows, its marker says otherwise", s.line, s.cur.name, s.n)
		}
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("archive line %d (table %s): %w", s.line, s.cur.name, err)
	}
	if len(raw) != len(s.cur.cols) {
		return nil, fmt.Errorf("archive line %d (table %s): %d values for %d columns", s.line, s.cur.name, len(raw), len(s.cur.cols))
	}
	for i, v := range raw {
		if m, ok := v.(map[string]any); ok {
			enc, _ := m["b64"].(string)
			bs, err := base64.StdEncoding.DecodeString(enc)
			if err != nil {
				return nil, fmt.Errorf("archive line %d (table %s, column %s): %w", s.line, s.cur.name, s.cur.cols[i], err)
			}
			raw[i] = bs
		}
	}
	s.n++
	return raw, nil
}

// convert makes v fit a column of kind k of the target database; SQLite's
// loose typing may hand back an integer for a TEXT column and the archive
// carries numbers as json.Number.
func convert(v any, k columnKind) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindInt:
		switch v := v.(type) {
		case int64:
			return v, nil
		case json.Number:
			return v.Int64()
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			return strconv.ParseInt(v, 10, 64)
		case float64:
			if v == float64(int64(v)) {
				return int64(v), nil
			}
		}
	case kindText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case json.Number:
			return v.String(), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(v), nil
		}
	case kindReal:
		switch v := v.(type) {
		case float64:
			return v, nil
		case int64:
			return float64(v), nil
		case json.Number:
			return v.Float64()
		case string:
			return strconv.ParseFloat(v, 64)
		}
	case kindBool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			return v != 0, nil
		case json.Number:
			n, err := v.Int64()
			return n != 0, err
		}
	case kindBytes:
		switch v := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(v), nil
		}
	}
	return nil, fmt.Errorf("a %T value does not fit the column", v)
}

// Restore loads the backup at path into the new database dsn: an SQLite
// file that does not exist yet (or is empty), or a PostgreSQL schema (the
// DSN's search_path, else public) without tables. It creates the schema at
// the backup's version, copies every table in one transaction, and then
// applies the migrations this binary has beyond the backup's. A failed
// restore leaves no data behind (the schema it created may stay).
func Restore(ctx context.Context, dsn, path string) (BackupInfo, error) {
	info := BackupInfo{}
	f, err := os.Open(path)
	if err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	info.Bytes = st.Size()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	var src source
	if bytes.Equal(head, []byte("SQLite format 3\x00")) {
		info.Kind = "sqlite"
		f.Close()
		bk, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
		if err != nil {
			return info, fmt.Errorf("store: restore: %w", err)
		}
		defer bk.Close()
		bk.SetMaxOpenConns(1)
		tx, err := bk.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return info, fmt.Errorf("store: restore: %w", err)
		}
		defer tx.Rollback() //nolint:errcheck // read-only
		s, err := newSQLSource(ctx, tx, SQLite)
		if err != nil {
			return info, fmt.Errorf("store: restore: %s: %w", path, err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&s.version); err != nil {
			return info, fmt.Errorf("store: restore: %s has no schema version: %w", path, err)
		}
		src = s
	} else {
		info.Kind = "archive"
		s, err := newArchiveSource(bufio.NewReaderSize(f, 256<<10))
		if err != nil {
			return info, fmt.Errorf("store: restore: %s: %w", path, err)
		}
		src = s
	}
	info.Schema = src.schema()
	if err := restore(ctx, dsn, src, &info); err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	return info, nil
}

func restore(ctx context.Context, dsn string, src source, info *BackupInfo) error {
	if !IsPostgresDSN(dsn) {
		// SQLite: the database is built under a temporary name beside the
		// target and linked into place when whole, so a failed restore
		// leaves no file and can simply be run again.
		target := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if i := strings.IndexByte(target, '?'); i >= 0 {
			target = target[:i]
		}
		if st, err := os.Stat(target); err == nil && st.Size() > 0 {
			return fmt.Errorf("%s exists: restore writes a new database only (目标数据库已存在)", target)
		}
		tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.restoring")
		if err != nil {
			return err
		}
		tmp.Close()
		defer func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(tmp.Name() + suffix)
			}
		}()
		if err := restoreInto(ctx, tmp.Name(), src, info); err != nil {
			return err
		}
		os.Remove(target) // an empty file left by an earlier open, if any
		return os.Link(tmp.Name(), target)
	}
	return restoreInto(ctx, dsn, src, info)
}

func restoreInto(ctx context.Context, dsn string, src source, info *BackupInfo) error {
	db, err := OpenUnmigrated(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.dialect == Postgres {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
			return fmt.Errorf("inspect target: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("the target schema has %d tables: restore writes into an empty database only (目标数据库非空)", n)
		}
	}
	latest, err := db.migrationProvider()
	if err != nil {
		return err
	}
	if _, target, err := latest.GetVersions(ctx); err == nil && src.schema() > target {
		return fmt.Errorf("the backup's schema version %d is newer than this program's %d: restore with a newer beian", src.schema(), target)
	}
	if _, err := db.MigrateUp(ctx, src.schema()); err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	err = conn.InTx(ctx, func(tx *BulkTx) error { return load(ctx, conn, tx, src, info) })
	conn.Close()
	if err != nil {
		return err
	}
	if _, err := db.MigrateUp(ctx, 0); err != nil {
		return fmt.Errorf("after loading the data: %w", err)
	}
	return nil
}

// load copies every table of src into the target inside tx. Rows the
// migrations seeded are cleared first, so the tables end up as in the backup.
func load(ctx context.Context, conn *Conn, tx *BulkTx, src source, info *BackupInfo) error {
	cat := catalog{q: tx.stx, dialect: tx.dialect}
	targets, err := cat.tables(ctx)
	if err != nil {
		return err
	}
	cols := map[string]map[string]column{}
	for i := len(targets) - 1; i >= 0; i-- {
		t := targets[i].name
		if _, err := tx.stx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
			return fmt.Errorf("clear %s: %w", t, err)
		}
		cs, err := cat.columns(ctx, t)
		if err != nil {
			return err
		}
		cols[t] = map[string]column{}
		for _, c := range cs {
			cols[t][c.name] = c
		}
	}
	for {
		t, ok, err := src.nextTable(ctx)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		tc, ok := cols[t.name]
		if !ok {
			return fmt.Errorf("the backup has table %s, which schema version %d does not", t.name, src.schema())
		}
		kinds := make([]columnKind, len(t.cols))
		for i, c := range t.cols {
			col, ok := tc[c]
			if !ok {
				return fmt.Errorf("the backup has column %s.%s, which schema version %d does not", t.name, c, src.schema())
			}
			kinds[i] = col.kind
		}
		n, err := loadTable(ctx, conn, tx, src, t, kinds)
		if err != nil {
			return fmt.Errorf("table %s: %w", t.name, err)
		}
		info.Tables++
		info.Rows += n
		for _, c := range tc {
			if c.identity {
				q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(COALESCE(MAX(%s), 0), 1), MAX(%s) IS NOT NULL) FROM %s`,
					quoteLiteral(quoteIdent(t.name)), quoteLiteral(c.name), quoteIdent(c.name), quoteIdent(c.name), quoteIdent(t.name))
				if _, err := tx.stx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("table %s: identity %s: %w", t.name, c.name, err)
				}
			}
		}
	}
	return nil
}

func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// loadTable copies one table's rows: COPY on PostgreSQL, multi-row INSERTs
// on SQLite.
func loadTable(ctx context.Context, conn *Conn, tx *BulkTx, src source, t table, kinds []columnKind) (int64, error) {
	var n int64
	var convErr error
	next := func() ([]any, error) {
		vals, err := src.nextRow()
		if err != nil || vals == nil {
			return nil, err
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			if out[i], err = convert(v, kinds[i]); err != nil {
				convErr = fmt.Errorf("row %d, column %s: %w", n+1, t.cols[i], err)
				return nil, convErr
			}
		}
		n++
		return out, nil
	}
	if tx.dialect == Postgres {
		_, err := conn.CopyFrom(ctx, t.name, t.cols, next)
		if convErr != nil {
			return n, convErr
		}
		return n, err
	}
	per := max(1, min(500, 30000/len(t.cols)))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	insert := func(rows int) string {
		return `INSERT INTO ` + quoteIdent(t.name) + ` (` + quoteList(t.cols) + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	}
	full, err := tx.stx.PrepareContext(ctx, insert(per))
	if err != nil {
		return 0, err
	}
	defer full.Close()
	args := make([]any, 0, per*len(t.cols))
	for {
		vals, err := next()
		if err != nil {
			return n, err
		}
		if vals == nil {
			break
		}
		args = append(args, vals...)
		if len(args) == cap(args) {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return n, err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := tx.stx.ExecContext(ctx, insert(len(args)/len(t.cols)), args...); err != nil {
			return n, err
		}
	}
	return n, nil
}
