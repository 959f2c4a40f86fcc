package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/store"
)

const gateUsage = `gate --listen ADDR (--hosts FILE | --feed URL --token T | --db DSN) [flags]
       beian gate export --format nginx-map|caddy|txt (--hosts FILE | --feed URL --token T | --db DSN)

Serves, on one listener: ForwardAuth / nginx auth_request (any path: 204 with
X-ICP-Number, or 451 with a bilingual block page), Caddy's ask (GET
/check?domain=), GET /v1/hosts/{host}, /healthz and /metrics; with --upstream
it is a reverse proxy that blocks unfiled hosts. SIGHUP reloads the source.

A ForwardAuth request is decided on X-Forwarded-Host only when it comes from
a trusted proxy (--trusted-proxy, or $BEIAN_GATE_TRUSTED_PROXIES as a comma
list; default: loopback, 127.0.0.0/8 and ::1); from any other peer the header
is ignored and Host decides, so a proxy on another machine must be listed or
every host is blocked. With --upstream the decision is always on Host, and a
trusted proxy only keeps its X-Forwarded-For and -Proto for the site. See
docs/gate-proxies.md for safe nginx, Traefik, Caddy and Envoy settings.`

// gateSource holds the source flags shared by serve and export.
type gateSource struct {
	hosts, feed, token, db, provider string
	// opened is the database behind --db, closed by close.
	opened *store.DB
}

// close releases what open acquired.
func (s *gateSource) close() {
	if s.opened != nil {
		s.opened.Close()
	}
}

func (s *gateSource) register(fs *flag.FlagSet) {
	fs.StringVar(&s.hosts, "hosts", "", "hosts `FILE`: domain<TAB>number lines")
	fs.StringVar(&s.feed, "feed", "", "platform `URL` of the gate feed (/api/v1/gate/snapshot and /changes)")
	fs.StringVar(&s.token, "token", "", "feed-only gate `TOKEN` for --feed, from beian feed-token add (default $BEIAN_GATE_TOKEN)")
	fs.StringVar(&s.db, "db", "", "platform database `DSN` (SQLite file or postgres:// URL)")
	fs.StringVar(&s.provider, "provider", "", "with --db: the provider `CODE` whose accesses are allowed (default: every provider)")
}

// open checks that exactly one source is given and builds it.
func (s *gateSource) open(env *Env) (gate.Source, error) {
	n := 0
	for _, v := range []string{s.hosts, s.feed, s.db} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("give exactly one of --hosts, --feed or --db")
	}
	switch {
	case s.hosts != "":
		return gate.FileSource{Path: s.hosts}, nil
	case s.feed != "":
		token := s.token
		if token == "" {
			token = env.Getenv("BEIAN_GATE_TOKEN")
		}
		return gate.NewFeed(s.feed, token, nil)
	default:
		// Open applies pending migrations, as every command on the platform database does.
		db, err := store.Open(context.Background(), s.db)
		if err != nil {
			return nil, err
		}
		s.opened = db
		provider := s.provider
		return gate.NewDBSource(gate.ListerFunc(func(ctx context.Context, yield func(gate.Entry) error) (int64, error) {
			return filing.GateList(ctx, db, provider, func(e gate.FeedEntry) error {
				st := gate.StatusApproved
				if e.Status == gate.FeedPending {
					st = gate.StatusPending
				}
				return yield(gate.Entry{Domain: e.Domain, Number: e.Number, Status: st})
			})
		}))
	}
}

