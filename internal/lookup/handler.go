package lookup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beian/beian/internal/ratelimit"
)

// Defaults of Options.
const (
	DefaultCacheBytes = 64 << 20
	DefaultMaxAge     = 60 * time.Second
	DefaultRefresh    = time.Second
	DefaultRebuild    = 10 * time.Second
)

// HeaderVersion is set on every response of the handler ("X-Beian-Lookup:
// v2"), so a benchmark or a deployment check can tell which lookup answers
// a route.
const HeaderVersion = "X-Beian-Lookup"

// Limiter decides whether a client may make one more request now, and if
// not, how long it should wait. The server passes its per-client-IP limiter
// (internal/ratelimit); the lookup only asks it.
type Limiter interface {
	Allow(key string) (ok bool, retryAfter time.Duration)
}

// RateLimiter adapts the platform's per-key limiter (internal/ratelimit)
// to Limiter.
func RateLimiter(l *ratelimit.Limiter) Limiter { return rateLimiter{l} }

type rateLimiter struct{ l *ratelimit.Limiter }

func (r rateLimiter) Allow(key string) (bool, time.Duration) {
	d := r.l.Allow(key)
	return d.Allowed, d.RetryAfter
}

// Options configure a Handler; the zero value is usable.
type Options struct {
	// Limiter, when set, is asked first for every request with the key
	// ClientIP returns; a refusal answers 429 with Retry-After set to the
	// returned wait (at least one second).
	Limiter Limiter
	// ClientIP returns the client's address for the limiter: the server
	// passes its trusted-proxy-aware resolver (internal/clientip). When nil
	// it is the host of the connection's remote address.
	ClientIP func(*http.Request) string
	// Rebuild is the least time between two builds of the in-memory index
	// while the registry keeps changing (DefaultRebuild when 0); between
	// them lookups are answered by the database. Only Run builds it.
	Rebuild time.Duration
	// CacheBytes bounds the memory of cached answers (DefaultCacheBytes
	// when 0; negative disables the cache).
	CacheBytes int
	// MaxAge is the Cache-Control max-age of answers (DefaultMaxAge when 0).
	MaxAge time.Duration
	// Refresh is how often the registry version is read to invalidate the
	// cache (DefaultRefresh when 0): the longest an answer can stay stale
	// after a change the process was not told of through Invalidate.
	Refresh time.Duration
	// Commits, when set, counts the write transactions committed in this
	// process (store.DB.Commits). A request that sees it move drops the
	// answer cache and reads the registry version at once, dropping the
	// index too when it moved: a change made through this process shows in
	// the next answer rather than within Refresh.
	Commits func() uint64
	// Trusts and ClientKey are ClientIP for the event loop of Serve, which
	// has no http.Request: Trusts tells whether a peer is a trusted proxy,
	// and ClientKey gives the key of a client from its peer and, from a
	// trusted proxy, the forwarding headers (X-Forwarded-For, Forwarded,
	// X-Real-IP; nil when there are none). Nil: no proxy is trusted, and
	// the key is the peer's address.
	Trusts    func(netip.Addr) bool
	ClientKey func(peer netip.Addr, forwarded http.Header) string
	// SnapshotFile, when set, is where Run keeps the in-memory index
	// between runs: read at start when it holds the registry's current
	// version (a restart is then ready in well under a second instead of
	// a full read of the registry), written after the first build and
	// when Run ends. It is as large as the index (about 300 MB per
	// million filings).
	SnapshotFile string
	// Log receives database errors (discarded when nil).
	Log *slog.Logger
}

// Handler serves GET /api/v1/filings?domain=|number=|entity=|name=[&serviceType=T][&limit=N][&cursor=C]
// as JSON {"items":[…],"next":"…"} with a strong ETag (If-None-Match → 304)
// and Cache-Control, answering repeated queries from a bounded in-process
// cache that is dropped when the registry changes.
type Handler struct {
	reg     *Registry
	opts    Options
	cache   *cache // nil when disabled
	refresh int64  // nanoseconds between version checks
	hv      headerValues
	checked atomic.Int64  // Unix nanoseconds of the last version check
	commits atomic.Uint64 // Options.Commits when last seen
	// loopAnswers counts the answers Serve's event loop gave.
	loopAnswers atomic.Int64
	version     atomic.Pointer[string]

	// The in-memory index, built and kept current by Run; nil while there
	// is none (before the first build, after a change until the next), and
	// then the database answers.
	snap    atomic.Pointer[snapshot]
	running atomic.Bool   // Run is active: it, not requests, checks the version
	gen     atomic.Uint64 // bumped by Invalidate; a build begun before is discarded
	kick    chan struct{} // Invalidate wakes Run
	events  chan string   // tests only: what Run did
	page    *template.Template
}

// headerValues are header values built once and shared read-only by every
// response, so that a cache hit allocates nothing for its headers.
type headerValues struct {
	version, json, nosniff, noStore, control []string
}

