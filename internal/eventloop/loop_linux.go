//go:build linux

package eventloop

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A connection is taken from the Go listener as a duplicate of its socket
// (the net.Conn is closed, which removes it from the runtime's poller) and
// handed back as a new net.Conn, with the bytes read so far, when a request
// needs net/http.

// loopGroup is the event loops of one Serve; connections are spread over
// them in turn.
type loopGroup struct {
	loops []*eventLoop
	next  atomic.Uint32
}

// newLoopGroup makes n event loops (at least one) for s.
func newLoopGroup(s *server, n int) (*loopGroup, error) {
	lg := &loopGroup{}
	for range max(n, 1) {
		l, err := newEventLoop(s)
		if err != nil {
			for _, l := range lg.loops {
				l.closeFDs()
			}
			return nil, err
		}
		lg.loops = append(lg.loops, l)
	}
	return lg, nil
}

// start runs every loop in its own goroutine, counted in s.wg.
func (lg *loopGroup) start() {
	for _, l := range lg.loops {
		l.s.wg.Go(l.run)
	}
}

// stop asks every loop to answer what it has read, close its connections
// and return; it does not wait (Serve waits on s.wg).
func (lg *loopGroup) stop() {
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	for _, l := range lg.loops {
		_, _ = unix.Write(l.wakeFD, one)
	}
}

// adopt takes c over for an event loop, with its place under the
// connection cap (the loop releases it when the connection closes). It
// returns false, leaving c as it was, when c is not a TCP connection or its
// socket cannot be duplicated.
func (lg *loopGroup) adopt(c net.Conn) bool {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return false
	}
	fd, derr := -1, error(nil)
	if err := rc.Control(func(f uintptr) { fd, derr = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || derr != nil {
		return false
	}
	// The peer is known now and does not change: whether it is a trusted
	// proxy is settled once for all the connection's requests.
	peer := PeerAddr(c)
	// The duplicate shares the socket and its O_NONBLOCK flag; closing c
	// takes the original out of the runtime's poller.
	_ = c.Close()
	l := lg.loops[lg.next.Add(1)%uint32(len(lg.loops))]
	l.s.cfg.Events.Adopted()
	l.add(fd, peer, l.s.cfg.Trusts(peer))
	return true
}

// eventLoop owns a set of connections. Only its run goroutine touches conns
// and the connections; add hands new ones over through incoming.
type eventLoop struct {
	s      *server
	h      Handler
	epfd   int
	wakeFD int // an eventfd that stop writes to

	mu       sync.Mutex
	incoming []*Conn
	stopped  bool

	conns []*Conn // indexed by file descriptor
	now   int64   // the server clock (ms), read once per wake-up
	peak  int64   // the most unsent answer bytes seen on one connection

	// The round being served (see collect); reused from round to round.
	reqs           []pendingReq
	touched, spare []*Conn
}

// pendingReq is a request read in this round, waiting for its answer.
type pendingReq struct {
	c     *Conn
	start int // offset of its head in c.buf, to leave it unread (answerRound)
}

func newEventLoop(s *server) (*eventLoop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("eventloop: epoll_create1: %w", err)
	}
	wfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("eventloop: eventfd: %w", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wfd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wfd, &ev); err != nil {
		_ = unix.Close(epfd)
		_ = unix.Close(wfd)
		return nil, fmt.Errorf("eventloop: epoll_ctl: %w", err)
	}
	return &eventLoop{s: s, h: s.cfg.Handler(), epfd: epfd, wakeFD: wfd}, nil
}

func (l *eventLoop) closeFDs() {
	_ = unix.Close(l.epfd)
	_ = unix.Close(l.wakeFD)
}

// add registers a new connection's socket. It is called from the accept
// goroutine: the connection is queued before the socket is added to the
// epoll set, so the loop finds it when the first event comes. A new
// connection owes its first request head within the header timeout, as in
// net/http: one that never sends anything does not get the idle timeout.
func (l *eventLoop) add(fd int, peer netip.Addr, trusted bool) {
	now := l.s.now.Load()
	c := &Conn{fd: fd, last: now, headSince: now, Peer: peer, Trusted: trusted}
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		_ = unix.Close(fd)
		l.s.cfg.Release()
		return
	}
	l.incoming = append(l.incoming, c)
	l.mu.Unlock()
	// EPOLLOUT is edge-triggered too: it fires only after a write found
	// the socket full, which is when a blocked answer can go on.
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(fd)}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		// The connection never gets an event; the loop's idle sweep closes
		// it. Shutting down the socket now makes the client see that at once.
		l.s.cfg.Log.Warn("epoll_ctl add failed; closing the connection", "err", err)
		_ = unix.Shutdown(fd, unix.SHUT_RDWR)
	}
}

