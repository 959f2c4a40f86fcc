package gate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beian/beian/internal/eventloop"
)

// startGate serves g on a loopback port until the test ends.
func startGate(t *testing.T, g *Gate) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// exchange writes raw on a new connection and reads n responses.
func exchange(t *testing.T, addr, raw string, n int, head bool) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for range n {
		method := http.MethodGet
		if head {
			method = http.MethodHead
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("reading response %d of %q: %v", len(out)+1, raw, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

func body(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}

func TestFastPathAnswers(t *testing.T) {
	addr := startGate(t, newTestGate(t, Config{}))
	tests := []struct {
		name       string
		raw        string
		n          int
		head       bool
		wantStatus []int
		wantNumber []string
		wantClose  bool
	}{
		{"keep-alive, two requests pipelined",
			"GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\nGET /x?y=1 HTTP/1.1\r\nHost: unfiled.cn\r\n\r\n", 2, false,
			[]int{204, 451}, []string{numCom, ""}, false},
		{"X-Forwarded-Host", "GET /auth HTTP/1.1\r\nHost: gate\r\nx-forwarded-host: Example.COM.CN:443\r\n\r\n", 1, false,
			[]int{204}, []string{numCN}, false},
		{"two X-Forwarded-Host fail closed", "GET / HTTP/1.1\r\nHost: gate\r\nX-Forwarded-Host: example.com\r\nX-Forwarded-Host: example.com\r\n\r\n", 1, false,
			[]int{451}, []string{""}, false},
		{"HTTP/1.0 closes", "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n", 1, false, []int{204}, []string{numCom}, true},
		{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\nHost: example.com\r\n\r\n", 2, false,
			[]int{204, 204}, []string{numCom, numCom}, true},
		{"Connection: close", "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, close\r\n\r\n", 1, false, []int{204}, []string{numCom}, true},
		{"HEAD", "HEAD / HTTP/1.1\r\nHost: unfiled.cn\r\n\r\n", 1, true, []int{451}, []string{""}, false},
		{"pending", "GET / HTTP/1.1\r\nHost: pending.example.cn\r\n\r\n", 1, false, []int{451}, []string{""}, false},
		// Handed to net/http:
		{"fast answers, then an own endpoint, then fast again",
			"GET / HTTP/1.1\r\nHost: example.com\r\n\r\nGET / HTTP/1.1\r\nHost: unfiled.cn\r\n\r\nGET /healthz HTTP/1.1\r\nHost: gate\r\n\r\nGET / HTTP/1.1\r\nHost: example.org\r\n\r\n", 4, false,
			[]int{204, 451, 200, 204}, []string{numCom, "", "", numOrg}, false},
		{"own endpoint then keep-alive", "GET /healthz HTTP/1.1\r\nHost: gate\r\n\r\nGET / HTTP/1.1\r\nHost: example.org\r\n\r\n", 2, false,
			[]int{200, 204}, []string{"", numOrg}, false},
		{"percent-encoded own endpoint", "GET /%68ealthz HTTP/1.1\r\nHost: gate\r\n\r\n", 1, false, []int{200}, []string{""}, false},
		{"body", "POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: unfiled.cn\r\n\r\n", 2, false,
			[]int{204, 451}, []string{numCom, ""}, false},
		{"chunked", "POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 1, false, []int{204}, []string{numCom}, false},
		{"LF only", "GET / HTTP/1.1\nHost: example.com\n\n", 1, false, []int{204}, []string{numCom}, false},
		{"absolute-form target", "GET http://example.com/ HTTP/1.1\r\nHost: unfiled.cn\r\n\r\n", 1, false, []int{204}, []string{numCom}, false},
		{"two Host headers", "GET / HTTP/1.1\r\nHost: example.com\r\nHost: example.com\r\n\r\n", 1, false, []int{400}, []string{""}, true},
		{"no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 1, false, []int{400}, []string{""}, true},
		{"bad Host", "GET / HTTP/1.1\r\nHost: exa\"mple.com\r\n\r\n", 1, false, []int{400}, []string{""}, true},
		{"garbage", "HELLO\r\n\r\n", 1, false, []int{400}, []string{""}, true},
		{"head larger than the buffer", "GET / HTTP/1.1\r\nHost: example.com\r\nX-Pad: " + strings.Repeat("p", 6000) + "\r\n\r\n", 1, false,
			[]int{204}, []string{numCom}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resps := exchange(t, addr, tt.raw, tt.n, tt.head)
			for i, r := range resps {
				if r.StatusCode != tt.wantStatus[i] || r.Header.Get("X-ICP-Number") != tt.wantNumber[i] {
					t.Errorf("response %d: %d %q, want %d %q", i+1, r.StatusCode, r.Header.Get("X-ICP-Number"), tt.wantStatus[i], tt.wantNumber[i])
				}
				if r.Header.Get("Date") == "" && r.StatusCode != 400 { // net/http's 400s carry none
					t.Errorf("response %d has no Date", i+1)
				}
				if r.StatusCode == 451 {
					b := body(r)
					if tt.head && b != "" || !tt.head && (!strings.Contains(b, "ICP") || int64(len(b)) != r.ContentLength) {
						t.Errorf("response %d: block page of %d bytes, Content-Length %d", i+1, len(b), r.ContentLength)
					}
					if r.Header.Get("Content-Type") != "text/html; charset=utf-8" || r.Header.Get("Cache-Control") != "no-store" {
						t.Errorf("response %d headers %v", i+1, r.Header)
					}
				}
			}
			if last := resps[len(resps)-1]; last.Close != tt.wantClose {
				t.Errorf("Close = %v, want %v", last.Close, tt.wantClose)
			}
		})
	}
}

// TestFastPathMatchesNetHTTP sends the same requests through the fast path
// and straight to Handler, and compares status, number, type and body.
func TestFastPathMatchesNetHTTP(t *testing.T) {
	g := newTestGate(t, Config{DenyStatus: http.StatusForbidden})
	addr := startGate(t, g)
	for _, host := range append(matcherSeeds[:0:0], "www.example.com", "unfiled.cn", "x.pending.example.cn", "WWW.XN--FSQU00A.XN--FIQS8S", "a.b.example.com.cn:8443", "127.0.0.1") {
		t.Run(host, func(t *testing.T) {
			fast := exchange(t, addr, "GET / HTTP/1.1\r\nHost: gate\r\nX-Forwarded-Host: "+host+"\r\n\r\n", 1, false)[0]
			w := do(g.Handler(), req{target: "/", host: "gate", header: http.Header{"X-Forwarded-Host": {host}}})
			std := w.Result()
			if fast.StatusCode != std.StatusCode || fast.Header.Get("X-ICP-Number") != std.Header.Get("X-ICP-Number") ||
				fast.Header.Get("Content-Type") != std.Header.Get("Content-Type") || body(fast) != w.Body.String() {
				t.Errorf("fast %d %v, net/http %d %v", fast.StatusCode, fast.Header, std.StatusCode, std.Header)
			}
		})
	}
}

// TestAllowStatus200 checks the answer Envoy's ext_authz needs: 200 with
// an empty body (Content-Length: 0, so that keep-alive framing holds) and
// X-ICP-Number, the same from the fast path and net/http.
func TestAllowStatus200(t *testing.T) {
	g := newTestGate(t, Config{AllowStatus: http.StatusOK})
	addr := startGate(t, g)
	resps := exchange(t, addr, "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\nGET / HTTP/1.1\r\nHost: unfiled.cn\r\n\r\nGET /x HTTP/1.1\r\nHost: example.org\r\n\r\n", 3, false)
	for i, want := range []struct {
		code   int
		number string
	}{{200, numCom}, {451, ""}, {200, numOrg}} {
		r := resps[i]
		if r.StatusCode != want.code || r.Header.Get("X-ICP-Number") != want.number || want.code == 200 && (r.ContentLength != 0 || body(r) != "") {
			t.Errorf("fast path answer %d: %d %q, length %d", i+1, r.StatusCode, r.Header.Get("X-ICP-Number"), r.ContentLength)
		}
	}
	w := do(g.Handler(), req{target: "/", host: "www.example.com"})
	if w.Code != 200 || w.Header().Get("X-ICP-Number") != numCom || w.Body.Len() != 0 {
		t.Errorf("net/http: %d %v", w.Code, w.Header())
	}
}

// FuzzFastRequest checks the fast parser against net/http's: whatever head
// the fast path accepts, http.ReadRequest accepts too, with the same host,
// method kind and keep-alive decision.
func FuzzFastRequest(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"HEAD /a?b HTTP/1.0\r\nhost: a.cn\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.cn\r\nX-Forwarded-Host: b.cn\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.cn\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost:\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n := eventloop.HeadEnd([]byte(raw))
		if n < 0 {
			return
		}
		head := []byte(raw[:n])
		var fr fastRequest
		if !fr.parse(head) {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			t.Fatalf("fast path accepted %q; net/http: %v", head, err)
		}
		if r.Host != string(fr.host) {
			t.Fatalf("%q: host %q, net/http %q", head, fr.host, r.Host)
		}
		if xfh := r.Header.Values("X-Forwarded-Host"); len(xfh) != fr.fwdCount || len(xfh) == 1 && xfh[0] != string(fr.fwdHost) {
			t.Fatalf("%q: X-Forwarded-Host %q ×%d, net/http %q", head, fr.fwdHost, fr.fwdCount, xfh)
		}
		if (r.Method == http.MethodHead) != fr.IsHead() {
			t.Fatalf("%q: HEAD %v, net/http method %q", head, fr.IsHead(), r.Method)
		}
		if fr.keepAlive == r.Close {
			t.Fatalf("%q: keep-alive %v, net/http Close %v", head, fr.keepAlive, r.Close)
		}
		if r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
			t.Fatalf("%q: the fast path took a request with a body", head)
		}
	})
}

// TestShutdownClosesIdleFastConnections keeps a fast-path connection idle
// between requests and one half-sent, stops the server, and checks that
// Serve returns and both connections are closed.
func TestShutdownClosesIdleFastConnections(t *testing.T) {
	g := newTestGate(t, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln) }()

	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := io.WriteString(idle, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 204 {
		t.Fatalf("first answer: %v %v", resp, err)
	}
	half, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := io.WriteString(half, "GET / HTTP/1.1\r\nHost: exa"); err != nil {
		t.Fatal(err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	for name, c := range map[string]io.Reader{"idle": br, "half-sent": half} {
		_ = idle.SetReadDeadline(time.Now().Add(5 * time.Second))
		_ = half.SetReadDeadline(time.Now().Add(5 * time.Second))
		// Closed with unread bytes, a socket may answer with a reset.
		if n, err := c.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s connection: read %d, %v; want it closed", name, n, err)
		}
	}
}

// TestFastPathBackPressure pipelines more block pages than the sockets can
// buffer while the client reads nothing, so the server's writes find the
// socket full and must wait for it to drain; then every answer must arrive,
// in order.
func TestFastPathBackPressure(t *testing.T) {
	addr := startGate(t, newTestGate(t, Config{}))
	c := dialSmallReceiveBuffer(t, addr)
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	const n = 3000 // about 7 MB of block pages
	var raw strings.Builder
	for i := range n {
		if i%3 == 0 {
			raw.WriteString("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
		} else {
			fmt.Fprintf(&raw, "GET / HTTP/1.1\r\nHost: unfiled%d.cn\r\n\r\n", i)
		}
	}
	werr := make(chan error, 1)
	go func() { _, err := io.WriteString(c, raw.String()); werr <- err }()
	time.Sleep(300 * time.Millisecond) // let the server fill the socket
	br := bufio.NewReader(c)
	for i := range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i+1, err)
		}
		b, _ := io.ReadAll(resp.Body)
		want := 451
		if i%3 == 0 {
			want = 204
		}
		if resp.StatusCode != want || want == 451 && !strings.Contains(string(b), fmt.Sprintf("unfiled%d.cn", i)) {
			t.Fatalf("answer %d: %d, want %d for its own host", i+1, resp.StatusCode, want)
		}
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
}

// dialSmallReceiveBuffer connects with a 4 KiB receive buffer, so that
// unread answers soon fill the server's socket.
func dialSmallReceiveBuffer(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return errors.Join(err, serr)
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestFastPathTimeouts checks that the fast path drops a connection that
// stays idle, one that trickles a request head, and one that never reads
// its answers, each within about its timeout, and keeps a busy one. The
// timeouts are a fraction of a second (the clock ticks at a quarter of the
// shortest).
func TestFastPathTimeouts(t *testing.T) {
	g := newTestGate(t, Config{HeaderTimeout: 200 * time.Millisecond, IdleTimeout: 400 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	addr := startGate(t, g)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	idle := dial()
	if _, err := io.WriteString(idle, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	trickle := dial()
	if _, err := io.WriteString(trickle, "GET / HTTP/1.1\r\nHo"); err != nil {
		t.Fatal(err)
	}
	busy := dial()
	done := make(chan error, 1)
	go func() {
		br := bufio.NewReader(busy)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for range 8 { // a request every 0.1 s: 0.8 s, longer than every timeout
			if _, err := io.WriteString(busy, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"); err != nil {
				done <- err
				return
			}
			if _, err := http.ReadResponse(br, nil); err != nil {
				done <- err
				return
			}
			<-tick.C
		}
		done <- nil
	}()
	// A client that pipelines and never reads: the gate stops reading from
	// it, its writes block, and when the gate gives up on the unread
	// answers (the write timeout) the blocked write fails.
	unread := dialSmallReceiveBuffer(t, addr)
	wrote := make(chan error, 1)
	go func() {
		var raw strings.Builder
		for i := range 1000 {
			fmt.Fprintf(&raw, "GET / HTTP/1.1\r\nHost: unfiled%d.cn\r\n\r\n", i)
		}
		_ = unread.SetWriteDeadline(time.Now().Add(20 * time.Second))
		for {
			if _, err := io.WriteString(unread, raw.String()); err != nil {
				wrote <- err
				return
			}
		}
	}()

	readUntilClosed(t, trickle, 4*time.Second)
	readUntilClosed(t, idle, 5*time.Second)
	if err := <-wrote; err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("connection with unread answers: writes ended with %v; want it closed by the gate", err)
	}
	if err := <-done; err != nil {
		t.Errorf("busy connection: %v", err)
	}
	m := metricsFrom(t, g)
	for _, want := range []string{`beian_gate_fast_timeouts_total{timeout="header"} 1`, `beian_gate_fast_timeouts_total{timeout="idle"} 1`, `beian_gate_fast_timeouts_total{timeout="write"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
