package gate

import (
	"encoding/json"
	"errors"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/hostname"
)

// Paths of the gate's own endpoints; every other path is a ForwardAuth check.
const (
	pathHealth  = "/healthz"
	pathMetrics = "/metrics"
	pathCheck   = "/check"
	pathHosts   = "/v1/hosts/"
)

// Immutable header values shared by every response (net/http never writes
// to them).
var (
	hdrHTML    = []string{"text/html; charset=utf-8"}
	hdrText    = []string{"text/plain; charset=utf-8"}
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
	hdrNoSniff = []string{"nosniff"}
	hdrCSP     = []string{"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"}
)

// Handler returns the gate's HTTP interface, all on one listener:
//
//   - GET /healthz: 200 once a set is loaded, 503 before;
//   - GET /metrics: Prometheus metrics;
//   - GET /check?domain=HOST: Caddy's on-demand TLS ask, 200 allowed, 403 not;
//   - GET /v1/hosts/{host}: {"host","status","number"} for CDN integrations;
//   - any other request: ForwardAuth / nginx auth_request on
//     X-Forwarded-Host when a trusted proxy sent the request, else Host:
//     204 (or 200, Config.AllowStatus) with X-ICP-Number, or the deny
//     status with the bilingual block page.
//
// With an upstream (reverse-proxy mode) the gate is the edge itself: it
// decides on Host only, even from a trusted proxy (the host decided must be
// the host proxied, which is Host), proxies filed hosts and blocks the rest;
// its own endpoints answer only to requests addressed to an IP literal or
// localhost, so that a proxied site keeps its own /healthz or /metrics.
func (g *Gate) Handler() http.Handler {
	if g.proxy != nil {
		return http.HandlerFunc(g.serveProxyMode)
	}
	return http.HandlerFunc(g.serveAuthMode)
}

func (g *Gate) serveAuthMode(w http.ResponseWriter, r *http.Request) {
	if !g.serveOwn(w, r) {
		g.forwardAuth(w, r)
	}
}

func (g *Gate) serveProxyMode(w http.ResponseWriter, r *http.Request) {
	if addressedToGate(r.Host) && g.serveOwn(w, r) {
		return
	}
	d := g.Decide(r.Host)
	if !d.Allowed() {
		g.block(w, r.Host, d.Status, http.StatusUnavailableForLegalReasons)
		return
	}
	// The number tells the site it is filed; a client cannot forge it.
	r.Header["X-Icp-Number"] = []string{d.Number}
	g.proxy.ServeHTTP(w, r)
}

// serveOwn serves the gate's own endpoints and reports whether r was one.
func (g *Gate) serveOwn(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == pathHealth:
		g.health(w)
	case p == pathMetrics:
		g.m.handler().ServeHTTP(w, r)
	case p == pathCheck:
		g.check(w, r)
	case strings.HasPrefix(p, pathHosts):
		g.hostStatus(w, r, p[len(pathHosts):])
	default:
		return false
	}
	return true
}

