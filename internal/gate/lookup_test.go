package gate

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/hostname"
)

// refLookup is the matcher's specification in a few obvious lines:
// normalise, then try the name and each parent, most specific first.
func refLookup(entries map[string]Entry, host string) Decision {
	name, err := hostname.Normalize(host)
	if err != nil {
		return Decision{}
	}
	var pending Decision
	for suffix := name; ; {
		if e, ok := entries[suffix]; ok {
			if e.Status == StatusApproved {
				return Decision{Status: StatusApproved, Domain: e.Domain, Number: e.Number}
			}
			if pending.Status == StatusSuspended {
				pending = Decision{Status: StatusPending, Domain: e.Domain}
			}
		}
		i := strings.IndexByte(suffix, '.')
		if i < 0 {
			return pending
		}
		suffix = suffix[i+1:]
	}
}

var matcherSeeds = []string{
	"example.com", "www.example.com", "a.b.c.example.com", "badexample.com", "example.com.cn",
	"com.cn", "例子.中国", "WWW.例子.中国", "xn--fsqu00a.xn--fiqs8s", "XN--FSQU00A.xn--fiqs8s",
	"Example.COM.", "example.com:443", "example.com:0443", "example.com:", "example.com:99999",
	"example.com.:80", "example.com:80.", "127.0.0.1", "[::1]:80", "::1", "", ".", "..", "a..b",
	"-a.example.com", "a-.example.com", "ab--cd.example.com", "r3---sn-abc.example.com",
	"example.0x1f", "example.1a", "x.y.123", " example.com", "example.com ", "exa_mple.com",
	"pending.example.cn", "x.pending.example.cn", "x.deep.example.org", "例子。中国",
	strings.Repeat("a", 63) + ".example.com", strings.Repeat("a", 64) + ".example.com",
	strings.Repeat("a.", 125) + "com", strings.Repeat("a.", 126) + "com", "ＥＸＡＭＰＬＥ.com",
	"http://example.com/", "example.com/x", "user@example.com", "xn--.example.com", "xn--a.example.com",
}

func matcherEntries() map[string]Entry {
	m := map[string]Entry{}
	s := testSetEntries()
	for _, e := range s {
		name, _ := hostname.Normalize(e.Domain)
		e.Domain = name
		m[name] = e
	}
	return m
}

// TestMatcherAgreesWithReference runs the seeds through both.
func TestMatcherAgreesWithReference(t *testing.T) {
	s, ref := testSet(t), matcherEntries()
	for _, host := range matcherSeeds {
		t.Run(host, func(t *testing.T) {
			if got, want := s.Lookup(host), refLookup(ref, host); got != want {
				t.Errorf("Lookup(%q) = %+v, reference %+v", host, got, want)
			}
		})
	}
}

// FuzzMatcher compares Set.Lookup with refLookup on any host, over the test
// set plus one domain of the fuzzer's choosing.
func FuzzMatcher(f *testing.F) {
	for _, h := range matcherSeeds {
		f.Add(h, "fuzz.example.net")
	}
	f.Add("a.b.example.net", "B.example.NET.")
	f.Fuzz(func(t *testing.T, host, extra string) {
		ref := matcherEntries()
		b := NewBuilder(0)
		for _, e := range ref {
			if err := b.add(e.Domain, e.Number, e.Status); err != nil {
				t.Fatal(err)
			}
		}
		if name, err := hostname.Normalize(extra); err == nil {
			if _, dup := ref[name]; !dup {
				if err := b.Add(extra, numShare, StatusApproved); err != nil {
					t.Fatalf("Add(%q) normalising to %q: %v", extra, name, err)
				}
				ref[name] = Entry{Domain: name, Number: numShare, Status: StatusApproved}
			}
		}
		s := b.Build(0)
		if got, want := s.Lookup(host), refLookup(ref, host); got != want {
			t.Fatalf("Lookup(%q) = %+v, reference %+v (extra %q)", host, got, want, extra)
		}
	})
}

