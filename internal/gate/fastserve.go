package gate

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/net/http/httpguts"
)

// The fast path answers the ForwardAuth requests that make up nearly all of
// a gate's traffic without net/http: a plain HTTP/1.x request with no body is
// parsed in place from a per-connection buffer and answered with one write,
// allocating nothing. net/http costs a Request, a Header map and a dozen
// other allocations per request, and a goroutine per connection costs a
// wasted read (the one that finds no next request yet) and a trip through
// the scheduler per request; that is what nginx beat it by. On Linux the fast
// path is an epoll event loop per GOMAXPROCS (eventloop_linux.go), the same
// design as nginx's worker: one read and one write per request.
//
// Anything the fast path does not vouch for — the gate's own endpoints,
// request bodies, Transfer-Encoding, Upgrade, Expect, absolute or
// percent-encoded targets, obsolete line folding, LF-only line ends, several
// Host headers, an invalid Host, headers that do not fit in the buffer,
// another HTTP version — goes, with the bytes already read, to a standard
// net/http server on the same listener, which keeps the connection from then
// on. So every unusual request gets net/http's exact behaviour, and the two
// can only differ on requests they would both answer the same way. Where
// there is no event loop (other systems, listeners that are not TCP), every
// connection goes to net/http.

// Limits of the fast path.
const (
	fastBufSize = 4 << 10 // a request head larger than this goes to net/http
	// maxPendingOut bounds the answers a connection holds unsent: past it
	// the fast path leaves the connection's further pipelined requests in
	// its read buffer, and reads nothing more from it, until the client has
	// read enough. A 4 KiB buffer of small pipelined requests would
	// otherwise turn into a hundred block pages, and a client that never
	// reads would make the gate hold them all.
	maxPendingOut = 64 << 10
)

// fastServer serves one listener.
type fastServer struct {
	g       *Gate
	slow    *http.Server
	handoff *chanListener
	loops   *loopGroup
	closing atomic.Bool
	wg      sync.WaitGroup
	// A clock that ticks every tickEvery gives the Date header and the
	// timeouts, instead of reading the time on every request. now is in
	// milliseconds since start, plus one (zero marks "not set" in a loopConn);
	// it is monotonic, so a step of the wall clock times nothing out.
	start     time.Time
	tickEvery time.Duration
	now       atomic.Int64
	date      atomic.Pointer[[]byte]
	dateSec   atomic.Int64 // the Unix second date shows
}

// tick keeps the clock until done is closed.
func (s *fastServer) tick(done <-chan struct{}) {
	t := time.NewTicker(s.tickEvery)
	defer t.Stop()
	for {
		s.setClock(time.Now())
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

func (s *fastServer) setClock(now time.Time) {
	if sec := now.Unix(); s.date.Load() == nil || sec != s.dateSec.Load() {
		d := now.UTC().AppendFormat(make([]byte, 0, len(http.TimeFormat)), http.TimeFormat)
		s.date.Store(&d)
		s.dateSec.Store(sec)
	}
	s.now.Store(now.Sub(s.start).Milliseconds() + 1)
}

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
	s := &fastServer{g: g, slow: g.newStdServer(), handoff: newChanListener(ln.Addr()),
		start: time.Now(), tickEvery: g.timeouts.tick()}
	s.setClock(time.Now())
	loops, err := newLoopGroup(s, runtime.GOMAXPROCS(0))
	if err != nil {
		g.log.Warn("no event loop; serving every request with net/http", "err", err)
		return g.serveStd(ctx, ln)
	}
	s.loops = loops
	tickDone := make(chan struct{})
	s.wg.Go(func() { s.tick(tickDone) })
	loops.start()
	slowDone := make(chan error, 1)
	go func() { slowDone <- s.slow.Serve(s.handoff) }()
	acceptDone := make(chan error, 1)
	go func() { acceptDone <- s.accept(ln) }()

	select {
	case err = <-acceptDone:
	case <-ctx.Done():
		_ = ln.Close()
		<-acceptDone
	}
	s.closing.Store(true)
	loops.stop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if serr := s.slow.Shutdown(sctx); err == nil {
		err = serr
	}
	if serr := <-slowDone; err == nil && !errors.Is(serr, http.ErrServerClosed) {
		err = serr
	}
	close(tickDone)
	s.wg.Wait()
	return err
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

// accept runs the accept loop until ln is closed. Each connection goes to
// an event loop, or to net/http when no loop can take it; one over the
// connection cap is closed at once. Whether its peer is a trusted proxy is
// settled here, once per connection.
func (s *fastServer) accept(ln net.Listener) error {
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.closing.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.g.log.Warn("accept failed; retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if s.closing.Load() {
			_ = c.Close()
			return nil
		}
		if !s.g.conns.acquire() {
			s.g.m.refusedMaxConns.Inc()
			_ = c.Close()
			continue
		}
		if s.loops.adopt(c) {
			continue // the loop releases the connection's place
		}
		cc := &countedConn{Conn: c, lim: &s.g.conns}
		if !s.handoff.push(cc) {
			_ = cc.Close()
		}
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// headEnd returns the length of the request head (through its CRLFCRLF) at
// the start of b, or -1.
func headEnd(b []byte) int {
	i := bytes.Index(b, []byte("\r\n\r\n"))
	if i < 0 {
		return -1
	}
	return i + 4
}

// fastRequest is what the fast path needs of a request head.
type fastRequest struct {
	head           bool // HEAD: no body in the answer
	http10         bool
	close          bool // Connection: close
	keepAliveAsked bool // Connection: keep-alive (HTTP/1.0)
	keepAlive      bool // the connection stays open after the answer
	host           []byte
	fwdHost        []byte
	fwdCount       int
}

// parse reads a request head (ending in CRLFCRLF). It returns false for
// anything that net/http should see instead.
func (r *fastRequest) parse(h []byte) bool {
	line, rest, _ := bytes.Cut(h, []byte("\r\n"))
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 || len(method) == 0 || len(target) == 0 || target[0] != '/' {
		return false
	}
	for _, c := range method {
		if !httpguts.IsTokenRune(rune(c)) {
			return false
		}
	}
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.http10 = true
	default:
		return false
	}
	path := target
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		path = target[:i]
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f || c == '%' || c == '#' {
			return false
		}
	}
	if ownPath(path) {
		return false
	}
	r.head = string(method) == http.MethodHead
	hosts := 0
	for len(rest) > 2 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(name) == 0 {
			return false
		}
		for _, c := range name {
			if !httpguts.IsTokenRune(rune(c)) {
				return false // also catches obsolete line folding
			}
		}
		value = bytes.Trim(value, " \t")
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		switch {
		case asciiEqualFold(name, "host"):
			hosts++
			r.host = value
		case asciiEqualFold(name, "x-forwarded-host"):
			r.fwdCount++
			r.fwdHost = value
		case asciiEqualFold(name, "connection"):
			if !r.connection(value) {
				return false
			}
		case asciiEqualFold(name, "content-length"):
			if string(value) != "0" {
				return false
			}
		case asciiEqualFold(name, "transfer-encoding"), asciiEqualFold(name, "upgrade"),
			asciiEqualFold(name, "expect"), asciiEqualFold(name, "http2-settings"):
			return false
		}
	}
	if hosts > 1 || hosts == 0 && !r.http10 || !httpguts.ValidHostHeader(string(r.host)) {
		return false
	}
	r.keepAlive = !r.close && (!r.http10 || r.keepAliveAsked)
	return true
}

