package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/secret"
	"github.com/beian/beian/internal/store"
)

const auditUsage = "audit verify|head [--db DSN] [--data-dir DIR] [--expect-head ID:HASH] [--require-keyed] [--json]"

// runAudit: beian audit verify|head. verify exits 0 when the chain verifies
// and 1 when it is broken (the first bad row is named); head verifies the
// chain the same way and prints its head as ID:HASH, the value to keep
// outside the database and hand back later as verify --expect-head. The
// chain key comes from the data key, read as serve reads it (BEIAN_DATA_KEY,
// else DIR/data.key), but never created: without a key only a chain written
// before the log was keyed verifies.
func runAudit(env *Env, args []string) int {
	if len(args) == 0 || args[0] != "verify" && args[0] != "head" {
		fmt.Fprintln(env.Stderr, "Usage: beian "+auditUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return ExitOK
		}
		return ExitUsage
	}
	sub := args[0]
	name := "beian audit " + sub
	set := newFlags(env, "audit "+sub, auditUsage)
	db := set.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL (env BEIAN_DB)")
	dataDir := set.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory holding data.key when BEIAN_DATA_KEY is not set (env BEIAN_DATA_DIR)")
	expect := set.String("expect-head", "", "a head printed earlier by `beian audit head`: fail unless the chain still holds it")
	requireKeyed := set.Bool("require-keyed", false, "fail unless the newest row is keyed (true of every chain a keyed server has written to)")
	asJSON := set.Bool("json", false, "print the report as JSON")
	pos, c, ok := parseOrExit(set, args[1:])
	if !ok {
		return c
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "%s: unexpected argument %q\n", name, pos[0])
		return ExitUsage
	}
	opts := audit.VerifyOptions{RequireKeyed: *requireKeyed}
	if *expect != "" {
		h, err := audit.ParseHead(*expect)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: --expect-head: %v (预期链头格式错误)\n", name, err)
			return ExitUsage
		}
		opts.ExpectHead = &h
	}
	chain, err := auditChain(env, *dataDir, flagGiven(set, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return ExitInvalid
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return ExitInvalid
	}
	defer d.Close()
	rep, err := chain.Verify(ctx, d, opts)
	if err != nil && !errors.Is(err, audit.ErrBroken) && !errors.Is(err, audit.ErrKeyRequired) {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return ExitInvalid
	}
	if *asJSON {
		out := struct {
			audit.Report
			Head string `json:"head,omitempty"`
		}{Report: rep}
		if rep.OK {
			out.Head = rep.Head().String()
		}
		_ = json.NewEncoder(env.Stdout).Encode(out)
	} else if rep.OK && sub == "head" {
		fmt.Fprintln(env.Stdout, rep.Head())
	} else if rep.OK {
		fmt.Fprintf(env.Stdout, "audit log verified: %d rows (%d keyed), head %s\n", rep.Rows, rep.KeyedRows, rep.Head())
	}
	switch {
	case errors.Is(err, audit.ErrKeyRequired):
		fmt.Fprintf(env.Stderr, "%s: row %d is keyed and no data key was found: set %s or --data-dir to the directory holding data.key (审计链已加密钥，须提供数据密钥)\n", name, rep.BadID, secret.EnvKey)
		return ExitInvalid
	case !rep.OK:
		fmt.Fprintf(env.Stderr, "%s: chain broken at row %d (审计链在第%d行断裂): %s\n", name, rep.BadID, rep.BadID, rep.Problem)
		return ExitInvalid
	}
	return ExitOK
}

// auditChain returns the keyed chain when a data key is at hand, the
// unkeyed one otherwise. It reads the key file only if it exists, since
// secret.LoadKey would create a fresh key, under which nothing verifies;
// a --data-dir given explicitly must hold one.
func auditChain(env *Env, dataDir string, explicit bool) (*audit.Chain, error) {
	envKey := env.Getenv(secret.EnvKey)
	keyFile := filepath.Join(dataDir, "data.key")
	if envKey == "" {
		if _, err := os.Stat(keyFile); errors.Is(err, fs.ErrNotExist) {
			if explicit {
				return nil, fmt.Errorf("--data-dir %s holds no data.key (数据目录中没有 data.key)", dataDir)
			}
			return audit.Unkeyed(), nil
		}
	}
	key, err := secret.LoadKey(envKey, keyFile)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return audit.New(audit.KeyFrom(key))
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(set *flag.FlagSet, name string) bool {
	given := false
	set.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
