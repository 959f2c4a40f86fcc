package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/store"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runProvider: beian provider add --db DSN --code CODE --name NAME [--cidr CIDR]…
func runProvider(env *Env, args []string) int {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage: beian provider add --db DSN --code CODE --name NAME [--cidr CIDR]…")
			return ExitOK
		}
		fmt.Fprintln(env.Stderr, "Usage: beian provider add --db DSN --code CODE --name NAME [--cidr CIDR]…")
		return ExitUsage
	}
	fs := newFlags(env, "provider add", "provider add --db DSN --code CODE --name NAME [--cidr CIDR]…")
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL")
	dataDir := fs.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory of the data key that keys the audit log (env BEIAN_DATA_DIR, or BEIAN_DATA_KEY)")
	code := fs.String("code", "", "provider code (unique)")
	name := fs.String("name", "", "provider name")
	var cidrs stringList
	fs.Var(&cidrs, "cidr", "an IP range of the provider (repeatable)")
	if _, c, ok := parseOrExit(fs, args[1:]); !ok {
		return c
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian provider add: %v\n", err)
		return ExitInvalid
	}
	defer d.Close()
	acc, err := operatorAccounts(env, d, *dataDir, flagGiven(fs, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian provider add: %v\n", err)
		return ExitInvalid
	}
	p, err := acc.AddProvider(ctx, *code, *name, cidrs)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian provider add: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "provider %s (%s) added, id %d, %d IP ranges\n", p.Code, p.Name, p.ID, len(p.CIDRs))
	return ExitOK
}

// runUser: beian user add --db DSN --email E --password P --role R [--provider CODE],
// or beian user passwd --db DSN --email E --password P, which also signs the
// account out everywhere (every token revoked).
func runUser(env *Env, args []string) int {
	usage := "user add --db DSN --email E --password P --role provider|authority|psb|admin|applicant|gate [--provider CODE] [--name N]\n       beian user passwd --db DSN --email E --password P"
	if len(args) > 0 && args[0] == "passwd" {
		return runPasswd(env, args[1:], usage)
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.Stderr, "Usage: beian "+usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return ExitOK
		}
		return ExitUsage
	}
	fs := newFlags(env, "user add", usage)
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL")
	dataDir := fs.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory of the data key that keys the audit log (env BEIAN_DATA_DIR, or BEIAN_DATA_KEY)")
	email := fs.String("email", "", "e-mail (sign-in name)")
	password := fs.String("password", "", "password (≥ 10 characters)")
	roleS := fs.String("role", "", "provider, authority, psb, admin or applicant")
	provider := fs.String("provider", "", "provider code, for provider accounts")
	name := fs.String("name", "", "display name")
	if _, c, ok := parseOrExit(fs, args[1:]); !ok {
		return c
	}
	role, err := auth.ParseRole(*roleS)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user add: --role: %v\n", err)
		return ExitUsage
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user add: %v\n", err)
		return ExitInvalid
	}
	defer d.Close()
	acc, err := operatorAccounts(env, d, *dataDir, flagGiven(fs, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user add: %v\n", err)
		return ExitInvalid
	}
	a, err := acc.AddUser(ctx, *email, *password, *name, role, *provider)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user add: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "user %s (%s) added, id %d\n", a.Email, a.Role, a.ID)
	return ExitOK
}

// runPasswd sets an account's password and revokes all its tokens.
func runPasswd(env *Env, args []string, usage string) int {
	fs := newFlags(env, "user passwd", usage)
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL")
	dataDir := fs.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory of the data key that keys the audit log (env BEIAN_DATA_DIR, or BEIAN_DATA_KEY)")
	email := fs.String("email", "", "e-mail (sign-in name)")
	password := fs.String("password", "", "new password (≥ 10 characters)")
	if _, c, ok := parseOrExit(fs, args); !ok {
		return c
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user passwd: %v\n", err)
		return ExitInvalid
	}
	defer d.Close()
	acc, err := operatorAccounts(env, d, *dataDir, flagGiven(fs, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian user passwd: %v\n", err)
		return ExitInvalid
	}
	if err := acc.SetPassword(ctx, account.CLI, *email, *password); err != nil {
		fmt.Fprintf(env.Stderr, "beian user passwd: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "password of %s changed; every token of the account revoked\n", *email)
	return ExitOK
}

// operatorAccounts is the account service of the operator commands, writing
// the audit log with the server's key (from the data directory or
// BEIAN_DATA_KEY) so that its rows extend the server's keyed chain.
func operatorAccounts(env *Env, db *store.DB, dataDir string, explicit bool) (*account.Service, error) {
	chain, err := auditChain(env, dataDir, explicit)
	if err != nil {
		return nil, err
	}
	return account.NewService(account.Config{DB: db, Chain: chain}), nil
}

// runFeedToken: beian feed-token add --db DSN --provider CODE [--days N]
// prints a token for the provider's edge gate (--token of beian gate
// --feed, or BEIAN_GATE_TOKEN): it reads that provider's allow-list feed
// and nothing else, so the gate never holds a review desk's token, which
// reads decrypted ID numbers. Revoke: beian feed-token revoke.
func runFeedToken(env *Env, args []string) int {
	usage := "feed-token add|revoke --db DSN --provider CODE [--days N]"
	if len(args) == 0 || (args[0] != "add" && args[0] != "revoke") {
		fmt.Fprintln(env.Stderr, "Usage: beian "+usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return ExitOK
		}
		return ExitUsage
	}
	verb := args[0]
	fs := newFlags(env, "feed-token "+verb, usage)
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "database: SQLite file or postgres:// URL")
	dataDir := fs.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory of the data key that keys the audit log (env BEIAN_DATA_DIR, or BEIAN_DATA_KEY)")
	provider := fs.String("provider", "", "provider code whose feed the gate reads")
	days := fs.Int("days", int(account.FeedTokenLifetime/(24*time.Hour)), "days the token stays valid")
	if _, c, ok := parseOrExit(fs, args[1:]); !ok {
		return c
	}
	if *days <= 0 {
		fmt.Fprintf(env.Stderr, "beian feed-token %s: --days must be positive (有效天数须为正数)\n", verb)
		return ExitUsage
	}
	ctx := context.Background()
	d, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian feed-token %s: %v\n", verb, err)
		return ExitInvalid
	}
	defer d.Close()
	acc, err := operatorAccounts(env, d, *dataDir, flagGiven(fs, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian feed-token %s: %v\n", verb, err)
		return ExitInvalid
	}
	if verb == "revoke" {
		n, err := acc.RevokeFeedTokens(ctx, account.CLI, *provider)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian feed-token revoke: %v\n", err)
			return ExitInvalid
		}
		fmt.Fprintf(env.Stdout, "%d gate tokens of provider %s revoked\n", n, *provider)
		return ExitOK
	}
	tok, a, err := acc.IssueFeedToken(ctx, account.CLI, *provider, time.Duration(*days)*24*time.Hour)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian feed-token add: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintln(env.Stdout, tok)
	fmt.Fprintf(env.Stderr, "gate token of provider %s (account %d), valid %d days: pass it as --token or BEIAN_GATE_TOKEN to beian gate --feed\n", a.ProviderCode, a.ID, *days)
	return ExitOK
}