// take moves the queued connections into conns.
func (l *eventLoop) take() {
	l.mu.Lock()
	in := l.incoming
	l.incoming = nil
	l.mu.Unlock()
	for _, c := range in {
		if c.fd >= len(l.conns) {
			grown := make([]*Conn, max(2*c.fd, 64))
			copy(grown, l.conns)
			l.conns = grown
		}
		l.conns[c.fd] = c
	}
}

// conn returns the connection of fd, taking queued ones first if needed.
func (l *eventLoop) conn(fd int) *Conn {
	if fd < len(l.conns) && l.conns[fd] != nil {
		return l.conns[fd]
	}
	l.take()
	if fd < len(l.conns) {
		return l.conns[fd]
	}
	return nil
}

// run is the loop: wait for readiness, serve every ready connection, and
// once a second close connections that are idle, slow or stuck.
func (l *eventLoop) run() {
	events := make([]unix.EpollEvent, 256)
	l.now = l.s.now.Load()
	swept := l.now
	wait := int(max(l.s.tickEvery.Milliseconds(), 1))
	for {
		n, err := pollNow(l.epfd, events)
		if n == 0 && err == nil {
			// Nothing ready: block, telling the scheduler. The timeout
			// (one tick of the clock) lets the sweep run on a quiet loop too.
			n, err = unix.EpollWait(l.epfd, events, wait)
		}
		if err != nil && !errors.Is(err, unix.EINTR) {
			l.s.cfg.Log.Error("epoll_wait failed; closing the loop's connections", "err", err)
			l.shutdown()
			return
		}
		l.now = l.s.now.Load()
		stop := false
		for i := range max(n, 0) {
			fd := int(events[i].Fd)
			if fd == l.wakeFD {
				stop = true
			} else if c := l.conn(fd); c != nil {
				l.collect(c)
			}
		}
		l.answerRound()
		if stop {
			l.shutdown()
			return
		}
		// Let the clock, the accept loop and net/http's goroutines run
		// between batches even when the loop is never idle.
		runtime.Gosched()
		if l.now != swept {
			swept = l.now
			l.sweep()
		}
	}
}

// A round serves the connections of one epoll batch in three steps: collect
// reads each once and parses its complete request heads; answerRound decides
// all their hosts together (Set.LookupBatch overlaps the cache misses of
// many lookups, which one at a time wait on memory in turn), then appends
// each answer and writes each connection's answers at once. The hosts point
// into the read buffers, which are not touched again before the round ends.

// collect reads from a ready connection (after writing what it still owes)
// and queues its complete requests for the round. A paused connection's
// requests are already in its buffer: they are parsed first, and the
// connection is read again after (its socket may hold bytes that raise no
// new edge).
func (l *eventLoop) collect(c *Conn) {
	if c.outOff < len(c.out) {
		if !l.flush(c) || c.outOff < len(c.out) {
			return // still blocked, or closed
		}
		if c.closeAfter {
			l.close(c)
			return
		}
	}
	if c.closeAfter || c.queued {
		return
	}
	if c.paused {
		c.paused, c.more = false, true
	} else if !l.read(c) {
		return
	}
	l.parse(c)
}

// read reads what the socket holds into the connection's buffer. It returns
// false when there is nothing to parse: nothing came, or the connection was
// closed or handed over.
func (l *eventLoop) read(c *Conn) bool {
	if c.buf == nil {
		c.buf = make([]byte, BufSize)
	}
	if c.r > 0 {
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
	}
	space := len(c.buf) - c.w
	if space == 0 {
		l.handOff(c) // a head larger than the buffer
		return false
	}
	var n int
	var err error
	for {
		n, err = rawRead(c.fd, c.buf[c.w:])
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EAGAIN) {
		return false
	}
	if err != nil || n <= 0 {
		l.close(c)
		return false
	}
	c.w += n
	c.last = l.now
	// A read that filled the buffer may have left bytes in the socket,
	// which raise no new edge: the connection is read again this round.
	c.more = n == space
	return true
}

