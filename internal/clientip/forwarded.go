package clientip

import "strings"

// forwardedFor returns the "for" value of each element of one Forwarded
// header line (RFC 7239 section 4,
// https://www.rfc-editor.org/rfc/rfc7239#section-4), quoted strings
// unquoted, "" for an element without one; ok is false when the line does
// not follow the grammar. A line is read on its own: a quote the client
// left open cannot swallow a line that a proxy added after it.
func forwardedFor(line string) (fors []string, ok bool) {
	cur, has := "", false
	i := 0
	for {
		i = skipOWS(line, i)
		if i < len(line) && line[i] != ',' && line[i] != ';' {
			name, val, next, ok := forwardedPair(line, i)
			if !ok {
				return nil, false
			}
			if strings.EqualFold(name, "for") {
				if has {
					// Two "for" in one element: no way to tell which hop it is.
					return nil, false
				}
				cur, has = val, true
			}
			i = skipOWS(line, next)
		}
		if i >= len(line) {
			return append(fors, cur), true
		}
		switch line[i] {
		case ';':
		case ',':
			fors = append(fors, cur)
			cur, has = "", false
		default:
			return nil, false
		}
		i++
	}
}

// forwardedPair reads token "=" (token / quoted-string) at line[i:] and
// returns the name, the value and the index after it.
func forwardedPair(line string, i int) (name, val string, next int, ok bool) {
	j := tokenEnd(line, i)
	if j == i || j >= len(line) || line[j] != '=' {
		return "", "", 0, false
	}
	name = line[i:j]
	j++
	if j < len(line) && line[j] == '"' {
		var b strings.Builder
		for j++; j < len(line); j++ {
			c := line[j]
			switch {
			case c == '"':
				return name, b.String(), j + 1, true
			case c == '\\' && j+1 < len(line):
				j++
				c = line[j]
			case c == '\\':
				return "", "", 0, false
			}
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", "", 0, false
			}
			b.WriteByte(c)
		}
		return "", "", 0, false
	}
	k := tokenEnd(line, j)
	if k == j {
		return "", "", 0, false
	}
	return name, line[j:k], k, true
}

// tokenEnd returns the index after the RFC 9110 token starting at i.
func tokenEnd(s string, i int) int {
	for i < len(s) && isTchar(s[i]) {
		i++
	}
	return i
}

func isTchar(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}
