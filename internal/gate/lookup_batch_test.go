package gate

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/gate/gatetest"
)

// batchSizes are the batch sizes the tests cut their host lists into: below,
// at and above batchGroup, and several groups at once.
var batchSizes = []int{1, 2, batchGroup - 1, batchGroup, batchGroup + 1, 3*batchGroup + 5}

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

// forgeCollision returns a copy of s whose slot table holds decoy in the
// home slot of name, as a slot whose tag matches name's but whose entry is
// another (or a marker): the probe run from there is shifted on by one
// slot, which keeps every key reachable.
func forgeCollision(s *Set, name string, decoy uint64) *Set {
	forged := *s
	forged.slots = append([]uint64(nil), s.slots...)
	h := hashKey(s.seed, name)
	home := h & s.mask
	end := home
	for forged.slots[end] != 0 {
		end = (end + 1) & s.mask
	}
	for i := end; i != home; i = (i - 1) & s.mask {
		forged.slots[i] = forged.slots[(i-1)&s.mask]
	}
	forged.slots[home] = slotTag(h) | decoy
	return &forged
}

// TestLookupBatchTagCollision forges slot tables in which a suffix's home
// slot holds its tag but another key's entry, or a marker, with and
// without slotDeeper, so that the batch must go on probing past a tag
// match as Lookup does, or give the host to Lookup when its walk stopped
// at such a slot.
func TestLookupBatchTagCollision(t *testing.T) {
	s := testSet(t)
	entry := func(name string) uint64 {
		off, _ := s.find(hashKey(s.seed, name), name)
		return uint64(off - 1)
	}
	hosts := []string{"example.com", "www.example.com", "WWW.Example.COM", "example.org", "pending.example.com",
		"x.pending.example.com", "deep.example.org", "a.deep.example.org", "one.example.net", "x.one.example.net", "example.net"}
	for _, name := range []string{"example.com", "pending.example.com", "example.org", "example.net", "one.example.net"} {
		other := entry("example.org")
		if strings.HasSuffix(name, "example.org") {
			other = entry("example.com")
		}
		for _, decoy := range []uint64{other, other | slotDeeper, uint64(markerOff) | slotDeeper} {
			forged := forgeCollision(s, name, decoy)
			for _, host := range hosts {
				if got, want := forged.Lookup(host), s.Lookup(host); got != want {
					t.Errorf("%s decoy %#x: forged Lookup(%q) = %+v, want %+v", name, decoy, host, got, want)
				}
			}
			for _, size := range batchSizes {
				checkBatch(t, forged, hostVariants(hosts), size)
			}
		}
	}
}

// TestBuildMarksParents checks the slots that let LookupBatch stop early:
// every parent of two labels or more of an entry has slotDeeper, on its
// entry's slot or a marker's, and no other slot has it.
func TestBuildMarksParents(t *testing.T) {
	s := testSet(t)
	deeper := map[string]bool{}
	for e := range s.All() {
		labels := strings.Split(e.Domain, ".")
		for k := 1; k+2 <= len(labels); k++ {
			deeper[strings.Join(labels[k:], ".")] = true
		}
	}
	var flagged int
	for _, v := range s.slots {
		if v&slotDeeper != 0 {
			flagged++
		}
	}
	if flagged != len(deeper) {
		t.Errorf("%d slots have slotDeeper, want %d (%v)", flagged, len(deeper), deeper)
	}
	for name := range deeper {
		h := hashKey(s.seed, name)
		i := h & s.mask
		for s.slots[i] != 0 && s.slots[i]&tagMask != slotTag(h) {
			i = (i + 1) & s.mask
		}
		if s.slots[i]&slotDeeper == 0 {
			t.Errorf("%s: slot %#x lacks slotDeeper", name, s.slots[i])
		}
	}
	for _, name := range []string{"example.net", "com.cn"} {
		if !deeper[name] {
			t.Fatalf("the test set no longer makes a marker of %s", name)
		}
		if off, _ := s.find(hashKey(s.seed, name), name); off != 0 {
			t.Errorf("marker %s found as an entry", name)
		}
	}
	if got := s.Len(); got != len(testSetEntries()) {
		t.Errorf("Len() = %d, want %d: markers are no entries", got, len(testSetEntries()))
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
