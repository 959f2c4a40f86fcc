package gate

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// staticSource serves a fixed set (or error) to a Gate.
type staticSource struct {
	set *Set
	err error
}

func (s staticSource) Load(context.Context) (*Set, error) { return s.set, s.err }

func newTestGate(t *testing.T, cfg Config) *Gate {
	t.Helper()
	if cfg.Source == nil {
		cfg.Source = staticSource{set: testSet(t)}
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return g
}

type req struct {
	method, target, host string
	header               http.Header
	// remote is the peer ("ip:port"); by default a proxy on loopback, which
	// the default configuration trusts.
	remote string
}

func do(h http.Handler, r req) *httptest.ResponseRecorder {
	if r.method == "" {
		r.method = http.MethodGet
	}
	hr := httptest.NewRequest(r.method, r.target, nil)
	hr.RemoteAddr = "127.0.0.1:41000"
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	if r.host != "" {
		hr.Host = r.host
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, hr)
	return w
}

func TestForwardAuth(t *testing.T) {
	g := newTestGate(t, Config{})
	h := g.Handler()
	tests := []struct {
		name       string
		r          req
		wantCode   int
		wantNumber string
		bodyHas    []string
	}{
		{"filed host", req{target: "/", host: "www.example.com"}, 204, numCom, nil},
		{"any path", req{target: "/auth/anything?x=1", host: "example.com.cn"}, 204, numCN, nil},
		{"X-Forwarded-Host wins over Host", req{target: "/", host: "gate.internal", header: http.Header{"X-Forwarded-Host": {"Shop.Example.COM:443"}}}, 204, numCom, nil},
		{"X-Forwarded-Host unfiled", req{target: "/", host: "www.example.com", header: http.Header{"X-Forwarded-Host": {"evil.example.net"}}}, 451, "", []string{"evil.example.net"}},
		{"two X-Forwarded-Host fail closed", req{target: "/", host: "x", header: http.Header{"X-Forwarded-Host": {"example.com", "evil.cn"}}}, 451, "", nil},
		{"comma list fails closed", req{target: "/", host: "x", header: http.Header{"X-Forwarded-Host": {"example.com, evil.cn"}}}, 451, "", nil},
		{"unfiled", req{target: "/", host: "unfiled.cn"}, 451, "", []string{"未在本服务商完成", "no ICP filing", "unfiled.cn", "beian.miit.gov.cn"}},
		{"pending", req{target: "/", host: "pending.example.cn"}, 451, "", []string{"正在办理中", "in progress"}},
		{"IDN shown in Unicode", req{target: "/", host: "www.xn--fsqu00a.xn--fiqs8s.cn"}, 451, "", []string{"www.例子.中国.cn"}},
		{"host escaped", req{target: "/", host: "x", header: http.Header{"X-Forwarded-Host": {`<script>alert("x")</script>.cn`}}}, 451, "", []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;.cn"}},
		{"IP literal", req{target: "/", host: "10.0.0.1:80"}, 451, "", nil},
		{"POST too", req{method: "POST", target: "/", host: "example.com"}, 204, numCom, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(h, tt.r)
			if w.Code != tt.wantCode {
				t.Fatalf("status %d, want %d; body %q", w.Code, tt.wantCode, w.Body.String())
			}
			if got := w.Header().Get("X-ICP-Number"); got != tt.wantNumber {
				t.Errorf("X-ICP-Number %q, want %q", got, tt.wantNumber)
			}
			body := w.Body.String()
			if tt.wantCode == 204 && body != "" {
				t.Errorf("204 with a body %q", body)
			}
			if tt.wantCode != 204 {
				if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" || w.Header().Get("Cache-Control") != "no-store" {
					t.Errorf("block page headers %v", w.Header())
				}
				if strings.Contains(body, "<script>") {
					t.Error("block page holds an unescaped host")
				}
			}
			for _, s := range tt.bodyHas {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
		})
	}
}

func TestBlockPageHasNoInternalDetail(t *testing.T) {
	g := newTestGate(t, Config{})
	body := do(g.Handler(), req{target: "/", host: "unfiled.cn"}).Body.String()
	for _, leak := range []string{"version", "Go", "beian_gate", "example.com", numCom} {
		if strings.Contains(body, leak) {
			t.Errorf("block page mentions %q", leak)
		}
	}
}

func TestDenyStatus(t *testing.T) {
	g := newTestGate(t, Config{DenyStatus: http.StatusForbidden})
	if w := do(g.Handler(), req{target: "/", host: "unfiled.cn"}); w.Code != http.StatusForbidden {
		t.Errorf("status %d, want 403", w.Code)
	}
}

func TestCaddyAsk(t *testing.T) {
	h := newTestGate(t, Config{}).Handler()
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"domain=www.example.com", 200},
		{"domain=" + url.QueryEscape("例子.中国"), 200},
		{"domain=unfiled.cn", 403},
		{"domain=pending.example.cn", 403},
		{"domain=127.0.0.1", 403},
		{"", 400},
	} {
		t.Run(tt.query, func(t *testing.T) {
			if w := do(h, req{target: "/check?" + tt.query, host: "gate"}); w.Code != tt.want {
				t.Errorf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestHostStatus(t *testing.T) {
	h := newTestGate(t, Config{}).Handler()
	for _, tt := range []struct {
		path     string
		wantCode int
		want     HostStatus
		wantErr  string
	}{
		{"/v1/hosts/www.example.com", 200, HostStatus{Host: "www.example.com", Status: "APPROVED", Number: numCom, Domain: "example.com"}, ""},
		{"/v1/hosts/WWW.Example.COM.", 200, HostStatus{Host: "www.example.com", Status: "APPROVED", Number: numCom, Domain: "example.com"}, ""},
		{"/v1/hosts/" + url.PathEscape("www.例子.中国"), 200, HostStatus{Host: "www.xn--fsqu00a.xn--fiqs8s", Status: "APPROVED", Number: numIDN, Domain: "xn--fsqu00a.xn--fiqs8s"}, ""},
		{"/v1/hosts/x.pending.example.cn", 200, HostStatus{Host: "x.pending.example.cn", Status: "PENDING", Domain: "pending.example.cn"}, ""},
		{"/v1/hosts/unfiled.cn", 200, HostStatus{Host: "unfiled.cn", Status: "SUSPENDED"}, ""},
		{"/v1/hosts/192.0.2.1", 400, HostStatus{}, "domain.ip_literal"},
		{"/v1/hosts/", 400, HostStatus{}, "domain.empty"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			w := do(h, req{target: tt.path, host: "gate"})
			if w.Code != tt.wantCode || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d %q, want %d; body %s", w.Code, w.Header().Get("Content-Type"), tt.wantCode, w.Body)
			}
			if tt.wantErr != "" {
				var e apiError
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != tt.wantErr || e.Error.MessageZH == "" || e.Error.MessageEN == "" {
					t.Errorf("error body %s, want code %s", w.Body, tt.wantErr)
				}
				return
			}
			var got HostStatus
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got != tt.want {
				t.Errorf("body %s (%v), want %+v", w.Body, err, tt.want)
			}
		})
	}
	if w := do(h, req{method: "POST", target: "/v1/hosts/example.com", host: "gate"}); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", w.Code)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	g, err := New(Config{Source: staticSource{set: testSet(t)}})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Handler()
	if w := do(h, req{target: "/healthz", host: "gate"}); w.Code != 503 {
		t.Errorf("healthz before load: %d, want 503", w.Code)
	}
	if w := do(h, req{target: "/", host: "example.com"}); w.Code != 451 {
		t.Errorf("before load a filed host got %d, want 451 (nothing is allowed yet)", w.Code)
	}
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := do(h, req{target: "/healthz", host: "gate"}); w.Code != 200 {
		t.Errorf("healthz: %d", w.Code)
	}
	do(h, req{target: "/", host: "example.com"})
	do(h, req{target: "/", host: "pending.example.cn"})
	w := do(h, req{target: "/metrics", host: "gate"})
	body := w.Body.String()
	for _, want := range []string{
		`beian_gate_decisions_total{result="allowed"} 1`,
		`beian_gate_decisions_total{result="blocked"} 1`,
		`beian_gate_decisions_total{result="pending"} 1`,
		"beian_gate_set_entries 9",
		"beian_gate_set_pending_entries 2",
		"beian_gate_set_version 7",
		"beian_gate_reload_errors_total 0",
		"beian_gate_reloads_total 1",
		"beian_gate_last_reload_timestamp_seconds ",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestProxyMode(t *testing.T) {
	var seen http.Header
	var seenHost string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, seenHost = r.Header.Clone(), r.Host
		_, _ = io.WriteString(w, "site "+r.URL.Path)
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	g := newTestGate(t, Config{Upstream: u})
	h := g.Handler()

	w := do(h, req{target: "/healthz", host: "www.example.com", header: http.Header{"X-Icp-Number": {"forged"}}})
	if w.Code != 200 || w.Body.String() != "site /healthz" {
		t.Fatalf("filed host: %d %q, want the site's own /healthz", w.Code, w.Body)
	}
	if seenHost != "www.example.com" || seen.Get("X-ICP-Number") != numCom || seen.Get("X-Forwarded-Host") != "www.example.com" {
		t.Errorf("upstream saw host %q, headers %v", seenHost, seen)
	}
	w = do(h, req{target: "/", host: "unfiled.cn", header: http.Header{"X-Forwarded-Host": {"example.com"}}})
	if w.Code != 451 || !strings.Contains(w.Body.String(), "unfiled.cn") {
		t.Errorf("unfiled host with a forged X-Forwarded-Host: %d", w.Code)
	}
	if w := do(h, req{target: "/healthz", host: "127.0.0.1:8080"}); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("gate's own /healthz by IP: %d %q", w.Code, w.Body)
	}
	if w := do(h, req{target: "/check?domain=example.com", host: "localhost"}); w.Code != 200 {
		t.Errorf("gate's own /check by localhost: %d", w.Code)
	}
	if w := do(h, req{target: "/anything", host: "[::1]:8080"}); w.Code != 451 {
		t.Errorf("other path by IP: %d, want the block page", w.Code)
	}

	up.Close()
	if w := do(h, req{target: "/", host: "example.com"}); w.Code != http.StatusBadGateway || strings.Contains(w.Body.String(), "127.0.0.1") {
		t.Errorf("upstream down: %d %q", w.Code, w.Body)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	src := staticSource{}
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"no source", Config{}},
		{"negative poll", Config{Source: src, PollInterval: -1}},
		{"deny 500", Config{Source: src, DenyStatus: 500}},
		{"allow 201", Config{Source: src, AllowStatus: 201}},
		{"upstream without host", Config{Source: src, Upstream: &url.URL{Scheme: "http"}}},
		{"upstream ftp", Config{Source: src, Upstream: &url.URL{Scheme: "ftp", Host: "x"}}},
		{"trusted proxy with host bits", Config{Source: src, TrustedProxies: []netip.Prefix{netip.PrefixFrom(netip.MustParseAddr("10.0.0.5"), 8)}}},
		{"invalid trusted proxy", Config{Source: src, TrustedProxies: []netip.Prefix{{}}}},
		{"IPv4-mapped trusted proxy", Config{Source: src, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}}},
		{"negative header timeout", Config{Source: src, HeaderTimeout: -time.Second}},
		{"negative idle timeout", Config{Source: src, IdleTimeout: -time.Second}},
		{"negative read timeout", Config{Source: src, ReadTimeout: -2 * time.Second}},
		{"negative write timeout", Config{Source: src, WriteTimeout: -2 * time.Second}},
		{"negative max conns", Config{Source: src, MaxConns: -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}
