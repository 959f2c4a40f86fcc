package icpnum

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize rewrites the text of a number the way it is compared and stored:
// full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, －) becomes ASCII; the dashes people and
// word processors put in place of a hyphen (U+2010, U+2011, U+2012, U+2013,
// U+2014, U+2015, U+2212, U+FE58, U+FE63) become "-"; every kind of space,
// including U+00A0, U+3000 and zero-width spaces, is removed, and so are the
// HTML entities &nbsp;, &#160; and &#xa0; left by copying from page source.
// Letters keep their case and Chinese characters are untouched. Invalid UTF-8
// becomes U+FFFD. Normalize is idempotent.
func Normalize(s string) string {
	if isPlain(s) {
		return s
	}
	s = normalizeOnce(s)
	// Removing a space can join the pieces of an entity ("&nb sp;"); repeat
	// until none is left so that Normalize is idempotent. Every round removes
	// at least one entity, so this ends.
	for hasEntity(s) {
		s = normalizeOnce(s)
	}
	return s
}

// hasEntity reports whether s still holds a space entity.
func hasEntity(s string) bool {
	for i := strings.IndexByte(s, '&'); i >= 0; {
		if entityLen(s[i:]) > 0 {
			return true
		}
		j := strings.IndexByte(s[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// normalizeOnce is one pass of Normalize.
func normalizeOnce(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if n := entityLen(s[i:]); n > 0 {
				i += n
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r := mapRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether Normalize has nothing to do on s: valid UTF-8 in
// which no rune is mapped or dropped and no '&' starts an entity. Checking
// first keeps the common case free of allocations.
func isPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '&' || mapRune(rune(c)) != rune(c) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || mapRune(r) != r {
			return false
		}
		i += size
	}
	return true
}

// entityLen returns the length of a space entity at the start of s, or 0.
func entityLen(s string) int {
	for _, e := range [...]string{"&nbsp;", "&#160;", "&#xa0;"} {
		if len(s) >= len(e) && strings.EqualFold(s[:len(e)], e) {
			return len(e)
		}
	}
	return 0
}

// mapRune returns the normalised rune for r, or -1 to drop it.
func mapRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
		return r - 0xFEE0
	}
	switch r {
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63:
		return '-'
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: // zero-width characters
		return -1
	}
	if unicode.IsSpace(r) { // U+00A0, U+3000, U+2000-U+200A, U+202F, …
		return -1
	}
	return r
}
