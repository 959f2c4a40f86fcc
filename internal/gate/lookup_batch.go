package gate

import "unsafe"

// batchGroup is how many hosts LookupBatch probes together: enough DRAM
// misses in flight to hide most of their latency. On the full request mix
// over 1M domains (BenchmarkLookupBatch, mix-300k), groups of 32 decided
// batches of 32 about 6% faster than groups of 16, and batches of 4 about
// 6% slower (the larger state on the stack is zeroed on every call).
const batchGroup = 32

// LookupBatch decides hosts[i] into out[i], exactly as Lookup would, for
// any number of hosts; out must be at least as long as hosts. It allocates
// nothing.
//
// When the set is much larger than the CPU caches, a lookup is a chain of
// cache misses: a suffix's home slot, then the entry a tag matched. Lookup
// loads the home slots of all of a host's suffixes at once; LookupBatch
// overlaps the misses of several hosts, in groups of batchGroup, and loads
// fewer lines per host. It walks each host's suffixes from the least
// specific ("example.com" of "www.example.com") and stops at the first that
// the set does not hold, or holds with nothing under it: Build marks every
// parent of an entry (slotDeeper), so nothing more specific can match past
// such a suffix. Most hosts are then decided by one slot and, when allowed,
// one entry. The phases:
//  1. each host is validated and its suffixes hashed (walk, as in Lookup),
//     and the cache line of its least specific suffix's home slot is
//     prefetched;
//  2. from a queue, each host's current suffix's slots, by now mostly
//     cached, are examined: the first whose tag matches is noted and its
//     entry's header and key prefetched; when it has slotDeeper the host
//     goes back to the end of the queue with its next suffix, whose home
//     slot is prefetched meanwhile;
//  3. the noted entries are compared with the suffixes and the decisions
//     built, with probe's loop, resumed at the noted slot so that a tag that
//     matched another key goes on probing as Lookup does. A host whose walk
//     stopped at a tag that turns out to be another key's is decided by
//     Lookup.
//
// The hosts' own bytes are not prefetched: the event loop's come fresh
// from read, and the benchmark's lie back to back as in a read buffer. The
// per-host state lives in fixed-size arrays on the stack (about 3.5 KB).
//
// Hosts that the fast path does not vouch for (IDN, odd bytes, more than
// nine labels...) are decided by Lookup in phase 1.
func (s *Set) LookupBatch(hosts []string, out []Decision) {
	out = out[:len(hosts)]
	if s == nil || len(s.slots) == 0 {
		for i, h := range hosts {
			out[i] = s.Lookup(h)
		}
		return
	}
	for len(hosts) > 0 {
		k := min(len(hosts), batchGroup)
		s.lookupGroup(hosts[:k], out[:k])
		hosts, out = hosts[k:], out[k:]
	}
}

// batchState is what lookupGroup keeps of each host of a group between its
// phases, on the stack.
type batchState struct {
	hs [batchGroup][maxBatch]uint64 // hashes of the suffixes, as walk returns them
	ls [batchGroup][maxBatch]uint8  // their lengths
	// at is 1 + the first slot of each suffix's probe sequence whose tag
	// matched, 0 if none did or the walk stopped before the suffix.
	at   [batchGroup][maxBatch]uint32
	nb   [batchGroup]uint8 // the number of suffixes; 0 for a host already decided
	n    [batchGroup]uint8 // the host's length without port and trailing dot
	lvl  [batchGroup]uint8 // the suffix phase 2 examines next
	stop [batchGroup]uint8 // 1 + the suffix whose slot lacked slotDeeper, 0 if none
	fold [batchGroup]bool  // whether the host holds capitals
}

