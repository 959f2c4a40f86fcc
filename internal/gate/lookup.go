package gate

import (
	"encoding/binary"
	"math/bits"
	"strings"

	"github.com/beian/beian/internal/hostname"
)

// Lookup decides a host as it arrives in a Host or X-Forwarded-Host header,
// a Caddy ask or a CDN query: any case, an optional :port and trailing dot,
// Unicode or A-label IDN. The host is allowed when it or any parent domain of
// it has an approved entry; the most specific approved entry gives the number.
//
// Plain ASCII hosts take a fast path (scan) that folds case, strips the port
// and the trailing dot, validates and hashes every parent suffix in one
// right-to-left pass, 8 bytes at a time, and neither allocates nor copies:
// that is what keeps the gate above ten million decisions a second on one
// core. The fast path only answers for hosts it can vouch for (letters,
// digits, inner hyphens, labels of 1–63 bytes, at most 253 bytes, no "xn--"
// label, a top label not starting with a digit); everything else goes
// through hostname.Normalize, the project's one definition of a host, so both
// paths agree (FuzzFastPathAgrees checks it). A host that does not normalise
// (IP literal, empty, single label, too long) is SUSPENDED.
func (s *Set) Lookup(host string) Decision {
	if s == nil {
		return Decision{}
	}
	n, ok := len(host), true
	if !plainEnd(host) {
		n, ok = fastTrim(host)
	}
	if ok {
		if m, ok := s.scan(host[:n]); ok {
			st, domain, number := s.decision(m.best())
			return Decision{Status: st, Domain: domain, Number: number}
		}
	}
	name, err := hostname.Normalize(host)
	if err != nil {
		return Decision{}
	}
	st, domain, number := s.decision(s.scanNormal(name).best())
	return Decision{Status: st, Domain: domain, Number: number}
}

// fastName returns the normalised name the fast path would look up, and
// whether the fast path accepts host at all. Tests compare it with
// hostname.Normalize; it allocates only to lowercase.
func fastName(host string) (string, bool) {
	n, ok := fastTrim(host)
	if !ok {
		return "", false
	}
	var s Set
	if _, ok := s.scan(host[:n]); !ok {
		return "", false
	}
	b := []byte(host[:n])
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}

// plainEnd reports whether host needs no fastTrim: one that ends in a
// letter has neither a port nor a trailing dot. It is the inlined common
// case of the hot path (a function that also called fastTrim would be too
// large to inline, and the call costs Lookup a tenth).
func plainEnd(host string) bool {
	n := len(host)
	return n != 0 && n <= 253 && host[n-1] >= 'A'
}

// fastTrim returns the length of host without its ":port" (1–5 digits, at
// most 65535, no leading zero) and one trailing dot. ok is false for any
// other colon use, which the slow path then judges.
func fastTrim(host string) (n int, ok bool) {
	n = len(host)
	i := n - 1
	for i >= 0 && n-1-i < 6 && '0' <= host[i] && host[i] <= '9' {
		i--
	}
	if i >= 0 && host[i] == ':' {
		digits := n - 1 - i
		if digits < 1 || digits > 5 || host[i+1] == '0' || portValue(host[i+1:n]) > 65535 {
			return 0, false
		}
		n = i
	}
	if n > 0 && host[n-1] == '.' {
		n--
	}
	if n == 0 || n > 253 {
		return 0, false
	}
	return n, true
}

func portValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// match holds the most specific approved and pending entries found (offset+1).
type match struct{ approved, pending uint32 }

// best is the entry that decides: the approved one, else the pending one.
func (m match) best() uint32 {
	if m.approved != 0 {
		return m.approved
	}
	return m.pending
}

// found records the entry at off-1, found for a suffix more specific than
// any recorded before.
func (s *Set) found(m *match, off uint32) {
	// off-1 is the entry; its status byte follows the length byte.
	if s.keys[off] == byte(StatusApproved) {
		m.approved = off
	} else {
		m.pending = off
	}
}