// FuzzFastPathAgrees checks the fast path's promise: whenever it accepts a
// host, hostname.Normalize accepts it too and gives the same name.
func FuzzFastPathAgrees(f *testing.F) {
	for _, h := range matcherSeeds {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, host string) {
		fast, ok := fastName(host)
		if !ok {
			return
		}
		slow, err := hostname.Normalize(host)
		if err != nil || slow != fast {
			t.Fatalf("fast path %q → %q, hostname.Normalize → %q, %v", host, fast, slow, err)
		}
	})
}

// TestLookupDoesNotAllocate pins the fast path's zero allocations.
func TestLookupDoesNotAllocate(t *testing.T) {
	s := testSet(t)
	for _, host := range []string{"www.example.com", "WWW.EXAMPLE.COM:8443", "unfiled.example.net", "example.com."} {
		if n := testing.AllocsPerRun(100, func() { s.Lookup(host) }); n != 0 {
			t.Errorf("Lookup(%q) allocates %.0f times", host, n)
		}
	}
}

// TestLookupManyLabels checks hosts with more parent suffixes than the fast
// path gathers at once (ten labels or more), with entries deep among them.
func TestLookupManyLabels(t *testing.T) {
	ref := matcherEntries()
	b := NewBuilder(0)
	for _, e := range ref {
		if err := b.add(e.Domain, e.Number, e.Status); err != nil {
			t.Fatal(err)
		}
	}
	deep := map[string]Status{
		"c.d.e.f.g.h.i.j.example.net":     StatusApproved,
		"e.f.g.h.i.j.example.net":         StatusPending,
		"a.b.c.d.e.f.g.h.i.j.k.l.m.n.org": StatusApproved,
		"j.k.l.m.n.org":                   StatusPending,
	}
	for d, st := range deep {
		num := numShare
		if st == StatusPending {
			num = ""
		}
		if err := b.Add(d, num, st); err != nil {
			t.Fatal(err)
		}
		ref[d] = Entry{Domain: d, Number: num, Status: st}
	}
	s := b.Build(0)
	for _, host := range []string{
		"a.b.c.d.e.f.g.h.i.j.example.net", "x.a.b.c.d.e.f.g.h.i.j.example.net", "X.A.B.C.D.E.F.G.H.I.J.Example.NET",
		"b.c.d.e.f.g.h.i.j.example.net", "z.e.f.g.h.i.j.example.net", "q.f.g.h.i.j.example.net",
		"y.a.b.c.d.e.f.g.h.i.j.k.l.m.n.org", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.org:443", "b.c.d.e.f.g.h.i.j.k.l.m.n.org.",
		"p.q.r.s.t.u.v.w.x.y.z.example.com", "P.Q.R.S.T.U.V.W.X.Y.Z.EXAMPLE.COM", "a.b.c.d.e.f.g.h.i.xn--x.example.com",
	} {
		if got, want := s.Lookup(host), refLookup(ref, host); got != want {
			t.Errorf("Lookup(%q) = %+v, reference %+v", host, got, want)
		}
	}
}

// TestLookupEveryAlignment moves label and host boundaries across every
// position of the 8-byte words the fast path reads.
func TestLookupEveryAlignment(t *testing.T) {
	s, ref := testSet(t), matcherEntries()
	for n := 0; n <= 24; n++ {
		p := strings.Repeat("ab3-c", 5)[:n]
		for _, host := range []string{
			p + ".example.com", p + "x.example.com", strings.ToUpper(p) + ".Example.Com", p + ".example.com.:8080",
			p + "example.com", "a." + p + ".example.org", p + ".deep.example.org", p + ".pending.example.cn",
			p + "-.example.com", "-" + p + ".example.com", p + "..example.com", p + ".com", p, p + ".1",
			p + ".xn--" + p + ".example.com", p + "--" + p + ".example.com", p + ".例子.中国",
		} {
			if got, want := s.Lookup(host), refLookup(ref, host); got != want {
				t.Errorf("Lookup(%q) = %+v, reference %+v", host, got, want)
			}
		}
	}
}
