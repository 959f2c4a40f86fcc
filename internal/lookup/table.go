package lookup

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// table is an open-addressing hash table from a key held elsewhere (a
// string of the snapshot's arena) to an int32: 4 bytes a slot, no pointers
// for the garbage collector to scan, one allocation however many keys. The
// key of a value is recomputed through key(v), so the table stores values
// only; linear probing at a load factor of at most one half keeps probe
// runs short.
//
// The hash is the package's own, seeded with a number kept in the table, so
// that a table written to the snapshot file (persist.go) probes the same
// slots when read back; the seed is random per table, so that nobody can
// choose keys that pile onto one probe run.
type table struct {
	slots []int32 // value+1; 0 is an empty slot
	mask  uint64
	seed  uint64
}

func newTable(n int) table {
	size := 8
	for size < 2*n {
		size <<= 1
	}
	return table{slots: make([]int32, size), mask: uint64(size - 1), seed: new(maphash.Hash).Sum64()}
}

// hashOf is a 64-bit hash of k under seed: 8 bytes a step (multiply,
// rotate, multiply, as xxHash and MurmurHash do) and a final avalanche, so
// that the low bits the table uses depend on every byte.
func hashOf(seed uint64, k []byte) uint64 {
	const m1, m2 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F
	h := seed ^ uint64(len(k))*m1
	for len(k) >= 8 {
		h ^= bits.RotateLeft64(binary.LittleEndian.Uint64(k)*m2, 31) * m1
		h = bits.RotateLeft64(h, 27)*m1 + 0x85EBCA77C2B2AE63
		k = k[8:]
	}
	if len(k) > 0 {
		var w [8]byte
		copy(w[:], k)
		h ^= bits.RotateLeft64(binary.LittleEndian.Uint64(w[:])*m2, 31) * m1
	}
	h ^= h >> 33
	h *= m2
	h ^= h >> 29
	h *= 0x165667B19E3779F9
	return h ^ h>>32
}

// insert adds v under k unless k is present (the first value is kept).
func (t *table) insert(k []byte, v int32, key func(int32) []byte) {
	for i := hashOf(t.seed, k) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			t.slots[i] = v + 1
			return
		}
		if bytes.Equal(key(s-1), k) {
			return
		}
	}
}

// find returns the value under k, or -1.
func (t *table) find(k string, key func(int32) []byte) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	kb := unsafe.Slice(unsafe.StringData(k), len(k)) // read only
	for i := hashOf(t.seed, kb) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return -1
		}
		if string(key(s-1)) == k { // compiled without a copy
			return s - 1
		}
	}
}

func (t *table) bytes() int { return 4 * len(t.slots) }
