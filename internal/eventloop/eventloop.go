// Package eventloop is an HTTP/1.1 server for the few hot requests of a
// service (the gate's ForwardAuth checks, the public lookup) that answers
// them without net/http, and hands every other connection to a standard
// net/http server on the same listener.
//
// On Linux it runs one event loop per processor, each with its own epoll
// set, serving the connections it owns from edge-triggered readiness, as an
// nginx worker does: a request costs one read and one write, requests are
// answered in the order they became ready, and nothing is allocated per
// request. A goroutine per connection (net/http) instead costs a Request,
// a Header map and a dozen other allocations per request, a wasted read to
// learn that the next request has not come yet, and a trip through the
// scheduler; that is what nginx beats it by.
//
// The loop finds request heads and leaves their meaning to a Handler: it
// parses each head (ParseHead does the checks every user needs), and says
// which it answers. A request it does not vouch for — request bodies,
// Transfer-Encoding, Upgrade, Expect, obsolete line folding, LF-only line
// ends, heads larger than the buffer, another HTTP version, any path the
// handler does not serve — goes with the bytes already read to net/http,
// which keeps the connection from then on, so every unusual request gets
// net/http's exact behaviour. Where there is no event loop (other systems,
// listeners that are not TCP), Serve returns ErrUnsupported and the caller
// serves with net/http alone.
package eventloop

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/net/http/httpguts"
)

// Limits of the loop.
const (
	// BufSize is a connection's read buffer: a request head larger than
	// this goes to net/http.
	BufSize = 4 << 10
	// MaxPendingOut bounds the answers a connection holds unsent: past it
	// the loop leaves the connection's further pipelined requests in its
	// read buffer, and reads nothing more from it, until the client has
	// read enough. A 4 KiB buffer of small pipelined requests would
	// otherwise turn into a hundred large answers, and a client that never
	// reads would make the server hold them all.
	MaxPendingOut = 64 << 10
)

// ErrUnsupported is Serve's answer where there is no event loop (not
// Linux, or epoll failed): the caller serves with net/http alone.
var ErrUnsupported = errors.ErrUnsupported

// Handler answers the requests of one event loop. Each loop has its own
// (Config.Handler), and calls it from the loop's goroutine only, so it needs
// no locks for the state of a round.
//
// A round is the requests of one batch of ready connections: Parse is
// called for each complete head, in order; then Round once; then Answer for
// each request Parse took, in the same order (index i counts them from 0),
// with Sent after each answer that was kept (one held back by back-pressure
// is answered again in a later round); then Reset. The heads are views of
// the read buffers, valid until Reset.
type Handler interface {
	// Parse reads one request head (through its CRLFCRLF) of connection c.
	// ok false leaves this request and all that follow on the connection to
	// net/http; keepAlive false closes the connection after the answer.
	Parse(c *Conn, head []byte) (keepAlive, ok bool)
	// Round is called once the round's heads are parsed, before any
	// Answer: a handler that decides many requests at once does it here.
	Round(n int)
	// Answer appends the whole response (status line, headers and body) to
	// request i of the round to out. date is the Date header's value.
	Answer(out []byte, i int, date []byte) []byte
	// Sent reports that the answer to request i was kept.
	Sent(i int)
	// Reset ends the round: drop the views of the read buffers.
	Reset()
}

// Events are the counters a server keeps about its connections; each
// method is called from an event loop or the accept loop and must be safe
// for concurrent use. NopEvents ignores them.
type Events interface {
	Adopted()            // a connection is served by an event loop
	Refused()            // a connection over the cap was closed at accept
	Paused()             // a connection's answers reached MaxPendingOut
	PendingPeak(n int64) // a loop's most unsent answer bytes on one connection rose to n
	Closed(why string)   // the loop closed a connection: "header", "idle" or "write" timeout
}

// NopEvents is an Events that counts nothing.
type NopEvents struct{}

func (NopEvents) Adopted()          {}
func (NopEvents) Refused()          {}
func (NopEvents) Paused()           {}
func (NopEvents) PendingPeak(int64) {}
func (NopEvents) Closed(string)     {}