// parse queues the complete request heads of the connection's buffer for
// the round.
func (l *eventLoop) parse(c *Conn) {
	parsed := false
	for c.r < c.w && !c.closeAfter {
		unread := c.buf[c.r:c.w]
		end := HeadEnd(unread)
		if end < 0 {
			// LF-only line ends are net/http's to judge.
			c.handOffAfter = bytes.Contains(unread, []byte("\n\n"))
			break
		}
		keepAlive, ok := l.h.Parse(c, unread[:end])
		if !ok {
			c.handOffAfter = true
			break
		}
		l.reqs = append(l.reqs, pendingReq{c: c, start: c.r})
		c.r += end
		parsed = true
		if !keepAlive || l.s.closing.Load() {
			c.closeAfter = true
			c.r = c.w // nothing after a last request is read
		}
	}
	switch {
	case c.r == c.w:
		// Everything read is answered; the indices restart at the next read
		// (not now: answerRound may leave requests unread again).
		c.headSince = 0
	case parsed || c.headSince == 0:
		c.headSince = l.now // a new head has begun
	}
	c.queued = true
	l.touched = append(l.touched, c)
}

// answerRound decides and answers every request collected, then finishes
// each connection: hands it to net/http, writes, closes, or reads it again
// when its last read filled the buffer (which may queue a further round).
func (l *eventLoop) answerRound() {
	for len(l.touched) > 0 {
		if len(l.reqs) > 0 {
			l.h.Round(len(l.reqs))
			date := *l.s.date.Load()
			for i := range l.reqs {
				l.answer(&l.reqs[i], i, date)
			}
			l.h.Reset()
			clear(l.reqs) // drop the connection pointers
			l.reqs = l.reqs[:0]
		}
		touched := l.touched
		l.touched = l.spare[:0]
		for _, c := range touched {
			c.queued = false
			switch {
			case c.fd < 0:
			case c.handOffAfter:
				l.handOff(c)
			case !l.flush(c), c.outOff < len(c.out):
				// closed, or the rest waits for EPOLLOUT
			case c.closeAfter:
				l.close(c)
			case c.more, c.paused:
				l.collect(c)
			}
		}
		clear(touched)
		l.spare = touched[:0]
	}
}

// answer appends the answer to p, request i of the round, to its
// connection's unsent answers, unless they would then pass MaxPendingOut:
// then p and the connection's later requests of the round stay unread in
// its buffer (paused) until the answers are written. The first answer of an
// empty queue always goes in, so the connection makes progress and never
// holds more than MaxPendingOut and one answer.
func (l *eventLoop) answer(p *pendingReq, i int, date []byte) {
	c := p.c
	if c.paused || c.fd < 0 {
		return // an earlier request of c was held back, so is this one
	}
	pending, before := len(c.out)-c.outOff, len(c.out)
	c.out = l.h.Answer(c.out, i, date)
	if pending > 0 && pending+len(c.out)-before > MaxPendingOut {
		c.out = c.out[:before]
		c.paused, c.r = true, p.start
		// Both are decided again when the requests are parsed again.
		c.closeAfter, c.handOffAfter = false, false
		l.s.cfg.Events.Paused()
		return
	}
	l.h.Sent(i)
	if n := int64(len(c.out) - c.outOff); n > l.peak {
		l.peak = n
		l.s.cfg.Events.PendingPeak(n)
	}
}

// flush writes the pending answers. It returns false when the connection
// was closed; answers left pending wait for EPOLLOUT. A client that has
// gone away makes the write fail with EPIPE: Go ignores SIGPIPE for every
// descriptor but standard output and error.
func (l *eventLoop) flush(c *Conn) bool {
	for c.outOff < len(c.out) {
		n, err := rawWrite(c.fd, c.out[c.outOff:])
		if n > 0 {
			c.outOff += n
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) || err == nil && n <= 0 {
			if c.writeSince == 0 {
				c.writeSince = l.now
			}
			return true
		}
		if err != nil {
			l.close(c)
			return false
		}
	}
	if cap(c.out) > 2*MaxPendingOut {
		c.out = nil // do not keep a pipelining burst's buffer for ever
	}
	if c.writeSince != 0 && c.headSince != 0 {
		// The head waited on us, not on the client: its time starts now.
		c.headSince = l.now
	}
	c.out, c.outOff, c.writeSince = c.out[:0], 0, 0
	return true
}

