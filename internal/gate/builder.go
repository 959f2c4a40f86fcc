package gate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/hostname"
)

// Errors of Builder.Add; a load that meets one fails whole (see Gate).
var (
	// ErrDomain is wrapped by every domain that does not normalise.
	ErrDomain = errors.New("gate: bad domain")
	// ErrNumber is wrapped by every missing or unusable ICP number.
	ErrNumber = errors.New("gate: bad ICP number")
	// ErrDuplicate is wrapped when a domain comes twice with different numbers or statuses.
	ErrDuplicate = errors.New("gate: duplicate domain")
	// ErrTooLarge is returned when a set would pass the 4 GiB its offsets can address.
	ErrTooLarge = errors.New("gate: allow-list too large")
)

// maxNumberLen bounds an ICP number; real ones are about 25 bytes.
const maxNumberLen = 64

// Builder builds a Set. It is not safe for concurrent use; a Set built from
// it is. Add normalises and checks every entry, so a Set only ever holds
// valid, lowercase A-label domains and numbers that are safe to print in an
// nginx or Caddy configuration.
type Builder struct {
	s Set
}

// NewBuilder returns a Builder sized for about sizeHint entries (0 if unknown).
func NewBuilder(sizeHint int) *Builder {
	if sizeHint < 0 {
		sizeHint = 0
	}
	b := &Builder{}
	b.s.seed = rand.Uint64() | 1
	ns := slotsFor(sizeHint)
	b.s.slots = makeHuge[uint64](ns)
	b.s.mask = uint64(ns - 1)
	b.s.keys = make([]byte, 0, sizeHint*(entryHeader+40))
	return b
}

// Len returns the number of entries added so far.
func (b *Builder) Len() int { return b.s.n }

// Add adds one domain. domain is normalised with hostname.Normalize (case,
// trailing dot, IDN); it covers its subdomains, so wildcards are refused. An
// approved entry needs its ICP number; a pending one has none. Adding the
// same domain again with the same number and status is a no-op; with a
// different one it is an ErrDuplicate.
func (b *Builder) Add(domain, number string, st Status) error {
	name, err := hostname.Normalize(domain)
	if err != nil {
		return fmt.Errorf("%w %q: %w", ErrDomain, domain, err)
	}
	return b.add(name, number, st)
}

// add adds an already normalised domain.
func (b *Builder) add(name, number string, st Status) error {
	if len(name) == 0 || len(name) > 253 {
		return fmt.Errorf("%w %q: length %d", ErrDomain, name, len(name))
	}
	switch st {
	case StatusApproved:
		if err := checkNumber(number); err != nil {
			return fmt.Errorf("%w %q for %s: %s", ErrNumber, number, name, err)
		}
	case StatusPending:
		number = ""
	default:
		return fmt.Errorf("%w %q: status %v cannot be added", ErrDomain, name, st)
	}
	h := hashKey(b.s.seed, name)
	found, slot := b.s.find(h, name)
	if found != 0 {
		old := b.s.entryAt(found - 1)
		if old.Status == st && old.Number == number {
			return nil
		}
		return fmt.Errorf("%w %s: %s %q then %s %q", ErrDuplicate, name, old.Status, old.Number, st, number)
	}
	if uint64(len(b.s.keys)) > math.MaxUint32-entryHeader-256-maxNumberLen {
		return ErrTooLarge
	}
	off := uint32(len(b.s.keys))
	b.s.keys = append(b.s.keys, byte(len(name)), byte(st), byte(len(number)))
	b.s.keys = append(b.s.keys, name...)
	b.s.keys = append(b.s.keys, number...)
	b.s.slots[slot] = slotTag(h) | uint64(off)
	b.s.n++
	if st == StatusPending {
		b.s.pending++
	}
	if b.s.n*maxLoadDen > len(b.s.slots)*maxLoadNum {
		b.grow()
	}
	return nil
}