// scanNormal probes every suffix of two labels or more of a name that
// hostname.Normalize returned, least specific first: the slow path, taken
// by IDN, A-label and odd hosts, so it probes one suffix at a time.
func (s *Set) scanNormal(name string) (m match) {
	if len(s.slots) == 0 {
		return m
	}
	i := strings.LastIndexByte(name, '.') // before the top label, never probed alone
	for i >= 0 {
		i = strings.LastIndexByte(name[:i], '.')
		suffix := name[i+1:]
		if off, _ := s.find(hashKey(s.seed, suffix), suffix); off != 0 {
			s.found(&m, off)
		}
	}
	return m
}

// Byte-parallel (SWAR) arithmetic on 8 ASCII bytes in a uint64: with every
// byte below 0x80, adding 0x80-c to a byte sets its top bit exactly when the
// byte is at least c, and no byte carries into the next.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// ge has the top bit of each byte of w (all ASCII) set when the byte is ≥ c;
// its other bits are noise, so that masks built from several ge are masked
// with swarHigh once, at the end.
func ge(w uint64, c byte) uint64 { return w + (0x80-uint64(c))*swarOnes }

// maxBatch is how many suffixes scan gathers to probe together: enough for
// hosts of up to nine labels; longer ones go to scanLong.
const maxBatch = 8

// scan walks a trimmed host (1–253 bytes) right to left a word at a time.
// Each 8-byte word is checked, case-folded and its dots and hyphens found
// with SWAR arithmetic, the masks shifted against those of the word to its
// right to find empty labels and labels that start or end with a hyphen
// without looking at a byte alone; then the word is absorbed into the hash.
// At each dot the label's length is checked and the hash of the suffix after
// the dot finished (see hashKey). The suffixes of two labels or more are
// probed only when the walk is done, all of their home slots loaded before
// any is examined, so that the cache misses of a host's suffixes overlap
// instead of following one another. The loop calls nothing: Go saves every
// live register around a call, even one on a path never taken, and the walk
// is short of registers; rare cases are flagged and dealt with after it.
// ok is false for a host the fast path does not vouch for. A Set without
// slots only validates.
func (s *Set) scan(host string) (m match, ok bool) {
	var (
		hs [maxBatch]uint64 // hashes of the suffixes to probe
		ls [maxBatch]uint8  // their lengths (a host has at most 253 bytes)
	)
	nb, fold, ok := s.walk(host, &hs, &ls)
	if !ok {
		return m, false
	}
	if nb > maxBatch {
		return s.scanLong(host, fold), true
	}
	return s.probe(m, host, &hs, &ls, nb, fold), true
}

