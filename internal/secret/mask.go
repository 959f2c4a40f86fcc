package secret

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"unicode"
)

// MaskID masks an ID or certificate number for logs and for roles that do not
// need it: an 18-character number (a resident ID, a USCC) keeps its first 6
// and last 4 characters ("110101********1234"); other lengths of 8 or more keep
// the first 2 and last 2; 5 to 7 characters keep the first and the last; 4 or
// fewer are all masked, so that a short value is never shown whole. Lengths
// count characters, not bytes; surrounding spaces are dropped.
func MaskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch n := len(r); {
	case n == 18:
		return keep(r, 6, 4)
	case n >= 8:
		return keep(r, 2, 2)
	case n >= 5:
		return keep(r, 1, 1)
	default:
		return strings.Repeat("*", n)
	}
}

// MaskPhone masks a phone number: 11 or more characters keep the first 3 and
// the last 4 ("138****5678"); 7 to 10 keep the first 2 and the last 2; shorter
// values are all masked.
func MaskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch n := len(r); {
	case n >= 11:
		return keep(r, 3, 4)
	case n >= 7:
		return keep(r, 2, 2)
	default:
		return strings.Repeat("*", n)
	}
}

// MaskEmail masks an e-mail address: the first character of the local part,
// then "***", then the domain ("a***@example.com"), so that the length of the
// local part is not shown either. A value without a local part and a domain is
// masked as "***".
func MaskEmail(s string) string {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "***"
	}
	first := []rune(s[:at])[0]
	return string(first) + "***" + s[at:]
}

// keep returns r with all but its first head and last tail runes replaced by '*'.
func keep(r []rune, head, tail int) string {
	out := make([]rune, len(r))
	for i := range r {
		if i < head || i >= len(r)-tail {
			out[i] = r[i]
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}

// Masked is a principal's personal value (ID number, phone or e-mail) whose
// String, Format (every verb, %#v included), MarshalJSON, MarshalText and
// LogValue print the masked form, so that putting it in a log line, an error
// or a JSON response never shows it in clear. Reveal returns the clear value
// for the few places that need it (sealing it, sending an SMS). The mask is
// chosen from the value: MaskEmail when it contains '@', MaskPhone when it is
// made of digits and phone punctuation with 7 to 15 digits, MaskID otherwise.
// A Masked held in an unexported struct field is printed by fmt without its
// methods, so keep such fields exported or log the Masked itself.
type Masked string

// Reveal returns the value in clear.
func (m Masked) Reveal() string { return string(m) }

// String returns the masked value.
func (m Masked) String() string {
	s := string(m)
	switch {
	case strings.Contains(s, "@"):
		return MaskEmail(s)
	case looksLikePhone(s):
		return MaskPhone(s)
	default:
		return MaskID(s)
	}
}

// GoString returns the masked value quoted, for %#v.
func (m Masked) GoString() string { return fmt.Sprintf("%q", m.String()) }

// Format prints the masked value under any verb and flags.
func (m Masked) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, m.GoString())
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), m.String())
}

// MarshalJSON encodes the masked value as a JSON string.
func (m Masked) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// MarshalText returns the masked value, for encoders that use encoding.TextMarshaler.
func (m Masked) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// LogValue makes log/slog print the masked value.
func (m Masked) LogValue() slog.Value { return slog.StringValue(m.String()) }

// looksLikePhone reports whether s is digits and phone punctuation (+ - space
// . brackets) with 7 to 15 digits (ITU E.164 allows 15).
func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}