// runGate is `beian gate`: serve, or `beian gate export`.
func runGate(env *Env, args []string) int {
	if len(args) > 0 && args[0] == "export" {
		return runGateExport(env, args[1:])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return serveGate(ctx, env, args, hup, nil)
}

// serveGate runs the gate until ctx is done. Each value on hup reloads the
// source; ready, if set, gets the listening address (tests use port 0).
func serveGate(ctx context.Context, env *Env, args []string, hup <-chan os.Signal, ready func(net.Addr)) int {
	fs := newFlags(env, "gate", gateUsage)
	var src gateSource
	src.register(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "`ADDR` to listen on")
	upstream := fs.String("upstream", "", "reverse-proxy mode: proxy filed hosts to this `URL`")
	poll := fs.Duration("poll", gate.DefaultPollInterval, "how often to ask --feed for changes")
	deny := fs.Int("deny-status", 451, "status of a refused ForwardAuth request: 451, 403 (nginx auth_request) or 401")
	allow := fs.Int("allow-status", 204, "status of an allowed ForwardAuth request: 204, or 200 (Envoy ext_authz, which takes only 200)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	var proxies proxyFlag
	fs.Var(&proxies, "trusted-proxy", "`CIDR` (or IP, loopback, none) of a proxy whose X-Forwarded-Host is believed; repeatable (default $BEIAN_GATE_TRUSTED_PROXIES, else loopback)")
	maxConns := fs.Int("max-conns", 0, "most client connections open at once; more are closed at accept (default: the descriptor limit, at most 10000)")
	headerTimeout := fs.Duration("header-timeout", gate.DefaultHeaderTimeout, "a request head (and a new connection's first) must arrive within this")
	idleTimeout := fs.Duration("idle-timeout", gate.DefaultIdleTimeout, "close a keep-alive connection idle for this long")
	var readTimeout, writeTimeout timeoutFlag
	fs.Var(&readTimeout, "read-timeout", "a whole request, body included, must arrive within `DURATION`; 0 for none (default 30s, none with --upstream)")
	fs.Var(&writeTimeout, "write-timeout", "a whole answer must be written within `DURATION`, and a client leaving answers unread that long is dropped; 0 for none (default 10s, none with --upstream)")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--header-timeout", *headerTimeout}, {"--idle-timeout", *idleTimeout}} {
		if d.v <= 0 {
			fmt.Fprintf(env.Stderr, "beian gate: %s %v: want a positive duration\n", d.name, d.v)
			return ExitUsage
		}
	}
	if *maxConns < 0 {
		fmt.Fprintf(env.Stderr, "beian gate: --max-conns %d: want a positive number (0 for the default)\n", *maxConns)
		return ExitUsage
	}
	trusted, err := proxies.resolve(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian gate: %v\n", err)
		return ExitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(env.Stderr, "beian gate: %v\n", err)
		return ExitInvalid
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian gate: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(env.Stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(env.Stderr, nil))
	default:
		fmt.Fprintf(env.Stderr, "beian gate: --log-format %q: want text or json\n", *logFormat)
		return ExitUsage
	}
	source, err := src.open(env)
	if err != nil {
		return fail(err)
	}
	defer src.close()
	cfg := gate.Config{Source: source, PollInterval: *poll, DenyStatus: *deny, AllowStatus: *allow, Logger: log,
		TrustedProxies: trusted, MaxConns: *maxConns, HeaderTimeout: *headerTimeout, IdleTimeout: *idleTimeout,
		ReadTimeout: readTimeout.value(), WriteTimeout: writeTimeout.value()}
	if *upstream != "" {
		if cfg.Upstream, err = url.Parse(*upstream); err != nil {
			return fail(fmt.Errorf("--upstream: %w", err))
		}
	}
	g, err := gate.New(cfg)
	if err != nil {
		return fail(err)
	}
	if env.Getenv("GOGC") == "" {
		// The allow-list is one large pointer-free block the collector never
		// scans: collecting often is cheap, and keeps the heap close to the
		// set instead of twice its size.
		debug.SetGCPercent(25)
	}
	if err := g.Load(ctx); err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail(err)
	}
	log.Info("gate listening", "addr", ln.Addr().String(), "source", fmt.Sprint(source), "entries", g.Set().Len(),
		"trusted_proxies", fmt.Sprint(g.TrustedProxies()), "max_conns", g.MaxConns())
	if len(g.TrustedProxies()) == 0 && cfg.Upstream == nil {
		log.Info("no trusted proxy: X-Forwarded-Host is ignored and every ForwardAuth request is decided on its Host header")
	}
	if ready != nil {
		ready(ln.Addr())
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = g.Run(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading")
				g.Reload()
			}
		}
	})
	err = g.Serve(ctx, ln)
	wg.Wait()
	if err != nil {
		return fail(err)
	}
	return ExitOK
}

