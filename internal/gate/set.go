package gate

import (
	"iter"
	"math/bits"
	"unsafe"
)

// Status is what the gate knows about a host: the answer of /v1/hosts/{host},
// named as CloudFront's ICPRecordalStatus names it.
type Status uint8

const (
	// StatusSuspended means no valid filing covers the host: it is blocked.
	StatusSuspended Status = iota
	// StatusPending means an application for the host (or a parent) is in
	// progress: it is still blocked, but a CDN can tell its customer why.
	StatusPending
	// StatusApproved means the host or a parent domain has an active filing
	// with access at this provider: it is served.
	StatusApproved
)

// String returns the wire name: APPROVED, PENDING or SUSPENDED.
func (s Status) String() string {
	switch s {
	case StatusApproved:
		return "APPROVED"
	case StatusPending:
		return "PENDING"
	default:
		return "SUSPENDED"
	}
}

// Entry is one domain of the allow-list as a source yields it. Domain covers
// itself and every subdomain; Number is the ICP filing number (required when
// Status is StatusApproved, ignored otherwise).
type Entry struct {
	Domain string
	Number string
	Status Status
}

// Decision is the gate's answer for one host. Domain is the entry that
// decided (the most specific approved one, else the most specific pending
// one); Number is set when Status is StatusApproved. Both strings point into
// the immutable Set and stay valid as long as they are referenced.
type Decision struct {
	Status Status
	Domain string
	Number string
}

// Allowed reports whether the host may be served.
func (d Decision) Allowed() bool { return d.Status == StatusApproved }

// Entry layout in Set.keys: [keyLen u8][status u8][numberLen u8][key][number].
const (
	entryHeader = 3
	// maxLoadNum/maxLoadDen is the highest fill of the slot table (3/4).
	maxLoadNum = 3
	maxLoadDen = 4
)

// Set is an immutable allow-list built for fast, allocation-free lookups of
// millions of domains. Instead of a map[string]string (two string headers and
// two heap objects per domain, plus the map's own overhead) it keeps:
//   - keys: one byte arena holding every entry back to back;
//   - slots: an open-addressing table (linear probing) of uint64, each a
//     31-bit hash tag and the uint32 offset of its entry in keys, so that a
//     miss almost never touches the arena;
//
// The number sits right after its domain, usually in the same cache line, so
// an allowed decision costs no further memory access. Storing each number
// once and pointing to it would save about 12 MB per million domains, but
// that pointer is a dependent cache miss on every allowed request: a third
// of a lookup's time when the set does not fit in the CPU caches.
//
// None of these hold pointers, so the garbage collector never scans them. A
// Set is never modified after Build: readers share it without locks and a
// reload swaps in a new one (see Gate).
type Set struct {
	seed    uint64
	slots   []uint64
	mask    uint64
	keys    []byte
	n       int
	pending int
	// Version is the feed version the set reflects (0 for file and database
	// sources unless the caller sets one).
	Version int64
}

// Len returns the number of entries (approved and pending).
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// Pending returns the number of pending entries.
func (s *Set) Pending() int {
	if s == nil {
		return 0
	}
	return s.pending
}

// Bytes returns the memory the set holds, for the metrics and the benchmark.
func (s *Set) Bytes() int {
	if s == nil {
		return 0
	}
	return cap(s.slots)*8 + cap(s.keys)
}

// sameEntries reports whether s and t share their entries (t being s with
// another version).
func (s *Set) sameEntries(t *Set) bool {
	return s != nil && t != nil && len(s.slots) == len(t.slots) && len(s.slots) > 0 && &s.slots[0] == &t.slots[0]
}

// All yields every entry in insertion order. The strings point into the set.
func (s *Set) All() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		if s == nil {
			return
		}
		for off := 0; off < len(s.keys); {
			e, next := s.entryAt(uint32(off))
			if !yield(e) {
				return
			}
			off = next
		}
	}
}

