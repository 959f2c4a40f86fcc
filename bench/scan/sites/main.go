// Command sites serves the scanner benchmark's sites on loopback: N
// distinct host names (s0.bench.test … s{N-1}.bench.test) answered by one
// HTTP server by Host header, and a DNS server (package scantest) that
// resolves each of them to 127.0.0.1. Site i is website i%100+1 of Beijing
// entity i/100+1 (site 0 is 京ICP备2021000001号-1, site 250 is
// 京ICP备2021000003号-51) and gets a page chosen by i, so that the mix of
// findings is known in advance:
//
//	i%10 in 0..3  compliant (of which i%20 == 1 gzip, 2 GBK, 3 a redirect to www.)
//	i%10 == 4     number_missing (half of them with the number in a comment)
//	i%10 == 5     number_wrong   (the entity number, outside Guangdong)
//	i%10 == 6     link_missing
//	i%10 == 7     link_outdated  (miitbeian.gov.cn)
//	i%10 == 8     not_html       (JSON)
//	i%10 == 9     unreachable    (HTTP 503)
//
// Two compliant kinds of site are compliant only to a scan without the
// registry: i%40 == 0 also resolves to 2001:db8::1, outside the provider's
// range (access_mismatch), and i%40 == 10 shows no PSB number although it
// went live in 2020 (psb_missing).
//
// It writes OUT/urls.txt (one URL a line), OUT/expected.txt and, with -db,
// the registry (one provider with 127.0.0.0/8, the entities, the N websites
// with their domains and accesses) and OUT/expected-db.txt: the sites per
// kind worded as beian scan's summary line. Then it prints "dns ADDR http
// ADDR" and serves until SIGINT or SIGTERM. Pages are about 32 KiB, the size
// of a modest home page, padded with text before the footer.
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
	"github.com/beian/beian/internal/store"
)

const (
	suffix  = ".bench.test"
	miit    = "https://beian.miit.gov.cn/"
	psbLink = "https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"
	psb     = "京公网安备11010502000001号"
	perEnt  = 100 // websites per entity
)

// entityOf is the entity number of site i; siteOf its website number.
func entityOf(i int) string { return fmt.Sprintf("京ICP备2021%06d号", i/perEnt+1) }
func siteOf(i int) string   { return fmt.Sprintf("%s-%d", entityOf(i), i%perEnt+1) }

func main() {
	n := flag.Int("n", 10000, "number of sites")
	out := flag.String("out", ".", "directory for urls.txt and expected*.txt")
	db := flag.String("db", "", "also write the registry to this SQLite file (replaced)")
	flag.Parse()
	if err := run(*n, *out, *db); err != nil {
		log.Fatal(err)
	}
}

