package scan

import (
	"context"
	"sync"
	"time"
)

// pacer is the per-host politeness of the scanner: at most one site of a
// host is scanned at a time (lock), and successive requests to a host,
// redirects included, start at least interval apart (wait). Many filed
// sites share one small server; a scanner must not be what takes it down.
type pacer struct {
	interval time.Duration
	now      func() time.Time

	mu    sync.Mutex
	next  map[string]time.Time     // earliest start of the host's next request
	busy  map[string]chan struct{} // closed when the host's current scan ends
	calls int
}

func newPacer(interval time.Duration) *pacer {
	return &pacer{interval: interval, now: time.Now, next: map[string]time.Time{}, busy: map[string]chan struct{}{}}
}

// wait blocks until host may get its next request, or ctx ends.
func (p *pacer) wait(ctx context.Context, host string) error {
	if p.interval <= 0 {
		return nil
	}
	p.mu.Lock()
	now := p.now()
	start := p.next[host]
	if start.Before(now) {
		start = now
	}
	p.next[host] = start.Add(p.interval)
	p.calls++
	if p.calls%4096 == 0 { // forget hosts whose turn is long past
		for h, t := range p.next {
			if t.Before(now) {
				delete(p.next, h)
			}
		}
	}
	p.mu.Unlock()
	d := start.Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lock waits until no other scan of host runs and returns the function
// that ends this one.
func (p *pacer) lock(ctx context.Context, host string) (func(), error) {
	for {
		p.mu.Lock()
		ch, held := p.busy[host]
		if !held {
			ch = make(chan struct{})
			p.busy[host] = ch
			p.mu.Unlock()
			return func() {
				p.mu.Lock()
				delete(p.busy, host)
				p.mu.Unlock()
				close(ch)
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
