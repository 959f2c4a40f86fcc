package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/beian/beian/internal/bulk"
	"github.com/beian/beian/internal/store"
)

const (
	importUsage = "import --db DSN --provider CODE [--format csv|jsonl] [--batch N] [--data-dir DIR] FILE|-"
	exportUsage = "export --db DSN --format csv|jsonl [--out FILE]"
)

// importMemoryLimit is the soft Go heap limit of an import: room for a
// batch, the per-run map of merged filings and the staging buffers.
const importMemoryLimit = 128 << 20

// runImport: beian import loads the filings a provider already hosts, as
// claimed filings at that provider. Bad rows are reported on stderr with
// their line and reason and the rest goes in; the exit code is 1 when any
// row was refused so that scripts notice. An interrupted import (Ctrl-C,
// SIGTERM) stops at a batch boundary; running the same command again
// finishes it, because importing a row twice changes nothing.
func runImport(env *Env, args []string) int {
	set := newFlags(env, "import", importUsage)
	dsn := set.String("db", envOr(env, "BEIAN_DB", store.DefaultSQLitePath), "database: SQLite file or postgres:// URL (env BEIAN_DB)")
	provider := set.String("provider", "", "code of the provider the filings are claimed at (required)")
	formatS := set.String("format", "", "csv or jsonl (default: from the file name, else from its first bytes)")
	batch := set.Int("batch", 0, fmt.Sprintf("rows per transaction (default %d on SQLite, %d on PostgreSQL)", bulk.DefaultBatch, bulk.DefaultBatchPostgres))
	dataDir := set.String("data-dir", envOr(env, "BEIAN_DATA_DIR", "beian-data"), "directory holding data.key, for the keyed audit chain (env BEIAN_DATA_DIR)")
	pos, c, ok := parseOrExit(set, args)
	if !ok {
		return c
	}
	if len(pos) != 1 {
		fmt.Fprintf(env.Stderr, "beian import: give one FILE, or - for stdin (须指定一个文件)\nUsage: beian %s\n", importUsage)
		return ExitUsage
	}
	if strings.TrimSpace(*provider) == "" {
		fmt.Fprintln(env.Stderr, "beian import: --provider is required: imported filings are claimed at a provider (须指定 --provider 接入商代码)")
		return ExitUsage
	}
	if *batch < 0 {
		fmt.Fprintln(env.Stderr, "beian import: --batch must be a positive number (--batch 须为正整数)")
		return ExitUsage
	}
	opt := bulk.Options{Provider: *provider, Name: pos[0], Batch: *batch, Now: env.Now}
	if *formatS != "" {
		f, err := bulk.ParseFormat(*formatS)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian import: --format: %v\n", err)
			return ExitUsage
		}
		opt.Format = f
	}
	var in io.Reader = env.Stdin
	var size int64
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian import: %v\n", err)
			return ExitInvalid
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		in = f
	}
	chain, err := auditChain(env, *dataDir, flagGiven(set, "data-dir"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian import: %v\n", err)
		return ExitInvalid
	}
	opt.Chain = chain
	// A soft limit on the Go heap (unless the operator set GOMEMLIMIT):
	// an import's garbage is a batch at a time, and without a limit the
	// collector lets the heap grow to twice what is live, which makes the
	// process look several times larger than it needs to be.
	// https://pkg.go.dev/runtime/debug#SetMemoryLimit
	if env.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian import: %v\n", err)
		return ExitInvalid
	}
	defer db.Close()
	p := newProgress(env.Stderr, env.Now, "rows")
	opt.OnError = func(e *bulk.RowError) { p.line(e.Error()) }
	opt.OnProgress = func(s bulk.Stats) { p.update(s.Rows+s.Rejected, s.Bytes, size) }
	st, err := bulk.Import(ctx, db, in, opt)
	p.done()
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian import: %v\n", err)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(env.Stderr, "beian import: lines up to %d are in; run the same command again to finish (重复导入是安全的)\n", st.CommittedLine)
		}
		return ExitInvalid
	}
	el := env.Now().Sub(p.start).Seconds()
	fmt.Fprintf(env.Stdout, "imported %d rows, refused %d, in %.1f s (%.0f rows/s): written %d entities, %d websites, %d domains, %d accesses, %d gate feed entries (导入完成)\n",
		st.Rows, st.Rejected, el, float64(st.Rows+st.Rejected)/max(el, 1e-3), st.Entities, st.Websites, st.Domains, st.Accesses, st.FeedEntries)
	if st.Rejected > 0 {
		fmt.Fprintf(env.Stderr, "beian import: %d rows refused (see above); the others are in (%d 行被拒绝，其余已导入)\n", st.Rejected, st.Rejected)
		return ExitInvalid
	}
	return ExitOK
}

