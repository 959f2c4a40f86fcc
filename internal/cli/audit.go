package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/store"
)

// runAudit: beian audit verify --db DSN [--json]. Exit 0 when the chain
// verifies, 1 when it is broken (the first bad row is named).
func runAudit(env *Env, args []string) int {
	usage := "audit verify [--db DSN] [--json]"
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Stderr, "Usage: beian "+usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return ExitOK
		}
		return ExitUsage
	}
	fs := newFlags(env, "audit verify", usage)
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, c, ok := parseOrExit(fs, args[1:]); !ok {
		return c
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian audit verify: %v\n", err)
		return ExitInvalid
	}
	defer d.Close()
	rep, err := audit.Verify(ctx, d)
	if err != nil && !errors.Is(err, audit.ErrBroken) {
		fmt.Fprintf(env.Stderr, "beian audit verify: %v\n", err)
		return ExitInvalid
	}
	if *asJSON {
		_ = json.NewEncoder(env.Stdout).Encode(rep)
	} else if rep.OK {
		fmt.Fprintf(env.Stdout, "audit log verified: %d rows, head %s\n", rep.Rows, rep.HeadHash)
	}
	if !rep.OK {
		fmt.Fprintf(env.Stderr, "beian audit verify: chain broken at row %d: %s\n", rep.BadID, rep.Problem)
		return ExitInvalid
	}
	return ExitOK
}
