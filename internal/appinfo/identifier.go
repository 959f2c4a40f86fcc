package appinfo

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/vocab"
)

// idSpec is one family of dotted application identifiers: the codes it
// reports under (prefix.*), its name in messages, and its rules.
type idSpec struct {
	prefix   string
	zh, en   string
	min, max int             // length in bytes
	char     func(byte) bool // allowed characters
	charsZH  string
	charsEN  string
	// segmentLetter: every dot-separated segment starts with a letter;
	// otherwise only the first character must be a letter (firstLetter).
	segmentLetter bool
	firstLetter   bool
	// lastNotDotOrHyphen is implied by non-empty segments; keywords forbids
	// Java keywords and literals as segments.
	keywords bool
}

func alnumUnderscore(b byte) bool { return isLetter(b) || isDigit(b) || b == '_' }

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

var (
	// androidPackage: the application ID rules of
	// https://developer.android.com/build/configure-app-module#set-application-id
	// (two or more segments, each starting with a letter, characters
	// [a-zA-Z0-9_]); the package is a Java package name, so no segment may
	// be a Java keyword or literal (JLS §3.9, §6.5.3:
	// https://docs.oracle.com/javase/specs/jls/se21/html/jls-3.html#jls-3.9).
	// 255 bytes is a sanity bound.
	androidPackage = idSpec{prefix: "package_name", zh: "安卓包名", en: "Android package name",
		min: 3, max: 255, char: alnumUnderscore, charsZH: "字母、数字、下划线", charsEN: "letters, digits and underscores",
		segmentLetter: true, firstLetter: true, keywords: true}
	// iosBundleID: CFBundleIdentifier holds only A–Z, a–z, 0–9, hyphens and
	// periods, in reverse-DNS form
	// (https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleidentifier).
	// 255 bytes is a sanity bound.
	iosBundleID = idSpec{prefix: "bundle_id", zh: "iOS Bundle ID", en: "iOS bundle ID",
		min: 3, max: 255, char: func(b byte) bool { return isLetter(b) || isDigit(b) || b == '-' },
		charsZH: "字母、数字、连字符", charsEN: "letters, digits and hyphens"}
	// harmonyBundleName: bundleName is 7–128 bytes of letters, digits,
	// underscores and dots, starting with a letter, in reverse-domain form
	// (https://developer.huawei.com/consumer/cn/doc/harmonyos-guides/app-configuration-file).
	harmonyBundleName = idSpec{prefix: "bundle_name", zh: "鸿蒙应用包名（bundleName）", en: "HarmonyOS bundle name",
		min: 7, max: 128, char: alnumUnderscore, charsZH: "字母、数字、下划线", charsEN: "letters, digits and underscores",
		firstLetter: true}
	// quickAppPackage: at most 255 characters of letters, digits, dots and
	// underscores, starting with a letter, containing dots
	// (https://developer.huawei.com/consumer/en/doc/quickApp-References/quickapp-manifest-0000001073698621/).
	quickAppPackage = idSpec{prefix: "package_name", zh: "快应用包名", en: "quick-app package name",
		min: 3, max: 255, char: alnumUnderscore, charsZH: "字母、数字、下划线", charsEN: "letters, digits and underscores",
		firstLetter: true}
)

// javaReserved are the Java keywords and literals, which cannot be package
// name segments (JLS §3.9).
var javaReserved = map[string]bool{
	"abstract": true, "assert": true, "boolean": true, "break": true, "byte": true, "case": true,
	"catch": true, "char": true, "class": true, "const": true, "continue": true, "default": true,
	"do": true, "double": true, "else": true, "enum": true, "extends": true, "final": true,
	"finally": true, "float": true, "for": true, "goto": true, "if": true, "implements": true,
	"import": true, "instanceof": true, "int": true, "interface": true, "long": true, "native": true,
	"new": true, "package": true, "private": true, "protected": true, "public": true, "return": true,
	"short": true, "static": true, "strictfp": true, "super": true, "switch": true, "synchronized": true,
	"this": true, "throw": true, "throws": true, "transient": true, "try": true, "void": true,
	"volatile": true, "while": true, "true": true, "false": true, "null": true, "_": true,
}