func run(n int, out, db string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := scantest.StartDNS()
	if err != nil {
		return fmt.Errorf("dns: %w", err)
	}
	defer d.Close()
	lo := []netip.Addr{netip.MustParseAddr("127.0.0.1")}
	far := []netip.Addr{lo[0], netip.MustParseAddr("2001:db8::1")}
	d.SetFallback(func(name string) []netip.Addr {
		i, ok := siteIndex(name, n)
		switch {
		case !ok:
			return nil
		case i%40 == 0:
			return far
		}
		return lo
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	srv := &http.Server{Handler: newPages(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(os.Stderr, "sites: ", 0)}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if err := writeLists(out, n, port, db != ""); err != nil {
		return err
	}
	if db != "" {
		if err := writeRegistry(ctx, db, n, port); err != nil {
			return err
		}
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

// kindOf is the finding site i is built to have ("" for compliant), by a
// scan with the registry or without.
func kindOf(i int, registry bool) string {
	switch {
	case registry && i%40 == 0:
		return "access_mismatch"
	case registry && i%40 == 10:
		return "psb_missing"
	}
	return [...]string{"", "", "", "", "number_missing", "number_wrong", "link_missing", "link_outdated", "not_html", "unreachable"}[i%10]
}

func url(i, port int) string { return fmt.Sprintf("http://s%d%s:%d/", i, suffix, port) }

func writeLists(dir string, n, port int, registry bool) error {
	var urls bytes.Buffer
	for i := range n {
		urls.WriteString(url(i, port) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "urls.txt"), urls.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "expected.txt"), expected(n, false), 0o644); err != nil {
		return err
	}
	if !registry {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, "expected-db.txt"), expected(n, true), 0o644)
}

// expected is the counts in the order and words of beian scan's summary line.
func expected(n int, registry bool) []byte {
	counts := map[string]int{}
	for i := range n {
		counts[kindOf(i, registry)]++
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d compliant", counts[""])
	for _, k := range []string{"number_missing", "number_wrong", "link_missing", "link_outdated", "psb_missing", "access_mismatch", "unreachable", "not_html"} {
		if counts[k] > 0 {
			fmt.Fprintf(&b, ", %s %d", k, counts[k])
		}
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// writeRegistry writes a fresh registry: the sites as the active websites
// of their entities, served by one provider whose range is 127.0.0.0/8.
func writeRegistry(ctx context.Context, path string, n, port int) error {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		q := tx.Q()
		for _, s := range []string{
			`INSERT INTO providers (id, code, name, created_at) VALUES (1, 'loop', 'Loopback Cloud', 0)`,
			`INSERT INTO provider_cidrs (provider_id, cidr) VALUES (1, '127.0.0.0/8')`,
			`INSERT INTO accounts (id, email, name, password_hash, role, created_at) VALUES (1, 'bench@example.com', 'Bench', 'x', 'applicant', 0)`,
		} {
			if _, err := q.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		for i := 0; i < n; i += perEnt {
			e := i/perEnt + 1
			if _, err := q.ExecContext(ctx, `INSERT INTO entities (id, account_id, cert_index, nature, name, province, number, status, data_enc, created_at, updated_at)
				VALUES (?, 1, ?, 'enterprise', ?, '11', ?, 'active', '', 0, 0)`, e, fmt.Sprintf("bench-%d", e), fmt.Sprintf("北京基准测试%d有限公司", e), entityOf(i)); err != nil {
				return err
			}
		}
		for i := range n {
			id := i + 1
			if _, err := q.ExecContext(ctx, `INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, status, go_live, data_enc, approved_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, '[]', 'active', '2020-01-01', '', 0, 0)`, id, i/perEnt+1, i%perEnt+1, siteOf(i), fmt.Sprintf("site %d", i), url(i, port)); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO domains (website_id, name, status) VALUES (?, ?, 'active')`, id, fmt.Sprintf("s%d%s", i, suffix)); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at) VALUES (?, 1, 'active', '[]', 0, 0)`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("registry %s: %w", path, err)
	}
	return nil
}

// newPages builds each site's page from a shared 31 KiB head and a footer
// with the site's own number.
func newPages() http.Handler {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试网站</title>` +
		`<link rel="stylesheet" href="/static/site.css"></head><body><nav><a href="/">首页</a> <a href="/about">关于我们</a></nav><main>`)
	for i := 0; b.Len() < 31<<10; i++ {
		fmt.Fprintf(&b, `<article><h2>新闻 %d</h2><p>本公司致力于为客户提供优质的云计算与网站建设服务，欢迎垂询。`+
			`We build websites and host them in Beijing. 第 %d 条。</p></article>`, i, i)
	}
	return &handler{head: []byte(b.String())}
}

type handler struct{ head []byte }

// footer is site i's footer, by the kind of site it is.
func footer(i int) string {
	site := siteOf(i)
	police := fmt.Sprintf(` <a href="%s">%s</a>`, psbLink, psb)
	switch {
	case i%10 == 4 && i%20 == 4:
		return `<!-- <a href="` + miit + `">` + site + `</a> --><span>版权所有</span>` + police
	case i%10 == 4:
		return `<span>版权所有 © 2026 测试公司</span>` + police
	case i%10 == 5:
		return `<a href="` + miit + `">` + entityOf(i) + `</a>` + police
	case i%10 == 6:
		return `<span>` + site + `</span>` + police
	case i%10 == 7:
		return `<a href="http://www.miitbeian.gov.cn/">` + site + `</a>` + police
	case i%40 == 10:
		return `<a href="` + miit + `" target="_blank">` + site + `</a>`
	}
	return `<a href="` + miit + `" target="_blank">` + site + `</a>` + police
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	i, ok := siteIndex(host, 1<<30)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch i % 10 {
	case 8:
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"icp":"%s","status":"ok"}`, siteOf(i))
		return
	case 9:
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if i%20 == 3 && !strings.HasPrefix(host, "www.") {
		http.Redirect(w, r, "http://www."+r.Host+"/", http.StatusFound)
		return
	}
	page := make([]byte, 0, len(h.head)+512)
	page = append(page, h.head...)
	page = append(page, "<footer>"+footer(i)+"</footer></body></html>"...)
	cs := "utf-8"
	switch {
	case i%20 == 1 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"):
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(page)
		_ = zw.Close()
		page = b.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	case i%20 == 2:
		enc, _ := charset.Lookup("gbk")
		g, err := enc.NewEncoder().Bytes(page)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		page, cs = g, "GBK"
	}
	w.Header().Set("Content-Type", "text/html; charset="+cs)
	_, _ = w.Write(page)
}
