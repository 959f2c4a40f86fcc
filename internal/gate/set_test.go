package gate

import (
	"errors"
	"strings"
	"testing"

	"github.com/beian/beian/internal/gate/gatetest"
)

const (
	numCom   = "京ICP备2026000001号-1"
	numCN    = "沪ICP备2025012345号-2"
	numIDN   = "粤ICP备2024000777号-1"
	numOrg   = "浙ICP备2023000100号-1"
	numDeep  = "浙ICP备2023000200号-3"
	numShare = "苏ICP备2022000001号-1"
)

// testSet is the allow-list of the matcher tables.
func testSet(t testing.TB) *Set {
	t.Helper()
	b := NewBuilder(0)
	for _, e := range testSetEntries() {
		if err := b.Add(e.Domain, e.Number, e.Status); err != nil {
			t.Fatalf("Add(%q): %v", e.Domain, err)
		}
	}
	return b.Build(7)
}

func testSetEntries() []Entry {
	return []Entry{
		{"example.com", numCom, StatusApproved},
		{"pending.example.com", "", StatusPending},
		{"example.com.cn", numCN, StatusApproved},
		{"例子.中国", numIDN, StatusApproved},
		{"example.org", numOrg, StatusApproved},
		{"deep.example.org", numDeep, StatusApproved},
		{"pending.example.cn", "", StatusPending},
		{"one.example.net", numShare, StatusApproved},
		{"two.example.net", numShare, StatusApproved},
	}
}

func TestLookupTable(t *testing.T) {
	s := testSet(t)
	long := strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." +
		strings.Repeat("d", 60) + "." + strings.Repeat("e", 44) + ".example.com"
	if len(long) < 300 {
		t.Fatalf("long host is %d bytes, want ≥ 300", len(long))
	}
	tests := []struct {
		name, host string
		status     Status
		number     string
		domain     string
	}{
		{"apex", "example.com", StatusApproved, numCom, "example.com"},
		{"subdomain", "www.example.com", StatusApproved, numCom, "example.com"},
		{"deeper subdomain", "a.b.c.example.com", StatusApproved, numCom, "example.com"},
		{"unfiled sibling", "example.net", StatusSuspended, "", ""},
		{"suffix that is not a parent", "badexample.com", StatusSuspended, "", ""},
		{"unfiled subdomain of unfiled", "www.badexample.com", StatusSuspended, "", ""},
		{"bare public suffix", "com", StatusSuspended, "", ""},
		{".com.cn apex", "example.com.cn", StatusApproved, numCN, "example.com.cn"},
		{".com.cn subdomain", "shop.example.com.cn", StatusApproved, numCN, "example.com.cn"},
		{".com.cn sibling", "other.com.cn", StatusSuspended, "", ""},
		{".com.cn suffix itself", "com.cn", StatusSuspended, "", ""},
		{"IDN Unicode", "例子.中国", StatusApproved, numIDN, "xn--fsqu00a.xn--fiqs8s"},
		{"IDN Unicode subdomain", "www.例子.中国", StatusApproved, numIDN, "xn--fsqu00a.xn--fiqs8s"},
		{"IDN A-label", "xn--fsqu00a.xn--fiqs8s", StatusApproved, numIDN, "xn--fsqu00a.xn--fiqs8s"},
		{"IDN A-label uppercase with port", "WWW.XN--FSQU00A.XN--FIQS8S:443", StatusApproved, numIDN, "xn--fsqu00a.xn--fiqs8s"},
		{"uppercase", "WWW.Example.COM", StatusApproved, numCom, "example.com"},
		{"trailing dot", "example.com.", StatusApproved, numCom, "example.com"},
		{"port", "example.com:8443", StatusApproved, numCom, "example.com"},
		{"uppercase, dot and port", "Shop.EXAMPLE.com.:80", StatusApproved, numCom, "example.com"},
		{"IPv4 literal", "127.0.0.1", StatusSuspended, "", ""},
		{"IPv4 literal with port", "10.1.2.3:80", StatusSuspended, "", ""},
		{"IPv6 literal", "[::1]:8080", StatusSuspended, "", ""},
		{"bare IPv6", "::1", StatusSuspended, "", ""},
		{"empty", "", StatusSuspended, "", ""},
		{"only a dot", ".", StatusSuspended, "", ""},
		{"empty label", "www..example.com", StatusSuspended, "", ""},
		{"300-byte host under a filed domain", long, StatusSuspended, "", ""},
		{"pending apex", "pending.example.cn", StatusPending, "", "pending.example.cn"},
		{"pending subdomain", "x.pending.example.cn", StatusPending, "", "pending.example.cn"},
		{"pending entry under an approved parent", "pending.example.com", StatusApproved, numCom, "example.com"},
		{"most specific number wins", "x.deep.example.org", StatusApproved, numDeep, "deep.example.org"},
		{"parent number elsewhere", "y.example.org", StatusApproved, numOrg, "example.org"},
		{"shared number", "two.example.net", StatusApproved, numShare, "two.example.net"},
		{"space inside", "exa mple.com", StatusSuspended, "", ""},
		{"path smuggled", "example.com/x", StatusSuspended, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := s.Lookup(tt.host)
			if d.Status != tt.status || d.Number != tt.number || d.Domain != tt.domain {
				t.Errorf("Lookup(%q) = %v %q %q, want %v %q %q", tt.host, d.Status, d.Domain, d.Number, tt.status, tt.domain, tt.number)
			}
			if d.Allowed() != (tt.status == StatusApproved) {
				t.Errorf("Allowed() = %v for %v", d.Allowed(), d.Status)
			}
		})
	}
}

