package gate

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/beian/beian/internal/eventloop"
)

// The fast path answers the ForwardAuth requests that make up nearly all of
// a gate's traffic without net/http: a plain HTTP/1.x request with no body is
// parsed in place from a per-connection buffer and answered with one write,
// allocating nothing, by internal/eventloop (on Linux an epoll event loop per
// GOMAXPROCS, the design of an nginx worker). The gate's part is which
// requests it answers there and how: its own endpoints and percent-encoded
// targets go to net/http with everything eventloop.ParseHead refuses, and a
// round's hosts are decided together (Set.LookupBatch overlaps the cache
// misses of many lookups, which one at a time wait on memory in turn).
// Where there is no event loop, every connection goes to net/http.

// Limits of the fast path (those of the event loop).
const (
	fastBufSize   = eventloop.BufSize
	maxPendingOut = eventloop.MaxPendingOut
)

// maxHeaderBytes is net/http's cap on a request head (the fast path's is
// its buffer, fastBufSize; larger heads go to net/http).
const maxHeaderBytes = 32 << 10

func (g *Gate) newStdServer() *http.Server {
	return &http.Server{
		Handler:           g.Handler(),
		ReadHeaderTimeout: g.timeouts.header,
		ReadTimeout:       g.timeouts.read,
		WriteTimeout:      g.timeouts.write,
		IdleTimeout:       g.timeouts.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          g.errorLog(),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				g.m.connsNetHTTP.Inc()
			}
		},
	}
}

// Serve serves the gate on ln until ctx is done, then shuts down cleanly:
// it stops accepting, answers what the fast path has already read, closes
// its connections, lets net/http's requests in flight finish (up to 10 s),
// and returns once every goroutine it started has ended. In ForwardAuth mode
// requests go through the fast path described above; in reverse-proxy mode
// everything goes through net/http.
func (g *Gate) Serve(ctx context.Context, ln net.Listener) error {
	if g.proxy != nil {
		return g.serveStd(ctx, ln)
	}
	err := eventloop.Serve(ctx, ln, eventloop.Config{
		Handler: func() eventloop.Handler { return &fastHandler{g: g} },
		Loops:   runtime.GOMAXPROCS(0),
		Slow:    g.newStdServer(),
		Header:  g.timeouts.header, Idle: g.timeouts.idle, Stall: g.timeouts.stall(),
		Acquire: g.conns.acquire, Release: g.conns.release,
		Trusts: g.trustsAddr,
		Events: loopEvents{g.m},
		Log:    g.log,
	})
	if errors.Is(err, eventloop.ErrUnsupported) {
		g.log.Warn("no event loop; serving every request with net/http", "err", err)
		return g.serveStd(ctx, ln)
	}
	return err
}

// loopEvents counts the event loop's connections in the gate's metrics.
type loopEvents struct{ m *metrics }

func (e loopEvents) Adopted()            { e.m.connsFast.Inc() }
func (e loopEvents) Refused()            { e.m.refusedMaxConns.Inc() }
func (e loopEvents) Paused()             { e.m.pendingOutPauses.Inc() }
func (e loopEvents) PendingPeak(n int64) { storeMax(&e.m.pendingOutPeak, n) }
func (e loopEvents) Closed(why string) {
	switch why {
	case "header":
		e.m.headerTimeouts.Inc()
	case "idle":
		e.m.idleTimeouts.Inc()
	case "write":
		e.m.writeTimeouts.Inc()
	}
}

// storeMax raises v to n if n is larger.
func storeMax(v *atomic.Int64, n int64) {
	for {
		cur := v.Load()
		if n <= cur || v.CompareAndSwap(cur, n) {
			return
		}
	}
}

// fastHandler is the gate's eventloop.Handler: one per loop, so the round's
// state needs no lock.
type fastHandler struct {
	g       *Gate
	reqs    []fastReq
	hosts   []string
	decided []Decision
	page    []byte // block page being built
}

// fastReq is a request of the round and the connection it came on.
type fastReq struct {
	c   *eventloop.Conn
	req fastRequest
}

func (h *fastHandler) Parse(c *eventloop.Conn, head []byte) (keepAlive, ok bool) {
	var r fastRequest
	if !r.parse(head) {
		return false, false
	}
	h.reqs = append(h.reqs, fastReq{c: c, req: r})
	return r.keepAlive, true
}

// Round decides every host of the round in one batch.
func (h *fastHandler) Round(n int) {
	h.hosts = h.hosts[:0]
	for i := range h.reqs {
		h.hosts = append(h.hosts, h.reqs[i].req.decisionHost(h.reqs[i].c.Trusted))
	}
	if cap(h.decided) < len(h.hosts) {
		h.decided = make([]Decision, len(h.hosts))
	}
	h.decided = h.decided[:len(h.hosts)]
	h.g.lookupBatch(h.hosts, h.decided)
	h.g.m.batch.Observe(float64(n))
}

