package lookup

import (
	"bytes"
	"hash/maphash"
)

// table is an open-addressing hash table from a key held elsewhere (a
// string of the snapshot's arena) to an int32: 4 bytes a slot, no pointers
// for the garbage collector to scan, one allocation however many keys. The
// key of a value is recomputed through key(v), so the table stores values
// only; linear probing at a load factor of at most one half keeps probe
// runs short.
type table struct {
	slots []int32 // value+1; 0 is an empty slot
	mask  uint64
	seed  maphash.Seed
}

func newTable(n int) table {
	size := 8
	for size < 2*n {
		size <<= 1
	}
	return table{slots: make([]int32, size), mask: uint64(size - 1), seed: maphash.MakeSeed()}
}

// insert adds v under k unless k is present (the first value is kept).
func (t *table) insert(k []byte, v int32, key func(int32) []byte) {
	for i := maphash.Bytes(t.seed, k) & t.mask; ; i = (i + 1) & t.mask {
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
	for i := maphash.String(t.seed, k) & t.mask; ; i = (i + 1) & t.mask {
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