// Config configures Serve.
type Config struct {
	// Handler returns the handler of one event loop (called once per loop).
	Handler func() Handler
	// Loops is the number of event loops (at least one).
	Loops int
	// Slow serves the connections handed over, and all of them where there
	// is no event loop; Serve shuts it down when ctx ends.
	Slow *http.Server
	// Header: a request head must arrive whole within this of its first
	// byte, and a new connection must send its first head within this.
	// Idle: a keep-alive connection with no request for this long is
	// closed. Stall: a client that leaves answers unread this long is
	// dropped. Zero values are 10 s, 120 s and 60 s.
	Header, Idle, Stall time.Duration
	// Acquire, when set, counts a new connection against a cap: false
	// closes it at once. Release uncounts a connection closed; a connection
	// handed to net/http stays counted until net/http closes it.
	Acquire func() bool
	Release func()
	// Trusts reports whether a peer is a trusted proxy (Conn.Trusted),
	// settled once per connection; nil trusts none.
	Trusts func(netip.Addr) bool
	Events Events
	Log    *slog.Logger
	// Shutdown bounds how long net/http's requests in flight may finish
	// when ctx ends (10 s when 0).
	Shutdown time.Duration
}

func (c *Config) defaults() {
	if c.Header <= 0 {
		c.Header = 10 * time.Second
	}
	if c.Idle <= 0 {
		c.Idle = 120 * time.Second
	}
	if c.Stall <= 0 {
		c.Stall = 60 * time.Second
	}
	if c.Acquire == nil {
		c.Acquire = func() bool { return true }
	}
	if c.Release == nil {
		c.Release = func() {}
	}
	if c.Trusts == nil {
		c.Trusts = func(netip.Addr) bool { return false }
	}
	if c.Events == nil {
		c.Events = NopEvents{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Shutdown <= 0 {
		c.Shutdown = 10 * time.Second
	}
}

// Tick is the resolution of the server clock for timeouts a, b, c: a
// quarter of the shortest, within [5 ms, 1 s].
func Tick(a, b, c time.Duration) time.Duration {
	return min(max(min(a, b, c)/4, 5*time.Millisecond), time.Second)
}

// Conn is a client connection of an event loop, as a Handler sees it.
type Conn struct {
	// Peer is the connection's remote address (the zero Addr when unknown).
	Peer netip.Addr
	// Trusted reports whether Peer is a trusted proxy (Config.Trusts).
	Trusted bool
	// Value is the handler's own per-connection state (a cached key).
	Value any

	fd         int
	buf        []byte // read buffer; buf[r:w] is unread
	r, w       int
	out        []byte // answers not yet written; out[outOff:] is pending
	outOff     int
	last       int64 // clock (ms) of the last read that brought bytes
	headSince  int64 // clock a request head became due (accept, or its first byte), 0 if none
	writeSince int64 // clock a write first found the socket full, 0 if not
	closeAfter bool  // close once out is written
	// paused: complete request heads wait in buf[r:w] because the unsent
	// answers reached MaxPendingOut; they are parsed, before anything more
	// is read, once the answers are written.
	paused bool
	// Round state (see collect): queued for answerRound, read again in
	// this round, handed to net/http once the requests before are answered.
	queued, more, handOffAfter bool
}

// server is one Serve.
type server struct {
	cfg     Config
	handoff *chanListener
	closing atomic.Bool
	wg      sync.WaitGroup
	// A clock that ticks every tickEvery gives the Date header and the
	// timeouts, instead of reading the time on every request. now is in
	// milliseconds since start, plus one (zero marks "not set" in a Conn);
	// it is monotonic, so a step of the wall clock times nothing out.
	start     time.Time
	tickEvery time.Duration
	now       atomic.Int64
	date      atomic.Pointer[[]byte]
	dateSec   atomic.Int64 // the Unix second date shows
}

// tick keeps the clock until done is closed.
func (s *server) tick(done <-chan struct{}) {
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

func (s *server) setClock(now time.Time) {
	if sec := now.Unix(); s.date.Load() == nil || sec != s.dateSec.Load() {
		d := now.UTC().AppendFormat(make([]byte, 0, len(http.TimeFormat)), http.TimeFormat)
		s.date.Store(&d)
		s.dateSec.Store(sec)
	}
	s.now.Store(now.Sub(s.start).Milliseconds() + 1)
}

// Serve serves ln until ctx is done, then shuts down cleanly: it stops
// accepting, answers what the loops have already read, closes their
// connections, lets net/http's requests in flight finish (up to
// Config.Shutdown), and returns once every goroutine it started has ended.
// Where there is no event loop it returns ErrUnsupported at once, before
// accepting anything.
func Serve(ctx context.Context, ln net.Listener, cfg Config) error {
	cfg.defaults()
	s := &server{cfg: cfg, handoff: newChanListener(ln.Addr()), start: time.Now(),
		tickEvery: Tick(cfg.Header, cfg.Idle, cfg.Stall)}
	s.setClock(time.Now())
	loops, err := newLoopGroup(s, cfg.Loops)
	if err != nil {
		return errors.Join(ErrUnsupported, err)
	}
	tickDone := make(chan struct{})
	s.wg.Go(func() { s.tick(tickDone) })
	loops.start()
	slowDone := make(chan error, 1)
	go func() { slowDone <- cfg.Slow.Serve(s.handoff) }()
	acceptDone := make(chan error, 1)
	go func() { acceptDone <- s.accept(ln, loops) }()

	select {
	case err = <-acceptDone:
	case <-ctx.Done():
		_ = ln.Close()
		<-acceptDone
	}
	s.closing.Store(true)
	loops.stop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Shutdown)
	defer cancel()
	if serr := cfg.Slow.Shutdown(sctx); err == nil {
		err = serr
	}
	if serr := <-slowDone; err == nil && !errors.Is(serr, http.ErrServerClosed) {
		err = serr
	}
	close(tickDone)
	s.wg.Wait()
	return err
}

// accept runs the accept loop until ln is closed. Each connection goes to
// an event loop, or to net/http when no loop can take it; one over the
// connection cap is closed at once.
func (s *server) accept(ln net.Listener, loops *loopGroup) error {
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
				s.cfg.Log.Warn("accept failed; retrying", "err", err, "in", backoff)
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
		if !s.cfg.Acquire() {
			s.cfg.Events.Refused()
			_ = c.Close()
			continue
		}
		if loops.adopt(c) {
			continue // the loop releases the connection's place
		}
		cc := Counted(c, s.cfg.Release)
		if !s.handoff.push(cc) {
			_ = cc.Close()
		}
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// PeerAddr is the remote address of a TCP connection, unmapped; the zero
// Addr for other connections.
func PeerAddr(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// HeadEnd returns the length of the request head (through its CRLFCRLF) at
// the start of b, or -1.
func HeadEnd(b []byte) int {
	i := bytes.Index(b, []byte("\r\n\r\n"))
	if i < 0 {
		return -1
	}
	return i + 4
}

// Head is a request head as ParseHead reads it; its slices are views of
// the head.
type Head struct {
	Method, Target []byte
	Path, Query    []byte // Target split at its first '?'
	HTTP10         bool
	Host           []byte
	close          bool // Connection: close
	keepAliveAsked bool // Connection: keep-alive (HTTP/1.0)
	// KeepAlive: the connection stays open after the answer.
	KeepAlive bool
}

// IsHead reports whether the method is HEAD (an answer without its body).
func (h *Head) IsHead() bool { return string(h.Method) == http.MethodHead }

// ParseHead reads a request head (ending in CRLFCRLF) with the checks that
// keep the loop's answers those of net/http: an origin-form target without
// controls, spaces or a fragment, HTTP/1.0 or 1.1, token header names (no
// obsolete folding), values without controls, one valid Host (none only in
// HTTP/1.0), no body (Content-Length other than 0, Transfer-Encoding),
// Upgrade, Expect or HTTP2-Settings. field is called for every header line
// with its trimmed value; it returns false to refuse the head. ok false
// means net/http should see the request instead.
func ParseHead(h []byte, field func(name, value []byte) bool) (Head, bool) {
	var r Head
	line, rest, _ := bytes.Cut(h, []byte("\r\n"))
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 || len(method) == 0 || len(target) == 0 || target[0] != '/' {
		return r, false
	}
	for _, c := range method {
		if !httpguts.IsTokenRune(rune(c)) {
			return r, false
		}
	}
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.HTTP10 = true
	default:
		return r, false
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f || c == '#' {
			return r, false
		}
	}
	r.Method, r.Target, r.Path = method, target, target
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		r.Path, r.Query = target[:i], target[i+1:]
	}
	hosts := 0
	for len(rest) > 2 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(name) == 0 {
			return r, false
		}
		for _, c := range name {
			if !httpguts.IsTokenRune(rune(c)) {
				return r, false // also catches obsolete line folding
			}
		}
		value = bytes.Trim(value, " \t")
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return r, false
			}
		}
		switch {
		case EqualFold(name, "host"):
			hosts++
			r.Host = value
		case EqualFold(name, "connection"):
			if !r.connection(value) {
				return r, false
			}
		case EqualFold(name, "content-length"):
			if string(value) != "0" {
				return r, false
			}
		case EqualFold(name, "transfer-encoding"), EqualFold(name, "upgrade"),
			EqualFold(name, "expect"), EqualFold(name, "http2-settings"):
			return r, false
		default:
			if field != nil && !field(name, value) {
				return r, false
			}
		}
	}
	if hosts > 1 || hosts == 0 && !r.HTTP10 || !httpguts.ValidHostHeader(string(r.Host)) {
		return r, false
	}
	r.KeepAlive = !r.close && (!r.HTTP10 || r.keepAliveAsked)
	return r, true
}