// insert puts the entry at off into the slot table (the key is known absent).
func (b *Builder) insert(h uint64, off uint32) {
	sl := slotTag(h) | uint64(off)
	for i := h & b.s.mask; ; i = (i + 1) & b.s.mask {
		if b.s.slots[i] == 0 {
			b.s.slots[i] = sl
			return
		}
	}
}

// grow doubles the slot table and reinserts every entry from the arena.
func (b *Builder) grow() { b.rehash(len(b.s.slots) * 2) }

// Build returns the Set, with its arenas trimmed to size. The Builder must
// not be used afterwards.
//
// Build also marks the parents of entries, so that LookupBatch can walk a
// host's suffixes from the least specific one and stop at the first that is
// in no way in the set: every parent domain of two labels or more of an
// entry gets slotDeeper, on its own entry's slot if it is an entry, else on
// a marker slot made for it (offset markerOff, no entry in the arena). Most
// filings are of registrable domains, whose only such parents are the few
// like "com.cn", so markers cost next to nothing.
func (b *Builder) Build(version int64) *Set {
	b.s.keys = settle(b.s.keys)
	parents := b.parents()
	markers := 0
	for _, isEntry := range parents {
		if !isEntry {
			markers++
		}
	}
	if want := slotsFor(b.s.n + markers); want != len(b.s.slots) {
		b.rehash(want)
	}
	for name, isEntry := range parents {
		h := hashKey(b.s.seed, name)
		off, slot := b.s.find(h, name)
		if isEntry {
			b.s.slots[slot] |= slotDeeper
		} else if off == 0 {
			b.s.slots[slot] = slotTag(h) | slotDeeper | uint64(markerOff)
		}
	}
	s := b.s
	s.Version = version
	b.s = Set{}
	return &s
}

// parents returns every parent domain of two labels or more of the
// entries, each with whether it is an entry itself. The names point into
// the arena, which must be settled.
func (b *Builder) parents() map[string]bool {
	parents := make(map[string]bool)
	for off := range b.s.offsets() {
		name := b.s.entryAt(off).Domain
		for {
			dot := strings.IndexByte(name, '.')
			name = name[dot+1:]
			if dot < 0 || strings.IndexByte(name, '.') < 0 {
				break // the top label is never looked up alone
			}
			if _, seen := parents[name]; seen {
				break // and so are its own parents
			}
			found, _ := b.s.find(hashKey(b.s.seed, name), name)
			parents[name] = found != 0
		}
	}
	return parents
}

// rehash makes a slot table of ns slots and inserts every entry of the
// arena into it.
func (b *Builder) rehash(ns int) {
	b.s.slots = makeHuge[uint64](ns)
	b.s.mask = uint64(ns - 1)
	for off := range b.s.offsets() {
		b.insert(hashKey(b.s.seed, b.s.entryAt(off).Domain), off)
	}
}

// settle copies an arena into memory of exactly its size (huge-page
// advised when large) unless it already wastes less than an eighth.
func settle(x []byte) []byte {
	if cap(x)-len(x) <= cap(x)/8 && len(x) < 4*hugePageSize {
		return x
	}
	y := makeHuge[byte](len(x))
	copy(y, x)
	return y
}

// checkNumber accepts an ICP number that is printable and safe to write into
// an nginx map or a Caddyfile: valid UTF-8, at most 64 bytes, no space,
// control character, quote, backslash, dollar, brace, semicolon or angle
// bracket. The gate stores numbers as the platform issued them and does not
// re-judge their format (that is internal/icpnum's job at issue time).
func checkNumber(n string) error {
	if n == "" {
		return errors.New("missing")
	}
	if len(n) > maxNumberLen {
		return fmt.Errorf("longer than %d bytes", maxNumberLen)
	}
	if !utf8.ValidString(n) {
		return errors.New("not UTF-8")
	}
	for _, r := range n {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x3000 || r == 0xfeff {
			return errors.New("holds a space or control character")
		}
		switch r {
		case '"', '\'', '\\', '$', '{', '}', ';', '<', '>', '&', '#', '`':
			return fmt.Errorf("holds %q", r)
		}
	}
	return nil
}
