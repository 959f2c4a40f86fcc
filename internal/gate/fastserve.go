package gate

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
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
// other allocations per request, which is what nginx beat it by.
//
// Anything the fast path does not vouch for — the gate's own endpoints,
// request bodies, Transfer-Encoding, Upgrade, Expect, absolute or
// percent-encoded targets, obsolete line folding, LF-only line ends, several
// Host headers, an invalid Host, headers that do not fit in the buffer,
// another HTTP version — goes, with the bytes already read, to a standard
// net/http server on the same listener, which keeps the connection from then
// on. So every unusual request gets net/http's exact behaviour, and the two
// can only differ on requests they would both answer the same way.

// Limits of the fast path.
const (
	fastBufSize       = 4 << 10 // a request head larger than this goes to net/http
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
)

// fastServer serves one listener.
type fastServer struct {
	g       *Gate
	slow    *http.Server
	handoff *chanListener
	closing atomic.Bool
	mu      sync.Mutex
	conns   map[*fastConn]struct{}
	wg      sync.WaitGroup
	// A clock that ticks once a second gives the Date header and the read
	// deadlines, instead of reading the time on every request.
	nowSec atomic.Int64
	date   atomic.Pointer[[]byte]
}

// tick keeps the clock until done is closed.
func (s *fastServer) tick(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
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
	d := now.UTC().AppendFormat(make([]byte, 0, len(http.TimeFormat)), http.TimeFormat)
	s.date.Store(&d)
	s.nowSec.Store(now.Unix())
}

func (g *Gate) newStdServer() *http.Server {
	return &http.Server{
		Handler:           g.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          g.errorLog(),
	}
}

