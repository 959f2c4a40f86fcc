package footer

import (
	"unicode/utf16"
	"unicode/utf8"
)

// jsUnescape appends src to dst with JavaScript string escapes undone:
// \n \t \r \b \f \v \0, \" \' \\ \/, \xHH, \uHHHH (surrogate pairs
// joined), \u{H…} and line continuations. An unknown or broken escape
// keeps the character after the backslash. It is applied to the whole of a
// script, not only to its strings: outside strings a backslash is rare
// (regular expressions), and what it changes there is never a number.
func jsUnescape(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			dst = append(dst, c)
			continue
		}
		i++
		switch e := src[i]; e {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b', 'f', 'v':
			dst = append(dst, ' ')
		case '0':
			dst = append(dst, ' ')
		case '\n':
			// a line continuation adds nothing
		case 'x':
			if r, ok := hexRune(src, i+1, 2); ok {
				dst = utf8.AppendRune(dst, r)
				i += 2
			} else {
				dst = append(dst, e)
			}
		case 'u':
			r, used := unicodeEscape(src, i+1)
			if used == 0 {
				dst = append(dst, e)
				break
			}
			i += used
			if utf16.IsSurrogate(r) {
				if i+2 < len(src) && src[i+1] == '\\' && src[i+2] == 'u' {
					if r2, used2 := unicodeEscape(src, i+3); used2 > 0 {
						if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
							r = p
							i += 2 + used2
						}
					}
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			dst = append(dst, e)
		}
	}
	return dst
}

// unicodeEscape reads the digits of \uHHHH or \u{H…} starting at src[i] and
// returns the rune and the number of bytes used (0 when malformed).
func unicodeEscape(src []byte, i int) (rune, int) {
	if i < len(src) && src[i] == '{' {
		var r rune
		for j := i + 1; j < len(src) && j < i+8; j++ {
			if src[j] == '}' {
				if j == i+1 || r > utf8.MaxRune {
					return 0, 0
				}
				return r, j - i + 1
			}
			d, ok := hexDigit(src[j])
			if !ok {
				return 0, 0
			}
			r = r<<4 | d
		}
		return 0, 0
	}
	r, ok := hexRune(src, i, 4)
	if !ok {
		return 0, 0
	}
	return r, 4
}

// hexRune reads n hex digits at src[i].
func hexRune(src []byte, i, n int) (rune, bool) {
	if i+n > len(src) {
		return 0, false
	}
	var r rune
	for _, c := range src[i : i+n] {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | d
	}
	return r, true
}

func hexDigit(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return rune(c|0x20-'a') + 10, true
	}
	return 0, false
}