// proxyFlag collects --trusted-proxy values; nil until one is given.
type proxyFlag struct {
	list []netip.Prefix
	none bool // "none" was given
	set  bool
}

// String shows the values given.
func (p *proxyFlag) String() string {
	if p == nil || !p.set {
		return ""
	}
	if p.none {
		return "none"
	}
	return fmt.Sprint(p.list)
}

// Set parses one value; the flag package names the flag in its error.
func (p *proxyFlag) Set(v string) error {
	ps, err := gate.ParseTrustedProxy(v)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		p.none = true
	}
	if p.none && (len(ps) > 0 || len(p.list) > 0) {
		return errors.New(`"none" cannot be combined with other trusted proxies`)
	}
	p.set = true
	p.list = append(p.list, ps...)
	return nil
}

// resolve returns the trusted proxies: the flags, else
// BEIAN_GATE_TRUSTED_PROXIES, else nil (the gate's default, loopback).
func (p *proxyFlag) resolve(env *Env) ([]netip.Prefix, error) {
	if p.set {
		if p.list == nil {
			return []netip.Prefix{}, nil // none
		}
		return p.list, nil
	}
	v := strings.TrimSpace(env.Getenv("BEIAN_GATE_TRUSTED_PROXIES"))
	if v == "" {
		return nil, nil
	}
	ps, err := gate.ParseTrustedProxies(v)
	if err != nil {
		return nil, fmt.Errorf("BEIAN_GATE_TRUSTED_PROXIES: %w", err)
	}
	return ps, nil
}

// timeoutFlag is a duration that can be left unset (the gate's default for
// the mode) or set to 0 (no timeout).
type timeoutFlag struct {
	d   time.Duration
	set bool
}

// String shows the value given, or nothing when unset.
func (t *timeoutFlag) String() string {
	if t == nil || !t.set {
		return ""
	}
	return t.d.String()
}

// Set parses a non-negative duration.
func (t *timeoutFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	if d < 0 {
		return fmt.Errorf("%v: want 0 (none) or a positive duration", d)
	}
	t.d, t.set = d, true
	return nil
}

// value is the gate.Config form: 0 for the default, gate.NoTimeout for none.
func (t *timeoutFlag) value() time.Duration {
	switch {
	case !t.set:
		return 0
	case t.d == 0:
		return gate.NoTimeout
	}
	return t.d
}

// runGateExport is `beian gate export`.
func runGateExport(env *Env, args []string) int {
	fs := newFlags(env, "gate export", gateUsage)
	var src gateSource
	src.register(fs)
	format := fs.String("format", gate.FormatText, "output format: "+strings.Join(gate.Formats(), ", "))
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian gate export: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	if !slices.Contains(gate.Formats(), *format) {
		fmt.Fprintf(env.Stderr, "beian gate export: --format %q: want %s\n", *format, strings.Join(gate.Formats(), ", "))
		return ExitUsage
	}
	source, err := src.open(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian gate export: %v\n", err)
		return ExitInvalid
	}
	defer src.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := source.Load(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian gate export: %v\n", err)
		return ExitInvalid
	}
	if err := gate.Export(env.Stdout, s, *format); err != nil {
		fmt.Fprintf(env.Stderr, "beian gate export: %v\n", err)
		return ExitInvalid
	}
	return ExitOK
}
