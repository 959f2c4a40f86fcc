package ratelimit

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestSlotsRefuseAtOnce(t *testing.T) {
	s, err := NewSlots(2)
	if err != nil {
		t.Fatal(err)
	}
	r1, ok1 := s.TryAcquire()
	r2, ok2 := s.TryAcquire()
	if !ok1 || !ok2 || s.InUse() != 2 {
		t.Fatalf("two slots: %v %v, in use %d", ok1, ok2, s.InUse())
	}
	if _, ok := s.TryAcquire(); ok {
		t.Fatal("third acquired")
	}
	if s.Do(func() { t.Fatal("ran without a slot") }) {
		t.Fatal("Do reported running")
	}
	r1()
	r1() // a second release gives nothing back twice
	if s.InUse() != 1 {
		t.Fatalf("in use %d after one release (called twice), want 1", s.InUse())
	}
	ran := false
	if !s.Do(func() { ran = true }) || !ran || s.InUse() != 1 {
		t.Fatalf("Do with a free slot: ran %v, in use %d", ran, s.InUse())
	}
	r2()
	if s.InUse() != 0 || s.Refused() != 2 {
		t.Fatalf("in use %d, refused %d", s.InUse(), s.Refused())
	}
	if _, err := NewSlots(0); err == nil {
		t.Fatal("NewSlots(0) accepted")
	}
}

func TestSlotsBoundConcurrency(t *testing.T) {
	s, _ := NewSlots(4)
	var running, peak, done, refused atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			<-start
			for range 200 {
				if !s.Do(func() {
					n := running.Add(1)
					for {
						p := peak.Load()
						if n <= p || peak.CompareAndSwap(p, n) {
							break
						}
					}
					running.Add(-1)
					done.Add(1)
				}) {
					refused.Add(1)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if peak.Load() > 4 || done.Load()+refused.Load() != 64*200 || uint64(refused.Load()) != s.Refused() || s.InUse() != 0 {
		t.Fatalf("peak %d, done %d, refused %d (counted %d), in use %d", peak.Load(), done.Load(), refused.Load(), s.Refused(), s.InUse())
	}
}
