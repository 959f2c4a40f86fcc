package rules

import (
	"strconv"
	"unicode/utf8"
)

// maxQuoted bounds how much of a user value a message repeats.
const maxQuoted = 64

// quote quotes a user value for a message, cut to maxQuoted characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		s = string(r[:maxQuoted]) + "…"
	}
	return strconv.Quote(s)
}

func quoteRune(r rune) string { return strconv.QuoteRune(r) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
