package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
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
it is a reverse proxy that blocks unfiled hosts. SIGHUP reloads the source.`

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
	fs.StringVar(&s.token, "token", "", "gate `TOKEN` for --feed (default $BEIAN_GATE_TOKEN)")
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
	logFormat := fs.String("log-format", "text", "log format: text or json")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
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
	cfg := gate.Config{Source: source, PollInterval: *poll, DenyStatus: *deny, Logger: log}
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
	log.Info("gate listening", "addr", ln.Addr().String(), "source", fmt.Sprint(source), "entries", g.Set().Len())
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
