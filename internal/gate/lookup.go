package gate

import "github.com/beian/beian/internal/hostname"

// foldTab maps each byte the fast path accepts in a label to its lowercase
// form (letters, digits, '-') and '.' to itself; every other byte maps to 0.
// It is an immutable lookup table.
var foldTab = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	t['-'] = '-'
	t['.'] = '.'
	return t
}()

// Lookup decides a host as it arrives in a Host or X-Forwarded-Host header,
// a Caddy ask or a CDN query: any case, an optional :port and trailing dot,
// Unicode or A-label IDN. The host is allowed when it or any parent domain of
// it has an approved entry; the most specific approved entry gives the number.
//
// Plain ASCII hosts take a fast path that folds case, strips the port and the
// trailing dot while hashing every parent suffix in one right-to-left pass,
// and neither allocates nor copies: that is what keeps the gate above ten
// million decisions a second on one core. The fast path only answers for hosts
// it can vouch for (letters, digits, inner hyphens, labels of 1–63 bytes, at
// most 253 bytes, no "xn--" label, a top label not starting with a digit);
// everything else goes through hostname.Normalize, the project's one
// definition of a host, so both paths agree (FuzzFastPathAgrees checks it).
// A host that does not normalise (IP literal, empty, single label, too long)
// is SUSPENDED.
func (s *Set) Lookup(host string) Decision {
	if s == nil {
		return Decision{}
	}
	if n, ok := fastTrim(host); ok {
		if m, ok := s.scan(host[:n], false); ok {
			return s.decision(m.approved, m.pending)
		}
	}
	name, err := hostname.Normalize(host)
	if err != nil {
		return Decision{}
	}
	m, _ := s.scan(name, true)
	return s.decision(m.approved, m.pending)
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
	if _, ok := s.scan(host[:n], false); !ok {
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

// scan walks host right to left, validating each label and probing every
// parent suffix of two labels or more (an entry is never a bare top-level
// label). A nil or empty Set only validates.
func (s *Set) scan(host string, trusted bool) (m match, ok bool) {
	n := len(host)
	if n == 0 {
		return m, false
	}
	probe := len(s.slots) != 0
	h := s.seed
	end := n
	labels := 0
	var upper byte // non-zero once a capital has been folded
	for i := n - 1; ; i-- {
		if i >= 0 {
			raw := host[i]
			c := foldTab[raw]
			if c == 0 {
				if !trusted {
					return m, false
				}
				c = raw
			}
			if c != '.' {
				upper |= c ^ raw
				h = hashStep(h, c)
				continue
			}
		}
		// host[i+1:end] is a complete label.
		start := i + 1
		l := end - start
		if l == 0 {
			return m, false
		}
		if !trusted {
			if l > 63 || host[start] == '-' || host[end-1] == '-' ||
				(l >= 4 && host[start+2] == '-' && host[start+3] == '-' &&
					host[start]|0x20 == 'x' && host[start+1]|0x20 == 'n') {
				return m, false // A-labels need IDNA checks: slow path
			}
			if labels == 0 && '0' <= host[start] && host[start] <= '9' {
				return m, false // might read as an IPv4 address: slow path
			}
		}
		labels++
		if labels > 1 && probe {
			if off := s.probe(h, host, start, n, upper != 0); off != 0 {
				// off-1 is the entry; its status byte follows the length byte.
				if s.keys[off] == byte(StatusApproved) {
					m.approved = off
				} else {
					m.pending = off
				}
			}
		}
		if i < 0 {
			break
		}
		h = hashStep(h, '.')
		end = i
	}
	if labels < 2 && !trusted {
		return m, false
	}
	return m, true
}
