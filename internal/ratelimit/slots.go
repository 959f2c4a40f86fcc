package ratelimit

import (
	"fmt"
	"sync/atomic"
)

// Slots bounds how many expensive operations (argon2id password hashes, 64
// MiB each) run at once and refuses the next at once when all are taken.
// A queue would let a flood of sign-ins hold every slot and every waiting
// request, locking all users out for as long as the flood lasts; refusing
// keeps the wait bounded to one hash and tells the client to come back
// (HTTP 429 with Retry-After, see Busy).
type Slots struct {
	free    chan struct{}
	refused atomic.Uint64
}

// NewSlots returns n slots.
func NewSlots(n int) (*Slots, error) {
	if n < 1 {
		return nil, fmt.Errorf("ratelimit: %d slots, want at least 1", n)
	}
	s := &Slots{free: make(chan struct{}, n)}
	for range n {
		s.free <- struct{}{}
	}
	return s, nil
}

// TryAcquire takes a slot if one is free. release gives it back; calling
// it more than once does nothing more, so a deferred release beside an
// early one is harmless.
func (s *Slots) TryAcquire() (release func(), ok bool) {
	select {
	case <-s.free:
	default:
		s.refused.Add(1)
		return nil, false
	}
	var done atomic.Bool
	return func() {
		if done.CompareAndSwap(false, true) {
			s.free <- struct{}{}
		}
	}, true
}

// Do runs fn holding a slot and reports true, or reports false at once
// when none is free.
func (s *Slots) Do(fn func()) bool {
	release, ok := s.TryAcquire()
	if !ok {
		return false
	}
	defer release()
	fn()
	return true
}

// InUse is how many slots are taken.
func (s *Slots) InUse() int { return cap(s.free) - len(s.free) }

// Refused is how many acquisitions found no slot, for /metrics.
func (s *Slots) Refused() uint64 { return s.refused.Load() }