func TestNilAndEmptySet(t *testing.T) {
	var nilSet *Set
	if d := nilSet.Lookup("example.com"); d.Allowed() {
		t.Error("nil set allowed a host")
	}
	empty := NewBuilder(0).Build(0)
	if d := empty.Lookup("example.com"); d.Allowed() || empty.Len() != 0 {
		t.Error("empty set allowed a host")
	}
}

func TestBuilderAdd(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		wantErr error
	}{
		{"same entry twice is fine", []Entry{{"a.cn", numCom, StatusApproved}, {"A.cn.", numCom, StatusApproved}}, nil},
		{"conflicting number", []Entry{{"a.cn", numCom, StatusApproved}, {"a.cn", numCN, StatusApproved}}, ErrDuplicate},
		{"conflicting status", []Entry{{"a.cn", numCom, StatusApproved}, {"a.cn", "", StatusPending}}, ErrDuplicate},
		{"missing number", []Entry{{"a.cn", "", StatusApproved}}, ErrNumber},
		{"number with a quote", []Entry{{"a.cn", `京ICP备1"号`, StatusApproved}}, ErrNumber},
		{"number with a space", []Entry{{"a.cn", "京ICP备 1号", StatusApproved}}, ErrNumber},
		{"number too long", []Entry{{"a.cn", strings.Repeat("1", 65), StatusApproved}}, ErrNumber},
		{"number not UTF-8", []Entry{{"a.cn", "\xff\xfe", StatusApproved}}, ErrNumber},
		{"wildcard", []Entry{{"*.a.cn", numCom, StatusApproved}}, ErrDomain},
		{"IP literal", []Entry{{"192.0.2.1", numCom, StatusApproved}}, ErrDomain},
		{"single label", []Entry{{"localhost", numCom, StatusApproved}}, ErrDomain},
		{"suspended cannot be added", []Entry{{"a.cn", numCom, StatusSuspended}}, ErrDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder(0)
			var err error
			for _, e := range tt.entries {
				if err = b.Add(e.Domain, e.Number, e.Status); err != nil {
					break
				}
			}
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errorsIs(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestBuilderGrowth adds past several table doublings and checks every entry
// and its number survive, and that All yields them back in order.
func TestBuilderGrowth(t *testing.T) {
	const n = 50000
	b := NewBuilder(0)
	for i := range n {
		if err := b.Add(gatetest.Domain(i), gatetest.Number(i), StatusApproved); err != nil {
			t.Fatal(err)
		}
	}
	s := b.Build(1)
	if s.Len() != n {
		t.Fatalf("Len = %d, want %d", s.Len(), n)
	}
	for i := range n {
		if d := s.Lookup(gatetest.Domain(i)); d.Number != gatetest.Number(i) {
			t.Fatalf("domain %d %s: got %v %q, want %q", i, gatetest.Domain(i), d.Status, d.Number, gatetest.Number(i))
		}
	}
	i := 0
	for e := range s.All() {
		if e.Domain != gatetest.Domain(i) || e.Number != gatetest.Number(i) || e.Status != StatusApproved {
			t.Fatalf("All()[%d] = %+v", i, e)
		}
		i++
	}
	if i != n {
		t.Fatalf("All yielded %d entries, want %d", i, n)
	}
	if s.Bytes() <= 0 {
		t.Error("Bytes() is not positive")
	}
}

// TestRequestMix checks the generator's promise that the benchmark relies on:
// filed kinds are allowed with their domain's number, unfiled ones are not.
func TestRequestMix(t *testing.T) {
	const n = 20000
	b := NewBuilder(n)
	for i := range n {
		if err := b.Add(gatetest.Domain(i), gatetest.Number(i), StatusApproved); err != nil {
			t.Fatal(err)
		}
	}
	s := b.Build(0)
	for i := range 3000 {
		host, kind, dom := gatetest.Request(i, n)
		d := s.Lookup(host)
		if kind == gatetest.Unfiled {
			if d.Allowed() {
				t.Fatalf("unfiled %q allowed", host)
			}
			continue
		}
		if !d.Allowed() || d.Number != gatetest.Number(dom) {
			t.Fatalf("%q: %v %q, want the number of domain %d", host, d.Status, d.Number, dom)
		}
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