// parse checks s (already trimmed) against the spec.
func (sp idSpec) parse(s string) (string, *Error) {
	code := func(c string) string { return sp.prefix + "." + c }
	switch {
	case s == "":
		return "", fail(code("empty"), "未填写"+sp.zh, "the "+sp.en+" is empty")
	case len(s) < sp.min || len(s) > sp.max:
		return "", fail(code("length"),
			sp.zh+quote(s)+"长度须为"+strconv.Itoa(sp.min)+"–"+strconv.Itoa(sp.max)+"个字符",
			"the "+sp.en+" "+quote(s)+" must be "+strconv.Itoa(sp.min)+" to "+strconv.Itoa(sp.max)+" characters long")
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b != '.' && !sp.char(b) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return "", fail(code("bad_char"),
				sp.zh+quote(s)+"含有不允许的字符"+strconv.QuoteRune(r)+"：只能使用"+sp.charsZH+"和点",
				"the "+sp.en+" "+quote(s)+" contains "+strconv.QuoteRune(r)+": only "+sp.charsEN+" and dots are allowed")
		}
	}
	segs := strings.Split(s, ".")
	if len(segs) < 2 || slicesContainsEmpty(segs) {
		return "", fail(code("segments"),
			sp.zh+quote(s)+"须为以点分隔的反向域名形式（如 com.example.app），且各段不能为空",
			"the "+sp.en+" "+quote(s)+" must be a reverse-domain name of two or more non-empty dot-separated segments (com.example.app)")
	}
	if sp.firstLetter && !isLetter(s[0]) {
		return "", fail(code("segment_start"), sp.zh+quote(s)+"须以字母开头", "the "+sp.en+" "+quote(s)+" must start with a letter")
	}
	for _, seg := range segs {
		if sp.segmentLetter && !isLetter(seg[0]) {
			return "", fail(code("segment_start"),
				sp.zh+quote(s)+"的每一段都须以字母开头（"+quote(seg)+"不是）",
				"every segment of the "+sp.en+" "+quote(s)+" must start with a letter ("+quote(seg)+" does not)")
		}
		if sp.keywords && javaReserved[seg] {
			return "", fail(code("reserved_word"),
				sp.zh+quote(s)+"的一段"+quote(seg)+"是Java保留字，不能用作包名",
				"the segment "+quote(seg)+" of the "+sp.en+" "+quote(s)+" is a Java reserved word")
		}
	}
	return s, nil
}

func slicesContainsEmpty(ss []string) bool {
	for _, s := range ss {
		if s == "" {
			return true
		}
	}
	return false
}

// ParsePackageName checks an Android package name (application ID) and
// returns it trimmed.
func ParsePackageName(s string) (string, error) {
	return wrap(androidPackage.parse(strings.TrimSpace(s)))
}

// ParseBundleID checks an iOS bundle ID and returns it trimmed.
func ParseBundleID(s string) (string, error) { return wrap(iosBundleID.parse(strings.TrimSpace(s))) }

// ParseBundleName checks a HarmonyOS bundle name and returns it trimmed.
func ParseBundleName(s string) (string, error) {
	return wrap(harmonyBundleName.parse(strings.TrimSpace(s)))
}

// ParseQuickAppPackage checks a quick app's package name and returns it trimmed.
func ParseQuickAppPackage(s string) (string, error) {
	return wrap(quickAppPackage.parse(strings.TrimSpace(s)))
}

// wrap keeps a nil *Error from becoming a non-nil error interface.
func wrap(s string, e *Error) (string, error) {
	if e != nil {
		return "", e
	}
	return s, nil
}

// maxAppID bounds an app ID of a platform without a published shape.
const maxAppID = 128

// ParseAppID checks the identifier of a service on platform p: the
// platform's package-name, bundle-ID or bundle-name rules, its app ID
// pattern (an *Error with Warning set when the platform's pattern is not
// strict), or, for platforms with no known shape, non-empty printable text
// without spaces of at most 128 characters.
func ParseAppID(p vocab.Platform, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch p.IDKind {
	case vocab.IDPackageName:
		if p.Service == icpnum.ServiceApp {
			return ParsePackageName(s)
		}
		return ParseQuickAppPackage(s)
	case vocab.IDBundleID:
		return ParseBundleID(s)
	case vocab.IDBundleName:
		return ParseBundleName(s)
	}
	if s == "" {
		return "", fail("app_id.empty", "未填写"+p.ZH+"应用ID", "the "+p.EN+" app ID is empty")
	}
	if utf8.RuneCountInString(s) > maxAppID {
		return "", fail("app_id.too_long", "应用ID超过128个字符", "the app ID is longer than 128 characters")
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return "", fail("app_id.bad_char",
				"应用ID"+quote(s)+"含有空白或不可打印字符", "the app ID "+quote(s)+" contains a space or an unprintable character")
		}
	}
	if !p.MatchAppID(s) {
		e := fail("app_id.format",
			quote(s)+"不像"+p.ZH+"小程序的应用ID（例如 "+p.AppIDExample+"）",
			quote(s)+" does not look like a "+p.EN+" app ID (such as "+p.AppIDExample+")")
		e.Warning = !p.Strict
		if e.Warning {
			return s, e
		}
		return "", e
	}
	return s, nil
}

// ValidatePackageName is ParsePackageName as a finding.Result.
func ValidatePackageName(s string) finding.Result {
	n, e := androidPackage.parse(strings.TrimSpace(s))
	return result(n, e, nil)
}

// ValidateAppID is ParseAppID as a finding.Result.
func ValidateAppID(p vocab.Platform, s string) finding.Result {
	n, err := ParseAppID(p, s)
	var e *Error
	if err != nil {
		e = err.(*Error)
	}
	return result(n, e, map[string]any{"platform": p.Code})
}
