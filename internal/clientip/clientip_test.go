package clientip

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func mustResolver(t testing.TB, cfg Config) *Resolver {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func prefixes(t testing.TB, list string) []netip.Prefix {
	t.Helper()
	ps, err := ParseTrusted(list)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestResolve(t *testing.T) {
	trusted := "10.0.0.0/8, 2001:db8:1::/48"
	tests := []struct {
		name   string
		header Header
		remote string
		lines  []string
		want   string
	}{
		{"untrusted peer, header ignored", XForwardedFor, "198.51.100.1:5000", []string{"203.0.113.9"}, "198.51.100.1"},
		{"untrusted peer, no header", XForwardedFor, "198.51.100.1:5000", nil, "198.51.100.1"},
		{"trusted peer, no header", XForwardedFor, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"one proxy", XForwardedFor, "10.0.0.2:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"client-chosen entries left of the real one", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1, 2.2.2.2, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted proxies", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1, 203.0.113.9, 10.0.0.7"}, "203.0.113.9"},
		{"lines read last first", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1", "203.0.113.9, 10.0.0.7"}, "203.0.113.9"},
		{"walk continues into earlier lines", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1, 203.0.113.9", "10.0.0.7"}, "203.0.113.9"},
		{"everything trusted: the leftmost", XForwardedFor, "10.0.0.2:5000", []string{"10.1.1.1, 10.0.0.7"}, "10.1.1.1"},
		{"garbage stops at the last trusted hop", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1, nonsense, 10.0.0.7"}, "10.0.0.7"},
		{"empty entry stops", XForwardedFor, "10.0.0.2:5000", []string{"1.1.1.1,, 10.0.0.7"}, "10.0.0.7"},
		{"hop with port", XForwardedFor, "10.0.0.2:5000", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"IPv6 hop with port", XForwardedFor, "10.0.0.2:5000", []string{"[2001:db8:2::5]:4711"}, "2001:db8:2::5"},
		{"IPv4-mapped hop unmapped", XForwardedFor, "10.0.0.2:5000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped peer is trusted", XForwardedFor, "[::ffff:10.0.0.2]:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv6 proxy", XForwardedFor, "[2001:db8:1::9]:443", []string{"203.0.113.9"}, "203.0.113.9"},
		{"zone dropped", XForwardedFor, "[fe80::1%eth0]:5000", nil, "fe80::1"},
		{"forwarded", Forwarded, "10.0.0.2:5000", []string{`for=1.1.1.1, for=203.0.113.9;proto=https;by=10.0.0.2`}, "203.0.113.9"},
		{"forwarded IPv6 quoted", Forwarded, "10.0.0.2:5000", []string{`for="[2001:db8:2::5]:4711"`}, "2001:db8:2::5"},
		{"forwarded case-insensitive name", Forwarded, "10.0.0.2:5000", []string{`For=203.0.113.9`}, "203.0.113.9"},
		{"forwarded through two proxies", Forwarded, "10.0.0.2:5000", []string{`for=203.0.113.9`, `for=10.0.0.7;proto=http`}, "203.0.113.9"},
		{"forwarded unknown stops", Forwarded, "10.0.0.2:5000", []string{`for=1.1.1.1, for=unknown`}, "10.0.0.2"},
		{"forwarded obfuscated stops", Forwarded, "10.0.0.2:5000", []string{`for=1.1.1.1, for=_hidden`}, "10.0.0.2"},
		{"forwarded element without for stops", Forwarded, "10.0.0.2:5000", []string{`for=1.1.1.1, proto=https`}, "10.0.0.2"},
		{"forwarded quote left open by the client", Forwarded, "10.0.0.2:5000", []string{`for="1.1.1.1, for=203.0.113.9`}, "10.0.0.2"},
		{"forwarded open quote cannot swallow the next line", Forwarded, "10.0.0.2:5000", []string{`for="1.1.1.1`, `for=203.0.113.9`}, "203.0.113.9"},
		{"forwarded comma inside quotes", Forwarded, "10.0.0.2:5000", []string{`for="1.1.1.1, for=2.2.2.2", for=203.0.113.9`}, "203.0.113.9"},
		{"forwarded two for in one element", Forwarded, "10.0.0.2:5000", []string{`for=203.0.113.9;for=1.1.1.1`}, "10.0.0.2"},
		{"X-Forwarded-For ignored when Forwarded is configured", Forwarded, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"x-real-ip", XRealIP, "10.0.0.2:5000", []string{"1.1.1.1", "203.0.113.9"}, "203.0.113.9"},
		{"x-real-ip is not a list", XRealIP, "10.0.0.2:5000", []string{"1.1.1.1, 203.0.113.9"}, "10.0.0.2"},
		{"non-IP peer not trusted", XForwardedFor, "@", []string{"203.0.113.9"}, "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustResolver(t, Config{Trusted: prefixes(t, trusted), Header: tt.header})
			h := http.Header{}
			for _, l := range tt.lines {
				h.Add(tt.header.String(), l)
			}
			if tt.header != XForwardedFor {
				h.Add("X-Forwarded-For", "9.9.9.9")
			}
			if got := r.Resolve(tt.remote, h); got.String() != tt.want {
				t.Fatalf("Resolve(%q, %q) = %v, want %s", tt.remote, tt.lines, got, tt.want)
			}
		})
	}
}

func TestDefaultsAndUnixPeer(t *testing.T) {
	h := http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	def := mustResolver(t, Config{})
	if got := def.Resolve("127.0.0.1:1", h); got.String() != "203.0.113.9" {
		t.Fatalf("loopback proxy by default: %v", got)
	}
	if got := def.Resolve("10.0.0.2:1", h); got.String() != "10.0.0.2" {
		t.Fatalf("non-loopback peer by default: %v", got)
	}
	none := mustResolver(t, Config{Trusted: prefixes(t, "none")})
	if got := none.Resolve("127.0.0.1:1", h); got.String() != "127.0.0.1" {
		t.Fatalf("trust none: %v", got)
	}
	unix := mustResolver(t, Config{Trusted: prefixes(t, "none"), TrustUnixPeer: true})
	if got := unix.Resolve("@", h); got.String() != "203.0.113.9" {
		t.Fatalf("unix peer trusted: %v", got)
	}
	if got := unix.Resolve("", nil); got.IsValid() {
		t.Fatalf("unix peer, no header: %v", got)
	}
}

func TestParseTrusted(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"10.0.0.0/8", "[10.0.0.0/8]", ""},
		{" 192.0.2.7 , ::1", "[192.0.2.7/32 ::1/128]", ""},
		{"loopback", "[127.0.0.0/8 ::1/128]", ""},
		{"::ffff:10.0.0.0/104", "[10.0.0.0/8]", ""},
		{"::ffff:10.0.0.1", "[10.0.0.1/32]", ""},
		{"none", "[]", ""},
		{"none, 10.0.0.0/8", "", "cannot be combined"},
		{"10.0.0.5/8", "", "host bits set: write 10.0.0.0/8"},
		{"fe80::1%eth0", "", "without a zone"},
		{"", "", `trusted proxy ""`},
		{"10.0.0.0/8,", "", `trusted proxy ""`},
		{"example.com", "", "CIDR"},
	} {
		got, err := ParseTrusted(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseTrusted(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || "["+fmtPrefixes(got)+"]" != tc.want {
			t.Errorf("ParseTrusted(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func fmtPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

func TestNewRefuses(t *testing.T) {
	for name, cfg := range map[string]Config{
		"invalid prefix": {Trusted: []netip.Prefix{{}}},
		"host bits":      {Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/8")}},
		"mapped":         {Trusted: []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}},
		"header":         {Header: 9},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
	if h, err := ParseHeader(" x-forwarded-for "); err != nil || h != XForwardedFor {
		t.Errorf("ParseHeader = %v, %v", h, err)
	}
	if _, err := ParseHeader("X-Client-IP"); err == nil || !strings.Contains(err.Error(), "请求头") {
		t.Errorf("ParseHeader(X-Client-IP) = %v; want a bilingual error", err)
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":          "ip:203.0.113.9",
		"::ffff:203.0.113.9":   "ip:203.0.113.9",
		"2001:db8:1:2:3:4:5:6": "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "ip:2001:db8:1:2::/64",
		"fe80::1%eth0":         "ip:fe80::/64",
		"2001:db8:1:3::1":      "ip:2001:db8:1:3::/64",
	} {
		if got := Key(netip.MustParseAddr(in)); got != want {
			t.Errorf("Key(%s) = %s, want %s", in, got, want)
		}
	}
	if got := Key(netip.Addr{}); got != "ip:unknown" {
		t.Errorf("Key(zero) = %s", got)
	}
}

func TestMiddleware(t *testing.T) {
	r := mustResolver(t, Config{})
	var got netip.Addr
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		got, _ = FromContext(req.Context())
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "127.0.0.1:999"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got.String() != "203.0.113.9" {
		t.Fatalf("FromContext = %v", got)
	}
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("FromContext of a bare context reported an address")
	}
}
