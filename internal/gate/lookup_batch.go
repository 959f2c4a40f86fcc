package gate

import "unsafe"

// batchGroup is how many hosts LookupBatch probes together: enough DRAM
// misses in flight to hide most of their latency, few enough that the lines
// prefetched for the first host are still cached when it is examined (see
// BenchmarkLookupBatch for the curve).
const batchGroup = 16

// LookupBatch decides hosts[i] into out[i], exactly as Lookup would, for
// any number of hosts; out must be at least as long as hosts. It allocates
// nothing.
//
// When the set is much larger than the CPU caches, a lookup is a chain of
// cache misses: a host's home slots, then the entry a tag matched. Lookup
// overlaps the misses of one host's suffixes; LookupBatch overlaps those of
// several hosts, in groups of batchGroup, in three phases:
//  1. each host is validated and its suffixes hashed (walk, as in Lookup),
//     and the cache line of every suffix's home slot is prefetched;
//  2. the slots, by now mostly cached, are examined: the first slot of each
//     suffix's probe sequence whose tag matches is noted and the cache
//     lines of its entry's header and key prefetched;
//  3. the entries are compared with the suffixes and the decisions built,
//     with probe's loop, resumed at the noted slot so that a tag that
//     matched another key goes on probing as Lookup does.
//
// The hosts' own bytes are prefetched first, which only matters when they
// are not fresh from the network (as in the benchmark). The per-host state
// lives in fixed-size arrays on the stack (about 2 KB).
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
	// matched, 0 if none did.
	at   [batchGroup][maxBatch]uint32
	nb   [batchGroup]uint8 // the number of suffixes; 0 for a host already decided
	n    [batchGroup]uint8 // the host's length without port and trailing dot
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
	var pa [2 * max(maxBatch, batchGroup)]uintptr
	np := 0

	// The hosts' bytes, unless they were just read from the network, may
	// not be cached either.
	for _, host := range hosts {
		if len(host) > 0 {
			pa[np] = uintptr(unsafe.Pointer(unsafe.StringData(host))) + uintptr(len(host)-1)
			np++
		}
	}
	prefetch(pa[:np])

	// Phase 1: validate, hash, prefetch the home slots.
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
		np = 0
		for _, h := range st.hs[i][:nb] {
			pa[np] = slotBase + uintptr(h&mask)*8
			np++
		}
		prefetch(pa[:np])
	}

	// Phase 2: find the first tag match of each suffix, prefetch its entry.
	for i := range hosts {
		nb := int(st.nb[i])
		hs, at := &st.hs[i], &st.at[i]
		np = 0
		for j := range nb {
			h := hs[j]
			tag := slotTag(h)
			for k := h & mask; ; k = (k + 1) & mask {
				v := slots[k]
				if v == 0 {
					break // the common miss
				}
				if v&tagMask == tag {
					at[j] = uint32(k) + 1
					// The entry's header and key, which may straddle two
					// cache lines.
					e := uintptr(unsafe.Pointer(&keys[uint32(v)]))
					pa[np] = e
					np++
					if last := e + uintptr(entryHeader+int(st.ls[i][j])-1); last>>6 != e>>6 {
						pa[np] = last
						np++
					}
					break
				}
			}
		}
		prefetch(pa[:np])
	}

	// Phase 3: compare the keys, least specific suffix first, as probe does.
	for i, host := range hosts {
		nb := int(st.nb[i])
		if nb == 0 {
			continue
		}
		host = host[:st.n[i]]
		fold := st.fold[i]
		var m match
		for j := range nb {
			a := st.at[i][j]
			if a == 0 {
				continue
			}
			s.follow(&m, uint64(a-1), slots[a-1], st.hs[i][j], host, int(st.ls[i][j]), fold)
		}
		// Field by field: a Decision assembled on the stack and copied
		// whole would stall on store forwarding (see decision).
		d := &out[i]
		d.Status, d.Domain, d.Number = s.decision(m.best())
	}
}
