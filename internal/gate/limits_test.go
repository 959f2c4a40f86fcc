package gate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readUntilClosed reads c until the server closes it and returns how long
// that took; it fails the test if the connection is still open at deadline.
func readUntilClosed(t *testing.T, c net.Conn, deadline time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(deadline))
	buf := make([]byte, 64<<10)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue // answers (or net/http's 408) on their way
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("still open after %v", deadline)
		}
		if err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("read: %v", err)
		}
		return time.Since(start)
	}
}

// TestSlowloris trickles a request head one byte at a time, and opens a
// connection that sends nothing, on the fast path (ForwardAuth mode) and
// on net/http (reverse-proxy mode): each is closed once the header timeout
// has passed, and not before. The timeout is short, so the test takes a
// fraction of a second; the client paces its bytes with a ticker and learns
// of the close by reading until EOF.
func TestSlowloris(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	const timeout = 150 * time.Millisecond
	for _, tt := range []struct {
		name    string
		cfg     Config
		trickle bool
	}{
		{"fast path, a byte at a time", Config{}, true},
		{"fast path, silent", Config{}, false},
		{"net/http, a byte at a time", Config{Upstream: u}, true},
		{"net/http, silent", Config{Upstream: u}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.HeaderTimeout = timeout
			g := newTestGate(t, tt.cfg)
			addr := startGate(t, g)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			stop := make(chan struct{})
			defer close(stop)
			if tt.trickle {
				go func() {
					head := "GET / HTTP/1.1\r\nHost: example.com\r\nX-Slow: " + strings.Repeat("s", 1000)
					tick := time.NewTicker(5 * time.Millisecond)
					defer tick.Stop()
					for i := 0; i < len(head); i++ {
						select {
						case <-stop:
							return
						case <-tick.C:
						}
						if _, err := c.Write([]byte{head[i]}); err != nil {
							return // closed by the server
						}
					}
				}()
			}
			took := readUntilClosed(t, c, 10*time.Second)
			if took < timeout/2 {
				t.Errorf("closed after %v, before the header timeout of %v", took, timeout)
			}
		})
	}
}

// TestMaxConns caps the gate at two connections: a third is closed at
// accept and counted, and once one of the two has gone a new one is served,
// on the fast path and on net/http.
func TestMaxConns(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	for _, tt := range []struct {
		name string
		cfg  Config
		want int
	}{
		{"fast path", Config{MaxConns: 2}, 204},
		{"net/http", Config{MaxConns: 2, Upstream: u}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGate(t, tt.cfg)
			addr := startGate(t, g)
			ask := func(c net.Conn, br *bufio.Reader, closing bool) {
				t.Helper()
				raw := "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
				if closing {
					raw = "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n"
				}
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := io.WriteString(c, raw); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil || resp.StatusCode != tt.want {
					t.Fatalf("answer %v %v", resp, err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
			}
			var conns []net.Conn
			var readers []*bufio.Reader
			for range 2 {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				br := bufio.NewReader(c)
				ask(c, br, false) // answered: accepted and counted
				conns, readers = append(conns, c), append(readers, br)
			}
			over, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer over.Close()
			readUntilClosed(t, over, 10*time.Second)

			// One of the two leaves; the gate closes it after answering,
			// and releases its place before the client sees the close.
			ask(conns[0], readers[0], true)
			readUntilClosed(t, conns[0], 10*time.Second)
			next, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer next.Close()
			ask(next, bufio.NewReader(next), false)

			m := metricsFrom(t, g)
			for _, want := range []string{
				`beian_gate_connections_refused_total{reason="max_conns"} 1`,
				"beian_gate_connections_max 2",
				"beian_gate_connections_open 2", // conns[1] and next
			} {
				if !strings.Contains(m, want) {
					t.Errorf("metrics lack %q", want)
				}
			}
		})
	}
}

// metricsFrom renders the gate's metrics in process (a connection of its
// own would count against the cap).
func metricsFrom(t *testing.T, g *Gate) string {
	t.Helper()
	return do(g.Handler(), req{target: "/metrics", host: "127.0.0.1"}).Body.String()
}

// TestFastPathPendingOutBounded pipelines block-page requests on a
// connection that reads nothing, until the gate stops taking them (a write
// that cannot finish within its deadline: the gate has stopped reading).
// A read buffer of such requests would make about a hundred block pages;
// the gate must have held at most maxPendingOut bytes of answers for the
// connection at any time (the high-water mark in /metrics), and, once the
// client reads, the requests must get their answers, in order.
func TestFastPathPendingOutBounded(t *testing.T) {
	g := newTestGate(t, Config{})
	addr := startGate(t, g)
	c := dialSmallReceiveBuffer(t, addr)
	const reqFmt = "GET / HTTP/1.1\r\nHost: u%05d.cn\r\n\r\n" // all unfiled: block pages
	reqLen := len(fmt.Sprintf(reqFmt, 0))
	var chunk bytes.Buffer
	sent, next := 0, 0
	for {
		chunk.Reset()
		for range 1000 {
			fmt.Fprintf(&chunk, reqFmt, next%100000)
			next++
		}
		_ = c.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := c.Write(chunk.Bytes())
		sent += n
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("write: %v", err)
			}
			break
		}
		if next > 2_000_000 {
			t.Fatal("the gate read 2M pipelined requests without a pause")
		}
	}
	peak, pauses := metricValue(t, metricsFrom(t, g), "beian_gate_fast_pending_out_peak_bytes"), metricValue(t, metricsFrom(t, g), "beian_gate_fast_pending_out_pauses_total")
	if peak <= 0 || peak > maxPendingOut {
		t.Errorf("unsent answers peaked at %v bytes, want within (0, %d]", peak, maxPendingOut)
	}
	if pauses < 1 {
		t.Errorf("the gate never paused a connection: %v", pauses)
	}
	// Now read: the requests are answered, in order (the first few
	// thousand are checked: the pauses came from the first reads).
	whole := sent / reqLen
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReaderSize(c, 64<<10)
	for i := range min(whole, 3000) {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d of %d: %v", i+1, whole, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 451 || !bytes.Contains(b, fmt.Appendf(nil, "u%05d.cn", i%100000)) {
			t.Fatalf("answer %d: %d, not its own block page", i+1, resp.StatusCode)
		}
	}
	t.Logf("%d requests (%d KiB) written before the gate stopped reading; %v pauses; peak %v bytes unsent", whole, sent>>10, pauses, peak)
}

