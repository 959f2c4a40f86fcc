package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	lk "github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/ratelimit"
)

// TestLookupIndexSeesApprovalAtOnce runs the lookup's in-memory index as
// Serve does and checks that a filing approved through the API is found by
// the very next lookup (the commit drops the index, the database answers
// until the rebuild), and that a cancelled one is gone as soon.
func TestLookupIndexSeesApprovalAtOnce(t *testing.T) {
	e := apptest.New(t)
	first := fileFirst(t, e, "ix1@example.com", fixture.FirstFiling(311))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.App.Lookup.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitIndex(t, e.App.Lookup)

	dom := first.content.Websites[0].Domains[0].Name
	r := e.Do("GET", "/api/v1/filings?domain=www."+url.QueryEscape(dom), "", nil).Must(t, 200)
	if r.Header.Get(lk.HeaderVersion) != "v2" || r.Header.Get("ETag") == "" {
		t.Fatalf("headers %v: not the lookup handler", r.Header)
	}
	if items := lookup(t, e, "domain="+url.QueryEscape(dom)); len(items) != 1 || items[0]["serviceLicence"] != first.website {
		t.Fatalf("indexed filing: %v", items)
	}

	second := fileFirst(t, e, "ix2@example.com", fixture.FirstFiling(312))
	dom2 := second.content.Websites[0].Domains[0].Name
	items := lookup(t, e, "domain="+url.QueryEscape(dom2))
	if len(items) != 1 || items[0]["serviceLicence"] != second.website || items[0]["serviceType"] != "website" ||
		items[0]["unitName"] != second.content.Entity.Name || items[0]["mainLicence"] != second.entity {
		t.Fatalf("freshly approved filing not found at once: %v", items)
	}
	// The index comes back and holds both.
	waitIndex(t, e.App.Lookup)
	if items := lookup(t, e, "number="+url.QueryEscape(second.website)); len(items) != 1 || items[0]["domain"] != dom2 {
		t.Fatalf("rebuilt index: %v", items)
	}

	prov := e.Operator(auth.RoleProvider)
	drive(t, e, second.tok, prov, opRequest("cancel_entity", apptest.ProviderCode, second.content, second.entity),
		second.content.Entity.Principal.Phone)
	if items := lookup(t, e, "domain="+url.QueryEscape(dom2)); len(items) != 0 {
		t.Fatalf("cancelled filing still found: %v", items)
	}
}

func waitIndex(t *testing.T, h *lk.Handler) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for h.Stats().IndexRows == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lookup index was not built")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLookupRateLimitPerClient checks the lookup's limit through serve's
// stack: per client address, a trusted proxy's X-Forwarded-For naming the
// client (loopback is trusted by default), 429 with Retry-After and a
// bilingual message once a client's burst is spent, other clients unaffected.
func TestLookupRateLimitPerClient(t *testing.T) {
	e := apptest.NewWith(t, func(c *app.Config) {
		c.Policy.Lookup = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 2}
	})
	ask := func(client string) apptest.Response {
		req, err := http.NewRequest("GET", e.Server.URL+"/api/v1/filings?domain=unfiled-test.cn", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", client)
		return e.Send(req)
	}
	ask("192.0.2.1").Must(t, 200)
	ask("192.0.2.1").Must(t, 200)
	r := ask("192.0.2.1").Must(t, 429)
	if r.Header.Get("Retry-After") == "" || r.ErrorCode() != "rate_limited" ||
		!strings.Contains(string(r.Raw), "请求过于频繁") || !strings.Contains(string(r.Raw), "too many requests") {
		t.Fatalf("refusal: %v %s", r.Header, r.Raw)
	}
	ask("192.0.2.2").Must(t, 200)
	// The web page shares the limit.
	req, _ := http.NewRequest("GET", e.Server.URL+"/lookup?q=unfiled-test.cn", nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	if p := e.Send(req); !strings.Contains(string(p.Raw), "请求过于频繁") && !strings.Contains(string(p.Raw), "too many requests") {
		t.Fatalf("page not limited: %d %s", p.Status, p.Raw)
	}
}

// TestServeAnswersLookupOnItsLoop runs Serve: the lookup is answered by its
// event loop (on Linux) once the index is built, the rest of the platform
// by net/http on the same port, and Serve returns cleanly when ctx ends.
func TestServeAnswersLookupOnItsLoop(t *testing.T) {
	e := apptest.New(t)
	f := fileFirst(t, e, "serve@example.com", fixture.FirstFiling(313))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- e.App.Serve(ctx, "127.0.0.1:0", func(a net.Addr) { addrc <- a.String() }) }()
	base := "http://" + <-addrc
	waitIndex(t, e.App.Lookup)
	c := &http.Client{Timeout: 10 * time.Second}
	for range 3 {
		resp, err := c.Get(base + "/api/v1/filings?number=" + url.QueryEscape(f.website))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), f.content.Websites[0].Domains[0].Name) {
			t.Fatalf("lookup through Serve: %d %s", resp.StatusCode, b)
		}
	}
	if n := e.App.Lookup.Stats().LoopAnswers; runtime.GOOS == "linux" && n < 3 {
		t.Errorf("the event loop answered %d of 3 lookups", n)
	}
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Fatalf("healthz on the same port: %d %q", resp.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
}
