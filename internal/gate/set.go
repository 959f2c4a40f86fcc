package gate

import (
	"encoding/binary"
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
//     30-bit hash tag, a flag (slotDeeper) and the uint32 offset of its
//     entry in keys, so that a miss almost never touches the arena and a
//     hit reads one entry; a few slots are markers for parents of entries
//     that are no entries themselves (see Build and LookupBatch).
//
// A lookup hashes every parent suffix of the host in one pass, a word at a
// time (see hashKey), then loads the home slots of all of them before it
// examines any, so that their cache misses overlap; a hit then costs the
// entry's cache line as well.
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
		for off := range s.offsets() {
			if !yield(s.entryAt(off)) {
				return
			}
		}
	}
}

// offsets yields the arena offset of every entry, in insertion order: the
// one walk over the arena, for All and the Builder.
func (s *Set) offsets() iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		for off := 0; off < len(s.keys); off += entryHeader + int(s.keys[off]) + int(s.keys[off+2]) {
			if !yield(uint32(off)) {
				return
			}
		}
	}
}

// entryAt decodes the entry at off.
func (s *Set) entryAt(off uint32) Entry {
	kl, nl := int(s.keys[off]), int(s.keys[off+2])
	at := int(off) + entryHeader
	return Entry{
		Status: Status(s.keys[off+1]),
		Domain: s.str(s.keys, at, kl),
		Number: s.str(s.keys, at+kl, nl),
	}
}

// str returns b[at:at+n] as a string without copying. It is safe because a
// Set's arenas are never written after Build.
func (s *Set) str(b []byte, at, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&b[at], n)
}

// decision turns the entry offset found by a lookup (offset+1, 0 = none)
// into a Decision. It returns the fields rather than a Decision, and Lookup
// assembles it in its return statement: a Decision is too large for the
// compiler to keep in registers, and one built in memory field by field (a
// byte, then words) and then copied whole stalls on store forwarding. A
// pending entry's number is empty, so the number needs no test of the
// status; small enough to inline.
func (s *Set) decision(off uint32) (Status, string, string) {
	if off == 0 {
		return StatusSuspended, "", ""
	}
	h := s.keys[off-1 : off+entryHeader-1]
	kl, nl := int(h[0]), int(h[2])
	key := s.keys[int(off)-1+entryHeader:]
	return Status(h[1]), unsafe.String(unsafe.SliceData(key), kl), unsafe.String(unsafe.SliceData(key[kl:]), nl)
}

// find looks a lowercase key up, h being hashKey(s.seed, key): the entry
// offset + 1 if it is there, else 0 and the free slot where it belongs. The
// Builder adds with it and the slow path of Lookup probes with it.
func (s *Set) find(h uint64, key string) (off uint32, slot uint64) {
	tag := slotTag(h)
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		sl := s.slots[i]
		if sl == 0 {
			return 0, i
		}
		if sl&tagMask == tag {
			o := uint32(sl)
			if o != markerOff && int(s.keys[o]) == len(key) && string(s.keys[int(o)+entryHeader:int(o)+entryHeader+len(key)]) == key {
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

// The hash of a name is computed over 8-byte words aligned on the name's
// end: the state absorbs the full words from the right, then the fewer than 8
// bytes left at the name's start are mixed in with its length. Every parent
// domain of a host is a suffix of it, so its full words are the host's last
// full words and its hash is the host's state after them plus one final mix
// of the word holding the parent's first bytes: one pass over a host, a word
// at a time, yields every suffix hash, and the builder hashes a key as the
// whole-name suffix of itself. Each step is one 64×64→128-bit multiply with
// the halves folded together (as in wyhash), so a 20-byte host costs three
// dependent multiplies where a byte-wise hash costs twenty. Each result is
// well mixed in every bit: the low bits index the slot table, the high ones
// are its tag.
const (
	hashK0 = 0xa0761d6478bd642f
	hashK1 = 0xe7037ed1a0b428db
	hashK2 = 0x8ebc6af09c88c6e3
	hashK3 = 0x589965cc75374cc3
)

// mum multiplies a and b into 128 bits and folds the halves together.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// hashWord absorbs one full 8-byte word w (little-endian) into the state h.
// The constant's high bits keep w^hashK0 non-zero for every ASCII word.
func hashWord(h, w uint64) uint64 { return mum(w^hashK0, h^hashK1) }

// hashEnd finishes a name of n bytes (n ≤ 255) whose first n%8 bytes, read
// little-endian, are rest (0 when n%8 == 0), from the state h after its
// n/8 full words.
func hashEnd(h, rest uint64, n int) uint64 {
	return mum(rest^uint64(n)<<56^hashK2, h^hashK3)
}

// hashKey is the hash of a whole lowercase name.
func hashKey(seed uint64, k string) uint64 {
	h := seed
	end := len(k)
	for ; end >= 8; end -= 8 {
		h = hashWord(h, le64(k[end-8:end]))
	}
	return hashEnd(h, wordBefore(k, end)>>(64-8*end), len(k))
}

// le64 reads the first 8 bytes of s little-endian: one load (the
// conversion does not copy, as the bytes are neither kept nor changed).
func le64(s string) uint64 { return binary.LittleEndian.Uint64([]byte(s)) }

// wordBefore returns the 8 bytes of s ending at end (0 ≤ end ≤ len(s)),
// little-endian, as if s were preceded by zero bytes: for end < 8 the
// bytes s[:end] fill the top end bytes of the word. It never reads outside
// s.
func wordBefore(s string, end int) uint64 {
	if end >= 8 {
		return le64(s[end-8 : end])
	}
	return wordStart(s, end)
}

// wordStart is wordBefore for end < 8: from a string of 8 bytes or more it
// loads s[:8] and shifts the bytes at or after end out; only a shorter
// string is read byte by byte.
func wordStart(s string, end int) uint64 {
	if len(s) >= 8 {
		return le64(s) << (64 - 8*end)
	}
	var w uint64
	for i := 0; i < end; i++ {
		w |= uint64(s[i]) << (64 - 8*end + 8*i)
	}
	return w
}

// A slot holds, from the top: 30 bits of its key's hash (the tag), the
// slotDeeper flag, the slotUsed bit (so that 0 marks an empty slot), and in
// the low 32 bits the key's entry offset, or markerOff for a marker.
const (
	slotUsed = 1 << 32
	// slotDeeper is set on the slot of a name some entry lies under (an
	// entry's parent domain of two labels or more): a lookup that reaches a
	// name without it need not look at its subdomains.
	slotDeeper = 1 << 33
	// tagMask selects what a probe compares: the tag and slotUsed.
	tagMask = 0xfffffffc<<32 | slotUsed
	// markerOff is the offset of a marker: a name that is no entry but a
	// parent of one, which a lookup must go past (see Builder.Build).
	markerOff = ^uint32(0)
)

// slotTag is the tag part of a slot for the hash h; the low bits of h pick
// the slot, so tag and index are independent bits of the hash.
func slotTag(h uint64) uint64 { return h&(0xfffffffc<<32) | slotUsed }

// slotsFor returns a power-of-two table size that keeps n entries under the
// maximum load.
func slotsFor(n int) int {
	need := n*maxLoadDen/maxLoadNum + 1
	if need < 16 {
		need = 16
	}
	return 1 << bits.Len(uint(need-1))
}
