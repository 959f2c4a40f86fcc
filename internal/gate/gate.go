package gate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Source yields a whole allow-list: a hosts file, the platform database or
// the platform's feed. A Source that fails returns an error and no Set, and
// the gate keeps serving the last good one.
type Source interface {
	Load(ctx context.Context) (*Set, error)
}

// Poller is a Source that can bring a set up to date from where it is (the
// feed's /changes). Poll returns cur itself when nothing changed.
type Poller interface {
	Source
	Poll(ctx context.Context, cur *Set) (*Set, error)
}

// DefaultPollInterval is how often a Poller source is asked for changes.
const DefaultPollInterval = 10 * time.Second

// Config is a gate's configuration. New checks it, so that a bad one fails
// at start and never at request time.
type Config struct {
	// Source is required.
	Source Source
	// PollInterval applies to Poller sources; zero means DefaultPollInterval.
	PollInterval time.Duration
	// Upstream, when set, turns the gate into a reverse proxy: filed hosts
	// are proxied there, others get the block page.
	Upstream *url.URL
	// DenyStatus is the status of a refused ForwardAuth request: 451 (the
	// default, RFC 7725), or 403 / 401 for proxies such as nginx
	// auth_request that treat any other code as an error.
	DenyStatus int
	// AllowStatus is the status of an allowed ForwardAuth request: 204 (the
	// default) or 200, for Envoy's ext_authz HTTP service, which takes only
	// 200 as "allowed" and passes any other status, 204 included, to the
	// client as a denial.
	AllowStatus int
	// Logger receives load, reload and proxy errors; nil discards them.
	Logger *slog.Logger

	// TrustedProxies are the peers whose forwarded headers the gate
	// believes (see proxies.go): X-Forwarded-Host in ForwardAuth mode,
	// X-Forwarded-For and -Proto passed on in reverse-proxy mode. nil means
	// DefaultTrustedProxies (loopback); an empty, non-nil slice trusts no
	// peer (nil and empty differ, as in http.Server.TLSNextProto).
	TrustedProxies []netip.Prefix
	// HeaderTimeout bounds the arrival of a request head, counted from its
	// first byte (from accept for a new connection); zero means
	// DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no request for
	// this long; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// ReadTimeout and WriteTimeout are net/http's: the whole request with
	// its body, and the whole answer. WriteTimeout also drops a fast-path
	// client that leaves its answers unread. Zero means DefaultReadTimeout
	// and DefaultWriteTimeout in ForwardAuth mode and none with an Upstream;
	// NoTimeout means none.
	ReadTimeout, WriteTimeout time.Duration
	// MaxConns caps the client connections open at once; those over it are
	// closed at accept and counted. Zero derives it from the descriptor
	// limit, at most DefaultMaxConns.
	MaxConns int
}

// Gate is a running edge gate: the current Set behind an atomic pointer,
// its metrics, and the HTTP interfaces of Handler.
type Gate struct {
	cfg    Config
	log    *slog.Logger
	set    atomic.Pointer[Set]
	m      *metrics
	page   blockPage
	proxy  *httputil.ReverseProxy
	reload chan struct{}
	loadMu sync.Mutex // one load or poll at a time; readers never take it
	pages  sync.Pool  // block-page buffers of the net/http path
	now    func() time.Time
	// timeouts of client connections (checkLimits).
	timeouts timeouts
	// trusted are the proxies whose forwarded headers count (proxies.go).
	trusted         []netip.Prefix
	warnedUntrusted atomic.Bool
	// conns counts client connections against Config.MaxConns.
	conns connLimit
}