// lookupGroup decides up to batchGroup hosts; see LookupBatch.
func (s *Set) lookupGroup(hosts []string, out []Decision) {
	var st batchState
	slots, mask, keys := s.slots, s.mask, s.keys
	slotBase := uintptr(unsafe.Pointer(unsafe.SliceData(slots)))
	hosts = hosts[:min(len(hosts), batchGroup)]
	out = out[:len(hosts)]

	// Addresses to prefetch, gathered so that one call issues them all.
	var pa [3]uintptr
	np := 0

	// Phase 1: validate, hash, prefetch the least specific suffix's slot.
	// Every prefetch is issued as soon as its address is known: one
	// gathered until the end of a phase would reach the cache only after
	// the next phase had begun to wait for it.
	var (
		queue  [batchGroup]uint8 // the hosts whose next suffix phase 2 examines, in order
		qh, qt uint              // its head and tail, modulo batchGroup
	)
	for i, host := range hosts {
		n, ok := len(host), true
		if !plainEnd(host) {
			n, ok = fastTrim(host)
		}
		nb := 0
		if ok {
			nb, st.fold[i], ok = s.walk(host[:n], &st.hs[i], &st.ls[i])
		}
		if !ok || nb == 0 || nb > maxBatch {
			// Every out[i] is written, whatever it held before: phase 3
			// skips the hosts with no suffixes recorded.
			out[i] = s.Lookup(host)
			continue
		}
		st.nb[i], st.n[i] = uint8(nb), uint8(n)
		pa[0] = slotBase + uintptr(st.hs[i][0]&mask)*8
		prefetch(pa[:1])
		queue[qt%batchGroup] = uint8(i)
		qt++
	}

	// Phase 2: walk down the suffixes. A host whose suffix has slotDeeper
	// goes back to the end of the queue with the next one, whose slot is
	// prefetched meanwhile.
	for qh != qt {
		i := queue[qh%batchGroup]
		qh++
		j := st.lvl[i]
		h := st.hs[i][j]
		tag := slotTag(h)
		a := h & mask
		v := slots[a]
		for v != 0 && v&tagMask != tag {
			a = (a + 1) & mask
			v = slots[a]
		}
		if v == 0 {
			continue // the common miss: nothing under this name either
		}
		st.at[i][j] = uint32(a) + 1
		np = 0
		if off := uint32(v); off != markerOff {
			// The entry's header and key, which may straddle two cache
			// lines.
			e := uintptr(unsafe.Pointer(&keys[off]))
			pa[np] = e
			np++
			if last := e + uintptr(entryHeader+int(st.ls[i][j])-1); last>>6 != e>>6 {
				pa[np] = last
				np++
			}
		}
		switch {
		case j+1 == st.nb[i]:
			// The host itself: nothing further down.
		case v&slotDeeper == 0:
			st.stop[i] = j + 1
		default:
			st.lvl[i] = j + 1
			pa[np] = slotBase + uintptr(st.hs[i][j+1]&mask)*8
			np++
			queue[qt%batchGroup] = i
			qt++
		}
		prefetch(pa[:np])
	}

	// Phase 3: compare the keys, least specific suffix first, as probe does.
hostLoop:
	for i, host := range hosts {
		nb := int(st.nb[i])
		if nb == 0 {
			continue
		}
		host = host[:st.n[i]]
		fold := st.fold[i]
		var m match
		for j := range int(st.lvl[i]) + 1 { // the suffixes phase 2 reached
			a := st.at[i][j]
			if a == 0 {
				continue
			}
			got := s.follow(&m, uint64(a-1), slots[a-1], st.hs[i][j], host, int(st.ls[i][j]), fold)
			if j+1 == int(st.stop[i]) && got != uint64(a) {
				// The walk stopped at a slot whose tag matched but that
				// holds another name, so the suffix's own slot, further
				// on, may have slotDeeper.
				out[i] = s.Lookup(hosts[i])
				continue hostLoop
			}
		}
		// Field by field: a Decision assembled on the stack and copied
		// whole would stall on store forwarding (see decision).
		d := &out[i]
		d.Status, d.Domain, d.Number = s.decision(m.best())
	}
}
