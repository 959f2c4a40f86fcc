package footer

import (
	"html"
	"unicode/utf8"
)

// maxEntity bounds the length of a character reference name.
const maxEntity = 32

// decodeEntity decodes the character reference at the start of b (b[0] == '&')
// and returns its text and the number of bytes it used. Something that is not
// a reference decodes to "&".
func decodeEntity(b []byte) (string, int) {
	j := 1
	for j < len(b) && j <= maxEntity && (isASCIILetter(b[j]) || isDigit(b[j]) || (j == 1 && b[j] == '#')) {
		j++
	}
	if j < len(b) && b[j] == ';' {
		j++
	}
	if j == 1 {
		return "&", 1
	}
	if b[1] == '#' {
		return decodeNumeric(b[2:j], j)
	}
	switch string(b[1:j]) {
	case "nbsp;":
		return "\u00a0", j
	case "amp;":
		return "&", j
	case "lt;":
		return "<", j
	case "gt;":
		return ">", j
	case "quot;":
		return "\"", j
	case "copy;":
		return "©", j
	case "ensp;", "emsp;":
		return " ", j
	}
	raw := string(b[:j])
	dec := html.UnescapeString(raw)
	if dec == raw {
		return "&", 1
	}
	if !utf8.ValidString(dec) {
		return "\uFFFD", j
	}
	return dec, j
}

// decodeNumeric decodes the digits of a numeric character reference
// (&#65293; or &#xFF0D;, with or without the ';', which ends num) that used
// n bytes of the page. Zero, surrogates and values beyond Unicode decode to
// U+FFFD, as in HTML.
func decodeNumeric(num []byte, n int) (string, int) {
	if len(num) > 0 && num[len(num)-1] == ';' {
		num = num[:len(num)-1]
	}
	base := rune(10)
	if len(num) > 0 && (num[0] == 'x' || num[0] == 'X') {
		base, num = 16, num[1:]
	}
	if len(num) == 0 {
		return "&", 1
	}
	var r rune
	for _, c := range num {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && (c|0x20) >= 'a' && (c|0x20) <= 'f':
			d = rune(c|0x20-'a') + 10
		default:
			// A letter after decimal digits ends the reference early
			// ("&#20320abc"): let the general decoder handle the rarity.
			raw := "&#" + string(num)
			if dec := html.UnescapeString(raw); dec != raw && utf8.ValidString(dec) {
				return dec, n
			}
			return "\uFFFD", n
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return "\uFFFD", n
		}
	}
	if r == 0 || !utf8.ValidRune(r) {
		return "\uFFFD", n
	}
	return string(r), n
}
