// Package ratelimit holds the server's answers to abuse: a per-key rate
// limiter (sign-ups, SMS tries and public lookups per client address), an
// exponential login backoff per account and per address, and a gate on the
// expensive password hashes that answers "busy" at once instead of queueing.
// Everything is in memory with a bound on the keys kept, takes its clock
// from the caller, and is safe for concurrent use. It is per process: behind
// a load balancer each instance limits on its own, which bounds an attacker
// to N times the limit, not to none.
package ratelimit

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// DefaultMaxKeys is the key bound when a Config gives none: about 100 bytes
// a key, so some 10 MB at most.
const DefaultMaxKeys = 100_000

// clock turns the caller's wall clock into int64 nanoseconds since the
// limiter was made. time.Time.Sub uses the monotonic reading when both
// times carry one, so a stepped system clock neither frees nor locks anyone.
type clock struct {
	now   func() time.Time
	epoch time.Time
}

func newClock(now func() time.Time) clock {
	if now == nil {
		now = time.Now
	}
	return clock{now: now, epoch: now()}
}

func (c clock) nanos() int64 { return int64(c.now().Sub(c.epoch)) }

// Rate is Events per Per with bursts of up to Burst at once: 5 per minute,
// burst 5, lets five through together and then one every 12 seconds.
type Rate struct {
	Events int
	Per    time.Duration
	// Burst is how many may come at once; 0 means Events.
	Burst int
}

// Limit is the configuration of a Limiter.
type Limit struct {
	// Name identifies the limit in errors and metrics ("signup", "lookup").
	Name string
	Rate Rate
	// MaxKeys bounds the keys kept; 0 means DefaultMaxKeys. When the bound
	// is reached the key nearest to its full burst again is forgotten.
	MaxKeys int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limiter is a rate limiter per key with the generic cell rate algorithm
// (GCRA, ITU-T I.371; https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm),
// a token bucket that keeps one number per key — the theoretical arrival
// time (TAT) of the next event — instead of a count and a refill time.
// A key whose TAT has passed is exactly a fresh key, so forgetting it loses
// nothing: that is what makes the memory bound free of false refusals as
// long as the active keys fit.
type Limiter struct {
	name     string
	interval int64 // nanoseconds between events at the steady rate
	tau      int64 // burst tolerance: (Burst-1) intervals
	clock    clock
	keys     *table[int64]
	refused  atomic.Uint64
}

// NewLimiter checks l and returns its Limiter.
func NewLimiter(l Limit) (*Limiter, error) {
	r := l.Rate
	if r.Burst == 0 {
		r.Burst = r.Events
	}
	switch {
	case l.Name == "":
		return nil, errors.New("ratelimit: Limit.Name is empty")
	case r.Events < 1:
		return nil, fmt.Errorf("ratelimit %s: Rate.Events is %d, want at least 1", l.Name, r.Events)
	case r.Per <= 0:
		return nil, fmt.Errorf("ratelimit %s: Rate.Per is %v, want a positive duration", l.Name, r.Per)
	case r.Burst < 1:
		return nil, fmt.Errorf("ratelimit %s: Rate.Burst is %d, want at least 1", l.Name, r.Burst)
	case l.MaxKeys < 0:
		return nil, fmt.Errorf("ratelimit %s: MaxKeys is %d, want 0 (default) or more", l.Name, l.MaxKeys)
	}
	interval := int64(r.Per) / int64(r.Events)
	if interval < 1 {
		return nil, fmt.Errorf("ratelimit %s: %d events per %v is more than one a nanosecond", l.Name, r.Events, r.Per)
	}
	if int64(r.Burst-1) > math.MaxInt64/interval {
		return nil, fmt.Errorf("ratelimit %s: Rate.Burst %d overflows", l.Name, r.Burst)
	}
	if l.MaxKeys == 0 {
		l.MaxKeys = DefaultMaxKeys
	}
	return &Limiter{name: l.Name, interval: interval, tau: int64(r.Burst-1) * interval,
		clock: newClock(l.Now), keys: newTable[int64](l.MaxKeys)}, nil
}

// Decision is the answer to one attempt.
type Decision struct {
	// Allowed is false when the attempt must be refused.
	Allowed bool
	// RetryAfter is, when refused, how long until an attempt is allowed.
	RetryAfter time.Duration
	// Remaining is, when allowed, how many more attempts would be allowed
	// right now.
	Remaining int
	// Limit names the limit that decided ("signup", "login.account").
	Limit string
}

// Allow counts one event for key and says whether it is within the rate.
// A refused event is not counted, so a client that waits RetryAfter is let
// through, however many times it was refused meanwhile.
func (l *Limiter) Allow(key string) Decision {
	now := l.clock.nanos()
	d := Decision{Limit: l.name}
	l.keys.update(key, now, func(tat *int64, fresh bool) (int64, bool) {
		t := *tat
		// A stored time more than one interval beyond the burst window can
		// only come from a clock that went back (an NTP step, a VM
		// restore): start the key afresh rather than refuse it until the
		// clock has caught up.
		if fresh || t < now || t-now > l.tau+l.interval {
			t = now
		}
		if t-now > l.tau {
			d.RetryAfter = time.Duration(t - l.tau - now)
			return *tat, true
		}
		t += l.interval
		*tat = t
		d.Allowed = true
		if room := l.tau - (t - now); room >= 0 {
			d.Remaining = int(room/l.interval) + 1
		}
		return t, true
	})
	if !d.Allowed {
		l.refused.Add(1)
	}
	return d
}

// Reset forgets key, e.g. once a person has proved who they are.
func (l *Limiter) Reset(key string) { l.keys.delete(key) }

// Stats are a Limiter's counters, for /metrics.
type Stats struct {
	Keys    int
	Refused uint64
	// Evicted counts keys forgotten before they expired because MaxKeys
	// was reached: more than a few means the bound is too low, or that an
	// attacker spreads over many keys.
	Evicted uint64
}

// Stats returns the current counters.
func (l *Limiter) Stats() Stats {
	return Stats{Keys: l.keys.len(), Refused: l.refused.Load(), Evicted: l.keys.evicted.Load()}
}
