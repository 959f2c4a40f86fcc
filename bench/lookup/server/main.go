// Command server is the beian side of the lookup benchmark (run.sh): it
// seeds a database with N synthetic filings, writes the request mix, and
// serves GET /api/v1/filings as `beian serve` mounts it — lookup.Serve's
// event loop in front, net/http for the rest, a per-client rate limit (set
// high enough that one benchmark client is never refused, so that its cost
// is measured and not its refusals) — so the benchmark measures the lookup
// and not the rest of the platform's routing.
//
//	server -db FILE -seed 1000000
//	server -db FILE -queries FILE -n 1000000 -count 200000
//	server -db FILE -addr 127.0.0.1:18092 [-memory=false]
//
// When serving it prints "listening after X s" once the port is open and
// "index ready after Y s" once the in-memory index holds the registry.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run() error {
	start := time.Now()
	dsn := flag.String("db", "", "database (SQLite file or postgres:// URL)")
	seedN := flag.Int("seed", 0, "seed this many filings and exit")
	queries := flag.String("queries", "", "write the request mix to this file and exit")
	n := flag.Int("n", 1000000, "filings in the database (for -queries)")
	count := flag.Int("count", 200000, "queries to write (for -queries)")
	addr := flag.String("addr", "127.0.0.1:18092", "listen address")
	memory := flag.Bool("memory", true, "answer from the in-memory index (false: SQL and the answer cache only)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the serving to this file")
	snapshot := flag.String("snapshot", "", "keep the in-memory index in this file between runs (as serve does in its data directory)")
	netHTTP := flag.Bool("nethttp", false, "serve with net/http alone (no event loop), to compare")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *queries != "" {
		return writeQueries(*queries, *n, *count)
	}
	if *dsn == "" {
		return errors.New("-db is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *seedN > 0 {
		return seed(ctx, db, *seedN)
	}
	reg, err := lookup.New(ctx, db)
	if err != nil {
		return err
	}
	lim, err := ratelimit.NewLimiter(ratelimit.Limit{Name: "lookup", Rate: ratelimit.Rate{Events: 100_000_000, Per: time.Second, Burst: 1 << 20}})
	if err != nil {
		return err
	}
	h := lookup.NewHandler(reg, lookup.Options{Limiter: lookup.RateLimiter(lim), Commits: db.Commits, SnapshotFile: *snapshot,
		Log:       slog.New(slog.NewTextHandler(os.Stderr, nil)),
		ClientKey: func(peer netip.Addr, _ http.Header) string { return clientip.Key(peer) }})
	mux := http.NewServeMux()
	mux.Handle(lookup.Path, h)
	mux.Handle("GET /lookup", h.Page())
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "listening after %.2f s\n", time.Since(start).Seconds())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second, WriteTimeout: 60 * time.Second}
	if *memory {
		go func() {
			if err := h.Run(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "server: index:", err)
			}
		}()
		go func() {
			for ctx.Err() == nil {
				if s := h.Stats(); s.IndexRows > 0 {
					fmt.Fprintf(os.Stderr, "index ready after %.2f s (%d rows, built in %.2f s)\n",
						time.Since(start).Seconds(), s.IndexRows, s.IndexBuild.Seconds())
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	if *netHTTP {
		go func() {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	return h.Serve(ctx, ln, srv, runtime.GOMAXPROCS(0))
}