// connection applies a Connection header; false for tokens it leaves to
// net/http. "close" wins over "keep-alive" in any order.
func (r *fastRequest) connection(v []byte) bool {
	for len(v) > 0 {
		var tok []byte
		tok, v, _ = bytes.Cut(v, []byte(","))
		tok = bytes.Trim(tok, " \t")
		switch {
		case asciiEqualFold(tok, "close"):
			r.close = true
		case asciiEqualFold(tok, "keep-alive"):
			r.keepAliveAsked = true
		case asciiEqualFold(tok, "upgrade"), asciiEqualFold(tok, "http2-settings"):
			return false
		}
	}
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

func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// Pre-rendered response parts.
var (
	resp204   = []byte("HTTP/1.1 204 No Content\r\nX-Icp-Number: ")
	resp200   = []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Icp-Number: ")
	respBlock = []byte("\r\nCache-Control: no-store\r\n" +
		"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'\r\n" +
		"Content-Type: text/html; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ")
	respDate  = []byte("\r\nDate: ")
	respClose = []byte("\r\nConnection: close")
	respKeep  = []byte("\r\nConnection: keep-alive")
	respEnd   = []byte("\r\n\r\n")
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
		return bytesString(r.host)
	case r.fwdCount == 1 && bytes.IndexByte(r.fwdHost, ',') < 0:
		return bytesString(r.fwdHost)
	}
	return ""
}

// appendAnswer appends the answer to r, decided as d for host, to out; page
// is scratch space for the block page. It returns both buffers for reuse.
func (s *fastServer) appendAnswer(out, page []byte, r *fastRequest, host string, d Decision) ([]byte, []byte) {
	if d.Allowed() {
		if s.g.cfg.AllowStatus == http.StatusOK {
			out = append(out, resp200...)
		} else {
			out = append(out, resp204...)
		}
		out = append(out, d.Number...)
	} else {
		code := s.g.cfg.DenyStatus
		page = s.g.page.render(page[:0], host, d.Status)
		out = append(out, "HTTP/1.1 "...)
		out = strconv.AppendInt(out, int64(code), 10)
		out = append(out, ' ')
		out = append(out, http.StatusText(code)...)
		out = append(out, respBlock...)
		out = strconv.AppendInt(out, int64(len(page)), 10)
	}
	out = append(out, respDate...)
	out = append(out, *s.date.Load()...)
	switch {
	case !r.keepAlive:
		out = append(out, respClose...)
	case r.http10:
		out = append(out, respKeep...)
	}
	out = append(out, respEnd...)
	if !d.Allowed() && !r.head {
		out = append(out, page...)
	}
	return out, page
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// prefixConn replays the bytes the fast path read before handing over.
type prefixConn struct {
	net.Conn
	prefix []byte
}

// Read returns the replayed bytes first, then reads the connection.
func (p *prefixConn) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// chanListener is the listener net/http serves handed-over connections from.
type chanListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// push hands c over; false if the listener is closed.
func (l *chanListener) push(c net.Conn) bool {

	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

// Accept returns the next handed-over connection.
func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept; connections already handed over stay with net/http.
func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is the address of the real listener.
func (l *chanListener) Addr() net.Addr { return l.addr }
