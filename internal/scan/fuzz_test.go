package scan

import (
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzCheck feeds arbitrary pages, content types and statuses through what
// the scanner does with a response (charset decoding, extraction, the
// checks, with and without a registry row): it must never panic, every
// finding must have a known kind and a detail, and a compliant verdict
// must come with the numbers that justify it.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`<footer><a href="https://beian.miit.gov.cn/">京ICP备2021000001号-1</a> 京公网安备11010502000001号</footer>`), "text/html; charset=utf-8", 200)
	f.Add([]byte("<!-- 京ICP备2021000001号 --><a href=\"http://www.miitbeian.gov.cn\">粤ICP备2021000001号</a>"), "text/html; charset=gbk", 200)
	f.Add([]byte{0xbe, 0xa9, 0x49, 0x43, 0x50, 0xb1, 0xb8}, "text/html; charset=GB18030", 200)
	f.Add([]byte(`{"icp":"京ICP备2021000001号-1"}`), "application/json", 200)
	f.Add([]byte("down"), "", 503)
	known := map[Kind]bool{}
	for _, k := range Kinds() {
		known[k] = true
	}
	fl := &Filing{WebsiteID: 1, Number: "京ICP备2021000001号-1", Entity: "京ICP备2021000001号", Province: "11", GoLive: "2020-01-01",
		Providers: []Provider{{ID: 1, Code: "p", CIDRs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}}}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, contentType string, status int) {
		page := toUTF8(body, contentType)
		o := Observation{Status: status, ContentType: contentType, Body: page,
			Resolved: map[string][]netip.Addr{"example.com": {netip.MustParseAddr("203.0.113.9")}}, Unresolved: map[string]error{}}
		for _, reg := range []*Filing{nil, fl} {
			res, fs := Check(o, reg, now)
			if fs == nil {
				t.Fatal("findings is nil")
			}
			for _, x := range fs {
				if !known[x.Kind] || x.Detail == "" || !utf8.ValidString(x.Detail) {
					t.Fatalf("bad finding %+v", x)
				}
			}
			if len(fs) == 0 && len(res.ICPFilings)+len(res.ICPLicenses)+len(res.OperatingLicenses) == 0 {
				t.Fatalf("compliant without a number: %+v", res)
			}
		}
	})
}

// FuzzParseTarget: any string is either refused with an error or becomes
// an http(s) URL with a host.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"example.com", "https://example.com/a?b", "ftp://x", "http://[::1]:80/", " http:// ", "例子.中国/路径", "http://a@b:c@d/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseTarget(s)
		if err != nil {
			if !strings.Contains(err.Error(), "网址") && !strings.Contains(err.Error(), "仅支持") {
				t.Fatalf("error without its Chinese half: %v", err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			t.Fatalf("%q parsed to %q", s, u)
		}
	})
}