// Serve serves the gate on ln until ctx is done, then shuts down cleanly:
// it stops accepting, lets requests in flight finish (up to 10 s), closes
// idle connections, and returns once every connection goroutine has ended.
// In ForwardAuth mode requests go through the fast path described above; in
// reverse-proxy mode everything goes through net/http.
func (g *Gate) Serve(ctx context.Context, ln net.Listener) error {
	if g.proxy != nil {
		return g.serveStd(ctx, ln)
	}
	s := &fastServer{g: g, slow: g.newStdServer(), handoff: newChanListener(ln.Addr()), conns: map[*fastConn]struct{}{}}
	s.setClock(time.Now())
	tickDone := make(chan struct{})
	s.wg.Go(func() { s.tick(tickDone) })
	slowDone := make(chan error, 1)
	go func() { slowDone <- s.slow.Serve(s.handoff) }()
	acceptDone := make(chan error, 1)
	go func() { acceptDone <- s.accept(ln) }()

	var err error
	select {
	case err = <-acceptDone:
	case <-ctx.Done():
		_ = ln.Close()
		<-acceptDone
	}
	s.closing.Store(true)
	s.mu.Lock()
	for c := range s.conns {
		c.wake()
	}
	s.mu.Unlock()
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
	go func() { errc <- srv.Serve(ln) }()
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

// accept runs the accept loop until ln is closed.
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
		fc := &fastConn{s: s, c: c}
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			_ = c.Close()
			return nil
		}
		s.conns[fc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go fc.serve()
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// fastConn is one client connection on the fast path.
type fastConn struct {
	s        *fastServer
	c        net.Conn
	buf      []byte // read buffer; buf[r:w] is unread
	r, w     int
	out      []byte // response being built
	page     []byte // block page being built
	deadline int64  // Unix second of the read deadline set last
}

// wake makes a blocked Read return so the goroutine sees the server closing.
// serve checks the closing flag after each setDeadline, so a deadline it
// sets later cannot undo this one unnoticed.
func (fc *fastConn) wake() { _ = fc.c.SetReadDeadline(time.Now()) }

func (fc *fastConn) done(keep bool) {
	if !keep {
		_ = fc.c.Close()
	}
	fc.s.mu.Lock()
	delete(fc.s.conns, fc)
	fc.s.mu.Unlock()
	fc.s.wg.Done()
}

func (fc *fastConn) serve() {
	fc.buf = make([]byte, fastBufSize)
	for {
		end := headEnd(fc.buf[fc.r:fc.w])
		headTimed := false
		for end < 0 {
			if fc.r > 0 {
				fc.w = copy(fc.buf, fc.buf[fc.r:fc.w])
				fc.r = 0
			}
			if fc.w == len(fc.buf) || bytes.Contains(fc.buf[:fc.w], []byte("\n\n")) {
				fc.handOff()
				return
			}
			// Idle between requests: idleTimeout. Once a request has begun,
			// its whole head must arrive within readHeaderTimeout (set once,
			// so a client trickling bytes cannot stretch it).
			ok := true
			switch {
			case fc.w == 0:
				ok = fc.setDeadline(idleTimeout)
			case !headTimed:
				ok = fc.setDeadline(readHeaderTimeout)
				headTimed = true
			}
			if !ok || fc.s.closing.Load() {
				fc.done(false)
				return
			}
			// No runtime.Gosched before this read, although it would spare
			// most empty reads: goroutines that keep yielding keep the run
			// queue full, so the scheduler polls the network only from
			// sysmon (every 10 ms), and the p99 tripled in the benchmark.
			n, err := fc.c.Read(fc.buf[fc.w:])
			fc.w += n
			if err != nil {
				fc.done(false)
				return
			}
			end = headEnd(fc.buf[fc.r:fc.w])
		}
		var req fastRequest
		if !req.parse(fc.buf[fc.r : fc.r+end]) {
			fc.handOff()
			return
		}
		fc.r += end
		if !fc.respond(&req) || !req.keepAlive || fc.s.closing.Load() {
			fc.done(false)
			return
		}
	}
}

// setDeadline sets the read deadline to d from now, to the second, touching
// the runtime timer only when that second changes.
func (fc *fastConn) setDeadline(d time.Duration) bool {
	want := fc.s.nowSec.Load() + int64(d/time.Second)
	if want == fc.deadline {
		return true
	}
	fc.deadline = want
	return fc.c.SetReadDeadline(time.Unix(want, 0)) == nil
}

// handOff gives the connection, with what was read of it, to net/http.
func (fc *fastConn) handOff() {
	_ = fc.c.SetReadDeadline(time.Time{})
	pc := &prefixConn{Conn: fc.c, prefix: bytes.Clone(fc.buf[fc.r:fc.w])}
	if !fc.s.handoff.push(pc) {
		fc.done(false)
		return
	}
	fc.done(true)
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
	respBlock = []byte("\r\nCache-Control: no-store\r\n" +
		"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'\r\n" +
		"Content-Type: text/html; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ")
	respDate  = []byte("\r\nDate: ")
	respClose = []byte("\r\nConnection: close")
	respKeep  = []byte("\r\nConnection: keep-alive")
	respEnd   = []byte("\r\n\r\n")
)

// respond decides and writes the answer; false when the write failed.
func (fc *fastConn) respond(r *fastRequest) bool {
	// The host is read in place: neither the decision nor the block page
	// keeps it, and the buffer is not reused before the answer is written.
	// Several X-Forwarded-Host values are ambiguous and fail closed.
	var host string
	switch {
	case r.fwdCount == 1 && bytes.IndexByte(r.fwdHost, ',') < 0:
		host = bytesString(r.fwdHost)
	case r.fwdCount == 0:
		host = bytesString(r.host)
	}
	d := fc.s.g.Decide(host)
	out := fc.out[:0]
	if d.Allowed() {
		out = append(out, resp204...)
		out = append(out, d.Number...)
	} else {
		code := fc.s.g.cfg.DenyStatus
		fc.page = fc.s.g.page.render(fc.page[:0], host, d.Status)
		out = append(out, "HTTP/1.1 "...)
		out = strconv.AppendInt(out, int64(code), 10)
		out = append(out, ' ')
		out = append(out, http.StatusText(code)...)
		out = append(out, respBlock...)
		out = strconv.AppendInt(out, int64(len(fc.page)), 10)
	}
	out = append(out, respDate...)
	out = append(out, *fc.s.date.Load()...)
	switch {
	case !r.keepAlive:
		out = append(out, respClose...)
	case r.http10:
		out = append(out, respKeep...)
	}
	out = append(out, respEnd...)
	if !d.Allowed() && !r.head {
		out = append(out, fc.page...)
	}
	fc.out = out
	_, err := fc.c.Write(out)
	return err == nil
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
