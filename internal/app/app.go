// Package app is the composition root of `beian serve`: it opens the store,
// loads the data key, builds the services and the HTTP handler, and runs the
// server until its context ends.
package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/web/httpx"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/blobstore"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/jobs"
	"github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/notify"
	"github.com/beian/beian/internal/secret"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/web/api"
)

// Config is everything `serve` needs; the CLI fills it from flags and the
// environment. DataKey is secret and never logged.
type Config struct {
	Addr string
	// DB is an SQLite path or a postgres:// URL.
	DB string
	// DataDir holds the key file and the document blobs.
	DataDir string
	// DataKey is BEIAN_DATA_KEY (base64 or hex of 32 bytes); empty = key file in DataDir.
	DataKey string
	// Holidays is an optional calendar override file.
	Holidays string
	// SMTP delivers e-mail notifications when SMTP.Addr is set (env BEIAN_SMTP_ADDR, …).
	SMTP notify.SMTP
	// ScheduleEvery is how often the scheduled lifecycle tasks run in Serve (default 1 minute).
	ScheduleEvery time.Duration
	Now           func() time.Time
	Log           *slog.Logger
	// Policy is the rate limits (sign-up, sign-in backoff, SMS attempts,
	// lookup, password-hash slots); nil is ratelimit.DefaultPolicy().
	Policy *ratelimit.Policy
	// DraftMaxAge is how long a draft may stay untouched before it expires
	// (0: filing.DefaultDraftMaxAge, 30 days; negative: never).
	DraftMaxAge time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For names the client
	// for rate limits; nil is loopback only.
	TrustedProxies []netip.Prefix
	// ScanEvery is how often the compliance scanner sweeps every active
	// website (0: every 24 h; negative: no sweep).
	ScanEvery time.Duration
	// ScanResolver is the DNS server the scanner asks ("" = the system's).
	ScanResolver string
	// Operations is the catalogue of operations; nil is operation.Default().
	// A new operation is one more descriptor here (and its "op.<name>" UI
	// translations); see ARCHITECTURE.md.
	Operations *operation.Catalogue
}

// App is a built platform.
type App struct {
	DB *store.DB
	// Sweeper is the scheduled compliance scan (nil when disabled).
	Sweeper *scan.Sweeper
	// Chain writes and verifies the audit log, keyed from the data key.
	Chain *audit.Chain
	// Guards are the rate limits, shared by the API and the UI.
	Guards   *ratelimit.Guards
	Accounts *account.Service
	Filing   *filing.Service
	Blobs    *blobstore.Store
	// Lookup is the public lookup (GET /api/v1/filings and the /lookup
	// page); Serve keeps its in-memory index current.
	Lookup  *lookup.Handler
	Log     *slog.Logger
	handler http.Handler
	clients *clientip.Resolver
	every   time.Duration
	now     func() time.Time
}