// walk is the walk of scan: it validates host and stores the hashes and
// lengths of its first suffixes of two labels or more, least specific first,
// in hs and ls. nb is the number of those suffixes (more than maxBatch for a
// host that scanLong must probe, only the first maxBatch being stored), fold
// whether the host holds capitals; ok is false for a host the fast path does
// not vouch for. LookupBatch calls it too, to probe several hosts together.
func (s *Set) walk(host string, hs *[maxBatch]uint64, ls *[maxBatch]uint8) (nb int, fold bool, ok bool) {
	n := len(host)
	var (
		// 0x80 marks a byte that is not a letter, digit, '-' or '.', or
		// that ends an empty label or starts or ends a label with a hyphen;
		// 0x40 two hyphens in a row (maybe an "xn--" label); other bits
		// mark capitals.
		flags  uint64
		labels int
	)
	h := s.seed
	prev := n // index of the dot (or end) closing the label being read
	// Whether the first byte of the word to the right is a dot (0x80) or a
	// hyphen (0x40); host[n] counts as a dot, so that the top label may not
	// end with a hyphen either.
	right := uint64(0x80)
	// end goes down to n%8 (a partial word padded with zeros) or to 0 (an
	// empty word), so that the last word holds a virtual dot at host[-1].
	for end := n; end >= 0; end -= 8 {
		var w, pad uint64
		switch {
		case end >= 8:
			w = le64(host[end-8 : end])
		case n >= 8: // the first end bytes: load 8 and shift out the rest
			pad = 1<<(64-8*end) - 1
			w = le64(host[:8]) << (64 - 8*end)
		default: // a host under 8 bytes
			pad = 1<<(64-8*end) - 1
			for j := range end {
				w |= uint64(host[j]) << (64 - 8*end + 8*j)
			}
		}
		if w&swarHigh != 0 {
			return 0, false, false // not ASCII: slow path
		}
		// Classify the bytes. ge(w, c)^ge(w, d) for c < d marks the bytes
		// in [c, d) (as a byte ≥ d is ≥ c). A letter of either case is a
		// byte that is in 'a'–'z' once 0x20 is set in it; that maps no other
		// byte there.
		t := w | 0x20*swarOnes
		letter := (ge(t, 'a') ^ ge(t, 'z'+1)) & swarHigh
		g2D, g2E, g2F := ge(w, '-'), ge(w, '.'), ge(w, '/')
		valid := (g2D^g2F|ge(w, '0')^ge(w, '9'+1)|pad)&swarHigh | letter
		dots, fw := (g2E^g2F)&swarHigh, w|letter>>2
		if pad != 0 {
			dots |= pad>>1 + 1 // host[-1], the top byte of the padding, is a dot
		}
		// dh has a byte's dot in bit 7 and its hyphen in bit 6. Shifted right
		// by a byte, with the first byte of the word to the right coming in
		// at the top, it tells what follows each byte: a dot or hyphen
		// followed by a dot ends an empty label or one with a trailing
		// hyphen, a dot followed by a hyphen starts one with a leading
		// hyphen, and two hyphens in a row may start an "xn--" label.
		dh := dots | (g2D^g2E)&swarHigh>>1
		next := dh>>8 | right<<56
		// Bits other than 7 and 6 of these are noise that only the
		// combinations of two dots in a row, already bad, carry into bit 7.
		hy1 := dh << 1     // a hyphen, in bit 7
		next1 := next << 1 // followed by a hyphen, in bit 7
		flags |= valid ^ swarHigh | (dots|hy1)&next | dots&next1 | (hy1&next1&swarHigh)>>1 | fw ^ w
		right = dh & 0xc0
		for dots != 0 {
			z := bits.LeadingZeros64(dots)
			dots ^= 1 << (63 - z)
			i := end - 1 - z>>3 // host[i] is the dot, host[i+1:prev] the label
			if prev-i > 64 {
				return 0, false, false // label over 63 bytes
			}
			prev = i
			if labels++; labels == 1 {
				if i+1 < n && host[i+1] <= '9' {
					return 0, false, false // numeric, so might be an IPv4 address: slow path
				}
			} else if labels <= maxBatch+1 {
				// The suffix's first bytes are those above the dot: fw>>(64-z),
				// written as two shifts below 64 so that no guard is needed.
				hs[labels-2] = hashEnd(h, fw>>((56-z)&63)>>8, n-1-i)
				ls[labels-2] = uint8(n - 1 - i)
			}
		}
		h = hashWord(h, fw)
	}
	if flags&swarHigh != 0 || labels < 2 {
		return 0, false, false
	}
	if flags&(swarHigh>>1) != 0 && aLabel(host) {
		return 0, false, false // an "xn--" label needs IDNA checks: slow path
	}
	return labels - 1, flags&^(swarHigh>>1) != 0, true
}

// scanLong probes every suffix of two labels or more of a host that scan
// has validated but that has more of them than scan gathers (ten labels or
// more), one at a time, hashing each suffix afresh.
func (s *Set) scanLong(host string, fold bool) (m match) {
	var hs [maxBatch]uint64
	var ls [maxBatch]uint8
	i := strings.LastIndexByte(host, '.')
	for i >= 0 {
		i = strings.LastIndexByte(host[:i], '.')
		suffix := host[i+1:]
		hs[0], ls[0] = hashFold(s.seed, suffix), uint8(len(suffix))
		m = s.probe(m, host, &hs, &ls, 1, fold)
	}
	return m
}