// connection applies a Connection header; false for tokens it leaves to
// net/http. "close" wins over "keep-alive" in any order.
func (r *Head) connection(v []byte) bool {
	for len(v) > 0 {
		var tok []byte
		tok, v, _ = bytes.Cut(v, []byte(","))
		tok = bytes.Trim(tok, " \t")
		switch {
		case EqualFold(tok, "close"):
			r.close = true
		case EqualFold(tok, "keep-alive"):
			r.keepAliveAsked = true
		case EqualFold(tok, "upgrade"), EqualFold(tok, "http2-settings"):
			return false
		}
	}
	return true
}

// EqualFold reports whether b is lower in ASCII case-insensitive compare
// (lower must be lower case).
func EqualFold(b []byte, lower string) bool {
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

// Connection header lines an answer ends with: none for an HTTP/1.1
// keep-alive request, close when the connection closes after it,
// keep-alive for an HTTP/1.0 client that asked for it.
var (
	respClose = []byte("\r\nConnection: close")
	respKeep  = []byte("\r\nConnection: keep-alive")
)

// AppendConnection appends the Connection header an answer to h needs (with
// its leading CRLF; nothing for HTTP/1.1 keep-alive).
func AppendConnection(out []byte, h *Head) []byte {
	switch {
	case !h.KeepAlive:
		return append(out, respClose...)
	case h.HTTP10:
		return append(out, respKeep...)
	}
	return out
}

// String views b as a string without copying; b must not change while the
// string is in use (a view of a read buffer, within its round).
func String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Counted returns c wrapped so that closing it calls release, once,
// whoever closes it (net/http, a hijacking handler, the server).
func Counted(c net.Conn, release func()) net.Conn {
	return &countedConn{Conn: c, release: release}
}

type countedConn struct {
	net.Conn
	release func()
	once    sync.Once
}

// Close releases the connection's place and closes it (in that order, so
// that a client that sees the close and connects again finds the place free).
func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// CloseWrite half-closes the connection when the underlying one can, which
// net/http uses to let a client read an error answer before the close.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}

// prefixConn replays the bytes the loop read before handing over.
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
