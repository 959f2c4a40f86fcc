package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/scan/scantest"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// scanSites serves three sites on loopback, by Host name, and a DNS server
// that resolves them: a compliant one, one without a number, one that
// links to the retired address.
type scanSites struct {
	dns  *scantest.DNS
	port string
}

const scanOKPage = `<html><body><footer><a href="https://beian.miit.gov.cn/">京ICP备2021000001号-1</a>
	<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001">京公网安备11010502000001号</a></footer></body></html>`

func newScanSites(t *testing.T) *scanSites {
	t.Helper()
	pages := map[string]string{
		"ok.test":       scanOKPage,
		"missing.test":  `<html><body><footer>© 2026</footer></body></html>`,
		"outdated.test": strings.Replace(scanOKPage, "https://beian.miit.gov.cn/", "http://www.miitbeian.gov.cn/", 1),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		p, ok := pages[host]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(p))
	}))
	t.Cleanup(srv.Close)
	d, err := scantest.StartDNS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for h := range pages {
		d.Set(h, netip.MustParseAddr("127.0.0.1"))
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return &scanSites{dns: d, port: port}
}

func (s *scanSites) url(host string) string { return "http://" + host + ":" + s.port + "/" }

func runScanCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
	code = Run(e, append([]string{"scan"}, args...))
	return out.String(), errb.String(), code
}

// scanLine is one JSONL report, with the fields the issue promises.
type scanLine struct {
	URL      *string         `json:"url"`
	FinalURL *string         `json:"final_url"`
	Status   *int            `json:"status"`
	Numbers  json.RawMessage `json:"numbers"`
	Findings []struct {
		Kind     string  `json:"kind"`
		Detail   string  `json:"detail"`
		Evidence *string `json:"evidence"`
	} `json:"findings"`
}

func parseScanLines(t *testing.T, out string) map[string]scanLine {
	t.Helper()
	got := map[string]scanLine{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &raw); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"url", "final_url", "status", "numbers", "findings"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("line %q has no %q", l, k)
			}
		}
		var s scanLine
		if err := json.Unmarshal([]byte(l), &s); err != nil || s.URL == nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got[*s.URL] = s
	}
	return got
}