// hashFold is hashKey of the lowercase form of an ASCII name.
func hashFold(seed uint64, k string) uint64 {
	h := seed
	end := len(k)
	for ; end >= 8; end -= 8 {
		h = hashWord(h, lower(le64(k[end-8:end])))
	}
	return hashEnd(h, lower(wordBefore(k, end))>>(64-8*end), len(k))
}

// aLabel reports whether a label of host starts with "xn--" (any case).
// scan calls it only for hosts with two hyphens in a row.
func aLabel(host string) bool {
	for a := 0; a+4 <= len(host); a++ {
		if (a == 0 || host[a-1] == '.') && host[a]|0x20 == 'x' && host[a+1]|0x20 == 'n' && host[a+2] == '-' && host[a+3] == '-' {
			return true
		}
	}
	return false
}

// probe looks up the first nb suffixes of host whose hashes and lengths are
// hs and ls, least specific first, and returns m updated with the entries
// found. It loads every home slot before it examines any. fold says whether
// the host holds capitals.
func (s *Set) probe(m match, host string, hs *[maxBatch]uint64, ls *[maxBatch]uint8, nb int, fold bool) match {
	slots, mask := s.slots, s.mask
	if len(slots) == 0 {
		return m
	}
	nb = min(nb, maxBatch)
	var sl [maxBatch]uint64
	for j := range nb {
		sl[j] = slots[hs[j]&mask]
	}
	for j := range nb {
		v := sl[j]
		if v == 0 {
			continue // the common miss
		}
		s.follow(&m, hs[j]&mask, v, hs[j], host, int(ls[j]), fold)
	}
	return m
}

// follow walks the probe sequence of host's suffix of kl bytes (hash h) from
// slot i, whose value v the caller has loaded, and records in m the entry
// that holds the suffix, if any; it returns that entry's slot + 1, 0 if
// there is none. Markers are passed over. probe and LookupBatch share it.
func (s *Set) follow(m *match, i, v, h uint64, host string, kl int, fold bool) uint64 {
	slots, mask, keys := s.slots, s.mask, s.keys
	tag := slotTag(h)
	for ; v != 0; v = slots[i] {
		if v&tagMask == tag && uint32(v) != markerOff {
			if off := int(uint32(v)); int(keys[off]) == kl && keyEqual(keys, off+entryHeader, host[len(host)-kl:], fold) {
				s.found(m, uint32(off)+1)
				return i + 1
			}
		}
		i = (i + 1) & mask
	}
	return 0
}

// keyEqual reports whether the key keys[at:at+len(h)] equals the ASCII
// suffix h, lowercased first when fold. It compares 8 bytes at a time from
// the end, then the fewer than 8 bytes left with one word load each, every
// load within the arena and the host: a key is preceded by its entry's
// header, so the 8 bytes ending at its first bytes' end are in the arena
// except in the first entry, compared byte by byte.
func keyEqual(keys []byte, at int, h string, fold bool) bool {
	e := len(h)
	for ; e >= 8; e -= 8 {
		hw := le64(h[e-8 : e])
		if fold {
			hw = lower(hw)
		}
		if binary.LittleEndian.Uint64(keys[at+e-8:at+e]) != hw {
			return false
		}
	}
	if e == 0 {
		return true
	}
	if at+e < 8 {
		return equalFold(keys[at:at+e], h[:e])
	}
	hw := wordStart(h, e)
	if fold {
		hw = lower(hw)
	}
	return (binary.LittleEndian.Uint64(keys[at+e-8:at+e])^hw)>>(64-8*e) == 0
}

// lower folds the capitals of a word of ASCII bytes to lowercase, as scan
// does.
func lower(w uint64) uint64 {
	t := w | 0x20*swarOnes
	return w | (ge(t, 'a')^ge(t, 'z'+1))&swarHigh>>2
}
