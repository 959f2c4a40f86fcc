package scan

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configure a Scanner. The zero value of each field means its default.
type Options struct {
	// Concurrency is how many sites are scanned at once (default 32).
	Concurrency int
	// Timeout is the budget of one site, DNS to last byte (default 15 s).
	Timeout time.Duration
	// BodyCap is how much of a home page is read (default 2 MiB); the
	// rest of a larger page is not.
	BodyCap int64
	// UserAgent names the scanner to the sites' operators (DefaultUserAgent).
	UserAgent string
	// HostInterval is the least time between two requests to one host
	// (default 100 ms; negative for none).
	HostInterval time.Duration
	// Resolver answers A and AAAA queries (default: the system's).
	Resolver Resolver
	// AllowPrivate lets the scanner connect to loopback, private and
	// link-local addresses (tests, a provider's internal network).
	AllowPrivate bool
	// RootCAs verifies HTTPS certificates (default: the system's pool).
	RootCAs *x509.CertPool
	// Now is the clock of the PSB deadline (default time.Now).
	Now func() time.Time
}

// DefaultUserAgent says who is fetching and why, so that an operator who
// sees it in a log can find out.
const DefaultUserAgent = "beian-scan/1 (ICP filing compliance check; +https://github.com/beian/beian)"

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.BodyCap <= 0 {
		o.BodyCap = 2 << 20
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.HostInterval == 0 {
		o.HostInterval = 100 * time.Millisecond
	}
	if o.Resolver == nil {
		o.Resolver, _ = NewResolver("")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Scanner scans sites. It is safe for concurrent use; one Scanner per
// process keeps the per-host politeness global.
type Scanner struct {
	opts    Options
	pacer   *pacer
	fetcher *fetcher
}

// New returns a Scanner.
func New(o Options) *Scanner {
	o = o.withDefaults()
	p := newPacer(o.HostInterval)
	d := newDialer(o.Resolver, o.AllowPrivate, o.Timeout/3)
	return &Scanner{opts: o, pacer: p, fetcher: newFetcher(o, d, p)}
}

// Scan scans every target with Options.Concurrency workers and calls emit
// with each report, in completion order, from the calling goroutine. It
// stops early when ctx ends, when targets yields an error or when emit
// returns one, and returns that error.
func (s *Scanner) Scan(ctx context.Context, targets iter.Seq2[Target, error], emit func(Report) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan Target)
	reports := make(chan Report)
	var srcErr error
	go func() {
		defer close(jobs)
		for t, err := range targets {
			if err != nil {
				srcErr = err
				return
			}
			select {
			case jobs <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range s.opts.Concurrency {
		wg.Go(func() {
			for t := range jobs {
				r := s.ScanOne(ctx, t)
				select {
				case reports <- r:
				case <-ctx.Done():
				}
			}
		})
	}
	go func() { wg.Wait(); close(reports) }()
	var emitErr error
	for r := range reports {
		if emitErr != nil || ctx.Err() != nil {
			continue // drain so the workers end
		}
		if err := emit(r); err != nil {
			emitErr = err
			cancel()
		}
	}
	// srcErr is written before jobs is closed, hence before the workers
	// end and reports is closed: reading it here is ordered after.
	switch {
	case emitErr != nil:
		return emitErr
	case srcErr != nil:
		return fmt.Errorf("scan: reading the sites: %w", srcErr)
	}
	return ctx.Err()
}

// Slice adapts a list of targets to Scan.
func Slice(ts []Target) iter.Seq2[Target, error] {
	return func(yield func(Target, error) bool) {
		for _, t := range ts {
			if !yield(t, nil) {
				return
			}
		}
	}
}

// ScanOne scans one site: resolves its host and the registry's domains,
// fetches the home page (waiting its host's turn) and checks it.
func (s *Scanner) ScanOne(ctx context.Context, t Target) Report {
	r := Report{URL: t.URL, FinalURL: t.URL, Target: t}
	o := Observation{Resolved: map[string][]netip.Addr{}, Unresolved: map[string]error{}}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	u, err := parseTarget(t.URL)
	if err != nil {
		o.Err = err
		return s.finish(r, o)
	}
	host := strings.ToLower(u.Hostname())
	hosts := []string{host}
	if t.Filing != nil {
		for _, d := range t.Filing.Domains {
			if d = strings.ToLower(d); d != host {
				hosts = append(hosts, d)
			}
		}
	}
	cache := &hostAddrs{addrs: map[string][]netip.Addr{}}
	for _, h := range hosts {
		addrs, err := lookup(ctx, s.opts.Resolver, h)
		if err != nil {
			o.Unresolved[h] = err
			continue
		}
		o.Resolved[h] = addrs
		cache.addrs[h] = addrs
	}
	if err := o.Unresolved[host]; err != nil {
		o.Err = err
		return s.finish(r, o)
	}
	r.Addrs = o.Resolved[host]
	release, err := s.pacer.lock(ctx, host)
	if err != nil {
		o.Err = fmt.Errorf("waiting for the host's turn: %w", err)
		return s.finish(r, o)
	}
	fctx := context.WithValue(ctx, hostAddrsKey{}, cache)
	fr := s.fetcher.fetch(fctx, u)
	if fr.err != nil && u.Scheme == "https" && schemeless(t.URL) && !errors.Is(fr.err, ErrRefusedAddress) {
		// A bare host name: the site may serve plain HTTP only.
		hu := *u
		hu.Scheme = "http"
		fr = s.fetcher.fetch(fctx, &hu)
	}
	release()
	r.FinalURL = fr.finalURL
	if fr.status != 0 {
		st := fr.status
		r.Status = &st
	}
	o.Err, o.Status, o.ContentType, o.Body, o.Truncated = fr.err, fr.status, fr.contentType, fr.body, fr.truncated
	return s.finish(r, o)
}

func (s *Scanner) finish(r Report, o Observation) Report {
	if r.Addrs == nil {
		r.Addrs = []netip.Addr{}
	}
	r.Numbers, r.Findings = Check(o, r.Target.Filing, s.opts.Now())
	return r
}

// schemeless reports whether a target was written without http:// or https://.
func schemeless(raw string) bool {
	l := strings.ToLower(strings.TrimSpace(raw))
	return !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://")
}

// parseTarget reads a site address: a URL with http or https, or a bare
// host (example.com, example.com/path), which is tried over HTTPS first.
func parseTarget(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty URL (网址为空)")
	}
	if schemeless(s) {
		if strings.Contains(s, "://") {
			return nil, fmt.Errorf("URL %q: only http and https are scanned (仅支持 http/https)", raw)
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("URL %q: %w (网址格式错误)", raw, err)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("URL %q has no host (网址缺少主机名)", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u, nil
}
