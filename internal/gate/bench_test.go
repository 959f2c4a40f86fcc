package gate

import (
	"bytes"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/beian/beian/internal/gate/gatetest"
)

// benchSet builds the 1M-domain set of the nginx comparison once per run.
var benchSet = sync.OnceValue(func() *Set {
	b := NewBuilder(1_000_000)
	for i := range 1_000_000 {
		if err := b.Add(gatetest.Domain(i), gatetest.Number(i), StatusApproved); err != nil {
			panic(err)
		}
	}
	return b.Build(0)
})

// benchHosts returns the first distinct hosts of the request mix over n
// domains, back to back in one buffer, as an event loop finds them in its
// read buffers. One string allocated per host would land wherever the
// heap had room, next to each other in a fresh process but scattered after
// other benchmarks had run, and cost a cache miss of its own per decision
// that depended on which benchmarks ran before (mix-300k/batch-32: 10 M/s
// after the others, 12 M/s alone); a server's hosts are fresh from read.
func benchHosts(n, distinct int) []string {
	var buf []byte
	ends := make([]int, distinct)
	for i := range ends {
		h, _, _ := gatetest.Request(i, n)
		buf = append(buf, h...)
		ends[i] = len(buf)
	}
	all := string(buf)
	hosts := make([]string, distinct)
	start := 0
	for i, end := range ends {
		hosts[i], start = all[start:end], end
	}
	return hosts
}

// lookupCases are the host mixes of BenchmarkLookup and BenchmarkLookupBatch,
// all from the benchmark's request mix over the 1M set: "uniform" draws from
// 1M distinct hosts (a cache miss nearly every time), "mix-300k" cycles over
// the 300,000 hosts that bench/gate replays against nginx (mostly cache
// misses too), "hot" cycles over 4096 hosts, as real edge traffic
// concentrates on few sites, and "cached" over 64 hosts whose entries stay in
// the CPU caches (the cost of the code alone).
var lookupCases = []struct {
	name     string
	distinct int
}{{"uniform-1M", 1 << 20}, {"mix-300k", 300_000}, {"hot-4096", 4096}, {"cached-64", 64}}

// reportDecisions reports n decisions since cpu0 per second and per
// decision, and fails unless about two thirds were allowed, as the mix has it.
func reportDecisions(b *testing.B, n, allowed, distinct int, cpu0 time.Duration) {
	if d := cpuTime() - cpu0; d > 0 && n > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(n), "cpu-ns/decision")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/decision")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Mdecisions/s")
	if n > 3*distinct && (allowed < n/2 || allowed > n*3/4) {
		b.Fatalf("allowed %d of %d, want about two thirds", allowed, n)
	}
}

// BenchmarkLookup decides one host at a time over lookupCases.
func BenchmarkLookup(b *testing.B) {
	s := benchSet()
	for _, c := range lookupCases {
		hosts := benchHosts(1_000_000, c.distinct)
		b.Run(c.name, func(b *testing.B) {
			allowed := 0
			b.ReportAllocs()
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				if i == len(hosts) {
					i = 0
				}
				if s.Lookup(hosts[i]).Allowed() {
					allowed++
				}
			}
			reportDecisions(b, b.N, allowed, c.distinct, cpu0)
		})
	}
}

// BenchmarkLookupBatch is BenchmarkLookup with the hosts decided by
// LookupBatch, batch hosts at a time (the event loop's requests of one
// wake-up): the cache misses of several hosts then overlap. Each case is run
// with batches of 4 to 32 hosts; ns/op is per batch, ns/decision and
// cpu-ns/decision per host.
func BenchmarkLookupBatch(b *testing.B) {
	s := benchSet()
	for _, c := range lookupCases {
		hosts := benchHosts(1_000_000, c.distinct)
		for _, batch := range []int{4, 8, 16, 32} {
			out := make([]Decision, batch)
			b.Run(fmt.Sprintf("%s/batch-%d", c.name, batch), func(b *testing.B) {
				allowed, n := 0, 0
				b.ReportAllocs()
				cpu0 := cpuTime()
				for i := 0; b.Loop(); i += batch {
					if i+batch > len(hosts) {
						i = 0
					}
					s.LookupBatch(hosts[i:i+batch], out)
					// Only the status is read: a Decision copied whole
					// right after it was written field by field would cost
					// the loop a store-forwarding stall per decision.
					for j := range out {
						if out[j].Status == StatusApproved {
							allowed++
						}
					}
					n += batch
				}
				reportDecisions(b, n, allowed, c.distinct, cpu0)
			})
		}
	}
}

// BenchmarkLoadHosts measures parsing and building the 1M-line hosts file.
func BenchmarkLoadHosts(b *testing.B) {
	var buf bytes.Buffer
	for i := range 1_000_000 {
		fmt.Fprintf(&buf, "%s\t%s\n", gatetest.Domain(i), gatetest.Number(i))
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		s, err := ParseHosts(data)
		if err != nil || s.Len() != 1_000_000 {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.Bytes())/1e6, "set-MB")
	}
	reportCPU(b, cpu0)
}

// cpuTime is the process's user+system CPU time. On a machine shared with
// other work, CPU time per operation stays meaningful when wall time does
// not; with -cpu=1 it is the one core's time plus the collector's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	if d := cpuTime() - since; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
