package cli

import (
	"context"
	"fmt"

	"github.com/beian/beian/internal/store"
)

const (
	backupUsage  = "backup [--db DSN] FILE"
	restoreUsage = "restore [--db DSN] FILE"
)

// runBackup: beian backup writes a consistent copy of the database to a
// new FILE while the platform keeps running: an SQLite database file for
// SQLite, a gzipped archive for PostgreSQL. Either restores into either.
func runBackup(env *Env, args []string) int {
	dsn, file, c, ok := backupArgs(env, "backup", backupUsage, args)
	if !ok {
		return c
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian backup: %v\n", err)
		return ExitInvalid
	}
	defer db.Close()
	info, err := db.Backup(ctx, file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian backup: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "backup %s written: %s, schema version %d, %d bytes (备份完成)\n", file, info.Kind, info.Schema, info.Bytes)
	return ExitOK
}

// runRestore: beian restore loads a backup into a new database (an SQLite
// file that does not exist yet, or an empty PostgreSQL database or schema)
// and migrates it to this binary's schema. It never writes over data.
func runRestore(env *Env, args []string) int {
	dsn, file, c, ok := backupArgs(env, "restore", restoreUsage, args)
	if !ok {
		return c
	}
	info, err := store.Restore(context.Background(), dsn, file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian restore: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "restored %s: %d tables, %d rows, schema version %d (恢复完成)\n", file, info.Tables, info.Rows, info.Schema)
	return ExitOK
}

// backupArgs parses --db and the one FILE argument.
func backupArgs(env *Env, name, usage string, args []string) (dsn, file string, code int, ok bool) {
	set := newFlags(env, name, usage)
	db := set.String("db", envOr(env, "BEIAN_DB", store.DefaultSQLitePath), "database: SQLite file or postgres:// URL (env BEIAN_DB)")
	pos, c, ok := parseOrExit(set, args)
	if !ok {
		return "", "", c, false
	}
	if len(pos) != 1 {
		fmt.Fprintf(env.Stderr, "beian %s: give one FILE (须指定一个文件)\nUsage: beian %s\n", name, usage)
		return "", "", ExitUsage, false
	}
	return *db, pos[0], 0, true
}
