package icpnum

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the year part: MIIT started issuing filing numbers and
// telecom licences in 2000, so earlier years are typing mistakes, and the
// two-digit years of 8-digit filings all mean 20YY except 90-99 (19YY),
// which no real number uses but which must still parse to something stable.
const (
	minYear = 2000
	maxYear = 2099
)

// prepare normalises s and upper-cases its ASCII letters, so that "icp备" and
// "b2-" parse like "ICP备" and "B2-".
func prepare(s string) string {
	s = Normalize(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'a' && c <= 'z' {
					b[j] = c - 'a' + 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// scanner walks a prepared number from left to right.
type scanner struct {
	s string
	i int
}

// done reports whether everything was consumed.
func (sc *scanner) done() bool { return sc.i >= len(sc.s) }

// rest is what is left to scan.
func (sc *scanner) rest() string { return sc.s[sc.i:] }

// eat consumes prefix if the rest starts with it.
func (sc *scanner) eat(prefix string) bool {
	if strings.HasPrefix(sc.s[sc.i:], prefix) {
		sc.i += len(prefix)
		return true
	}
	return false
}

// peekRune returns the next rune without consuming it (utf8.RuneError at the end).
func (sc *scanner) peekRune() (rune, int) {
	if sc.done() {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRuneInString(sc.s[sc.i:])
}

// abbr consumes a leading non-ASCII rune (a province abbreviation candidate)
// and returns it, or "" when the next rune is ASCII.
func (sc *scanner) abbr() string {
	r, n := sc.peekRune()
	if n == 0 || r < utf8.RuneSelf {
		return ""
	}
	a := sc.s[sc.i : sc.i+n]
	sc.i += n
	return a
}

// digits consumes a run of ASCII digits and returns it.
func (sc *scanner) digits() string {
	j := sc.i
	for j < len(sc.s) && sc.s[j] >= '0' && sc.s[j] <= '9' {
		j++
	}
	d := sc.s[sc.i:j]
	sc.i = j
	return d
}

// atoi converts a short run of ASCII digits; callers bound the length first.
func atoi(d string) int {
	n := 0
	for i := 0; i < len(d); i++ {
		n = n*10 + int(d[i]-'0')
	}
	return n
}

// site parses an optional "-N" website index. It returns 0 when there is none.
func (sc *scanner) site(input string) (int, error) {
	if !sc.eat("-") {
		return 0, nil
	}
	d := sc.digits()
	switch {
	case d == "":
		return 0, newError(CodeBadSite, input, "“-”后缺少网站序号", `the website index after "-" is missing`)
	case len(d) > 6:
		return 0, newError(CodeBadSite, input, "网站序号过长", "the website index is too long")
	}
	n := atoi(d)
	if n < 1 {
		return 0, newError(CodeBadSite, input, "网站序号必须从 1 开始", "the website index starts at 1")
	}
	return n, nil
}

// trailing returns the error for text left after a number.
func trailing(code, input, rest string) error {
	return newError(code, input,
		"号码后有多余内容：“"+clip(rest, 20)+"”",
		"unexpected text after the number: "+strconv.Quote(clip(rest, 20)))
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], int64(n), 10)
	for k := len(d); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// appendSite appends "-N" when n > 0.
func appendSite(b []byte, n int) []byte {
	if n > 0 {
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return b
}