// metricValue returns the value of an unlabelled metric in a /metrics body.
func metricValue(t *testing.T, body, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in /metrics", name)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTimeoutsDefaults(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1")
	for _, tt := range []struct {
		name string
		cfg  Config
		want timeouts
	}{
		{"ForwardAuth defaults", Config{}, timeouts{header: 10 * time.Second, idle: time.Minute, read: 30 * time.Second, write: 10 * time.Second}},
		{"reverse proxy: no read or write timeout", Config{Upstream: u}, timeouts{header: 10 * time.Second, idle: time.Minute}},
		{"reverse proxy with them set", Config{Upstream: u, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute},
			timeouts{header: 10 * time.Second, idle: time.Minute, read: time.Minute, write: 2 * time.Minute}},
		{"NoTimeout", Config{ReadTimeout: NoTimeout, WriteTimeout: NoTimeout}, timeouts{header: 10 * time.Second, idle: time.Minute}},
		{"short", Config{HeaderTimeout: time.Second, IdleTimeout: 5 * time.Second}, timeouts{header: time.Second, idle: 5 * time.Second, read: 30 * time.Second, write: 10 * time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGate(t, tt.cfg)
			if g.timeouts != tt.want {
				t.Errorf("timeouts %+v, want %+v", g.timeouts, tt.want)
			}
			if g.MaxConns() < 1 || g.MaxConns() > DefaultMaxConns {
				t.Errorf("MaxConns %d", g.MaxConns())
			}
		})
	}
	for _, tt := range []struct {
		t    timeouts
		tick time.Duration
	}{
		{timeouts{header: 10 * time.Second, idle: time.Minute, write: 10 * time.Second}, time.Second},
		{timeouts{header: 100 * time.Millisecond, idle: time.Minute, write: 10 * time.Second}, 25 * time.Millisecond},
		{timeouts{header: time.Millisecond, idle: time.Minute}, 5 * time.Millisecond},
		{timeouts{header: 10 * time.Second, idle: 2 * time.Second}, 500 * time.Millisecond}, // no write timeout: idle
	} {
		if got := tt.t.tick(); got != tt.tick {
			t.Errorf("%+v: tick %v, want %v", tt.t, got, tt.tick)
		}
	}
}
