package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/store"
)

const scanUsage = `scan [--db DSN | URL… | -] [--concurrency N] [--format jsonl|text] [--resolver ADDR] [--allow-private]
            [--timeout D] [--host-interval D] [--progress auto|on|off]

Fetches the home page of each site and reports, per site, what keeps it from
compliance: number_missing, number_wrong, link_missing, link_outdated,
psb_missing, access_mismatch, unreachable, not_html (an empty "findings" list
means compliant). With --db, every active website of the registry is scanned
and compared with its record; with URLs (or "-": one URL a line on stdin), the
checks that need the registry are skipped.

--format jsonl prints one object per site:
  {"url","final_url","status","numbers":{…as beian extract…},"findings":[{"kind","detail","evidence"}]}
A summary goes to stderr, and a progress bar when stderr is a terminal.
Exit status: 0 every site compliant, 1 a site has findings or the scan failed,
2 bad command line.`

// runScan implements `beian scan`: a thin adapter over package scan.
func runScan(env *Env, args []string) int {
	fs := newFlags(env, "scan", scanUsage)
	dsn := fs.String("db", "", "scan every active website of this database (SQLite file or postgres:// URL)")
	concurrency := fs.Int("concurrency", 64, "sites scanned at once (1–4096)")
	format := fs.String("format", "jsonl", "output: jsonl (one JSON object per site) or text")
	resolverAddr := fs.String("resolver", "", "DNS server to resolve sites with, IP[:port] (default: the system's)")
	allowPrivate := fs.Bool("allow-private", false, "also connect to loopback, private and link-local addresses")
	timeout := fs.Duration("timeout", 15*time.Second, "budget of one site: DNS, connection, redirects and body")
	interval := fs.Duration("host-interval", 100*time.Millisecond, "least time between two requests to one host (0: none)")
	progress := fs.String("progress", "auto", "progress bar on stderr: auto (when stderr is a terminal), on or off")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "beian scan: "+format+"\n", a...)
		return ExitUsage
	}
	switch {
	case *dsn != "" && len(pos) > 0:
		return usage("give --db or URLs, not both (--db 与网址只能二选一)")
	case *dsn == "" && len(pos) == 0:
		return usage("nothing to scan: give --db DSN, URLs, or - to read URLs from stdin (请指定 --db、网址或 -)")
	case *format != "jsonl" && *format != "text":
		return usage("--format: %q is not jsonl or text (--format 只能是 jsonl 或 text)", *format)
	case *concurrency < 1 || *concurrency > 4096:
		return usage("--concurrency: %d is not between 1 and 4096 (--concurrency 须在 1 到 4096 之间)", *concurrency)
	case *timeout <= 0:
		return usage("--timeout: %s is not positive (--timeout 须大于 0)", *timeout)
	case *interval < 0:
		return usage("--host-interval: %s is negative (--host-interval 不能为负)", *interval)
	case *progress != "auto" && *progress != "on" && *progress != "off":
		return usage("--progress: %q is not auto, on or off (--progress 只能是 auto、on 或 off)", *progress)
	}
	resolver, err := scan.NewResolver(*resolverAddr)
	if err != nil {
		return usage("--resolver: %v (--resolver 须为 IP 地址，可带端口)", err)
	}
	hostInterval := *interval
	if hostInterval == 0 {
		hostInterval = -1 // scan.Options: 0 is the default, negative none
	}

	clock := env.Now
	if clock == nil {
		clock = time.Now
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var targets iter.Seq2[scan.Target, error]
	total := 0
	if *dsn != "" {
		db, err := store.Open(ctx, *dsn)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian scan: --db: %v\n", err)
			return ExitInvalid
		}
		defer db.Close()
		reg := scan.NewRegistry(db)
		if total, err = reg.Count(ctx); err != nil {
			fmt.Fprintf(env.Stderr, "beian scan: %v\n", err)
			return ExitInvalid
		}
		targets = reg.Targets(ctx)
	} else {
		list, err := scanURLs(env, pos)
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian scan: %v\n", err)
			return ExitInvalid
		}
		total = len(list)
		targets = scan.Slice(list)
		fmt.Fprintln(env.Stderr, "beian scan: no --db: the checks that need the registry (the site's own number, PSB deadline, provider's IP ranges) are skipped (未指定 --db，跳过需要备案库的检查)")
	}

	s := scan.New(scan.Options{Concurrency: *concurrency, Timeout: *timeout, HostInterval: hostInterval,
		Resolver: resolver, AllowPrivate: *allowPrivate, Now: clock})
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	var w scan.Writer
	if *format == "text" {
		w = scan.NewTextWriter(out)
	} else {
		w = scan.NewJSONLWriter(out)
	}
	start := clock()
	sum := scan.NewSummary(start)
	var bar *scan.Progress
	if *progress == "on" || (*progress == "auto" && isTerminal(env.Stderr)) {
		bar = scan.NewProgress(env.Stderr, total, start)
	}
	// A report written to the terminal the bar is drawn on must first
	// clear the bar's line, and reach the screen at once.
	sameScreen := bar != nil && isTerminal(env.Stdout)
	lastFlush := start
	err = s.Scan(ctx, targets, func(r scan.Report) error {
		sum.Add(r)
		if sameScreen {
			fmt.Fprint(env.Stderr, "\r\x1b[K")
		}
		if err := w.Write(r); err != nil {
			return err
		}
		now := clock()
		if sameScreen || now.Sub(lastFlush) >= 200*time.Millisecond {
			lastFlush = now
			if err := out.Flush(); err != nil {
				return fmt.Errorf("writing the reports: %w", err)
			}
		}
		if bar != nil {
			bar.Update(sum, now)
		}
		return nil
	})
	if bar != nil {
		bar.Done(sum, clock())
	}
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("writing the reports: %w", ferr)
	}
	fmt.Fprintln(env.Stderr, "beian scan: "+sum.String(clock()))
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian scan: %v\n", err)
		return ExitInvalid
	}
	if sum.Compliant < sum.Sites {
		return ExitInvalid
	}
	return ExitOK
}

// maxScanList caps a URL list read from stdin, as extract caps its input.
const maxScanList = 64 << 20

// scanURLs turns the arguments into targets; a lone "-" reads one URL a
// line from stdin (blank lines and lines starting with # are skipped).
func scanURLs(env *Env, pos []string) ([]scan.Target, error) {
	if len(pos) != 1 || pos[0] != "-" {
		out := make([]scan.Target, 0, len(pos))
		for _, u := range pos {
			if u == "-" {
				return nil, fmt.Errorf("\"-\" (read URLs from stdin) cannot be mixed with URLs (- 不能与网址同时使用)")
			}
			out = append(out, scan.Target{URL: u})
		}
		return out, nil
	}
	if env.Stdin == nil {
		return nil, fmt.Errorf("cannot read URLs from stdin: no input")
	}
	var out []scan.Target
	sc := bufio.NewScanner(io.LimitReader(env.Stdin, maxScanList))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		u := strings.TrimSpace(sc.Text())
		if u == "" || strings.HasPrefix(u, "#") {
			continue
		}
		out = append(out, scan.Target{URL: u})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading URLs from stdin, line %d: %w", line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no URL on stdin (标准输入中没有网址)")
	}
	return out, nil
}

// isTerminal reports whether w is a terminal (it answers TCGETS).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
