package appinfo

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/vocab"
)

// Checker validates the service data of one application. It is a value the
// filing service builds per check from what it knows about the application
// (the entity's province and nature, today's date); it reads no clock and
// no store, so the same input always gives the same findings.
type Checker struct {
	// Vocab holds the controlled vocabularies; nil means vocab.Default().
	Vocab *vocab.Vocab
	// Commitments says where "no pre-approval applies" needs a signed
	// commitment; nil means DefaultCommitmentRules().
	Commitments *CommitmentRules
	// Today is the date validity periods are judged on (only its date in
	// its own location counts). It must be set: a zero Today is reported
	// as the finding checker.no_date rather than silently passing expired
	// approvals.
	Today time.Time
	// Province is the entity's province (abbreviation, name or GB/T 2260
	// code), for the province rules.
	Province string
	// Nature is the entity's nature (form.Nature*): every nature but an
	// individual has a legal representative (法定代表人), so its principals
	// must say whether they are one.
	Nature string
}

func (c Checker) vocab() *vocab.Vocab {
	if c.Vocab == nil {
		return vocab.Default()
	}
	return c.Vocab
}

// start opens a report, refusing a Checker without a date.
func (c Checker) start() *report {
	r := &report{}
	if c.Today.IsZero() {
		r.errorf("", "checker.no_date",
			"校验未提供当前日期，无法判断有效期（系统错误，请联系服务商）",
			"the check was given no current date, so validity cannot be judged (a system error; contact the provider)")
	}
	return r
}

// maxNameRunes bounds a service name. It is a sanity bound, not a published
// rule: App store names are far shorter, and a longer one is a paste error.
const maxNameRunes = 64

// cleanText normalises free text the way a form should be read: NFKC
// (full-width letters and digits become ASCII), trimmed, inner runs of
// white space collapsed to one space.
func cleanText(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// hasControl reports whether s holds a control or format character (a
// zero-width space, a direction override) that no name should carry.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// name checks a service name: present, printable, at most maxNameRunes.
// what is the service's kind in messages ("App", "小程序"/"mini-program").
func (c Checker) name(r *report, field, v, whatZH, whatEN string) {
	v = cleanText(v)
	switch n := utf8.RuneCountInString(v); {
	case v == "":
		r.errorf(field, "service.name_required", "未填写"+whatZH+"名称", "the "+whatEN+" name is empty")
	case hasControl(v):
		r.errorf(field, "service.name_bad_char",
			whatZH+"名称"+quote(v)+"含有控制字符或不可见字符", "the "+whatEN+" name "+quote(v)+" contains a control or invisible character")
	case n > maxNameRunes:
		r.errorf(field, "service.name_too_long",
			fmt.Sprintf("%s名称有%d个字符，超过%d个字符", whatZH, n, maxNameRunes),
			fmt.Sprintf("the %s name has %d characters, more than %d", whatEN, n, maxNameRunes))
	}
}

// codeField describes a field whose values are codes of one vocabulary:
// the finding codes of its three common faults and what it holds, for the
// messages.
type codeField struct {
	empty, unknown, duplicate string // finding codes
	zh, en                    string // "服务内容", "content type"
	hintZH, hintEN            string // added to the unknown message
}

var (
	contentField = codeField{empty: "content_type.empty", unknown: "content_type.unknown", duplicate: "content_type.duplicate",
		zh: "服务内容", en: "content type"}
	languageField = codeField{empty: "language.empty", unknown: "language.unknown", duplicate: "language.duplicate",
		zh: "语言", en: "language"}
)

// pickCode checks one code of field f at path at: present, known to get,
// not chosen before (seen, which it updates). term gives the entry's labels
// for the duplicate message.
func pickCode[T any](r *report, at string, f codeField, code string, get func(string) (T, bool), term func(T) vocab.Term, seen map[string]bool) (T, bool) {
	v, ok := get(code)
	switch {
	case code == "":
		r.errorf(at, f.empty, "未选择"+f.zh, "the "+f.en+" is empty")
	case !ok:
		r.errorf(at, f.unknown, "未知的"+f.zh+quote(code)+f.hintZH, "unknown "+f.en+" "+quote(code)+f.hintEN)
	case seen[code]:
		l := term(v)
		r.errorf(at, f.duplicate, f.zh+"“"+l.ZH+"”重复", "the "+f.en+" "+l.EN+" appears twice")
	default:
		seen[code] = true
		return v, true
	}
	var zero T
	return zero, false
}

// contentTypes checks the chosen content codes: at least one, each a known
// second-level code, none twice. It returns the valid ones, for the
// pre-approval check.
func (c Checker) contentTypes(r *report, field string, codes []string) []vocab.ContentType {
	if len(codes) == 0 {
		r.errorf(field, "content_type.required", "请至少选择一项服务内容", "choose at least one content type")
		return nil
	}
	v := c.vocab()
	seen := map[string]bool{}
	var out []vocab.ContentType
	for i, code := range codes {
		at := fmt.Sprintf("%s[%d]", field, i)
		ct, ok := pickCode(r, at, contentField, strings.TrimSpace(code), v.ContentType,
			func(c vocab.ContentType) vocab.Term { return c.Term }, seen)
		switch {
		case !ok:
		case !ct.Leaf():
			r.errorf(at, "content_type.not_leaf",
				"请选择“"+ct.ZH+"”下的二级服务内容，而不是一级类目",
				"choose a second-level content type under "+ct.EN+", not the group itself")
		default:
			out = append(out, ct)
		}
	}
	return out
}

// languages checks the service's languages: at least one, each known, none twice.
func (c Checker) languages(r *report, field string, codes []string) {
	if len(codes) == 0 {
		r.errorf(field, "language.required", "请至少选择一种服务语言", "choose at least one language")
		return
	}
	v := c.vocab()
	seen := map[string]bool{}
	for i, code := range codes {
		pickCode(r, fmt.Sprintf("%s[%d]", field, i), languageField, strings.TrimSpace(code), v.Language,
			func(l vocab.Language) vocab.Term { return l.Term }, seen)
	}
}

// maxRemarkRunes bounds the remarks, which the filing system shows to the
// reviewers; a sanity bound like maxNameRunes.
const maxRemarkRunes = 1000

// remarks checks the optional remarks.
func (c Checker) remarks(r *report, field, v string) {
	if n := utf8.RuneCountInString(strings.TrimSpace(v)); n > maxRemarkRunes {
		r.errorf(field, "remarks.too_long",
			fmt.Sprintf("备注有%d个字符，超过%d个字符", n, maxRemarkRunes),
			fmt.Sprintf("the remarks have %d characters, more than %d", n, maxRemarkRunes))
	}
}
