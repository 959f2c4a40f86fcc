package gate

import (
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/beian/beian/internal/eventloop"
)

// What one client can hold of the gate is bounded: time (the timeouts
// below), connections (MaxConns) and, on the fast path, memory (a read
// buffer and at most maxPendingOut bytes of unsent answers per connection).
// A gate serves every request of its provider's edge: a client that opens
// connections and sends nothing, trickles a request head a byte at a time
// (slowloris), or pipelines requests and never reads the answers must not
// starve the others, and must cost a bounded amount while it tries.

// NoTimeout, as Config.ReadTimeout or Config.WriteTimeout, turns that
// timeout off (zero means the default).
const NoTimeout time.Duration = -1

// Default limits; see Config.
const (
	DefaultHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout   = 60 * time.Second
	// ForwardAuth mode only: the gate's answers are small, so a request or
	// an answer that takes longer is a stuck or hostile client.
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	// DefaultMaxConns caps the default of MaxConns; the descriptor limit
	// can lower it (defaultMaxConns).
	DefaultMaxConns = 10_000
)

// timeouts of a connection, the same for the fast path and net/http.
type timeouts struct {
	// header: a request head must arrive whole within this of its first
	// byte, and a new connection must send its first head within this.
	header time.Duration
	// idle: a keep-alive connection with no request for this long is closed.
	idle time.Duration
	// read: net/http's ReadTimeout, the whole request with its body (0: none).
	read time.Duration
	// write: net/http's WriteTimeout (0: none); on the fast path, a client
	// that leaves answers unread this long is dropped (idle when 0).
	write time.Duration
}

// stall is how long the fast path waits on a client that reads nothing.
func (t timeouts) stall() time.Duration {
	if t.write > 0 {
		return t.write
	}
	return t.idle
}

// tick is the resolution of the fast path's clock: a quarter of the
// shortest timeout, within [5 ms, 1 s]; one second with the defaults.
func (t timeouts) tick() time.Duration {
	return min(max(min(t.header, t.idle, t.stall())/4, 5*time.Millisecond), time.Second)
}

// checkLimits validates the limits of cfg and returns the timeouts and the
// connection cap to use. Zero fields take the defaults; with an upstream the
// read and write timeouts default to none, since they bound a whole request
// or response and would cut long uploads, downloads and streams of the sites
// proxied (the header and idle timeouts and the cap still apply).
func checkLimits(cfg *Config) (timeouts, int, error) {
	var t timeouts
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"header timeout", cfg.HeaderTimeout}, {"idle timeout", cfg.IdleTimeout}} {
		if d.v < 0 {
			return t, 0, fmt.Errorf("gate: %s %v: want a positive duration", d.name, d.v)
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"read timeout", cfg.ReadTimeout}, {"write timeout", cfg.WriteTimeout}} {
		if d.v < 0 && d.v != NoTimeout {
			return t, 0, fmt.Errorf("gate: %s %v: want a positive duration, or NoTimeout", d.name, d.v)
		}
	}
	pick := func(v, def time.Duration) time.Duration {
		switch v {
		case 0:
			return def
		case NoTimeout:
			return 0
		}
		return v
	}
	readDef, writeDef := DefaultReadTimeout, DefaultWriteTimeout
	if cfg.Upstream != nil {
		readDef, writeDef = 0, 0
	}
	t = timeouts{
		header: pick(cfg.HeaderTimeout, DefaultHeaderTimeout),
		idle:   pick(cfg.IdleTimeout, DefaultIdleTimeout),
		read:   pick(cfg.ReadTimeout, readDef),
		write:  pick(cfg.WriteTimeout, writeDef),
	}
	maxConns := cfg.MaxConns
	switch {
	case maxConns < 0:
		return t, 0, fmt.Errorf("gate: max conns %d: want a positive number", maxConns)
	case maxConns == 0:
		perConn := 1
		if cfg.Upstream != nil {
			perConn = 2 // the client's and the upstream's
		}
		maxConns = defaultMaxConns(perConn)
	}
	return t, maxConns, nil
}

// defaultMaxConns derives the default connection cap from the soft limit
// on open descriptors (which Go raises to the hard limit at start): each
// connection takes perConn descriptors, and a reserve stays for the
// listener, the event loops, the feed, the database and the logs. Running
// out of descriptors fails accept for everyone; the cap refuses the excess
// connections alone, and says so in /metrics.
func defaultMaxConns(perConn int) int {
	const reserve = 64
	n, ok := openFileLimit()
	if !ok {
		return DefaultMaxConns
	}
	return int(max(min(int64(DefaultMaxConns), (n-reserve)/int64(perConn)), 1))
}

// connLimit counts the gate's open client connections against the cap. A
// connection is counted from accept until it is closed, whichever server
// holds it then (a fast-path connection handed to net/http stays counted).
type connLimit struct {
	max  int64
	open atomic.Int64
}

// acquire counts a new connection; false (nothing counted) over the cap.
func (l *connLimit) acquire() bool {
	if l.open.Add(1) > l.max {
		l.open.Add(-1)
		return false
	}
	return true
}

// release uncounts a closed connection.
func (l *connLimit) release() { l.open.Add(-1) }

// limitListener applies the cap to a listener served by net/http alone
// (reverse-proxy mode, or no event loop): a connection over the cap is
// closed at once and counted, and Accept goes on to the next.
type limitListener struct {
	net.Listener
	g *Gate
}

// Accept returns the next connection the cap admits.
func (l limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if cc := l.g.admit(c); cc != nil {
			return cc, nil
		}
	}
}

// admit counts a newly accepted connection and wraps it so that closing it
// releases its place; over the cap it closes c, counts the refusal and
// returns nil.
func (g *Gate) admit(c net.Conn) net.Conn {
	if !g.conns.acquire() {
		g.m.refusedMaxConns.Inc()
		_ = c.Close()
		return nil
	}
	return eventloop.Counted(c, g.conns.release)
}