// addressedToGate reports whether a Host header names the gate itself (an
// IP literal or localhost) rather than a site.
func addressedToGate(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

// forwardHost picks the host a ForwardAuth request is about: its
// X-Forwarded-Host when a trusted proxy sent it, else Host. Several
// X-Forwarded-Host values are ambiguous and fail closed (an empty host).
func (g *Gate) forwardHost(r *http.Request) string {
	v, ok := r.Header["X-Forwarded-Host"]
	if !ok {
		return r.Host
	}
	if !g.trustsRemote(r.RemoteAddr) {
		g.ignoredForwarded("X-Forwarded-Host", remoteAddr(r))
		return r.Host
	}
	if len(v) != 1 || strings.IndexByte(v[0], ',') >= 0 {
		return ""
	}
	return v[0]
}

// remoteAddr returns the peer address of r, or the zero Addr.
func remoteAddr(r *http.Request) netip.Addr {
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	return ap.Addr()
}

func (g *Gate) forwardAuth(w http.ResponseWriter, r *http.Request) {
	host := g.forwardHost(r)
	d := g.Decide(host)
	if d.Allowed() {
		w.Header()["X-Icp-Number"] = []string{d.Number}
		w.WriteHeader(g.cfg.AllowStatus) // 200 goes out with Content-Length: 0
		return
	}
	g.block(w, host, d.Status, g.cfg.DenyStatus)
}

// block writes the block page.
func (g *Gate) block(w http.ResponseWriter, host string, st Status, code int) {
	bp, _ := g.pages.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	page := g.page.render((*bp)[:0], host, st)
	h := w.Header()
	h["Content-Type"] = hdrHTML
	h["Cache-Control"] = hdrNoStore
	h["X-Content-Type-Options"] = hdrNoSniff
	h["Content-Security-Policy"] = hdrCSP
	h["Content-Length"] = []string{strconv.Itoa(len(page))}
	w.WriteHeader(code)
	_, _ = w.Write(page)
	if cap(page) <= 64<<10 {
		*bp = page
		g.pages.Put(bp)
	}
}

func (g *Gate) health(w http.ResponseWriter) {
	w.Header()["Content-Type"] = hdrText
	w.Header()["Cache-Control"] = hdrNoStore
	if g.set.Load() == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("no allow-list loaded\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// check answers Caddy's on-demand TLS ask.
func (g *Gate) check(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = hdrText
	w.Header()["Cache-Control"] = hdrNoStore
	domain := r.URL.Query().Get("domain")
	if domain == "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("missing ?domain=\n"))
		return
	}
	if g.Decide(domain).Allowed() {
		_, _ = w.Write([]byte("allowed\n"))
		return
	}
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("not filed\n"))
}

// HostStatus is the body of GET /v1/hosts/{host}.
type HostStatus struct {
	Host   string `json:"host"`             // the normalised host
	Status string `json:"status"`           // APPROVED, PENDING or SUSPENDED
	Number string `json:"number,omitempty"` // the ICP number, when APPROVED
	Domain string `json:"domain,omitempty"` // the filed domain that covers the host
}

// apiError is the error body of the JSON endpoint, in the platform's shape.
type apiError struct {
	Error struct {
		Code      string `json:"code"`
		MessageZH string `json:"message_zh"`
		MessageEN string `json:"message_en"`
	} `json:"error"`
}

func (g *Gate) hostStatus(w http.ResponseWriter, r *http.Request, raw string) {
	w.Header()["Content-Type"] = hdrJSON
	w.Header()["Cache-Control"] = hdrNoStore
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = json.NewEncoder(w).Encode(newAPIError("http.method", "只支持 GET", "only GET is allowed"))
		return
	}
	name, err := hostname.Normalize(raw)
	if err != nil {
		var he hostname.Error
		if !errors.As(err, &he) {
			he = hostname.Error{Code: "domain.invalid", ZH: "域名无效", EN: "invalid host name"}
		}
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(newAPIError(he.Code, he.ZH, he.EN))
		return
	}
	d := g.Decide(name)
	_ = json.NewEncoder(w).Encode(HostStatus{Host: name, Status: d.Status.String(), Number: d.Number, Domain: d.Domain})
}

// errorLog adapts the gate's logger for net/http.
func (g *Gate) errorLog() *log.Logger { return slog.NewLogLogger(g.log.Handler(), slog.LevelWarn) }

func newAPIError(code, zh, en string) apiError {
	var e apiError
	e.Error.Code, e.Error.MessageZH, e.Error.MessageEN = code, zh, en
	return e
}

// newProxy builds the reverse proxy of upstream mode. The original Host goes
// upstream unchanged (virtual hosting), with X-Forwarded-Host set to it (the
// host decided) and X-Forwarded-For/-Proto set by the gate. Only from a
// trusted proxy (a load balancer in front of the gate) are the client's
// X-Forwarded-For chain and Forwarded header, to which the gate appends the
// peer, and its X-Forwarded-Proto kept; from anyone else they are dropped,
// so that a site reading them cannot be lied to.
func (g *Gate) newProxy(u *url.URL) *httputil.ReverseProxy {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
			xff, hasXFF := pr.In.Header["X-Forwarded-For"]
			trusted := g.trustsRemote(pr.In.RemoteAddr)
			if trusted && hasXFF {
				pr.Out.Header["X-Forwarded-For"] = slices.Clone(xff) // SetXForwarded appends the peer
			} else if hasXFF {
				g.ignoredForwarded("X-Forwarded-For", remoteAddr(pr.In))
			}
			pr.SetXForwarded()
			if proto := pr.In.Header.Get("X-Forwarded-Proto"); trusted && (proto == "http" || proto == "https") {
				pr.Out.Header.Set("X-Forwarded-Proto", proto)
			}
			// ReverseProxy has removed Forwarded (RFC 7239) from Out; a
			// trusted proxy's is put back with the gate's hop appended.
			if fwd, ok := pr.In.Header["Forwarded"]; ok && trusted {
				pr.Out.Header["Forwarded"] = append(slices.Clone(fwd), forwardedElement(remoteAddr(pr.In), pr.In.Host, pr.In.TLS != nil))
			} else if ok {
				g.ignoredForwarded("Forwarded", remoteAddr(pr.In))
			}
		},
		Transport: t,
		ErrorLog:  g.errorLog(),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			g.log.Warn("upstream error", "host", r.Host, "client", g.clientIP(r.RemoteAddr, r.Header["X-Forwarded-For"]), "err", err)
			w.Header()["Content-Type"] = hdrText
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("502 bad gateway / 上游服务不可用\n"))
		},
	}
}
