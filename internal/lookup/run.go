package lookup

import (
	"context"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

// Search answers q from the in-memory index when there is one, else from
// the database; both give the same rows in the same order. The web page and
// other Go callers use it; a refused query is an *Error.
func (h *Handler) Search(ctx context.Context, q Query) (Page, error) {
	rq, err := prepare(q)
	if err != nil {
		return Page{}, err
	}
	if s := h.snap.Load(); s != nil {
		return s.search(rq, h.reg.zone), nil
	}
	return h.reg.search(ctx, rq)
}

// SearchFor is Search for a client's request (the web page): the client is
// rate-limited as on the API, a refusal being an *Error with code
// "rate_limited", and a write committed in this process shows at once.
func (h *Handler) SearchFor(ctx context.Context, r *http.Request, q Query) (Page, error) {
	if h.opts.Limiter != nil {
		if ok, wait := h.opts.Limiter.Allow(h.opts.ClientIP(r)); !ok {
			e, _ := rateLimited(wait)
			return Page{}, e
		}
	}
	h.maybeRefresh(ctx)
	return h.Search(ctx, q)
}

// Run builds the in-memory index and keeps it current until ctx ends: every
// Options.Refresh it reads the registry version, and when it moved (or
// Invalidate was called) drops the index and the answer cache at once, so
// no stale answer is served, and builds a new index, at most once per
// Options.Rebuild while the registry keeps changing. Until the first build
// ends, and between a change and the next build, the database answers, so
// the server is ready as soon as it listens. Run returns nil when ctx ends.
func (h *Handler) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return nil // one Run per handler; the first keeps the index
	}
	defer h.running.Store(false)
	tick := time.NewTicker(h.opts.Refresh)
	defer tick.Stop()
	stale := true
	var lastBuild time.Time
	// The version of the index the snapshot file holds ("" when none is
	// known to), so that an unchanged index is not written again.
	saved := ""
	save := func() {
		s := h.snap.Load()
		if s == nil || h.opts.SnapshotFile == "" || s.version == saved {
			return
		}
		if err := saveSnapshot(h.opts.SnapshotFile, s); err != nil {
			h.opts.Log.WarnContext(ctx, "lookup: index snapshot not saved", "err", err)
			return
		}
		saved = s.version
	}
	if s := h.loadSnapshot(ctx); s != nil && h.install(ctx, s, "loaded") {
		stale, saved = false, s.version
	}
	defer save()
	for {
		if stale && time.Since(lastBuild) >= h.opts.Rebuild {
			lastBuild = time.Now()
			if h.build(ctx) {
				stale = false
				// The first index of a run goes to the file at once, so that
				// even a crash leaves the next start something to load; later
				// ones when Run ends.
				if saved == "" {
					save()
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-h.kick:
			stale = true
		case <-tick.C:
			v, err := h.reg.Version(ctx)
			if err != nil {
				if ctx.Err() == nil {
					h.opts.Log.WarnContext(ctx, "lookup: registry version unknown; index and cache kept", "err", err)
				}
				continue
			}
			if old := h.version.Swap(&v); old == nil || *old != v {
				h.snap.Store(nil)
				if h.cache != nil {
					h.cache.clear()
				}
				stale = true
				h.event("dropped")
			}
		}
	}
}

// build loads a new index and installs it unless Invalidate was called
// meanwhile (the load may predate that change); it reports success.
func (h *Handler) build(ctx context.Context) bool {
	gen := h.gen.Load()
	s, err := h.reg.load(ctx)
	if err != nil {
		if ctx.Err() == nil {
			h.opts.Log.ErrorContext(ctx, "lookup: index build failed; the database answers", "err", err)
		}
		return false
	}
	return h.installGen(ctx, s, gen, "built")
}

// install installs s, read from the snapshot file, as build does.
func (h *Handler) install(ctx context.Context, s *snapshot, what string) bool {
	return h.installGen(ctx, s, h.gen.Load(), what)
}

// installGen installs s unless Invalidate was called since gen was read.
func (h *Handler) installGen(ctx context.Context, s *snapshot, gen uint64, what string) bool {
	if h.gen.Load() != gen {
		return false
	}
	// The version read before the load: a change committed during it moves
	// the version past this one, so the next check drops the index again.
	h.version.Store(&s.version)
	h.snap.Store(s)
	if h.gen.Load() != gen { // Invalidate ran between the check and the store
		h.snap.Store(nil)
		return false
	}
	// The load left its garbage (a string per column per row from the
	// driver, the previous index) on a heap twice the size of what stays:
	// give it back now rather than hold it until the next build.
	debug.FreeOSMemory()
	h.event(what)
	h.opts.Log.InfoContext(ctx, "lookup: index "+what, "rows", len(s.rows), "bytes", s.size(), "took", s.built)
	return true
}

// remoteHost is the default Options.ClientIP: the connection's peer.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// event tells a test what Run did ("built", "dropped"), so that it can wait
// for it instead of polling.
func (h *Handler) event(what string) {
	if h.events != nil {
		h.events <- what
	}
}