// close closes a connection of the loop (which also takes it out of the
// epoll set: the loop holds the socket's only descriptor).
func (l *eventLoop) close(c *Conn) {
	l.conns[c.fd] = nil
	// Released first: a client that sees the close and connects again
	// finds the place free.
	l.s.cfg.Release()
	_ = unix.Close(c.fd)
	c.fd = -1
}

// handOff gives the connection, with the answers not yet written and the
// bytes read but not answered, to net/http.
func (l *eventLoop) handOff(c *Conn) {
	l.conns[c.fd] = nil
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
	f := os.NewFile(uintptr(c.fd), "eventloop-conn")
	nc, err := net.FileConn(f) // a new descriptor in the runtime's poller
	_ = f.Close()
	c.fd = -1
	if err != nil {
		l.s.cfg.Release()
		l.s.cfg.Log.Warn("handing a connection to net/http failed; closing it", "err", err)
		return
	}
	// The connection keeps its place under the cap until net/http (or
	// whoever ends up with it) closes it.
	nc = Counted(nc, l.s.cfg.Release)
	pending := bytes.Clone(c.out[c.outOff:])
	prefix := bytes.Clone(c.buf[c.r:c.w])
	l.s.wg.Go(func() {
		if len(pending) > 0 {
			_ = nc.SetWriteDeadline(time.Now().Add(l.s.cfg.Stall))
			if _, err := nc.Write(pending); err != nil {
				_ = nc.Close()
				return
			}
			_ = nc.SetWriteDeadline(time.Time{})
		}
		if !l.s.handoff.push(&prefixConn{Conn: nc, prefix: prefix}) {
			_ = nc.Close()
		}
	})
}

// sweep closes connections that have been idle too long, that have not
// sent a whole request head in time, or that leave their answers unread
// (see timeouts). The clock lags real time by up to one tick, so each limit
// waits one tick more: a connection is never closed before its timeout.
func (l *eventLoop) sweep() {
	l.take()
	cfg, ev := &l.s.cfg, l.s.cfg.Events
	tick := l.s.tickEvery.Milliseconds()
	header, idle, stall := millis(cfg.Header)+tick, millis(cfg.Idle)+tick, millis(cfg.Stall)+tick
	for _, c := range l.conns {
		switch {
		case c == nil:
		case c.writeSince != 0 && l.now-c.writeSince >= stall:
			ev.Closed("write")
			l.close(c)
		case c.headSince != 0 && c.outOff == len(c.out) && l.now-c.headSince >= header:
			ev.Closed("header")
			l.close(c)
		case c.r == c.w && c.outOff == len(c.out) && l.now-c.last >= idle:
			ev.Closed("idle")
			l.close(c)
		}
	}
}

// millis rounds d up to whole milliseconds of the server clock.
func millis(d time.Duration) int64 { return int64((d + time.Millisecond - 1) / time.Millisecond) }

// shutdown writes what the sockets take without waiting (every request read
// has been answered), closes every connection and the loop's descriptors.
func (l *eventLoop) shutdown() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	l.take()
	for _, c := range l.conns {
		if c != nil && l.flush(c) {
			l.close(c)
		}
	}
	l.closeFDs()
}

// pollNow, rawRead and rawWrite are epoll_pwait (not waiting), read(2) and
// write(2) without telling the Go scheduler, as unix.Read and the like do.
// On non-blocking descriptors they never block, and the scheduler's
// bookkeeping around each call costs more than a short system call; worse,
// when a loopback write (which delivers the segment to the peer) runs past
// 20 µs, the runtime hands the processor to another thread, and getting it
// back is a thread switch in the middle of a batch.
func pollNow(epfd int, events []unix.EpollEvent) (int, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawRead(fd int, p []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawWrite(fd int, p []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
