package eventloop

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// pathHandler answers GET /fast/... with the path, and refuses the rest.
type pathHandler struct {
	paths    []string
	answered *atomic.Int64
}

func (h *pathHandler) Parse(_ *Conn, head []byte) (bool, bool) {
	hd, ok := ParseHead(head, nil)
	if !ok || !strings.HasPrefix(string(hd.Path), "/fast/") {
		return false, false
	}
	h.paths = append(h.paths, string(hd.Path))
	return hd.KeepAlive, true
}
func (h *pathHandler) Round(int) {}
func (h *pathHandler) Answer(out []byte, i int, date []byte) []byte {
	body := "loop " + h.paths[i]
	out = append(out, "HTTP/1.1 200 OK\r\nContent-Length: "...)
	out = append(out, []byte(itoa(len(body)))...)
	out = append(out, "\r\nDate: "...)
	out = append(out, date...)
	return append(append(out, "\r\n\r\n"...), body...)
}
func (h *pathHandler) Sent(int) { h.answered.Add(1) }
func (h *pathHandler) Reset()   { h.paths = h.paths[:0] }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

type countEvents struct {
	NopEvents
	refused atomic.Int64
}

func (e *countEvents) Refused() { e.refused.Add(1) }

func serve(t *testing.T, cfg Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestServeLoopAndHandOff: pipelined requests the handler takes are
// answered in order by the loop; the first it refuses goes, with every byte
// after it, to net/http, which keeps the connection.
func TestServeLoopAndHandOff(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the event loop needs epoll")
	}
	var answered atomic.Int64
	slow := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "net/http "+r.URL.Path)
	})}
	addr := serve(t, Config{Handler: func() Handler { return &pathHandler{answered: &answered} }, Loops: 2, Slow: slow})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	req := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n" }
	if _, err := io.WriteString(c, req("/fast/a")+req("/fast/b")+req("/slow/c")+req("/fast/d")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for _, want := range []string{"loop /fast/a", "loop /fast/b", "net/http /slow/c", "net/http /fast/d"} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("want %q: %v", want, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != want || resp.Header.Get("Date") == "" {
			t.Errorf("got %q (Date %q), want %q", b, resp.Header.Get("Date"), want)
		}
	}
	if n := answered.Load(); n != 2 {
		t.Errorf("the loop answered %d, want 2", n)
	}
}

// TestServeCap: a connection over the cap is closed at accept and counted.
func TestServeCap(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the event loop needs epoll")
	}
	ev := &countEvents{}
	var answered atomic.Int64
	addr := serve(t, Config{Handler: func() Handler { return &pathHandler{answered: &answered} }, Loops: 1,
		Slow: &http.Server{Handler: http.NotFoundHandler()}, Acquire: func() bool { return false }, Events: ev})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET /fast/a HTTP/1.1\r\nHost: x\r\n\r\n")
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("connection over the cap answered (%d, %v)", n, err)
	}
	if ev.refused.Load() != 1 {
		t.Errorf("refused %d, want 1", ev.refused.Load())
	}
}

func TestParseHead(t *testing.T) {
	for _, tc := range []struct {
		head      string
		ok, keep  bool
		path, qry string
	}{
		{"GET /a?b=%E4 HTTP/1.1\r\nHost: x\r\n\r\n", true, true, "/a", "b=%E4"},
		{"GET / HTTP/1.0\r\n\r\n", true, false, "/", ""},
		{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, true, "/", ""},
		{"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n", true, false, "/", ""},
		{"GET / HTTP/1.1\r\n\r\n", false, false, "", ""},                                          // no Host
		{"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", false, false, "", ""},                    // two
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", false, false, "", ""},         // a body
		{"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", false, false, "", ""}, // a body
		{"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", false, false, "", ""},
		{"GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", false, false, "", ""}, // absolute form
		{"GET /#f HTTP/1.1\r\nHost: x\r\n\r\n", false, false, "", ""},
		{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", false, false, "", ""},
		{"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n", false, false, "", ""},
	} {
		hd, ok := ParseHead([]byte(tc.head), nil)
		if ok != tc.ok || ok && (hd.KeepAlive != tc.keep || string(hd.Path) != tc.path || string(hd.Query) != tc.qry) {
			t.Errorf("%q: ok %v keep-alive %v path %q query %q", tc.head, ok, hd.KeepAlive, hd.Path, hd.Query)
		}
	}
	// The field callback sees the other headers and can refuse.
	var seen []string
	_, ok := ParseHead([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nIf-None-Match: \"e\"\r\n\r\n"), func(n, v []byte) bool {
		seen = append(seen, string(n)+"="+string(v))
		return string(n) != "If-None-Match"
	})
	if ok || strings.Join(seen, ",") != `X-A=1,If-None-Match="e"` {
		t.Errorf("field callback: ok %v, saw %q", ok, seen)
	}
}
