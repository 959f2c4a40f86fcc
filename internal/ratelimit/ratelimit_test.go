package ratelimit

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beian/beian/internal/fault"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newLimiter(t testing.TB, clk *fakeClock, events int, per time.Duration, burst, maxKeys int) *Limiter {
	t.Helper()
	l, err := NewLimiter(Limit{Name: "test", Rate: Rate{Events: events, Per: per, Burst: burst}, MaxKeys: maxKeys, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLimiterBurstThenRate(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 5, time.Minute, 0, 0) // one every 12 s, burst 5
	for i := range 5 {
		d := l.Allow("ip:192.0.2.1")
		if !d.Allowed || d.Remaining != 4-i || d.Limit != "test" {
			t.Fatalf("attempt %d = %+v; want allowed with %d remaining", i+1, d, 4-i)
		}
	}
	d := l.Allow("ip:192.0.2.1")
	if d.Allowed || d.RetryAfter != 12*time.Second {
		t.Fatalf("6th attempt = %+v; want refused for 12 s", d)
	}
	// Refusals are not counted: hammering does not push the wait back.
	for range 100 {
		l.Allow("ip:192.0.2.1")
	}
	clk.Advance(11 * time.Second)
	if d := l.Allow("ip:192.0.2.1"); d.Allowed || d.RetryAfter != time.Second {
		t.Fatalf("after 11 s = %+v; want refused for 1 s", d)
	}
	clk.Advance(time.Second)
	if d := l.Allow("ip:192.0.2.1"); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("after 12 s = %+v; want one allowed, none remaining", d)
	}
	// Another key has its own bucket.
	if d := l.Allow("ip:192.0.2.2"); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("other key = %+v", d)
	}
	if s := l.Stats(); s.Refused != 102 || s.Keys != 2 || s.Evicted != 0 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestLimiterSteadyRate(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 5, time.Minute, 0, 0)
	allowed := 0
	for range 600 { // every 100 ms for a minute
		if l.Allow("k").Allowed {
			allowed++
		}
		clk.Advance(100 * time.Millisecond)
	}
	// The burst of 5 at once, then at 12, 24, 36 and 48 s.
	if allowed != 9 {
		t.Fatalf("allowed %d in a minute, want 9", allowed)
	}
	// An hour of it: 5 + 3600/12 - 1.
	for range 36000 - 600 {
		if l.Allow("k").Allowed {
			allowed++
		}
		clk.Advance(100 * time.Millisecond)
	}
	if allowed != 304 {
		t.Fatalf("allowed %d in an hour, want 304", allowed)
	}
}

func TestLimiterBurstOne(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 1, time.Second, 1, 0)
	if !l.Allow("k").Allowed || l.Allow("k").Allowed {
		t.Fatal("burst 1: want one allowed, then refused")
	}
	clk.Advance(time.Second)
	if !l.Allow("k").Allowed {
		t.Fatal("burst 1: refused after the interval")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 10, time.Second, 0, 100)
	for i := range 50 {
		l.Allow(fmt.Sprint("k", i))
	}
	if n := l.Stats().Keys; n != 50 {
		t.Fatalf("keys = %d, want 50", n)
	}
	// One interval later every bucket is full again: each key is worth
	// nothing and the next touch of the shard drops them.
	clk.Advance(100 * time.Millisecond)
	l.Allow("new")
	if s := l.Stats(); s.Keys != 1 || s.Evicted != 0 {
		t.Fatalf("after idling: %+v; want only the new key", s)
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 1, time.Hour, 3, 1000)
	for i := range 100_000 {
		l.Allow(fmt.Sprint("ip:", i))
	}
	s := l.Stats()
	if bound := 1000 + len(l.keys.shards); s.Keys > bound || s.Keys < 1000-len(l.keys.shards) {
		t.Fatalf("keys = %d after 100 000 distinct, want about 1 000 (at most %d)", s.Keys, bound)
	}
	if s.Evicted < 98_000 {
		t.Fatalf("evicted = %d", s.Evicted)
	}
}

