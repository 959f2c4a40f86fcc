package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/beian/beian/internal/store"
)

const migrateUsage = "migrate [--db DSN] [--status]"

// runMigrate: beian migrate applies the schema migrations this binary
// carries and prints what it applied; --status only lists them, applied or
// pending, and changes nothing (so it may run against a server's database
// before an upgrade). serve migrates at start as well; the command is for
// operators who migrate as a separate, reviewed step.
func runMigrate(env *Env, args []string) int {
	set := newFlags(env, "migrate", migrateUsage)
	dsn := set.String("db", envOr(env, "BEIAN_DB", store.DefaultSQLitePath), "database: SQLite file or postgres:// URL (env BEIAN_DB)")
	status := set.Bool("status", false, "list the migrations and their state; apply nothing")
	pos, c, ok := parseOrExit(set, args)
	if !ok {
		return c
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian migrate: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	if *status && !store.IsPostgresDSN(*dsn) {
		if err := sqliteExists(*dsn); err != nil {
			fmt.Fprintf(env.Stderr, "beian migrate: --db: %v\n", err)
			return ExitInvalid
		}
	}
	ctx := context.Background()
	db, err := store.OpenUnmigrated(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian migrate: %v\n", err)
		return ExitInvalid
	}
	defer db.Close()
	if !*status {
		applied, err := db.MigrateUp(ctx, 0)
		for _, m := range applied {
			fmt.Fprintf(env.Stdout, "applied %s\n", m.Name)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian migrate: %v\n", err)
			return ExitInvalid
		}
	}
	list, err := db.Migrations(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian migrate: %v\n", err)
		return ExitInvalid
	}
	var version int64
	pending := 0
	for _, m := range list {
		if m.Applied {
			version = m.Version
		} else {
			pending++
		}
		if *status {
			state := "pending"
			if m.Applied {
				state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(env.Stdout, "%-28s %s\n", m.Name, state)
		}
	}
	fmt.Fprintf(env.Stdout, "schema version %d, %d pending (数据库结构版本 %d，待执行 %d)\n", version, pending, version, pending)
	return ExitOK
}

// sqliteExists refuses an SQLite path with no database, where opening
// would create an empty file.
func sqliteExists(dsn string) error {
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || err == nil && st.Size() == 0 {
		return fmt.Errorf("no database at %s (数据库不存在)", p)
	}
	return err
}