// NewHandler returns the lookup handler over reg.
func NewHandler(reg *Registry, opts Options) *Handler {
	if opts.CacheBytes == 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.Refresh <= 0 {
		opts.Refresh = DefaultRefresh
	}
	if opts.Rebuild <= 0 {
		opts.Rebuild = DefaultRebuild
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.ClientIP == nil {
		opts.ClientIP = remoteHost
	}
	if opts.Trusts == nil {
		opts.Trusts = func(netip.Addr) bool { return false }
	}
	if opts.ClientKey == nil {
		opts.ClientKey = func(peer netip.Addr, _ http.Header) string { return peer.String() }
	}
	h := &Handler{reg: reg, opts: opts, refresh: int64(opts.Refresh), kick: make(chan struct{}, 1), hv: headerValues{
		version: []string{"v2"}, json: []string{"application/json; charset=utf-8"}, nosniff: []string{"nosniff"},
		noStore: []string{"no-store"}, control: []string{"public, max-age=" + strconv.Itoa(int(opts.MaxAge/time.Second))},
	}}
	if opts.CacheBytes > 0 {
		h.cache = newCache(opts.CacheBytes)
	}
	h.page = parsePage() // embedded and fixed: a parse error fails every test
	if opts.Commits != nil {
		h.commits.Store(opts.Commits())
	}
	return h
}

// Invalidate drops the cache now. A writer in the same process calls it
// after committing a registry change (store.Tx.AfterCommit) so that the
// change shows at once instead of within Options.Refresh.
func (h *Handler) Invalidate() {
	h.gen.Add(1)
	h.snap.Store(nil)
	if h.cache != nil {
		h.cache.clear()
	}
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Stats reports the cache's hits, misses and size, and the index's.
func (h *Handler) Stats() Stats {
	var st Stats
	if h.cache != nil {
		st = h.cache.stats()
	}
	st.LoopAnswers = h.loopAnswers.Load()
	if s := h.snap.Load(); s != nil {
		st.IndexRows, st.IndexBytes, st.IndexBuild = len(s.rows), s.size(), s.built
	}
	return st
}

// reply is one answer of the lookup, which either server (net/http through
// ServeHTTP, the event loop through Serve) writes: the same status, headers
// and body whichever answers.
type reply struct {
	status int
	e      *entry // the answer of a 200 (or 304)
	err    *Error // the body of an error
	retry  string // Retry-After of a 429
}

// respond answers a request with method and raw query; key gives the
// client's rate-limit key (called only when there is a limiter).
func (h *Handler) respond(ctx context.Context, method, rawQuery string, key func() string) reply {
	if method != http.MethodGet && method != http.MethodHead {
		return reply{status: http.StatusMethodNotAllowed, err: &Error{Code: "request.method", ZH: "仅支持 GET", EN: "only GET is allowed"}}
	}
	if h.opts.Limiter != nil {
		if ok, wait := h.opts.Limiter.Allow(key()); !ok {
			e, secs := rateLimited(wait)
			return reply{status: http.StatusTooManyRequests, err: e, retry: secs}
		}
	}
	h.maybeRefresh(ctx)
	// With the index an answer costs about what a cache hit saves, so the
	// cache serves only the database path (and is not churned by a spread
	// of queries that would each be asked once).
	snap := h.snap.Load()
	cached := h.cache != nil && snap == nil
	var e *entry
	var epoch uint64
	if cached {
		e, epoch = h.cache.get(rawQuery)
	}
	if e == nil {
		var lerr *Error
		var err error
		e, lerr, err = h.answer(ctx, rawQuery, snap)
		switch {
		case lerr != nil:
			return reply{status: http.StatusBadRequest, err: lerr}
		case err != nil:
			if ctx.Err() == nil {
				h.opts.Log.ErrorContext(ctx, "lookup failed", "query", rawQuery, "err", err)
			}
			return reply{status: http.StatusInternalServerError, err: &Error{Code: "internal", ZH: "服务器内部错误", EN: "internal error"}}
		}
		if cached {
			h.cache.put(epoch, rawQuery, e)
		}
	}
	return reply{status: http.StatusOK, e: e}
}

// ServeHTTP answers one lookup.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr[HeaderVersion] = h.hv.version
	hdr["X-Content-Type-Options"] = h.hv.nosniff
	rp := h.respond(r.Context(), r.Method, r.URL.RawQuery, func() string { return h.opts.ClientIP(r) })
	if rp.err != nil {
		switch rp.status {
		case http.StatusMethodNotAllowed:
			hdr["Allow"] = []string{"GET, HEAD"}
		case http.StatusTooManyRequests:
			hdr["Retry-After"] = []string{rp.retry}
		}
		h.writeError(w, rp.status, rp.err)
		return
	}
	e := rp.e
	hdr["Etag"] = e.etag
	hdr["Cache-Control"] = h.hv.control
	if etagMatch(r.Header["If-None-Match"], e.etag[0]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr["Content-Type"] = h.hv.json
	hdr["Content-Length"] = e.length
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.body)
}

// rateLimited is the refusal of a limited client and its Retry-After in
// whole seconds (at least one: RFC 9110 §10.2.3 has no fractions).
func rateLimited(wait time.Duration) (*Error, string) {
	secs := strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
	return &Error{Code: "rate_limited", ZH: "请求过于频繁，请 " + secs + " 秒后重试", EN: "too many requests; retry in " + secs + " s"}, secs
}

// answer runs the query of rawQuery, on snap when there is one, and renders the
// response entry. A refused query comes back as *Error, a failure of the
// database as err.
func (h *Handler) answer(ctx context.Context, rawQuery string, snap *snapshot) (*entry, *Error, error) {
	v, _ := url.ParseQuery(rawQuery) // as http.Request.URL.Query: malformed pairs are dropped
	q := Query{Domain: v.Get("domain"), Number: v.Get("number"), Entity: v.Get("entity"), Name: v.Get("name"),
		ServiceType: v.Get("serviceType"), Cursor: v.Get("cursor")}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, badField("limit", "lookup.bad_limit", "每页条数须为正整数", "limit must be a positive number"), nil
		}
		q.Limit = n
	}
	rq, err := prepare(q)
	if err != nil {
		var le *Error
		if errors.As(err, &le) {
			return nil, le, nil
		}
		return nil, nil, err
	}
	var body []byte
	if snap != nil {
		body = snap.render(make([]byte, 0, 1024), rq, h.reg.zone)
	} else {
		page, err := h.reg.search(ctx, rq)
		if err != nil {
			return nil, nil, err
		}
		body = appendPage(make([]byte, 0, 1024), page)
	}
	sum := sha256.Sum256(body)
	return &entry{body: body, etag: []string{`"` + hex.EncodeToString(sum[:16]) + `"`},
		length: []string{strconv.Itoa(len(body))}}, nil, nil
}

