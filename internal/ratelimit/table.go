package ratelimit

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// table maps keys to per-key state with bounded memory. Every entry carries
// the time after which it is worth nothing (a GCRA bucket refilled, failures
// forgotten); entries are kept in a min-heap on that time per shard, so the
// expired ones are dropped as the clock passes them, and when a shard is
// full the entry closest to expiring is evicted — the one whose loss gives
// its key the least. Shards keep one lock from serialising every request.
//
// Times are int64 nanoseconds on the owner's clock (see clock).
type table[V any] struct {
	seed     maphash.Seed
	shards   []shard[V]
	perShard int
	evicted  atomic.Uint64
}

type shard[V any] struct {
	mu   sync.Mutex
	m    map[string]*entry[V]
	heap []*entry[V]
	_    [40]byte // keep neighbouring shards' locks off one cache line
}

type entry[V any] struct {
	key     string
	expires int64
	idx     int
	v       V
}

// newTable returns a table holding at most about maxKeys entries: the bound
// is split over the shards and rounded up, so it may hold a shard's
// rounding more.
func newTable[V any](maxKeys int) *table[V] {
	n := 1
	for n < 64 && n*256 < maxKeys {
		n *= 2
	}
	t := &table[V]{seed: maphash.MakeSeed(), shards: make([]shard[V], n), perShard: (maxKeys + n - 1) / n}
	for i := range t.shards {
		t.shards[i].m = make(map[string]*entry[V])
	}
	return t
}

func (t *table[V]) shard(key string) *shard[V] {
	return &t.shards[maphash.String(t.seed, key)&uint64(len(t.shards)-1)]
}

// update runs fn on key's state under its shard's lock. fresh is true when
// the key had no live entry (v is then the zero V). fn returns the entry's
// new expiry and whether to keep it; an entry that is not kept (or that
// expires at or before now) is removed, so that a request which changes
// nothing leaves no state behind.
func (t *table[V]) update(key string, now int64, fn func(v *V, fresh bool) (expires int64, keep bool)) {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	e, ok := s.m[key]
	if !ok {
		var zero V
		exp, keep := fn(&zero, true)
		if !keep || exp <= now {
			return
		}
		if len(s.m) >= t.perShard {
			s.remove(s.heap[0])
			t.evicted.Add(1)
		}
		e = &entry[V]{key: key, expires: exp, v: zero}
		s.m[key] = e
		e.idx = len(s.heap)
		s.heap = append(s.heap, e)
		s.up(e.idx)
		return
	}
	exp, keep := fn(&e.v, false)
	if !keep || exp <= now {
		s.remove(e)
		return
	}
	e.expires = exp
	s.fix(e.idx)
}

// peek returns key's live state without changing it.
func (t *table[V]) peek(key string, now int64) (V, bool) {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok && e.expires > now {
		return e.v, true
	}
	var zero V
	return zero, false
}

// delete forgets key.
func (t *table[V]) delete(key string) {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok {
		s.remove(e)
	}
}

// len counts the live and not yet collected entries.
func (t *table[V]) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// expire drops every entry that expired at or before now. Each entry is
// dropped once, so the cost is O(log n) per entry ever inserted.
func (s *shard[V]) expire(now int64) {
	for len(s.heap) > 0 && s.heap[0].expires <= now {
		s.remove(s.heap[0])
	}
}

func (s *shard[V]) remove(e *entry[V]) {
	delete(s.m, e.key)
	last := len(s.heap) - 1
	i := e.idx
	if i != last {
		s.swap(i, last)
	}
	s.heap[last] = nil
	s.heap = s.heap[:last]
	if i != last {
		s.fix(i)
	}
	e.idx = -1
}

func (s *shard[V]) fix(i int) {
	if !s.down(i) {
		s.up(i)
	}
}

func (s *shard[V]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if s.heap[p].expires <= s.heap[i].expires {
			return
		}
		s.swap(i, p)
		i = p
	}
}

// down sifts i down and reports whether it moved.
func (s *shard[V]) down(i int) bool {
	start, n := i, len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && s.heap[r].expires < s.heap[l].expires {
			c = r
		}
		if s.heap[i].expires <= s.heap[c].expires {
			break
		}
		s.swap(i, c)
		i = c
	}
	return i > start
}

func (s *shard[V]) swap(i, j int) {
	s.heap[i], s.heap[j] = s.heap[j], s.heap[i]
	s.heap[i].idx, s.heap[j].idx = i, j
}
