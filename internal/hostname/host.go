package hostname

import (
	"errors"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/beian/beian/internal/finding"
)

// Host is a normalised host name with its place under the public suffix list.
type Host struct {
	// Name is the normalised A-label form (xn--fsqu00a.xn--fiqs8s).
	Name string
	// Unicode is the same name for display (例子.中国).
	Unicode string
	// Registrable is the registrable domain (eTLD+1): the name a holder
	// registers and an ICP filing covers (a.b.example.com.cn → example.com.cn).
	Registrable string
	// PublicSuffix is the effective TLD (com.cn, github.io), A-label form.
	PublicSuffix string
	// ICANN reports whether PublicSuffix comes from the ICANN section of the
	// list; false for privately run suffixes (github.io) and unknown TLDs.
	ICANN bool
}

// Parse normalises s and places it under the public suffix list (the copy
// compiled into golang.org/x/net/publicsuffix). A name that is itself a
// public suffix (com.cn, or a private one such as github.io) is an error:
// nobody can hold it, so nothing can be filed for it.
func Parse(s string) (Host, error) {
	name, err := Normalize(s)
	if err != nil {
		return Host{}, err
	}
	suffix, icann := publicsuffix.PublicSuffix(name)
	reg, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return Host{}, newError(CodePublicSuffix, s,
			"“"+name+"”是公共后缀，不能作为域名注册或备案",
			"\""+name+"\" is a public suffix; a name must be registered under it")
	}
	uni, err := profile.ToUnicode(name)
	if err != nil { // cannot happen for a normalised name; show the A-labels then
		uni = name
	}
	return Host{Name: name, Unicode: uni, Registrable: reg, PublicSuffix: suffix, ICANN: icann}, nil
}

// unknownTLD reports whether the suffix came from the list's default rule
// ("*"): not ICANN and a single label. No private entry is a bare TLD.
func (h Host) unknownTLD() bool {
	return !h.ICANN && !strings.Contains(h.PublicSuffix, ".")
}

// Validate checks a domain for `beian validate domain` and the application
// checks. Errors: everything Parse refuses, and a TLD unknown to the public
// suffix list. Warnings: a TLD not approved by MIIT, a privately run suffix,
// and a subdomain (filings are for the registrable domain). Info holds ascii,
// unicode, registrable, registrable_unicode, public_suffix, icann and
// approved_tld.
func Validate(s string) finding.Result {
	var r finding.Result
	h, err := Parse(s)
	if err != nil {
		var e Error
		if !errors.As(err, &e) {
			e = Error{Code: CodeBadLabel, ZH: "域名无效", EN: err.Error()}
		}
		r.Findings = append(r.Findings, finding.Errorf(e.Code, e.ZH, e.EN))
		return r.Finish()
	}
	r.Normalized = h.Name
	regUni, err := profile.ToUnicode(h.Registrable)
	if err != nil {
		regUni = h.Registrable
	}
	approved := ApprovedTLD(h.PublicSuffix)
	r.Info = map[string]any{
		"ascii":               h.Name,
		"unicode":             h.Unicode,
		"registrable":         h.Registrable,
		"registrable_unicode": regUni,
		"public_suffix":       h.PublicSuffix,
		"icann":               h.ICANN,
		"approved_tld":        approved,
	}
	tld := lastLabel(h.PublicSuffix)
	switch {
	case h.unknownTLD():
		r.Findings = append(r.Findings, finding.Errorf(CodeUnknownTLD,
			"“."+tld+"”不是已知的顶级域名",
			"\"."+tld+"\" is not a known top-level domain"))
	case !approved:
		r.Findings = append(r.Findings, finding.Warnf(CodeTLDNotApproved,
			"“."+tld+"”不在工信部批准的顶级域名列表中（本系统内置列表可能过时，请以 domain.miit.gov.cn 为准）",
			"\"."+tld+"\" is not in the list of MIIT-approved top-level domains (the built-in list may be dated; domain.miit.gov.cn is authoritative)"))
	}
	if !h.ICANN && !h.unknownTLD() {
		r.Findings = append(r.Findings, finding.Warnf(CodePrivateSuffix,
			"“"+h.PublicSuffix+"”是他人运营的公共后缀，备案须以域名持有者注册的域名为准",
			"\""+h.PublicSuffix+"\" is a suffix run by a private party; a filing must be for a domain the entity itself holds"))
	}
	if h.Name != h.Registrable {
		r.Findings = append(r.Findings, finding.Warnf(CodeSubdomain,
			"备案针对主域名“"+regUni+"”，其下的子域名无需单独备案",
			"filings are for the registrable domain \""+h.Registrable+"\"; its subdomains need no filing of their own"))
	}
	return r.Finish()
}

// lastLabel returns the part after the last dot.
func lastLabel(s string) string {
	return s[strings.LastIndexByte(s, '.')+1:]
}
