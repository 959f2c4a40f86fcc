package scan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/scan/scantest"
)

// The numbers of the fixture sites: a Beijing entity with its first
// website, and its PSB number.
const (
	siteNumber   = "京ICP备2021000001号-1"
	entityNumber = "京ICP备2021000001号"
	psbNumber    = "京公网安备11010502000001号"
	miit         = "https://beian.miit.gov.cn/"
)

func footerHTML(icp, href, psb string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>测试</title></head><body><main>欢迎</main><footer>")
	if href != "" {
		fmt.Fprintf(&b, `<a href="%s" target="_blank">%s</a>`, href, icp)
	} else {
		b.WriteString("<span>" + icp + "</span>")
	}
	if psb != "" {
		fmt.Fprintf(&b, ` <a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001">%s</a>`, psb)
	}
	b.WriteString("</footer></body></html>")
	return b.String()
}

// fixture is a set of sites on loopback: one HTTP and one HTTPS server
// that answer by Host name, and a DNS server that resolves the names.
type fixture struct {
	dns   *scantest.DNS
	http  *httptest.Server
	https *httptest.Server
	pool  *x509.CertPool
	// hits counts requests per host, to check politeness and redirects.
	hits map[string]int
}

func (f *fixture) url(host string) string {
	return "http://" + host + ":" + port(f.http) + "/"
}

func (f *fixture) tlsURL(host string) string {
	return "https://" + host + ":" + port(f.https) + "/"
}

func port(s *httptest.Server) string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

var loopback = netip.MustParseAddr("127.0.0.1")

// sites maps each fixture host to its handler.
func (f *fixture) sites() map[string]http.HandlerFunc {
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
		}
	}
	ok := footerHTML(siteNumber, miit, psbNumber)
	return map[string]http.HandlerFunc{
		"ok.test":           html(ok),
		"www.redir-in.test": html(ok),
		"guangdong.test":    html(footerHTML("粤ICP备2021000001号", miit, psbNumber)),
		"missing.test":      html("<html><body><footer>版权所有 © 2026</footer></body></html>"),
		"comment.test":      html("<html><body><footer><!-- " + siteNumber + " --></footer></body></html>"),
		"entity.test":       html(footerHTML(entityNumber, miit, psbNumber)),
		"other.test":        html(footerHTML("京ICP备2021000002号-1", miit, psbNumber)),
		"unlinked.test":     html(footerHTML(siteNumber, "", psbNumber)),
		"elsewhere.test":    html(footerHTML(siteNumber, "https://example.com/beian", psbNumber)),
		"outdated.test":     html(footerHTML(siteNumber, "http://www.miitbeian.gov.cn/", psbNumber)),
		"nopsb.test":        html(footerHTML(siteNumber, miit, "")),
		"access-in.test":    html(ok),
		"access-out.test":   html(ok),
		"redir-in.test":     redirect(f, "www.redir-in.test"),
		"redir-out.test":    redirect(f, "ok.test"),
		"error.test":        func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) },
		"json.test": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"icp":"` + siteNumber + `"}`))
		},
		"gzip.test":       gzipped(ok),
		"gbk.test":        gbk(ok),
		"slow.test":       slow,
		"endless.test":    endless,
		"private.test":    html(ok),
		"tls.example.com": html(ok), // the name httptest's certificate is for
	}
}

func redirect(f *fixture, to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, f.url(to), http.StatusFound)
	}
}

func gzipped(page string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "gzip only", http.StatusNotAcceptable)
			return
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(page))
		_ = zw.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(b.Bytes())
	}
}

// gbk serves page encoded in GBK, the charset named only in the header.
func gbk(page string) http.HandlerFunc {
	enc, err := simplifiedchinese.GBK.NewEncoder().String(page)
	return func(w http.ResponseWriter, r *http.Request) {
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=GBK")
		_, _ = w.Write([]byte(enc))
	}
}

// slow sends the start of a page, then nothing until the client gives up.
func slow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<html><body>"))
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// endless sends a page that never ends, until the client hangs up.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	chunk := bytes.Repeat([]byte("<p>无尽的内容</p>\n"), 256)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d, err := scantest.StartDNS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	f := &fixture{dns: d, hits: map[string]int{}}
	sites := f.sites()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		if s, ok := sites[host]; ok {
			s(w, r)
			return
		}
		http.NotFound(w, r)
	})
	f.http = httptest.NewServer(h)
	t.Cleanup(f.http.Close)
	f.https = httptest.NewUnstartedServer(h)
	f.https.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate test's handshake errors
	f.https.StartTLS()
	t.Cleanup(f.https.Close)
	f.pool = x509.NewCertPool()
	f.pool.AddCert(f.https.Certificate())
	for host := range sites {
		d.Set(host, loopback)
	}
	// access-out also has an IPv6 address outside every range given to it.
	d.Set("access-out.test", loopback, netip.MustParseAddr("2001:db8::1"))
	return f
}

func (f *fixture) scanner(mod func(*scan.Options)) *scan.Scanner {
	o := scan.Options{Resolver: f.dns.Resolver(), AllowPrivate: true, RootCAs: f.pool, Timeout: 3 * time.Second, HostInterval: -1}
	if mod != nil {
		mod(&o)
	}
	return scan.New(o)
}

func kinds(r scan.Report) []scan.Kind {
	var out []scan.Kind
	for _, f := range r.Findings {
		out = append(out, f.Kind)
	}
	return out
}

func scanOne(t *testing.T, s *scan.Scanner, target scan.Target) scan.Report {
	t.Helper()
	return s.ScanOne(context.Background(), target)
}