// entryAt decodes the entry at off and returns the offset of the next one.
func (s *Set) entryAt(off uint32) (Entry, int) {
	kl, nl := int(s.keys[off]), int(s.keys[off+2])
	at := int(off) + entryHeader
	e := Entry{
		Status: Status(s.keys[off+1]),
		Domain: s.str(s.keys, at, kl),
		Number: s.str(s.keys, at+kl, nl),
	}
	return e, at + kl + nl
}

// str returns b[at:at+n] as a string without copying. It is safe because a
// Set's arenas are never written after Build.
func (s *Set) str(b []byte, at, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&b[at], n)
}

// decision turns the entry offsets found by a lookup (offset+1, 0 = none)
// into a Decision.
func (s *Set) decision(approved, pending uint32) Decision {
	var d Decision
	off := approved
	switch {
	case approved != 0:
		d.Status = StatusApproved
	case pending != 0:
		d.Status = StatusPending
		off = pending
	default:
		return d
	}
	at := int(off) - 1 + entryHeader
	kl := int(s.keys[off-1])
	d.Domain = s.str(s.keys, at, kl)
	if d.Status == StatusApproved {
		d.Number = s.str(s.keys, at+kl, int(s.keys[off+1]))
	}
	return d
}

// probe looks the suffix host[start:end] up, h being its hash state from
// hashStep. upper says whether the suffix holds ASCII capitals, which then
// compare case-insensitively against the (lowercase) keys. It returns the
// entry offset + 1, or 0 when absent.
func (s *Set) probe(h uint64, host string, start, end int, upper bool) uint32 {
	h = mix(h)
	tag := h>>32 | 1
	keyLen := end - start
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		sl := s.slots[i]
		if sl == 0 {
			return 0
		}
		if sl>>32 != tag {
			continue
		}
		off := uint32(sl)
		if int(s.keys[off]) != keyLen {
			continue
		}
		k := s.keys[int(off)+entryHeader : int(off)+entryHeader+keyLen]
		if upper {
			if equalFold(k, host[start:end]) {
				return off + 1
			}
		} else if string(k) == host[start:end] {
			return off + 1
		}
	}
}

// find looks a lowercase key up for the Builder: the entry offset + 1 if it
// is there, else 0 and the free slot where it belongs.
func (s *Set) find(h uint64, key string) (off uint32, slot uint64) {
	m := mix(h)
	tag := m>>32 | 1
	for i := m & s.mask; ; i = (i + 1) & s.mask {
		sl := s.slots[i]
		if sl == 0 {
			return 0, i
		}
		if sl>>32 == tag {
			o := uint32(sl)
			if int(s.keys[o]) == len(key) && string(s.keys[int(o)+entryHeader:int(o)+entryHeader+len(key)]) == key {
				return o + 1, i
			}
		}
	}
}

// equalFold compares a lowercase key with an ASCII host that may hold capitals.
func equalFold(k []byte, h string) bool {
	for i := range k {
		c := h[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if k[i] != c {
			return false
		}
	}
	return true
}

// FNV-1a over the host read right to left, so that one pass yields the hash
// state of every parent-domain suffix; mix then spreads each state into an
// index (low bits) and a tag (high bits).
const fnvPrime = 0x100000001b3

func hashStep(h uint64, c byte) uint64 { return (h ^ uint64(c)) * fnvPrime }

func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// hashKey is the hash state of a whole lowercase key.
func hashKey(seed uint64, k string) uint64 {
	h := seed
	for i := len(k) - 1; i >= 0; i-- {
		h = hashStep(h, k[i])
	}
	return h
}

// slotsFor returns a power-of-two table size that keeps n entries under the
// maximum load.
func slotsFor(n int) int {
	need := n*maxLoadDen/maxLoadNum + 1
	if need < 16 {
		need = 16
	}
	return 1 << bits.Len(uint(need-1))
}