// maybeRefresh reads the registry version when Options.Refresh has passed
// since the last read, and drops the cache when it changed. One request
// does the read; the others go on with the cache as it is.
func (h *Handler) maybeRefresh(ctx context.Context) {
	if h.opts.Commits != nil {
		if c := h.opts.Commits(); h.commits.Swap(c) != c {
			h.committed(ctx)
			return
		}
	}
	if h.cache == nil || h.running.Load() {
		return
	}
	now := time.Now().UnixNano()
	last := h.checked.Load()
	if now-last < h.refresh || !h.checked.CompareAndSwap(last, now) {
		return
	}
	v, err := h.reg.Version(ctx)
	if err != nil {
		if ctx.Err() == nil {
			h.opts.Log.WarnContext(ctx, "lookup: registry version unknown; cache kept", "err", err)
		}
		return
	}
	if old := h.version.Swap(&v); old == nil || *old != v {
		h.cache.clear()
	}
}

// committed reacts to a write committed in this process: the cache goes
// (it refills cheaply), and the registry version is read now; when it moved
// the index goes too and Run is woken to build the next one.
func (h *Handler) committed(ctx context.Context) {
	if h.cache != nil {
		h.cache.clear()
	}
	v, err := h.reg.Version(ctx)
	if err != nil {
		if ctx.Err() == nil {
			h.opts.Log.WarnContext(ctx, "lookup: registry version unknown; index kept", "err", err)
		}
		return
	}
	h.checked.Store(time.Now().UnixNano())
	if old := h.version.Swap(&v); old != nil && *old == v {
		return
	}
	h.Invalidate()
}

// etagMatch applies If-None-Match (RFC 9110 §13.1.2): "*" or any listed tag
// equal to etag under the weak comparison, which ignores a W/ prefix.
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// writeError writes {"error":{"code","message","field"}}, the error shape
// of the platform's API, with the message in English and Chinese.
func (h *Handler) writeError(w http.ResponseWriter, status int, e *Error) {
	b := errorBody(e)
	hdr := w.Header()
	hdr["Content-Type"] = h.hv.json
	hdr["Cache-Control"] = h.hv.noStore
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errorBody is the JSON of e in the platform's error shape.
func errorBody(e *Error) []byte {
	body := map[string]string{"code": e.Code, "message": e.Message(), "message_zh": e.ZH, "message_en": e.EN}
	if e.Field != "" {
		body["field"] = e.Field
	}
	b, err := marshal(map[string]any{"error": body})
	if err != nil { // a map of strings always marshals
		b = []byte(`{"error":{"code":"internal"}}`)
	}
	return b
}

// marshal is json.Marshal without HTML escaping (names with & or < stay
// readable) and without the trailing newline of an Encoder.
func marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}
