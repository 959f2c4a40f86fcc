package scan_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/scan"
)

// filing is the registry row of the fixture sites.
func filing(mod func(*scan.Filing)) *scan.Filing {
	f := &scan.Filing{WebsiteID: 1, Number: siteNumber, Entity: entityNumber, Province: "11",
		Providers: []scan.Provider{{ID: 1, Code: "loop", CIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}}}
	if mod != nil {
		mod(f)
	}
	return f
}

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestFindingKinds(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(func(o *scan.Options) { o.Now = func() time.Time { return now } })
	live := func(days int) func(*scan.Filing) {
		return func(fl *scan.Filing) { fl.GoLive = now.AddDate(0, 0, -days).Format(time.DateOnly) }
	}
	cases := []struct {
		name   string
		url    string
		filing *scan.Filing
		want   []scan.Kind
		detail string // a word the first finding's detail or evidence holds
	}{
		{"compliant", f.url("ok.test"), nil, nil, ""},
		{"compliant with registry", f.url("ok.test"), filing(live(90)), nil, ""},
		{"compliant over TLS", f.tlsURL("tls.example.com"), nil, nil, ""},
		{"Guangdong shows the entity number", f.url("guangdong.test"), nil, nil, ""},
		{"gzip", f.url("gzip.test"), nil, nil, ""},
		{"GBK page", f.url("gbk.test"), filing(nil), nil, ""},
		{"redirect within the domain", f.url("redir-in.test"), nil, nil, ""},
		{"no number", f.url("missing.test"), nil, []scan.Kind{scan.KindNumberMissing}, ""},
		{"number only in a comment", f.url("comment.test"), nil, []scan.Kind{scan.KindNumberMissing}, "comment"},
		{"entity number outside Guangdong", f.url("entity.test"), nil, []scan.Kind{scan.KindNumberWrong}, entityNumber},
		{"entity number, registry", f.url("entity.test"), filing(nil), []scan.Kind{scan.KindNumberWrong}, entityNumber},
		{"entity number in Guangdong, registry", f.url("guangdong.test"), filing(func(fl *scan.Filing) {
			fl.Number, fl.Entity, fl.Province = "粤ICP备2021000001号-1", "粤ICP备2021000001号", "44"
		}), nil, ""},
		{"another entity's number", f.url("other.test"), filing(nil), []scan.Kind{scan.KindNumberWrong}, "another entity"},
		{"not linked", f.url("unlinked.test"), nil, []scan.Kind{scan.KindLinkMissing}, siteNumber},
		{"linked elsewhere", f.url("elsewhere.test"), nil, []scan.Kind{scan.KindLinkMissing}, "example.com"},
		{"linked to miitbeian.gov.cn", f.url("outdated.test"), nil, []scan.Kind{scan.KindLinkOutdated}, "miitbeian"},
		{"no PSB number 31 days after go-live", f.url("nopsb.test"), filing(live(31)), []scan.Kind{scan.KindPSBMissing}, "due"},
		{"no PSB number 29 days after go-live", f.url("nopsb.test"), filing(live(29)), nil, ""},
		{"no PSB number, go-live unknown", f.url("nopsb.test"), filing(nil), nil, ""},
		{"no PSB number, no registry", f.url("nopsb.test"), nil, nil, ""},
		{"address in range", f.url("access-in.test"), filing(nil), nil, ""},
		{"address out of range", f.url("access-out.test"), filing(nil), []scan.Kind{scan.KindAccess}, "2001:db8::1"},
		{"registry domain out of range", f.url("ok.test"), filing(func(fl *scan.Filing) { fl.Domains = []string{"ok.test", "access-out.test"} }),
			[]scan.Kind{scan.KindAccess}, "access-out.test 2001:db8::1"},
		{"access not checked without ranges", f.url("access-out.test"), filing(func(fl *scan.Filing) { fl.Providers[0].CIDRs = nil }), nil, ""},
		{"HTTP error", f.url("error.test"), nil, []scan.Kind{scan.KindUnreachable}, "503"},
		{"no such host", f.url("nowhere.test"), nil, []scan.Kind{scan.KindUnreachable}, "nowhere.test"},
		{"no such host, registry", f.url("nowhere.test"), filing(nil), []scan.Kind{scan.KindUnreachable, scan.KindAccess}, "nowhere.test"},
		{"redirect out of the domain", f.url("redir-out.test"), nil, []scan.Kind{scan.KindUnreachable}, "ok.test"},
		{"not HTML", f.url("json.test"), nil, []scan.Kind{scan.KindNotHTML}, "application/json"},
		{"bad URL", "ftp://ok.test/", nil, []scan.Kind{scan.KindUnreachable}, "http"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scanOne(t, s, scan.Target{URL: c.url, Filing: c.filing})
			if got := kinds(r); !slices.Equal(got, c.want) {
				t.Fatalf("findings %v, want %v: %+v", got, c.want, r.Findings)
			}
			if c.detail != "" && !strings.Contains(r.Findings[0].Detail+r.Findings[0].Evidence, c.detail) {
				t.Errorf("finding %+v does not mention %q", r.Findings[0], c.detail)
			}
			if r.Findings == nil {
				t.Error("findings is nil; want [] for a compliant site")
			}
			for _, fd := range r.Findings {
				if fd.Detail == "" {
					t.Errorf("finding %s has no detail", fd.Kind)
				}
			}
		})
	}
}

