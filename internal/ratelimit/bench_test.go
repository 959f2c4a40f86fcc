package ratelimit

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLimiterAllow measures one Allow on the real clock: over 10 000
// keys in parallel (a lookup endpoint under many clients), on one hot key
// in parallel (one client flooding), and with the key table full so that
// every call of a new key evicts one (an attacker spreading over addresses).
func BenchmarkLimiterAllow(b *testing.B) {
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = fmt.Sprint("ip:10.", i/65536, ".", i/256%256, ".", i%256)
	}
	b.Run("10k-keys-parallel", func(b *testing.B) {
		l, _ := NewLimiter(Limit{Name: "b", Rate: Rate{Events: 100, Per: time.Second}})
		var seq atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := seq.Add(7919)
			for pb.Next() {
				i++
				l.Allow(keys[i%uint64(len(keys))])
			}
		})
	})
	b.Run("hot-key-parallel", func(b *testing.B) {
		l, _ := NewLimiter(Limit{Name: "b", Rate: Rate{Events: 100, Per: time.Second}})
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow("ip:192.0.2.1")
			}
		})
	})
	b.Run("full-table-evicting", func(b *testing.B) {
		l, _ := NewLimiter(Limit{Name: "b", Rate: Rate{Events: 1, Per: time.Hour}, MaxKeys: 1000})
		for i := 0; b.Loop(); i++ {
			l.Allow(keys[i%len(keys)])
		}
		b.ReportMetric(float64(l.Stats().Evicted)/float64(b.N), "evictions/op")
	})
}

// BenchmarkLimiterMemory reports the heap kept per key at DefaultMaxKeys.
func BenchmarkLimiterMemory(b *testing.B) {
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l, _ := NewLimiter(Limit{Name: "b", Rate: Rate{Events: 1, Per: time.Hour}})
		for i := range DefaultMaxKeys {
			l.Allow(fmt.Sprint("ip:2001:db8:", i/65536, ":", i%65536, "::/64"))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(l.Stats().Keys), "bytes/key")
		runtime.KeepAlive(l)
	}
}

func BenchmarkLoginGuard(b *testing.B) {
	g, _ := NewLoginGuard(DefaultLogin())
	for i := 0; b.Loop(); i++ {
		acct, ip := fmt.Sprint("u", i%5000, "@example.cn"), fmt.Sprint("ip:10.0.", i%200)
		if g.Check(acct, ip).Allowed {
			g.Fail(acct, ip)
		}
	}
}

func BenchmarkSlots(b *testing.B) {
	s, _ := NewSlots(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.Do(func() {})
		}
	})
}
