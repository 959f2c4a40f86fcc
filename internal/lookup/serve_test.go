package lookup

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveLoop serves h (with its index built) through Serve on a loopback
// port; requests for other paths get "other" from net/http.
func serveLoop(t *testing.T, h *Handler) string {
	t.Helper()
	if !h.build(context.Background()) {
		t.Fatal("index build failed")
	}
	mux := http.NewServeMux()
	mux.Handle(Path, h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "other") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, ln, &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, 2) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestServeLoopMatchesHandler: every lookup answered by the event loop has
// the status, headers and body ServeHTTP gives, the loop answered them, and
// other paths reach net/http.
func TestServeLoopMatchesHandler(t *testing.T) {
	r, _ := newRegistry(t, registry())
	h := NewHandler(r, Options{CacheBytes: -1})
	addr := serveLoop(t, h)
	var queries []string
	for _, tc := range searchCases() {
		v := url.Values{}
		for k, s := range map[string]string{"domain": tc.q.Domain, "number": tc.q.Number, "entity": tc.q.Entity, "name": tc.q.Name, "serviceType": tc.q.ServiceType} {
			if s != "" {
				v.Set(k, s)
			}
		}
		queries = append(queries, v.Encode(), v.Encode()+"&limit=1")
	}
	queries = append(queries, "", "domain=com.cn", "limit=0&domain=a.cn", "number=bad", "entity=%FF", "cursor=x&domain=a.cn", "serviceType=tv&domain=a.cn")
	c := &http.Client{Timeout: 10 * time.Second}
	for _, q := range queries {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			want := get(h, q)
			req, _ := http.NewRequest(method, "http://"+addr+Path+"?"+q, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantBody := want.Body.String()
			if method == http.MethodHead {
				wantBody = ""
			}
			if resp.StatusCode != want.Code || string(body) != wantBody {
				t.Errorf("%s %q: loop %d %s\nServeHTTP %d %s", method, q, resp.StatusCode, body, want.Code, wantBody)
			}
			for _, k := range []string{"Etag", "Cache-Control", "Content-Type", HeaderVersion, "X-Content-Type-Options"} {
				if resp.Header.Get(k) != want.Header().Get(k) {
					t.Errorf("%s %q: %s %q, ServeHTTP %q", method, q, k, resp.Header.Get(k), want.Header().Get(k))
				}
			}
			if want.Code == http.StatusOK && method == http.MethodGet {
				req.Header.Set("If-None-Match", `W/"x", `+want.Header().Get("ETag"))
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Etag") != want.Header().Get("ETag") {
					t.Errorf("%q with its ETag: %d %v", q, resp.StatusCode, resp.Header)
				}
			}
		}
	}
	if runtime.GOOS == "linux" {
		if n := h.Stats().LoopAnswers; n < int64(2*len(queries)) {
			t.Errorf("the event loop answered %d of %d lookups", n, 2*len(queries))
		}
	}
	resp, err := c.Get("http://" + addr + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "other" {
		t.Errorf("another path: %q", b)
	}
	// POST is net/http's: the handler's 405.
	resp, err = c.Post("http://"+addr+Path+"?domain=a.cn", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

// TestServeLoopPipelinedAndClose: pipelined lookups on one connection are
// answered in order; Connection: close closes after its answer.
func TestServeLoopPipelinedAndClose(t *testing.T) {
	r, _ := newRegistry(t, registry())
	h := NewHandler(r, Options{})
	addr := serveLoop(t, h)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	reqs := "GET " + Path + "?domain=www.ding.com HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET " + Path + "?domain=unfiled.cn HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET " + Path + "?domain=..bad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, reqs); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	for i, want := range []struct {
		code int
		body string
	}{{200, "京ICP证030173号"}, {200, `{"items":[]}`}, {400, "lookup.bad_domain"}} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want.code || !strings.Contains(string(b), want.body) {
			t.Errorf("answer %d: %d %s", i, resp.StatusCode, b)
		}
		if i == 2 && !resp.Close {
			t.Errorf("the last answer does not close")
		}
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("connection still open after Connection: close (%d, %v)", n, err)
	}
}

// TestServeLoopRateLimit: the loop asks the limiter with the peer's key, or
// with the key of a trusted proxy's X-Forwarded-For, and refuses with 429.
func TestServeLoopRateLimit(t *testing.T) {
	r, _ := newRegistry(t, registry())
	l := &lockedLimiter{limiter: limiter{deny: "203.0.113.9"}}
	h := NewHandler(r, Options{Limiter: l, Trusts: func(a netip.Addr) bool { return a.IsLoopback() },
		ClientKey: func(peer netip.Addr, fwd http.Header) string {
			if v := fwd.Get("X-Forwarded-For"); v != "" {
				return v
			}
			return peer.String()
		}})
	addr := serveLoop(t, h)
	c := &http.Client{Timeout: 10 * time.Second}
	ask := func(xff string) *http.Response {
		req, _ := http.NewRequest("GET", "http://"+addr+Path+"?domain=www.ding.com", nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := ask(""); resp.StatusCode != 200 {
		t.Errorf("peer: %d", resp.StatusCode)
	}
	if resp := ask("198.51.100.7"); resp.StatusCode != 200 {
		t.Errorf("forwarded client: %d", resp.StatusCode)
	}
	if resp := ask("203.0.113.9"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("limited client: %d %v", resp.StatusCode, resp.Header)
	}
	if got := l.keys(); !slices.Equal(got, []string{"127.0.0.1", "198.51.100.7", "203.0.113.9"}) {
		t.Errorf("limiter asked for %q", got)
	}
}

// lockedLimiter is limiter for the event loops, which ask it from their
// own goroutines.
type lockedLimiter struct {
	mu sync.Mutex
	limiter
}

func (l *lockedLimiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limiter.Allow(key)
}

func (l *lockedLimiter) keys() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.asked)
}
