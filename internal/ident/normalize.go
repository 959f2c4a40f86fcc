package ident

import (
	"strings"
	"unicode"
)

// canonicalByte marks the bytes Normalize keeps unchanged: printable ASCII
// other than space and the lower-case letters.
var canonicalByte = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c < 'a' || c > 'z'
	}
	return t
}()

// Normalize puts user input into the canonical form every check in this
// package works on: it maps full-width ASCII (U+FF01–FF5E) and the ideographic
// space (U+3000) to ASCII, maps the Unicode dashes to "-", drops every space
// (leading, trailing and inner, including NBSP and zero-width characters) and
// upper-cases ASCII letters. Applicants copy numbers out of Chinese documents
// and IMEs, so "４４０１ １３…ｘ" must mean the same as "440113…X".
// Input that is already canonical is returned as is, without allocating.
func Normalize(s string) string {
	i := 0
	for i < len(s) && canonicalByte[s[i]] {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE63:
			r = '-'
		case unicode.IsSpace(r), r == 0x200B, r == 0x200C, r == 0x200D, r == 0x2060, r == 0xFEFF:
			continue
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
