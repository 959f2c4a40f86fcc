// Package hostname normalises host and domain names the one way the whole
// platform compares them: lowercase ASCII, no trailing dot, no port, IDNs as
// A-labels (例子.中国 → xn--fsqu00a.xn--fiqs8s). The edge gate calls Normalize
// on every request, so names that are already normal take an allocation-free
// path; filing applications call Validate, which also finds the registrable
// domain under the public suffix list and checks the MIIT-approved TLDs.
package hostname

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits from RFC 1035 §2.3.4 (and RFC 1123), counted on the A-label form
// without the trailing dot.
const (
	maxName  = 253
	maxLabel = 63
	// maxInput bounds the raw input before any work: a 253-byte A-label name
	// cannot come from more than about four bytes per output byte.
	maxInput = 4 * 1024
)

// Stable error and warning codes, part of `beian validate domain --json`.
const (
	CodeEmpty          = "domain.empty"            // nothing left after trimming
	CodeIPLiteral      = "domain.ip_literal"       // an IPv4/IPv6 address, not a name
	CodeSingleLabel    = "domain.single_label"     // "localhost", "intranet"
	CodeBadLabel       = "domain.bad_label"        // empty label, bad character, hyphen at an end
	CodeTooLong        = "domain.too_long"         // label > 63 or name > 253 bytes
	CodeBadPort        = "domain.bad_port"         // ":port" that is not a port number
	CodeURL            = "domain.url"              // a URL where a host was expected
	CodeIDNA           = "domain.idna"             // not a valid internationalised name
	CodePublicSuffix   = "domain.public_suffix"    // a public suffix itself (com.cn)
	CodeUnknownTLD     = "domain.unknown_tld"      // TLD not in the public suffix list
	CodeTLDNotApproved = "domain.tld_not_approved" // warning: not an MIIT-approved TLD
	CodePrivateSuffix  = "domain.private_suffix"   // warning: under a privately run suffix (github.io)
	CodeSubdomain      = "domain.subdomain"        // warning: filings are for the registrable domain
)

// Error is a refused host name with a stable code and a message in Chinese
// and English. Match it with errors.As into a hostname.Error value.
type Error struct {
	Code  string // stable code, for example "domain.ip_literal"
	ZH    string // message in Chinese
	EN    string // message in English
	Input string // the name as given
}

// Error implements error; the text names the input so a log line is useful alone.
func (e Error) Error() string {
	in := e.Input
	if len(in) > 80 {
		in = in[:80] + "…"
	}
	return fmt.Sprintf("%s: %q: %s", e.Code, in, e.EN)
}

func newError(code, input, zh, en string) Error {
	return Error{Code: code, ZH: zh, EN: en, Input: input}
}

// profile is the IDNA profile Normalize maps with: UTS #46 non-transitional
// processing with the lookup mapping (case folding, full-width letters and
// the full stops 。．｡), STD3 ASCII rules, the Bidi and ContextJ rules, and
// CheckHyphens off. Lookup, not Registration, because Registration refuses
// anything not already in canonical form, and mapping typed or pasted input
// to that form is the point here; CheckHyphens off (as in browsers and the
// WHATWG URL standard) because labels such as "r3---sn-abc" are real hosts.
// Leading and trailing hyphens are still refused, by checkASCII. Lengths are
// checked by checkASCII too. The profile is configuration, never modified.
var profile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.BidiRule(),
	idna.CheckHyphens(false),
)

// Normalize returns the canonical form of a host name: trimmed, lowercase,
// without a :port or trailing dot, internationalised labels as A-labels
// (Unicode and full-width dots 。．｡ are accepted). It refuses IP literals,
// empty input, single labels, empty labels, labels over 63 and names over 253
// bytes, characters other than letters, digits and hyphens, and labels that
// start or end with a hyphen. Normalize is idempotent, and does not allocate
// for a name that is already normal.
func Normalize(s string) (string, error) {
	if fastValid(s) {
		return s, nil
	}
	// A normal name with a port, as in many Host headers: still no allocation.
	if i := strings.LastIndexByte(s, ':'); i > 0 && validPort(s[i+1:]) && fastValid(s[:i]) {
		return s[:i], nil
	}
	return slowNormalize(s)
}

// validPort reports whether p is a port number 0-65535, or empty (RFC 3986
// allows "host:").
func validPort(p string) bool {
	if p == "" {
		return true
	}
	return len(p) <= 5 && allDigits(p) && (len(p) < 5 || p <= "65535")
}

// fastValid reports whether s is already a normal name: lowercase LDH
// labels of 1-63 bytes, at least two, 253 bytes at most, no trailing dot, no
// "xn--" label (those need IDNA checks) and a last label that does not start
// with a digit (which might make it an IPv4 address). Anything else takes
// the slow path, which decides; fastValid never accepts what it would refuse.
func fastValid(s string) bool {
	if len(s) == 0 || len(s) > maxName {
		return false
	}
	labels, start := 1, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if i == start && c == 'x' && i+3 < len(s) && s[i+1] == 'n' && s[i+2] == '-' && s[i+3] == '-' {
				return false
			}
		case c == '-':
			if i == start || i+1 == len(s) || s[i+1] == '.' {
				return false
			}
		case c == '.':
			if i == start || i-start > maxLabel {
				return false
			}
			labels++
			start = i + 1
		default:
			return false
		}
	}
	n := len(s) - start
	return labels >= 2 && n > 0 && n <= maxLabel && (s[start] < '0' || s[start] > '9')
}