func TestScanURLs(t *testing.T) {
	s := newScanSites(t)
	common := []string{"--resolver", s.dns.Addr(), "--allow-private", "--host-interval", "0"}
	out, errOut, code := runScanCmd(t, "", append(common, s.url("ok.test"), s.url("missing.test"), s.url("outdated.test"))...)
	if code != ExitInvalid {
		t.Errorf("exit %d with findings, want %d; stderr %s", code, ExitInvalid, errOut)
	}
	if n := strings.Count(errOut, "skipped"); n != 1 {
		t.Errorf("stderr says the registry checks are skipped %d times, want once: %s", n, errOut)
	}
	if !strings.Contains(errOut, "3 sites") || !strings.Contains(errOut, "1 compliant") {
		t.Errorf("summary missing: %s", errOut)
	}
	got := parseScanLines(t, out)
	want := map[string]string{s.url("ok.test"): "", s.url("missing.test"): "number_missing", s.url("outdated.test"): "link_outdated"}
	if len(got) != len(want) {
		t.Fatalf("%d reports, want %d:\n%s", len(got), len(want), out)
	}
	for u, kind := range want {
		r := got[u]
		if r.Status == nil || *r.Status != 200 || r.FinalURL == nil || *r.FinalURL != u {
			t.Errorf("%s: status %v final_url %v", u, r.Status, r.FinalURL)
		}
		if r.Findings == nil {
			t.Errorf("%s: findings is null; want a list", u)
		}
		if kind == "" && len(r.Findings) != 0 || kind != "" && (len(r.Findings) != 1 || r.Findings[0].Kind != kind || r.Findings[0].Evidence == nil) {
			t.Errorf("%s: findings %+v, want %q", u, r.Findings, kind)
		}
	}
	if !strings.Contains(string(got[s.url("ok.test")].Numbers), `"icp_filings":["京ICP备2021000001号-1"]`) {
		t.Errorf("numbers of ok.test: %s", got[s.url("ok.test")].Numbers)
	}

	// Only compliant sites: exit 0. URLs from stdin; text format; progress forced.
	out, errOut, code = runScanCmd(t, "# sites\n"+s.url("ok.test")+"\n\n", append(common, "--format", "text", "--progress", "on", "-")...)
	if code != ExitOK || !strings.HasPrefix(out, "ok ") || !strings.Contains(out, s.url("ok.test")) {
		t.Errorf("text of a compliant site from stdin: exit %d, %q; stderr %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "1/1 sites, 0 with findings") {
		t.Errorf("progress bar missing: %q", errOut)
	}

	// Without --allow-private the loopback sites are refused, after resolution.
	out, _, code = runScanCmd(t, "", "--resolver", s.dns.Addr(), s.url("ok.test"))
	if code != ExitInvalid || !strings.Contains(out, `"kind":"unreachable"`) || !strings.Contains(out, "refused") {
		t.Errorf("loopback without --allow-private: exit %d, %s", code, out)
	}
}

func TestScanUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "nothing to scan"},
		{[]string{"--db", "x.db", "example.com"}, "not both"},
		{[]string{"--format", "xml", "example.com"}, "--format"},
		{[]string{"--concurrency", "0", "example.com"}, "--concurrency"},
		{[]string{"--timeout", "-1s", "example.com"}, "--timeout"},
		{[]string{"--resolver", "dns.example", "example.com"}, "--resolver"},
		{[]string{"--progress", "maybe", "example.com"}, "--progress"},
	}
	for _, c := range cases {
		_, errOut, code := runScanCmd(t, "", c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("scan %v: exit %d, stderr %q; want %d naming %s", c.args, code, errOut, ExitUsage, c.want)
		}
	}
	if _, errOut, code := runScanCmd(t, "\n# nothing\n", "-"); code != ExitInvalid || !strings.Contains(errOut, "no URL") {
		t.Errorf("empty stdin: exit %d, %q", code, errOut)
	}
	if _, _, code := runScanCmd(t, "", "-h"); code != ExitOK {
		t.Errorf("-h: exit %d", code)
	}
}

func TestScanRegistry(t *testing.T) {
	s := newScanSites(t)
	dsn := storetest.DSN(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`INSERT INTO providers (id, code, name, created_at) VALUES (1, 'far', 'Far Cloud', 0)`,
		`INSERT INTO provider_cidrs (provider_id, cidr) VALUES (1, '203.0.113.0/24')`,
		`INSERT INTO accounts (id, email, name, password_hash, role, created_at) VALUES (1, 'a@example.com', 'A', 'x', 'applicant', 0)`,
		`INSERT INTO entities (id, account_id, cert_index, nature, name, province, number, status, data_enc, created_at, updated_at)
			VALUES (1, 1, 'c1', 'enterprise', 'E', '11', '京ICP备2021000001号', 'active', '', 0, 0)`,
		fmt.Sprintf(`INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, status, go_live, data_enc, approved_at, updated_at)
			VALUES (1, 1, 1, '京ICP备2021000001号-1', 'ok', '%s', '[]', 'active', '2020-01-01', '', 0, 0)`, s.url("ok.test")),
		`INSERT INTO domains (website_id, name, status) VALUES (1, 'ok.test', 'active')`,
		`INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at) VALUES (1, 1, 'active', '[]', 0, 0)`,
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, q := range stmts {
			if _, err := tx.Q().ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The page is compliant, but the site resolves to 127.0.0.1, outside
	// its provider's range: only the registry knows that.
	out, errOut, code := runScanCmd(t, "", "--db", dsn, "--resolver", s.dns.Addr(), "--allow-private")
	if code != ExitInvalid || strings.Contains(errOut, "skipped") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	got := parseScanLines(t, out)
	r, ok := got[s.url("ok.test")]
	if !ok || len(r.Findings) != 1 || r.Findings[0].Kind != "access_mismatch" || !strings.Contains(*r.Findings[0].Evidence, "127.0.0.1") {
		t.Errorf("registry scan: %s", out)
	}
}