func TestReportFields(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(nil)
	r := scanOne(t, s, scan.Target{URL: f.url("redir-in.test")})
	if r.Status == nil || *r.Status != 200 {
		t.Fatalf("status %v, want 200", r.Status)
	}
	if r.FinalURL != f.url("www.redir-in.test") {
		t.Errorf("final_url %q, want %q", r.FinalURL, f.url("www.redir-in.test"))
	}
	if !slices.Equal(r.Numbers.ICPFilings, []string{siteNumber}) || !slices.Equal(r.Numbers.PSB, []string{psbNumber}) {
		t.Errorf("numbers %+v", r.Numbers)
	}
	gbk := scanOne(t, s, scan.Target{URL: f.url("gbk.test")})
	if !slices.Equal(gbk.Numbers.ICPFilings, []string{siteNumber}) {
		t.Errorf("GBK page: numbers %+v, want %s", gbk.Numbers, siteNumber)
	}
	u := scanOne(t, s, scan.Target{URL: f.url("nowhere.test")})
	if u.Status != nil {
		t.Errorf("unreachable site has status %d, want null", *u.Status)
	}
}

func TestSelfSignedCertificateUntrusted(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(func(o *scan.Options) { o.RootCAs = nil })
	r := scanOne(t, s, scan.Target{URL: f.tlsURL("tls.example.com")})
	if got := kinds(r); !slices.Equal(got, []scan.Kind{scan.KindUnreachable}) || !strings.Contains(r.Findings[0].Evidence, "certificate") {
		t.Fatalf("self-signed certificate: %+v, want unreachable naming the certificate", r.Findings)
	}
}

func TestSlowAndEndlessBodies(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(func(o *scan.Options) { o.Timeout = 500 * time.Millisecond; o.BodyCap = 64 << 10 })
	r := scanOne(t, s, scan.Target{URL: f.url("slow.test")})
	if got := kinds(r); !slices.Equal(got, []scan.Kind{scan.KindUnreachable}) {
		t.Fatalf("slow body: %+v, want unreachable", r.Findings)
	}
	if !strings.Contains(r.Findings[0].Evidence, "deadline") && !strings.Contains(r.Findings[0].Evidence, "timeout") {
		t.Errorf("slow body evidence %q does not say it timed out", r.Findings[0].Evidence)
	}
	e := scanOne(t, s, scan.Target{URL: f.url("endless.test")})
	if got := kinds(e); !slices.Equal(got, []scan.Kind{scan.KindNumberMissing}) || !strings.Contains(e.Findings[0].Evidence, "cap") {
		t.Fatalf("endless body: %+v, want number_missing noting the cap", e.Findings)
	}
}

func TestPrivateAddressesRefused(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(func(o *scan.Options) { o.AllowPrivate = false })
	for _, u := range []string{f.url("private.test"), "http://127.0.0.1:" + port(f.http) + "/", "http://[::1]:" + port(f.http) + "/"} {
		r := scanOne(t, s, scan.Target{URL: u})
		if got := kinds(r); !slices.Equal(got, []scan.Kind{scan.KindUnreachable}) || !strings.Contains(r.Findings[0].Evidence, "refused") {
			t.Errorf("%s: %+v, want unreachable (address refused)", u, r.Findings)
		}
	}
}

func TestScanConcurrentEmitsAll(t *testing.T) {
	f := newFixture(t)
	s := f.scanner(func(o *scan.Options) { o.Concurrency = 4; o.HostInterval = 10 * time.Millisecond })
	var ts []scan.Target
	for _, h := range []string{"ok.test", "missing.test", "ok.test", "unlinked.test", "ok.test"} {
		ts = append(ts, scan.Target{URL: f.url(h)})
	}
	got := map[scan.Kind]int{}
	n := 0
	err := s.Scan(context.Background(), scan.Slice(ts), func(r scan.Report) error {
		n++
		for _, k := range kinds(r) {
			got[k]++
		}
		return nil
	})
	if err != nil || n != len(ts) {
		t.Fatalf("Scan: %d reports, err %v; want %d", n, err, len(ts))
	}
	if got[scan.KindNumberMissing] != 1 || got[scan.KindLinkMissing] != 1 {
		t.Errorf("kinds %v", got)
	}
	stop := errors.New("stop")
	err = s.Scan(context.Background(), scan.Slice(ts), func(scan.Report) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Scan with a failing emit: %v, want %v", err, stop)
	}
}
