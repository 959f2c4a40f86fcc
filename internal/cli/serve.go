package cli

import (
	"context"
	"fmt"
	"github.com/beian/beian/internal/clientip"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/notify"
)

// runServe starts the platform: JSON API, /healthz, /metrics.
func runServe(env *Env, args []string) int {
	fs := newFlags(env, "serve", "serve [--addr 127.0.0.1:8080] [--db FILE|postgres://…] [--data-dir DIR] [--demo]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	db := fs.String("db", envOr(env, "BEIAN_DB", "beian.db"), "SQLite file (created and migrated on first start) or postgres:// URL (env BEIAN_DB)")
	dataDir := fs.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory for the data key file and document scans (env BEIAN_DATA_DIR)")
	holidays := fs.String("holidays", env.Getenv("BEIAN_HOLIDAYS"), "holiday override file for years not embedded (env BEIAN_HOLIDAYS)")
	demo := fs.Bool("demo", false, "seed a demo provider, one account per role (passwords printed once) and filings in several states")
	trusted := fs.String("trusted-proxy", envOr(env, "BEIAN_TRUSTED_PROXIES", "loopback"),
		"proxies whose X-Forwarded-For names the client for rate limits: CIDRs and addresses, \"loopback\" or \"none\" (env BEIAN_TRUSTED_PROXIES)")
	scanEveryS := fs.String("scan-every", envOr(env, "BEIAN_SCAN_EVERY", "24h"),
		"how often the compliance scanner sweeps every active website; 0 turns the sweep off (env BEIAN_SCAN_EVERY)")
	scanResolver := fs.String("scan-resolver", env.Getenv("BEIAN_SCAN_RESOLVER"), "DNS server the scanner asks, IP[:port] (default the system's; env BEIAN_SCAN_RESOLVER)")
	draftAgeS := fs.String("draft-max-age", envOr(env, "BEIAN_DRAFT_MAX_AGE", "720h"),
		"drafts untouched this long expire (their personal data stops being kept); 0 never (env BEIAN_DRAFT_MAX_AGE)")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian serve: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	scanEvery, err := time.ParseDuration(*scanEveryS)
	if err != nil || scanEvery < 0 {
		fmt.Fprintf(env.Stderr, "beian serve: --scan-every %q: want a duration such as 24h, or 0 for no sweep (扫描间隔无效)\n", *scanEveryS)
		return ExitUsage
	}
	if scanEvery == 0 {
		scanEvery = -1 // app.Config: negative is no sweep, 0 its default
	}
	draftAge, err := time.ParseDuration(*draftAgeS)
	if err != nil || draftAge < 0 {
		fmt.Fprintf(env.Stderr, "beian serve: --draft-max-age %q: want a duration such as 720h, or 0 to keep drafts (草稿有效期无效)\n", *draftAgeS)
		return ExitUsage
	}
	if draftAge == 0 {
		draftAge = -1 // app.Config: negative is never, 0 its default
	}
	proxies, err := clientip.ParseTrusted(*trusted)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian serve: --trusted-proxy: %v\n", err)
		return ExitUsage
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	smtp := notify.SMTP{Addr: env.Getenv("BEIAN_SMTP_ADDR"), From: envOr(env, "BEIAN_SMTP_FROM", "beian@localhost"),
		Username: env.Getenv("BEIAN_SMTP_USER"), Password: env.Getenv("BEIAN_SMTP_PASSWORD")}
	a, err := app.New(ctx, app.Config{DB: *db, DataDir: *dataDir, DataKey: env.Getenv("BEIAN_DATA_KEY"), Holidays: *holidays, SMTP: smtp, Log: log,
		TrustedProxies: proxies, ScanEvery: scanEvery, ScanResolver: *scanResolver, DraftMaxAge: draftAge, DemoPhone: *demo})
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian serve: %v\n", err)
		return ExitInvalid
	}
	defer a.Close()
	if *demo {
		accs, err := a.SeedDemo(ctx)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian serve: demo data: %v\n", err)
			return ExitInvalid
		}
		if accs == nil {
			fmt.Fprintln(env.Stdout, "demo data already present (passwords were printed when it was created; delete the database to start over)")
		} else {
			fmt.Fprintln(env.Stdout, "demo accounts (passwords are shown only now):")
			for _, acc := range accs {
				fmt.Fprintf(env.Stdout, "  %-9s %-28s %s\n", acc.Role, acc.Email, acc.Password)
			}
		}
	}
	err = a.Serve(ctx, *addr, func(ad net.Addr) {
		fmt.Fprintf(env.Stdout, "beian listening on http://%s (API /api/v1, /healthz, /metrics)\n", ad)
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian serve: %v\n", err)
		return ExitInvalid
	}
	return ExitOK
}

func envOr(env *Env, name, def string) string {
	if v := env.Getenv(name); v != "" {
		return v
	}
	return def
}