// When full, the key given up is the one closest to a full bucket: its
// loss frees it the least.
func TestLimiterEvictsNearestToFull(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 1, time.Minute, 5, 3) // one shard of 3
	use := func(key string, n int) {
		for range n {
			if !l.Allow(key).Allowed {
				t.Fatalf("%s refused", key)
			}
		}
	}
	use("heavy", 4)
	use("light", 1)
	use("middle", 2)
	use("newcomer", 1) // evicts light
	if d := l.Allow("heavy"); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("heavy kept its state? %+v", d)
	}
	// light comes back with a fresh bucket, evicting newcomer (1 used),
	// now the nearest to full.
	if d := l.Allow("light"); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("light after eviction = %+v; want a fresh bucket", d)
	}
	if s := l.Stats(); s.Keys != 3 || s.Evicted != 2 {
		t.Fatalf("Stats = %+v; want 3 keys, 2 evicted", s)
	}
}

func TestLimiterReset(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 1, time.Hour, 1, 0)
	l.Allow("k")
	if l.Allow("k").Allowed {
		t.Fatal("second allowed")
	}
	l.Reset("k")
	if !l.Allow("k").Allowed {
		t.Fatal("refused after Reset")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 100, time.Hour, 100, 0)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 1000 {
				if l.Allow("shared").Allowed {
					allowed.Add(1)
				}
				l.Allow(fmt.Sprint("own", g, ":", i%10))
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 100 {
		t.Fatalf("allowed %d of 16 000 on one key with a frozen clock, want exactly the burst of 100", allowed.Load())
	}
}

func TestNewLimiterRefuses(t *testing.T) {
	for _, tc := range []struct {
		l    Limit
		want string
	}{
		{Limit{Rate: Rate{Events: 1, Per: time.Second}}, "Name"},
		{Limit{Name: "x", Rate: Rate{Events: 0, Per: time.Second}}, "Rate.Events"},
		{Limit{Name: "x", Rate: Rate{Events: 1}}, "Rate.Per"},
		{Limit{Name: "x", Rate: Rate{Events: 1, Per: time.Second, Burst: -1}}, "Rate.Burst"},
		{Limit{Name: "x", Rate: Rate{Events: 1, Per: time.Second}, MaxKeys: -1}, "MaxKeys"},
		{Limit{Name: "x", Rate: Rate{Events: 10, Per: time.Nanosecond}}, "nanosecond"},
		{Limit{Name: "x", Rate: Rate{Events: 1, Per: time.Hour, Burst: 1 << 40}}, "overflows"},
	} {
		if _, err := NewLimiter(tc.l); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewLimiter(%+v) = %v; want an error naming %s", tc.l, err, tc.want)
		}
	}
}

func TestDecisionErr(t *testing.T) {
	if err := (Decision{Allowed: true}).Err(); err != nil {
		t.Fatalf("allowed decision's Err = %v", err)
	}
	err := Decision{RetryAfter: 1500 * time.Millisecond, Limit: "signup"}.Err()
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.RateLimited || e.Code != "signup.rate_limited" || e.RetryAfterSeconds != 2 ||
		!strings.Contains(e.Message, "2 s") || !strings.Contains(e.Message, "2秒") {
		t.Fatalf("Err = %#v", err)
	}
	for d, want := range map[time.Duration]int{0: 1, time.Nanosecond: 1, time.Second: 1, time.Second + 1: 2, 1e6 * time.Hour: 1<<31 - 1} {
		if got := RetryAfterSeconds(d); got != want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", d, got, want)
		}
	}
	if e, ok := fault.As(Busy()); !ok || e.Kind != fault.RateLimited || e.RetryAfterSeconds != 1 {
		t.Fatalf("Busy = %#v", Busy())
	}
}

// TestLimiterSurvivesClockGoingBack: after the clock steps back a day, a
// key that was at its limit is allowed again at once instead of being
// refused for a day, and is limited normally from there.
func TestLimiterSurvivesClockGoingBack(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(t, clk, 2, time.Hour, 2, 0)
	for i := 0; i < 2; i++ {
		if !l.Allow("k").Allowed {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow("k").Allowed {
		t.Fatal("third attempt within the burst allowed")
	}
	clk.Advance(-24 * time.Hour)
	if d := l.Allow("k"); !d.Allowed {
		t.Fatalf("after the clock went back a day: refused for %v", d.RetryAfter)
	}
	l.Allow("k")
	if l.Allow("k").Allowed {
		t.Error("the limit no longer applies after the clock step")
	}
}