func (h *fastHandler) Answer(out []byte, i int, date []byte) []byte {
	out, h.page = h.g.appendAnswer(out, h.page, &h.reqs[i].req, h.hosts[i], h.decided[i], date)
	return out
}

func (h *fastHandler) Sent(i int) {
	h.g.m.count(h.decided[i])
	if r := &h.reqs[i]; r.req.fwdCount > 0 && !r.c.Trusted {
		h.g.ignoredForwarded("X-Forwarded-Host", r.c.Peer)
	}
}

func (h *fastHandler) Reset() {
	clear(h.reqs) // drop the connection pointers and the views of their buffers
	h.reqs = h.reqs[:0]
	clear(h.hosts)
}

// serveStd is Serve with net/http alone (reverse-proxy mode).
func (g *Gate) serveStd(ctx context.Context, ln net.Listener) error {
	srv := g.newStdServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limitListener{Listener: ln, g: g}) }()
	select {
	case err := <-errc:
		g.closeIdle()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	g.closeIdle()
	return err
}

func (g *Gate) closeIdle() {
	if g.proxy != nil {
		g.proxy.Transport.(*http.Transport).CloseIdleConnections()
	}
}

// fastRequest is what the fast path needs of a request head.
type fastRequest struct {
	eventloop.Head
	keepAlive bool // the connection stays open after the answer
	host      []byte
	fwdHost   []byte
	fwdCount  int
}

// parse reads a request head (ending in CRLFCRLF). It returns false for
// anything that net/http should see instead: what eventloop.ParseHead
// refuses, percent-encoded targets and the gate's own endpoints.
func (r *fastRequest) parse(h []byte) bool {
	head, ok := eventloop.ParseHead(h, func(name, value []byte) bool {
		if eventloop.EqualFold(name, "x-forwarded-host") {
			r.fwdCount++
			r.fwdHost = value
		}
		return true
	})
	if !ok || bytes.IndexByte(head.Target, '%') >= 0 || ownPath(head.Path) {
		return false
	}
	r.Head, r.keepAlive, r.host = head, head.KeepAlive, head.Host
	return true
}

// ownPath reports whether path is one of the gate's own endpoints.
func ownPath(path []byte) bool {
	switch string(path) {
	case pathHealth, pathMetrics, pathCheck:
		return true
	}
	return bytes.HasPrefix(path, []byte(pathHosts))
}

// Pre-rendered response parts.
var (
	resp204   = []byte("HTTP/1.1 204 No Content\r\nX-Icp-Number: ")
	resp200   = []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Icp-Number: ")
	respBlock = []byte("\r\nCache-Control: no-store\r\n" +
		"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'\r\n" +
		"Content-Type: text/html; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ")
	respDate = []byte("\r\nDate: ")
	respEnd  = []byte("\r\n\r\n")
)

// decisionHost returns the host to decide: X-Forwarded-Host when there is
// one and the connection comes from a trusted proxy, else Host. Several
// X-Forwarded-Host values are ambiguous and fail closed (an empty host is
// never allowed). The host is a view of the read buffer: neither the
// decision nor the block page keeps it, and the buffer is not reused before
// the answer is written.
func (r *fastRequest) decisionHost(trusted bool) string {
	switch {
	case r.fwdCount == 0 || !trusted:
		return eventloop.String(r.host)
	case r.fwdCount == 1 && bytes.IndexByte(r.fwdHost, ',') < 0:
		return eventloop.String(r.fwdHost)
	}
	return ""
}

// appendAnswer appends the answer to r, decided as d for host, with date
// as its Date, to out; page is scratch space for the block page. It returns
// both buffers for reuse.
func (g *Gate) appendAnswer(out, page []byte, r *fastRequest, host string, d Decision, date []byte) ([]byte, []byte) {
	if d.Allowed() {
		if g.cfg.AllowStatus == http.StatusOK {
			out = append(out, resp200...)
		} else {
			out = append(out, resp204...)
		}
		out = append(out, d.Number...)
	} else {
		code := g.cfg.DenyStatus
		page = g.page.render(page[:0], host, d.Status)
		out = append(out, "HTTP/1.1 "...)
		out = strconv.AppendInt(out, int64(code), 10)
		out = append(out, ' ')
		out = append(out, http.StatusText(code)...)
		out = append(out, respBlock...)
		out = strconv.AppendInt(out, int64(len(page)), 10)
	}
	out = append(out, respDate...)
	out = append(out, date...)
	out = eventloop.AppendConnection(out, &r.Head)
	out = append(out, respEnd...)
	if !d.Allowed() && !r.IsHead() {
		out = append(out, page...)
	}
	return out, page
}