// New opens everything. The caller closes the App.
func New(ctx context.Context, c Config) (*App, error) {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.DataDir == "" {
		c.DataDir = "beian-data"
	}
	key, err := secret.LoadKey(c.DataKey, filepath.Join(c.DataDir, "data.key"))
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	box, err := secret.New(key)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	cal, err := calendar.Load(c.Holidays)
	if err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	blobs, err := blobstore.Open(filepath.Join(c.DataDir, "documents"), box)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	var mailer filing.Mailer
	if c.SMTP.Addr != "" {
		m := c.SMTP
		mailer = &m
	}
	if c.ScheduleEvery == 0 {
		c.ScheduleEvery = time.Minute
	}
	policy := ratelimit.DefaultPolicy()
	if c.Policy != nil {
		policy = *c.Policy
	}
	guards, err := ratelimit.NewGuards(policy, c.Now)
	if err != nil {
		db.Close()
		return nil, err
	}
	clients, err := clientip.New(clientip.Config{Trusted: c.TrustedProxies})
	if err != nil {
		db.Close()
		return nil, err
	}
	chain, err := audit.New(audit.KeyFrom(key))
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &App{
		DB:       db,
		Guards:   guards,
		Chain:    chain,
		Accounts: account.NewService(account.Config{DB: db, Now: c.Now, Guards: guards, Chain: chain}),
		Filing: filing.New(filing.Config{DB: db, Box: box, Calendar: cal, Now: c.Now, Mailer: mailer, Operations: c.Operations,
			SMSAttempts: guards.SMS, Chain: chain, DraftMaxAge: c.DraftMaxAge, Log: c.Log.With("component", "filing")}),
		every: c.ScheduleEvery,
		now:   c.Now,
		Blobs: blobs,
		Log:   c.Log,
	}
	if err := a.Filing.LoadSettings(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if a.Lookup, err = newLookup(ctx, db, guards.Lookup, clients, filepath.Join(c.DataDir, "lookup.snapshot"), c.Log); err != nil {
		db.Close()
		return nil, err
	}
	if c.ScanEvery >= 0 {
		if a.Sweeper, err = newSweeper(db, c, a.Filing); err != nil {
			db.Close()
			return nil, err
		}
	}
	// Every request carries its ID and its client's address (for the rate
	// limits), resolved once here.
	a.handler = httpx.WithRequestID(clients.Middleware(a.routes()))
	return a, nil
}

// newSweeper builds the scheduled scan of every active website; applicants
// hear of new findings through the filing outbox (kept by the built-in
// gateway, e-mailed when SMTP is configured).
func newSweeper(db *store.DB, c Config, outbox scan.Outbox) (*scan.Sweeper, error) {
	res, err := scan.NewResolver(c.ScanResolver)
	if err != nil {
		return nil, fmt.Errorf("scan resolver: %w", err)
	}
	return scan.NewSweeper(scan.SweeperConfig{DB: db, Scanner: scan.New(scan.Options{Resolver: res, Now: c.Now}),
		Notifier: scan.OutboxNotifier(outbox), Every: c.ScanEvery, Now: c.Now, Log: c.Log.With("component", "scan")})
}

// documentGrace is how long an uploaded document no row refers to is kept:
// an upload is stored before its row is written, so this must outlast any
// upload request (the server's timeouts are a minute); a day also leaves
// time to look into a failure.
const documentGrace = 24 * time.Hour

// documentSweepEvery is how often Serve sweeps the document store.
const documentSweepEvery = time.Hour

// SweepDocuments deletes the document rows of applications that ended
// unfiled more than filing.DocumentRetention ago, then the stored documents
// that no row refers to and that are older than a day (an orphan upload, or
// one whose rows were just deleted), and seals the documents an earlier
// version stored in clear. It returns the rows deleted and what the store did.
func (a *App) SweepDocuments(ctx context.Context) (int, blobstore.SweepResult, error) {
	now := time.Now
	if a.now != nil {
		now = a.now
	}
	purged, err := a.Filing.PurgeDocuments(ctx, now().Add(-filing.DocumentRetention))
	if err != nil {
		return 0, blobstore.SweepResult{}, err
	}
	// The digests are read after the purge and before the walk: a document
	// uploaded since is younger than the grace period.
	keep, err := a.Filing.DocumentDigests(ctx)
	if err != nil {
		return purged, blobstore.SweepResult{}, err
	}
	res, err := a.Blobs.Sweep(ctx, keep, documentGrace)
	return purged, res, err
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// Handler is the whole HTTP surface: /api/v1, /healthz, /metrics.
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) routes() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "beian_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "beian_http_request_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"route"})
	reg.MustRegister(requests, latency, scan.Collector(a.DB))

	mux := http.NewServeMux()
	(&api.API{Accounts: a.Accounts, Filing: a.Filing, Blobs: a.Blobs, DB: a.DB, Chain: a.Chain, Lookup: a.Lookup,
		Log: a.Log.With("component", "api")}).Register(mux)
	a.mountUI(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: 200}
		mux.ServeHTTP(rec, r)
		_, pattern := mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		took := time.Since(start)
		requests.WithLabelValues(pattern, strconv.Itoa(rec.code)).Inc()
		latency.WithLabelValues(pattern).Observe(took.Seconds())
		// The access log names the route pattern, never the path or query,
		// which may carry personal data (/admin/outbox?to=PHONE).
		a.Log.DebugContext(r.Context(), "request", "method", r.Method, "route", pattern, "status", rec.code,
			"ms", took.Milliseconds(), "request_id", httpx.RequestID(r.Context()))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

// Serve listens on addr until ctx ends, then shuts down gracefully. GET
// /api/v1/filings is answered by the lookup's event loops (lookup.Serve),
// the rest by net/http on the same port.
// ready, when not nil, receives the bound address once listening.
func (a *App) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if ready != nil {
		ready(ln.Addr())
	}
	tasks := []jobs.Task{{Name: "lifecycle", Every: a.every, Run: func(ctx context.Context) error {
		done, err := a.Filing.RunScheduled(ctx)
		for k, n := range done {
			if n > 0 {
				a.Log.InfoContext(ctx, "scheduled task", "task", k, "count", n)
			}
		}
		return err
	}}}
	if a.Sweeper != nil {
		tasks = append(tasks, a.Sweeper.Task())
	}
	tasks = append(tasks, jobs.Task{Name: "documents", Every: documentSweepEvery, Run: func(ctx context.Context) error {
		purged, res, err := a.SweepDocuments(ctx)
		if purged > 0 || res.Removed > 0 || res.Sealed > 0 {
			a.Log.InfoContext(ctx, "document sweep", "rows_purged", purged, "files_removed", res.Removed, "files_sealed", res.Sealed)
		}
		return err
	}})
	sched := jobs.Start(ctx, a.Log.With("component", "jobs"), tasks...)
	lookupDone := make(chan struct{})
	go func() {
		defer close(lookupDone)
		_ = a.Lookup.Run(ctx) // returns when ctx ends
	}()
	defer func() { <-lookupDone }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = sched.Shutdown(sctx)
	}()
	// The lookup's hot GET runs on its event loops; everything else, and
	// every connection once it asked for anything else, on srv.
	if err := a.Lookup.Serve(ctx, ln, srv, runtime.GOMAXPROCS(0)); err != nil && !errors.Is(err, http.ErrServerClosed) &&
		!errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
