package gate

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/gate/gatetest"
)

// batchSizes are the batch sizes the tests cut their host lists into: below,
// at and above batchGroup, and several groups at once.
var batchSizes = []int{1, 2, 15, 16, 17, 100}

// checkBatch decides hosts with LookupBatch, size hosts at a time, and
// compares every decision with Lookup's.
func checkBatch(t testing.TB, s *Set, hosts []string, size int) {
	t.Helper()
	out := make([]Decision, size+1)
	sentinel := Decision{Status: StatusPending, Domain: "sentinel"}
	for i := 0; i < len(hosts); i += size {
		batch := hosts[i:min(i+size, len(hosts))]
		for j := range out {
			out[j] = sentinel
		}
		s.LookupBatch(batch, out)
		for j, h := range batch {
			if want := s.Lookup(h); out[j] != want {
				t.Fatalf("batch of %d: LookupBatch decided %q as %+v, Lookup as %+v", size, h, out[j], want)
			}
		}
		if out[len(batch)] != sentinel {
			t.Fatalf("batch of %d: LookupBatch wrote past its %d hosts", size, len(batch))
		}
	}
}

// hostVariants returns each host as given, in capitals, with a port, with a
// trailing dot, under deeper subdomains (up to past the fast path's nine
// labels) and as an IDN or invalid variant, so that batches mix fast and
// slow hosts.
func hostVariants(hosts []string) []string {
	var all []string
	for i, h := range hosts {
		all = append(all, h)
		switch i % 8 {
		case 0:
			all = append(all, strings.ToUpper(h))
		case 1:
			all = append(all, h+":443")
		case 2:
			all = append(all, h+".")
		case 3:
			all = append(all, "x.y."+h, "a.b.c.d.e.f.g.h."+h)
		case 4:
			all = append(all, "例子."+h, "xn--fsqu00a."+h)
		case 5:
			all = append(all, h+":", "-"+h, h+"..", "1.2.3.4")
		case 6:
			all = append(all, "Www."+h+".:8080", "")
		}
	}
	return all
}

// tableHosts are the hosts of the lookup table tests.
func tableHosts() []string {
	hosts := append([]string(nil), matcherSeeds...)
	for n := 0; n <= 24; n++ {
		p := strings.Repeat("ab3-c", 5)[:n]
		hosts = append(hosts, p+".example.com", strings.ToUpper(p)+".Example.Com", p+".example.com.:8080",
			"a."+p+".example.org", p+".deep.example.org", p+".pending.example.cn", p+"..example.com",
			p+".xn--"+p+".example.com", p+".例子.中国", "a.b.c.d.e.f.g.h.i.j."+p+".example.org")
	}
	return hosts
}

// TestLookupBatchAgreesOnTables runs the table tests' hosts through both.
func TestLookupBatchAgreesOnTables(t *testing.T) {
	s := testSet(t)
	hosts := hostVariants(tableHosts())
	for _, size := range batchSizes {
		checkBatch(t, s, hosts, size)
	}
	var empty *Set
	checkBatch(t, empty, hosts, 16)
	checkBatch(t, NewBuilder(0).Build(0), hosts, 16)
}

// TestLookupBatchAgreesOnMix runs the benchmark's 300,000-host request mix
// and its variants against the 1M-domain set (100,000 hosts against a
// 100,000-domain set in -short mode).
func TestLookupBatchAgreesOnMix(t *testing.T) {
	var s *Set
	n, distinct := 1_000_000, 300_000
	if testing.Short() {
		n, distinct = 100_000, 100_000
		b := NewBuilder(n)
		for i := range n {
			if err := b.Add(gatetest.Domain(i), gatetest.Number(i), StatusApproved); err != nil {
				t.Fatal(err)
			}
		}
		s = b.Build(0)
	} else {
		s = benchSet()
	}
	hosts := benchHosts(n, distinct)
	variants := hostVariants(hosts[:distinct/10])
	for _, size := range batchSizes {
		checkBatch(t, s, hosts, size)
		checkBatch(t, s, variants, size)
	}
}

// TestLookupBatchTagCollision forges a slot table in which a suffix's home
// slot holds its tag but another key's entry, so that the batch must go on
// probing past a tag match, as Lookup does.
func TestLookupBatchTagCollision(t *testing.T) {
	s := testSet(t)
	forged := *s
	forged.slots = make([]uint64, len(s.slots))
	h := hashKey(s.seed, "example.com")
	decoy, _ := s.find(hashKey(s.seed, "example.org"), "example.org")
	forged.slots[h&s.mask] = slotTag(h) | uint64(decoy-1)
	for e := range s.All() {
		eh := hashKey(s.seed, e.Domain)
		off, _ := s.find(eh, e.Domain)
		i := eh & s.mask
		for forged.slots[i] != 0 {
			i = (i + 1) & s.mask
		}
		forged.slots[i] = slotTag(eh) | uint64(off-1)
	}
	hosts := []string{"example.com", "www.example.com", "WWW.Example.COM", "example.org", "pending.example.com", "x.pending.example.com"}
	for _, host := range hosts {
		if got, want := forged.Lookup(host), s.Lookup(host); got != want {
			t.Errorf("forged Lookup(%q) = %+v, want %+v", host, got, want)
		}
	}
	for _, size := range batchSizes {
		checkBatch(t, &forged, hostVariants(hosts), size)
	}
}

// TestLookupBatchDoesNotAllocate pins the batch's zero allocations on
// fast-path hosts.
func TestLookupBatchDoesNotAllocate(t *testing.T) {
	s := testSet(t)
	var hosts []string
	for range 3 {
		hosts = append(hosts, "www.example.com", "WWW.EXAMPLE.COM:8443", "unfiled.example.net", "example.com.", "a.b.c.d.e.f.g.h.i.j.example.org", "x.pending.example.cn")
	}
	out := make([]Decision, len(hosts))
	if n := testing.AllocsPerRun(100, func() { s.LookupBatch(hosts, out) }); n != 0 {
		t.Errorf("LookupBatch allocates %.0f times", n)
	}
}

// FuzzBatchAgrees decides a batch of any hosts (the lines of hosts) with
// LookupBatch, cut into batches of 1–40, and compares each decision with
// Lookup's, over the test set plus one domain of the fuzzer's choosing.
func FuzzBatchAgrees(f *testing.F) {
	f.Add(strings.Join(matcherSeeds, "\n"), uint8(16), "fuzz.example.net")
	f.Add(strings.Join(tableHosts()[:40], "\n"), uint8(3), "B.example.NET.")
	f.Add("www.example.com\nEXAMPLE.COM:443\n例子.中国\nx.y.z.a.b.c.d.e.f.g.example.org", uint8(1), "e.f.g.example.org")
	f.Fuzz(func(t *testing.T, hosts string, size uint8, extra string) {
		b := NewBuilder(0)
		for _, e := range testSetEntries() {
			if err := b.Add(e.Domain, e.Number, e.Status); err != nil {
				t.Fatal(err)
			}
		}
		_ = b.Add(extra, numShare, StatusApproved) // a duplicate or invalid name is not added
		checkBatch(t, b.Build(0), strings.Split(hosts, "\n"), 1+int(size)%40)
	})
}
