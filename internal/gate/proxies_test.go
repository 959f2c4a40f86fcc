package gate

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseTrustedProxy(t *testing.T) {
	loopback := DefaultTrustedProxies()
	tests := []struct {
		in      string
		want    []netip.Prefix
		wantErr string
	}{
		{"10.0.0.0/8", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, ""},
		{" 192.0.2.7 ", []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")}, ""},
		{"::1", []netip.Prefix{netip.MustParsePrefix("::1/128")}, ""},
		{"2001:db8::/32", []netip.Prefix{netip.MustParsePrefix("2001:db8::/32")}, ""},
		{"::ffff:192.0.2.7", []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")}, ""},
		{"::ffff:10.0.0.0/104", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, ""},
		{"loopback", loopback, ""},
		{"LOOPBACK", loopback, ""},
		{"none", []netip.Prefix{}, ""},
		{"", nil, "empty"},
		{"10.0.0.5/8", nil, "host bits"},
		{"10.0.0.0/33", nil, "CIDR"},
		{"example.com", nil, "CIDR or an IP"},
		{"fe80::1%eth0", nil, "zones"},
		{"::ffff:0.0.0.0/96", []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTrustedProxy(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTrustedProxy(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) || got == nil {
				t.Fatalf("ParseTrustedProxy(%q) = %#v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    []netip.Prefix
		wantErr bool
	}{
		{"10.0.0.0/8, 192.0.2.1", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32")}, false},
		{"loopback,10.1.2.3", append(DefaultTrustedProxies(), netip.MustParsePrefix("10.1.2.3/32")), false},
		{"none", []netip.Prefix{}, false},
		{"none,10.0.0.0/8", nil, true},
		{"10.0.0.0/8,", nil, true},
		{"10.0.0.0/8,bogus", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTrustedProxies(tt.in)
			if (err != nil) != tt.wantErr || !tt.wantErr && (!slices.Equal(got, tt.want) || got == nil) {
				t.Fatalf("ParseTrustedProxies(%q) = %#v, %v", tt.in, got, err)
			}
		})
	}
}

func TestTrustsAddr(t *testing.T) {
	g := newTestGate(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}})
	def := newTestGate(t, Config{})
	none := newTestGate(t, Config{TrustedProxies: []netip.Prefix{}})
	for _, tt := range []struct {
		remote              string
		want, wantDef, none bool
	}{
		{"10.1.2.3:5000", true, false, false},
		{"[::ffff:10.1.2.3]:5000", true, false, false},
		{"[2001:db8::1]:443", true, false, false},
		{"[fe80::1%eth0]:443", false, false, false},
		{"11.0.0.1:5000", false, false, false},
		{"127.0.0.1:5000", false, true, false},
		{"127.9.9.9:5000", false, true, false},
		{"[::1]:5000", false, true, false},
		{"[::ffff:127.0.0.1]:5000", false, true, false},
		{"@", false, false, false},
		{"", false, false, false},
	} {
		t.Run(tt.remote, func(t *testing.T) {
			if got := g.trustsRemote(tt.remote); got != tt.want {
				t.Errorf("10/8 + 2001:db8::/32: %v, want %v", got, tt.want)
			}
			if got := def.trustsRemote(tt.remote); got != tt.wantDef {
				t.Errorf("default (loopback): %v, want %v", got, tt.wantDef)
			}
			if got := none.trustsRemote(tt.remote); got != tt.none {
				t.Errorf("none: %v, want %v", got, tt.none)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	g := newTestGate(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, tt := range []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"untrusted peer, its XFF ignored", "203.0.113.9:1", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer without XFF", "10.0.0.1:1", nil, "10.0.0.1"},
		{"right to left past trusted proxies", "10.0.0.1:1", []string{"198.51.100.7, 203.0.113.5, 10.0.0.2"}, "203.0.113.5"},
		{"several header lines", "10.0.0.1:1", []string{"198.51.100.7", "10.9.9.9, 10.0.0.2"}, "198.51.100.7"},
		{"every hop trusted", "10.0.0.1:1", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"garbage stops the walk", "10.0.0.1:1", []string{"198.51.100.7, junk, 10.0.0.2"}, "10.0.0.2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.clientIP(tt.remote, tt.xff); got != tt.want {
				t.Errorf("clientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

// The attack of issue 15: a client that reaches the gate sends the Host of
// an unfiled site and the X-Forwarded-Host of a filed one.
const (
	attackHost = "unfiled.example"
	attackXFH  = "example.com.cn" // filed, numCN
)

// untrustedLoopback makes the tests' loopback peers untrusted.
var untrustedLoopback = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}

// TestForwardedHostTrustNetHTTP checks the net/http handler: from a trusted
// proxy X-Forwarded-Host decides; from anyone else it is ignored and Host
// decides, both ways round.
func TestForwardedHostTrustNetHTTP(t *testing.T) {
	g := newTestGate(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	h := g.Handler()
	for _, tt := range []struct {
		name, remote, host, xfh string
		wantCode                int
	}{
		{"attack from an untrusted peer refused", "203.0.113.9:4000", attackHost, attackXFH, 451},
		{"attack from loopback, not listed, refused", "127.0.0.1:4000", attackHost, attackXFH, 451},
		{"trusted proxy's X-Forwarded-Host decides", "10.1.1.1:4000", attackHost, attackXFH, 204},
		{"untrusted: Host decides, X-Forwarded-Host cannot block either", "203.0.113.9:4000", "www.example.com", "unfiled.cn", 204},
		{"trusted: X-Forwarded-Host blocks", "10.1.1.1:4000", "www.example.com", "unfiled.cn", 451},
		{"IPv4-mapped trusted peer", "[::ffff:10.1.1.1]:4000", attackHost, attackXFH, 204},
		{"Forwarded host= never decides, from an untrusted peer", "203.0.113.9:4000", attackHost, "", 451},
		{"nor from a trusted one", "10.1.1.1:4000", attackHost, "", 451},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{"Forwarded": {"for=192.0.2.1;host=" + attackXFH}}
			if tt.xfh != "" {
				hdr = http.Header{"X-Forwarded-Host": {tt.xfh}}
			}
			w := do(h, req{target: "/", host: tt.host, remote: tt.remote, header: hdr})
			if w.Code != tt.wantCode {
				t.Errorf("status %d, want %d", w.Code, tt.wantCode)
			}
		})
	}
	w := do(h, req{target: "/metrics", host: "gate"})
	if want := `beian_gate_forwarded_headers_ignored_total{header="X-Forwarded-Host"} 3`; !strings.Contains(w.Body.String(), want) {
		t.Errorf("metrics lack %q", want)
	}
}

// TestForwardedHostTrustServed sends the attack over real connections from
// loopback, trusted by default and untrusted when not listed, through the
// fast path (plain requests), net/http after a hand-over (a chunked body),
// and reverse-proxy mode, where X-Forwarded-Host never decides.
func TestForwardedHostTrustServed(t *testing.T) {
	var seen http.Header
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	attack := "GET / HTTP/1.1\r\nHost: " + attackHost + "\r\nX-Forwarded-Host: " + attackXFH + "\r\n\r\n"
	attackChunked := "POST / HTTP/1.1\r\nHost: " + attackHost + "\r\nX-Forwarded-Host: " + attackXFH +
		"\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"
	reverse := "GET / HTTP/1.1\r\nHost: www.example.com\r\nX-Forwarded-Host: unfiled.cn\r\n\r\n"
	rfc7239 := "GET / HTTP/1.1\r\nHost: " + attackHost + "\r\nForwarded: for=192.0.2.1;host=" + attackXFH + "\r\n\r\n"
	for _, tt := range []struct {
		name       string
		cfg        Config
		raw        string
		wantStatus int
		wantNumber string
		ignored    int // X-Forwarded-Host ignored, in /metrics
	}{
		{"fast path, untrusted peer: attack refused", Config{TrustedProxies: untrustedLoopback}, attack, 451, "", 1},
		{"fast path, trusted peer: X-Forwarded-Host decides", Config{}, attack, 204, numCN, 0},
		{"fast path, untrusted peer: Host decides", Config{TrustedProxies: untrustedLoopback}, reverse, 204, numCom, 1},
		{"fast path, no proxy trusted", Config{TrustedProxies: []netip.Prefix{}}, attack, 451, "", 1},
		{"fast path, trusted peer: Forwarded host= never decides", Config{}, rfc7239, 451, "", 0},
		{"net/http after hand-over, untrusted peer: attack refused", Config{TrustedProxies: untrustedLoopback}, attackChunked, 451, "", 1},
		{"net/http after hand-over, trusted peer", Config{}, attackChunked, 204, numCN, 0},
		{"reverse proxy, trusted peer: Host decides", Config{Upstream: u}, attack, 451, "", 0},
		{"reverse proxy, untrusted peer: Host decides", Config{Upstream: u, TrustedProxies: untrustedLoopback}, attack, 451, "", 0},
		{"reverse proxy, X-Forwarded-Host cannot block a filed Host", Config{Upstream: u}, reverse, 200, "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGate(t, tt.cfg)
			addr := startGate(t, g)
			r := exchange(t, addr, tt.raw, 1, false)[0]
			if r.StatusCode != tt.wantStatus || r.Header.Get("X-ICP-Number") != tt.wantNumber {
				t.Errorf("%d %q, want %d %q", r.StatusCode, r.Header.Get("X-ICP-Number"), tt.wantStatus, tt.wantNumber)
			}
			if tt.cfg.Upstream != nil && r.StatusCode == 200 && seen.Get("X-Forwarded-Host") != "www.example.com" {
				t.Errorf("upstream saw X-Forwarded-Host %q, want the Host decided", seen.Get("X-Forwarded-Host"))
			}
			m := metricsBody(t, addr)
			if tt.cfg.Upstream == nil && !strings.Contains(m, `beian_gate_forwarded_headers_ignored_total{header="X-Forwarded-Host"} `+strconv.Itoa(tt.ignored)) {
				t.Errorf("want %d X-Forwarded-Host ignored in /metrics", tt.ignored)
			}
		})
	}
}

// TestProxyModeForwardedFor checks what reverse-proxy mode tells the site
// about the client: a trusted load balancer's X-Forwarded-For chain,
// Forwarded header and X-Forwarded-Proto are kept (the peer appended), an
// untrusted client's are dropped.
func TestProxyModeForwardedFor(t *testing.T) {
	seen := make(chan http.Header, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	for _, tt := range []struct {
		name               string
		trusted            []netip.Prefix
		wantXFF, wantProto string
		wantFwd            []string
		ignored            string
	}{
		{"trusted load balancer", nil, "203.0.113.7, 127.0.0.1", "https",
			[]string{`for="[2001:db8::7]";proto=https`, "for=127.0.0.1;host=www.example.com;proto=http"}, "0"},
		{"untrusted client", untrustedLoopback, "127.0.0.1", "http", nil, "1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := startGate(t, newTestGate(t, Config{Upstream: u, TrustedProxies: tt.trusted}))
			r := exchange(t, addr, "GET / HTTP/1.1\r\nHost: www.example.com\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"+
				"Forwarded: for=\"[2001:db8::7]\";proto=https\r\n\r\n", 1, false)[0]
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			h := <-seen
			if h.Get("X-Forwarded-For") != tt.wantXFF || h.Get("X-Forwarded-Proto") != tt.wantProto {
				t.Errorf("upstream saw X-Forwarded-For %q, -Proto %q; want %q, %q", h.Get("X-Forwarded-For"), h.Get("X-Forwarded-Proto"), tt.wantXFF, tt.wantProto)
			}
			if got := h.Values("Forwarded"); !slices.Equal(got, tt.wantFwd) {
				t.Errorf("upstream saw Forwarded %q, want %q", got, tt.wantFwd)
			}
			m := metricsBody(t, addr)
			for _, want := range []string{
				`beian_gate_forwarded_headers_ignored_total{header="X-Forwarded-For"} ` + tt.ignored,
				`beian_gate_forwarded_headers_ignored_total{header="Forwarded"} ` + tt.ignored,
			} {
				if !strings.Contains(m, want) {
					t.Errorf("metrics lack %q", want)
				}
			}
		})
	}
}

func TestForwardedElement(t *testing.T) {
	for _, tt := range []struct {
		peer netip.Addr
		host string
		tls  bool
		want string
	}{
		{netip.MustParseAddr("192.0.2.60"), "example.com", false, "for=192.0.2.60;host=example.com;proto=http"},
		{netip.MustParseAddr("2001:db8:cafe::17"), "example.com:8443", true, `for="[2001:db8:cafe::17]";host="example.com:8443";proto=https`},
		{netip.Addr{}, `a"b\c`, false, `for=unknown;host="a\"b\\c";proto=http`},
		{netip.MustParseAddr("192.0.2.1"), "", false, `for=192.0.2.1;host="";proto=http`},
	} {
		if got := forwardedElement(tt.peer, tt.host, tt.tls); got != tt.want {
			t.Errorf("forwardedElement(%v, %q, %v) = %s, want %s", tt.peer, tt.host, tt.tls, got, tt.want)
		}
	}
}

// metricsBody fetches the gate's /metrics over a connection of its own.
func metricsBody(t *testing.T, addr string) string {
	t.Helper()
	return body(exchange(t, addr, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 1, false)[0])
}
