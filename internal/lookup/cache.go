package lookup

import (
	"sync"
	"sync/atomic"
	"time"
)

// entry is one cached answer: the exact bytes of a 200 response and their
// strong ETag, with the header values pre-built so a hit allocates nothing.
type entry struct {
	body   []byte
	etag   []string // one quoted value, ready for the header map
	length []string // Content-Length
}

// entryOverhead approximates the bytes an entry costs beyond its key and
// body: the struct, slice headers, the ETag and length strings and the two
// map slots it may occupy.
const entryOverhead = 160

func (e *entry) size(key string) int { return len(key) + len(e.body) + entryOverhead }

// cache is a two-generation cache bounded in bytes. New entries go to the
// current generation; when it holds half the budget it becomes the old one
// and the previous old one is dropped whole. A hit in the old generation
// moves the entry back to the current one, so what is asked for often
// survives rotations and what is not ages out: LRU-like behaviour with O(1)
// work and no per-entry list. Memory stays under the budget (two halves).
//
// Clear empties it and bumps the epoch; put refuses entries computed under
// an earlier epoch, so an answer read from the database before a change
// cannot be stored after the cache was cleared for that change.
type cache struct {
	mu       sync.Mutex
	half     int // bytes per generation
	cur, old map[string]*entry
	curBytes int
	oldBytes int
	epoch    uint64

	hits, misses atomic.Int64
}

func newCache(budget int) *cache {
	return &cache{half: budget / 2, cur: map[string]*entry{}, old: map[string]*entry{}}
}

// get returns the entry for key and the epoch at the time of the call (to
// pass to put after a miss).
func (c *cache) get(key string) (*entry, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cur[key]; ok {
		c.hits.Add(1)
		return e, c.epoch
	}
	if e, ok := c.old[key]; ok {
		delete(c.old, key)
		c.oldBytes -= e.size(key)
		c.insert(key, e)
		c.hits.Add(1)
		return e, c.epoch
	}
	c.misses.Add(1)
	return nil, c.epoch
}

// put stores e under key unless the cache was cleared since epoch or the
// entry alone exceeds a generation.
func (c *cache) put(epoch uint64, key string, e *entry) {
	if e.size(key) > c.half {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return
	}
	if old, ok := c.cur[key]; ok { // two misses of one key raced
		c.curBytes -= old.size(key)
		delete(c.cur, key)
	}
	if old, ok := c.old[key]; ok {
		c.oldBytes -= old.size(key)
		delete(c.old, key)
	}
	c.insert(key, e)
}

// insert adds to the current generation, rotating first when it is full.
func (c *cache) insert(key string, e *entry) {
	n := e.size(key)
	if c.curBytes+n > c.half {
		c.old, c.oldBytes = c.cur, c.curBytes
		c.cur, c.curBytes = make(map[string]*entry, len(c.old)), 0
	}
	c.cur[key] = e
	c.curBytes += n
}

// clear drops every entry.
func (c *cache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.cur, c.old = map[string]*entry{}, map[string]*entry{}
	c.curBytes, c.oldBytes = 0, 0
}

// Stats is a snapshot of the cache for metrics and benchmarks.
type Stats struct {
	Hits, Misses int64 // lookups answered from the cache, and not
	Entries      int   // answers held
	Bytes        int   // their approximate size
	Clears       uint64

	IndexRows  int           // rows in the in-memory index; 0 while there is none
	IndexBytes int           // its approximate size
	IndexBuild time.Duration // how long its last build took

	LoopAnswers int64 // lookups Serve's event loop answered (the rest: net/http)
}

func (c *cache) stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Entries: len(c.cur) + len(c.old),
		Bytes: c.curBytes + c.oldBytes, Clears: c.epoch}
}