// slowNormalize handles everything fastValid does not.
func slowNormalize(in string) (string, error) {
	if len(in) > maxInput {
		return "", newError(CodeTooLong, clip(in), "域名过长", "the name is too long")
	}
	s := strings.TrimFunc(in, isSpace)
	if s == "" {
		return "", newError(CodeEmpty, in, "域名为空", "the name is empty")
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#@") {
		return "", newError(CodeURL, in, "请只填写域名，不要填写网址（如“https://”或路径）",
			`give the host name only, not a URL (no "https://", path or query)`)
	}
	s, err := stripPort(in, s)
	if err != nil {
		return "", err
	}
	if !isASCII(s) {
		a, err := profile.ToASCII(s)
		if err != nil {
			return "", newError(CodeIDNA, in, "不是有效的国际化域名："+err.Error(), "not a valid internationalised domain name: "+err.Error())
		}
		s = a
	}
	s = strings.ToLower(s)
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", newError(CodeEmpty, in, "域名为空", "the name is empty")
	}
	if err := checkASCII(in, s); err != nil {
		return "", err
	}
	return s, nil
}

// stripPort removes a ":port" and refuses IP literals, bracketed or not.
func stripPort(in, s string) (string, error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", newError(CodeBadLabel, in, "缺少“]”", `missing "]"`)
		}
		if _, err := netip.ParseAddr(s[1:end]); err == nil {
			return "", newError(CodeIPLiteral, in, "这是 IP 地址，不是域名", "this is an IP address, not a domain name")
		}
		return "", newError(CodeBadLabel, in, "方括号只用于 IPv6 地址", "square brackets are for IPv6 addresses only")
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, nil
	case 1:
	default:
		if _, err := netip.ParseAddr(s); err == nil {
			return "", newError(CodeIPLiteral, in, "这是 IP 地址，不是域名", "this is an IP address, not a domain name")
		}
		return "", newError(CodeBadLabel, in, "域名中不能有多个“:”", `a host name has at most one ":" (before the port)`)
	}
	i := strings.IndexByte(s, ':')
	port := s[i+1:]
	if !validPort(port) {
		return "", newError(CodeBadPort, in, "端口“"+port+"”无效", fmt.Sprintf("invalid port %q", port))
	}
	return s[:i], nil
}

// checkASCII validates a lowercase ASCII name without trailing dot: labels,
// lengths, IPv4 look-alikes, A-labels, single labels.
func checkASCII(in, s string) error {
	if len(s) > maxName {
		return newError(CodeTooLong, in, fmt.Sprintf("域名长度 %d 字节，超过 253", len(s)), fmt.Sprintf("the name is %d bytes, over 253", len(s)))
	}
	if looksNumeric(lastLabel(s)) {
		return newError(CodeIPLiteral, in, "这是 IP 地址（或以数字结尾），不是域名", "this is an IP address (or ends in a number), not a domain name")
	}
	labels := 0
	for rest := s; ; labels++ {
		l, tail, more := strings.Cut(rest, ".")
		if err := checkLabel(in, l); err != nil {
			return err
		}
		if !more {
			labels++
			break
		}
		rest = tail
	}
	if labels < 2 {
		return newError(CodeSingleLabel, in, "域名至少要有两级（如 example.cn），不能只有“"+s+"”",
			"a domain name needs at least two labels (such as example.cn), not just "+fmt.Sprintf("%q", s))
	}
	return nil
}

// checkLabel validates one lowercase ASCII label.
func checkLabel(in, l string) error {
	switch {
	case l == "":
		return newError(CodeBadLabel, in, "域名中有空的一级（连续的点或以点开头）", "the name has an empty label (two dots in a row, or a leading dot)")
	case len(l) > maxLabel:
		return newError(CodeTooLong, in, fmt.Sprintf("“%s…”一级长 %d 字节，超过 63", l[:16], len(l)), fmt.Sprintf("the label %q… is %d bytes, over 63", l[:16], len(l)))
	case l[0] == '-' || l[len(l)-1] == '-':
		return newError(CodeBadLabel, in, "“"+l+"”不能以连字符开头或结尾", fmt.Sprintf("the label %q starts or ends with a hyphen", l))
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return newError(CodeBadLabel, in, fmt.Sprintf("“%s”含有不允许的字符 %q", l, rune(c)),
				fmt.Sprintf("the label %q has the character %q; only letters, digits and hyphens are allowed", l, rune(c)))
		}
	}
	if strings.HasPrefix(l, "xn--") {
		// An A-label must decode to a valid U-label that encodes back to the
		// same A-label, and must not hide a leading or trailing hyphen.
		u, err := profile.ToUnicode(l)
		if err == nil {
			var back string
			back, err = profile.ToASCII(u)
			if err == nil && back != l {
				err = errors.New("not in canonical form")
			}
		}
		if err == nil && (strings.HasPrefix(u, "-") || strings.HasSuffix(u, "-")) {
			err = errors.New("the Unicode label starts or ends with a hyphen")
		}
		if err != nil {
			return newError(CodeIDNA, in, "“"+l+"”不是有效的国际化域名标签："+err.Error(), fmt.Sprintf("%q is not a valid A-label: %v", l, err))
		}
	}
	return nil
}

// looksNumeric reports whether a last label would make browsers read the
// whole host as an IPv4 address (WHATWG URL "ends in a number"): all digits,
// or 0x followed by hex digits.
func looksNumeric(l string) bool {
	if allDigits(l) {
		return true
	}
	if len(l) >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X') {
		for i := 2; i < len(l); i++ {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(l[i])) {
				return false
			}
		}
		return true
	}
	return false
}

// isSpace is unicode.IsSpace plus the zero-width no-break space (BOM).
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens very long input for error values.
func clip(s string) string {
	if len(s) <= 256 {
		return s
	}
	i := 256
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
