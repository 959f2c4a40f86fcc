// Command sites serves the scanner benchmark's sites on loopback: N
// distinct host names (s0.bench.test … s{N-1}.bench.test) answered by one
// HTTP server by Host header, and a DNS server (package scantest) that
// resolves each of them to 127.0.0.1. Site i gets a page chosen by i, so
// that the mix of findings is known in advance:
//
//	i%10 in 0..3  compliant (of which i%20 == 1 gzip, 2 GBK, 3 a redirect to www.)
//	i%10 == 4     number_missing (half of them with the number in a comment)
//	i%10 == 5     number_wrong   (the entity number, outside Guangdong)
//	i%10 == 6     link_missing
//	i%10 == 7     link_outdated  (miitbeian.gov.cn)
//	i%10 == 8     not_html       (JSON)
//	i%10 == 9     unreachable    (HTTP 503)
//
// It writes OUT/urls.txt (one URL a line) and OUT/expected.txt (sites per
// kind, worded as beian scan's summary line), prints "dns ADDR http ADDR"
// and serves until SIGINT or SIGTERM. Pages are about 32 KiB, the size of
// a modest home page, padded with text before the footer.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/beian/beian/internal/scan/scantest"
)

const (
	suffix  = ".bench.test"
	miit    = "https://beian.miit.gov.cn/"
	psbLink = "https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"
	psb     = "京公网安备11010502000001号"
)

func main() {
	n := flag.Int("n", 10000, "number of sites")
	out := flag.String("out", ".", "directory for urls.txt and expected.txt")
	flag.Parse()
	if err := run(*n, *out); err != nil {
		log.Fatal(err)
	}
}

func run(n int, out string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := scantest.StartDNS()
	if err != nil {
		return fmt.Errorf("dns: %w", err)
	}
	defer d.Close()
	lo := []netip.Addr{netip.MustParseAddr("127.0.0.1")}
	d.SetFallback(func(name string) []netip.Addr {
		if _, ok := siteIndex(name, n); ok {
			return lo
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	p := newPages()
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(os.Stderr, "sites: ", 0)}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if err := writeLists(out, n, ln.Addr().(*net.TCPAddr).Port); err != nil {
		return err
	}
	fmt.Printf("dns %s http %s\n", d.Addr(), ln.Addr())
	<-ctx.Done()
	return nil
}

// siteIndex reads i from s{i}.bench.test or www.s{i}.bench.test.
func siteIndex(host string, n int) (int, bool) {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	num, ok := strings.CutSuffix(host, suffix)
	if !ok || !strings.HasPrefix(num, "s") {
		return 0, false
	}
	i, err := strconv.Atoi(num[1:])
	return i, err == nil && i >= 0 && i < n
}

// kindOf is the finding site i is built to have ("" for compliant).
func kindOf(i int) string {
	return [...]string{"", "", "", "", "number_missing", "number_wrong", "link_missing", "link_outdated", "not_html", "unreachable"}[i%10]
}

func writeLists(dir string, n, port int) error {
	var urls bytes.Buffer
	counts := map[string]int{}
	for i := range n {
		fmt.Fprintf(&urls, "http://s%d%s:%d/\n", i, suffix, port)
		counts[kindOf(i)]++
	}
	// The counts in the order and words of beian scan's summary line.
	var exp bytes.Buffer
	fmt.Fprintf(&exp, "%d compliant", counts[""])
	for _, k := range []string{"number_missing", "number_wrong", "link_missing", "link_outdated", "unreachable", "not_html"} {
		if counts[k] > 0 {
			fmt.Fprintf(&exp, ", %s %d", k, counts[k])
		}
	}
	exp.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(dir, "urls.txt"), urls.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "expected.txt"), exp.Bytes(), 0o644)
}

// pages holds the few distinct bodies; sites differ by host name only.
type pages struct {
	ok, missing, hidden, entity, unlinked, outdated []byte
	gz, gbk                                         []byte
}

func newPages() *pages {
	site := "京ICP备2021000001号-1"
	p := &pages{
		ok:       page(fmt.Sprintf(`<a href="%s" target="_blank">%s</a> <a href="%s">%s</a>`, miit, site, psbLink, psb)),
		missing:  page(`<span>版权所有 © 2026 测试公司</span>`),
		hidden:   page(`<!-- <a href="` + miit + `">` + site + `</a> --><span>版权所有</span>`),
		entity:   page(fmt.Sprintf(`<a href="%s">京ICP备2021000001号</a> <a href="%s">%s</a>`, miit, psbLink, psb)),
		unlinked: page(fmt.Sprintf(`<span>%s</span> <a href="%s">%s</a>`, site, psbLink, psb)),
		outdated: page(fmt.Sprintf(`<a href="http://www.miitbeian.gov.cn/">%s</a> <a href="%s">%s</a>`, site, psbLink, psb)),
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(p.ok)
	_ = zw.Close()
	p.gz = b.Bytes()
	enc, _ := charset.Lookup("gbk")
	g, err := enc.NewEncoder().Bytes(p.ok)
	if err != nil {
		panic(err) // the page is fixed text GBK can encode
	}
	p.gbk = g
	return p
}

// page is a home page of about 32 KiB with footer at its end.
func page(footer string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试网站</title>` +
		`<link rel="stylesheet" href="/static/site.css"></head><body><nav><a href="/">首页</a> <a href="/about">关于我们</a></nav><main>`)
	for i := 0; b.Len() < 31<<10; i++ {
		fmt.Fprintf(&b, `<article><h2>新闻 %d</h2><p>本公司致力于为客户提供优质的云计算与网站建设服务，欢迎垂询。`+
			`We build websites and host them in Beijing. 第 %d 条。</p></article>`, i, i)
	}
	b.WriteString("</main><footer>" + footer + "</footer></body></html>")
	return []byte(b.String())
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	i, ok := siteIndex(host, 1<<30)
	if !ok {
		http.NotFound(w, r)
		return
	}
	html := func(body []byte, charset string) {
		w.Header().Set("Content-Type", "text/html; charset="+charset)
		_, _ = w.Write(body)
	}
	switch i % 10 {
	case 0, 1, 2, 3:
		switch {
		case i%20 == 1 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"):
			w.Header().Set("Content-Encoding", "gzip")
			html(p.gz, "utf-8")
		case i%20 == 2:
			html(p.gbk, "GBK")
		case i%20 == 3 && !strings.HasPrefix(host, "www."):
			http.Redirect(w, r, "http://www."+r.Host+"/", http.StatusFound)
		default:
			html(p.ok, "utf-8")
		}
	case 4:
		if i%20 == 4 {
			html(p.hidden, "utf-8")
		} else {
			html(p.missing, "utf-8")
		}
	case 5:
		html(p.entity, "utf-8")
	case 6:
		html(p.unlinked, "utf-8")
	case 7:
		html(p.outdated, "utf-8")
	case 8:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"icp":"京ICP备2021000001号-1","status":"ok"}`))
	default:
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}
}