// New checks cfg and returns a Gate with no set yet (every host is blocked
// until Load succeeds).
func New(cfg Config) (*Gate, error) {
	if cfg.Source == nil {
		return nil, errors.New("gate: no source (give --hosts, --db or --feed)")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.PollInterval < 0 {
		return nil, fmt.Errorf("gate: poll interval %v is negative", cfg.PollInterval)
	}
	switch cfg.DenyStatus {
	case 0:
		cfg.DenyStatus = http.StatusUnavailableForLegalReasons
	case http.StatusUnavailableForLegalReasons, http.StatusForbidden, http.StatusUnauthorized:
	default:
		return nil, fmt.Errorf("gate: deny status %d: want 451, 403 or 401", cfg.DenyStatus)
	}
	switch cfg.AllowStatus {
	case 0:
		cfg.AllowStatus = http.StatusNoContent
	case http.StatusNoContent, http.StatusOK:
	default:
		return nil, fmt.Errorf("gate: allow status %d: want 204 or 200", cfg.AllowStatus)
	}
	if cfg.Upstream != nil {
		if (cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https") || cfg.Upstream.Host == "" {
			return nil, fmt.Errorf("gate: upstream %q: want an http:// or https:// URL with a host", cfg.Upstream)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	trusted, err := checkTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	t, maxConns, err := checkLimits(&cfg)
	if err != nil {
		return nil, err
	}
	g := &Gate{cfg: cfg, log: cfg.Logger, reload: make(chan struct{}, 1), now: time.Now, timeouts: t, trusted: trusted}
	g.conns.max = int64(maxConns)
	for _, p := range trusted {
		if p.Bits() == 0 {
			g.log.Warn("every address is a trusted proxy: any client that reaches the gate chooses the host it decides", "trusted_proxy", p.String())
		}
	}
	if g.page, err = newBlockPage(); err != nil {
		return nil, err
	}
	g.m = newMetrics(g)
	if cfg.Upstream != nil {
		g.proxy = g.newProxy(cfg.Upstream)
	}
	return g, nil
}

// TrustedProxies returns the proxies whose forwarded headers the gate
// believes (DefaultTrustedProxies when Config left them nil).
func (g *Gate) TrustedProxies() []netip.Prefix { return slices.Clone(g.trusted) }

// MaxConns returns the cap on open client connections.
func (g *Gate) MaxConns() int { return int(g.conns.max) }

// Set returns the set being served (nil before the first load).
func (g *Gate) Set() *Set { return g.set.Load() }

// Decide looks host up in the current set and counts the decision.
func (g *Gate) Decide(host string) Decision {
	d := g.set.Load().Lookup(host)
	g.m.count(d)
	return d
}

// lookupBatch decides hosts[i] into out[i] in the current set, as Decide
// does one by one, without counting: the event loop counts the decisions it
// answers (it may leave a request for later and decide it again).
func (g *Gate) lookupBatch(hosts []string, out []Decision) {
	g.set.Load().LookupBatch(hosts, out) // a nil set (no load yet) allows nothing
}

// Load loads the whole set from the source and swaps it in. On error the
// current set stays and the error is counted in /metrics.
func (g *Gate) Load(ctx context.Context) error {
	g.loadMu.Lock()
	defer g.loadMu.Unlock()
	start := g.now()
	s, err := g.cfg.Source.Load(ctx)
	if err != nil {
		g.m.reloadErrors.Inc()
		return fmt.Errorf("gate: load: %w", err)
	}
	g.swap(s, start)
	return nil
}

// poll asks a Poller source for changes and swaps in the result.
func (g *Gate) poll(ctx context.Context, p Poller) error {
	g.loadMu.Lock()
	defer g.loadMu.Unlock()
	start := g.now()
	cur := g.set.Load()
	s, err := p.Poll(ctx, cur)
	if err != nil {
		g.m.reloadErrors.Inc()
		return fmt.Errorf("gate: poll: %w", err)
	}
	g.m.lastSuccess.Set(float64(g.now().UnixNano()) / 1e9)
	if s != cur {
		g.swap(s, start)
	}
	return nil
}

func (g *Gate) swap(s *Set, start time.Time) {
	old := g.set.Swap(s)
	now := g.now()
	g.m.reloads.Inc()
	g.m.lastReload.Set(float64(now.UnixNano()) / 1e9)
	g.m.lastSuccess.Set(float64(now.UnixNano()) / 1e9)
	g.m.loadSeconds.Set(now.Sub(start).Seconds())
	if old.sameEntries(s) {
		// Only the version moved (the feed's version is global to the
		// platform, so other providers' changes move it too).
		g.log.Debug("allow-list version moved", "version", s.Version)
		return
	}
	g.log.Info("allow-list loaded", "entries", s.Len(), "pending", s.Pending(), "version", s.Version,
		"bytes", s.Bytes(), "took", now.Sub(start).Round(time.Millisecond))
	if s.Len() > 1<<16 || old.Len() > 1<<16 {
		// Building a large set leaves its scaffolding (the file, the number
		// table) and the old set as garbage: hand it back to the system now
		// rather than holding twice the set for minutes.
		debug.FreeOSMemory()
	}
}

// Reload asks Run to reload the whole set (SIGHUP). It never blocks; a
// reload already queued absorbs this one.
func (g *Gate) Reload() {
	select {
	case g.reload <- struct{}{}:
	default:
	}
}

// Run performs queued reloads and, for a Poller source, polls every
// PollInterval, until ctx is done. Errors are logged and counted, never
// fatal: the gate keeps its last good set.
func (g *Gate) Run(ctx context.Context) error {
	var tick <-chan time.Time
	p, polls := g.cfg.Source.(Poller)
	if polls {
		t := time.NewTicker(g.cfg.PollInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-g.reload:
			if err := g.Load(ctx); err != nil && ctx.Err() == nil {
				g.log.Error("reload failed; serving the previous allow-list", "err", err)
			}
		case <-tick:
			if err := g.poll(ctx, p); err != nil && ctx.Err() == nil {
				g.log.Warn("feed poll failed; serving the previous allow-list", "err", err)
			}
		}
	}
}