// runExport: beian export streams the public fields of every filing, in
// the same formats import reads, to stdout or --out.
func runExport(env *Env, args []string) int {
	set := newFlags(env, "export", exportUsage)
	dsn := set.String("db", envOr(env, "BEIAN_DB", store.DefaultSQLitePath), "database: SQLite file or postgres:// URL (env BEIAN_DB)")
	formatS := set.String("format", "", "csv or jsonl (required)")
	out := set.String("out", "", "file to write (default stdout)")
	pos, c, ok := parseOrExit(set, args)
	if !ok {
		return c
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian export: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	f, err := bulk.ParseFormat(*formatS)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian export: --format: %v\n", err)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !store.IsPostgresDSN(*dsn) {
		if err := sqliteExists(*dsn); err != nil {
			fmt.Fprintf(env.Stderr, "beian export: --db: %v\n", err)
			return ExitInvalid
		}
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian export: %v\n", err)
		return ExitInvalid
	}
	defer db.Close()
	w := env.Stdout
	var file *os.File
	if *out != "" {
		file, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian export: --out: %v\n", err)
			return ExitInvalid
		}
		w = file
	}
	p := newProgress(env.Stderr, env.Now, "records")
	var total int64
	if p.tty {
		if total, err = bulk.CountRecords(ctx, db); err != nil {
			fmt.Fprintf(env.Stderr, "beian export: %v\n", err)
			return ExitInvalid
		}
	}
	n, err := bulk.Export(ctx, db, w, f, func(n int64) { p.update(n, n, total) })
	p.done()
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian export: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(env.Stderr, "exported %d records (导出 %d 条)\n", n, n)
	return ExitOK
}

// progress reports a long run on stderr: a bar redrawn in place with the
// rate and the time left on a terminal, plain lines every few seconds
// otherwise (a log file gets a readable history, not a stream of \r).
type progress struct {
	w     io.Writer
	now   func() time.Time
	unit  string
	tty   bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, now func() time.Time, unit string) *progress {
	t := now()
	return &progress{w: w, now: now, unit: unit, tty: isTerminal(w), start: t, last: t}
}

// update reports count items done, of which done/total measure the share
// (bytes of a file, or records); total 0 is unknown.
func (p *progress) update(count, done, total int64) {
	t := p.now()
	every := 5 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if t.Sub(p.last) < every {
		return
	}
	p.last = t
	el := t.Sub(p.start).Seconds()
	rate := float64(count) / max(el, 1e-3)
	var s string
	if total > 0 && done > 0 {
		frac := min(float64(done)/float64(total), 1)
		eta := time.Duration(el*(1-frac)/frac) * time.Second
		bar := strings.Repeat("=", int(frac*30)) + strings.Repeat(" ", 30-int(frac*30))
		s = fmt.Sprintf("[%s] %5.1f%% %d %s, %.0f/s, ETA %s", bar, frac*100, count, p.unit, rate, eta.Round(time.Second))
	} else {
		s = fmt.Sprintf("%d %s, %.0f/s, %s", count, p.unit, rate, time.Duration(el*float64(time.Second)).Round(time.Second))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s", s)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, s)
}

// line prints a message above the bar.
func (p *progress) line(s string) {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintln(p.w, s)
}

// done ends the bar's line.
func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
