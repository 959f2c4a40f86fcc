// Package footer finds the filing numbers a Chinese website shows, normally
// in its footer, and the links around them: ICP filing numbers (京ICP备…号-N,
// and 号-NA, 号-NX, 号-NK for Apps, mini-programs and quick apps), ICP licence
// numbers (京ICP证…号), operating licence numbers (京B2-…, 合字B1.B2-…,
// 粤B2-…-1626X) and public-security filing numbers (京公网安备…号, and the
// older Shenzhen 深公网安备 with 12 or 13 digits). The compliance scanner
// uses it to check that a site shows its number and links it to
// https://beian.miit.gov.cn/; `beian extract` prints what it finds.
//
// The package is pure: it reads bytes and returns values. A hand-written
// scanner (no DOM is built; a 1 MiB page takes a few milliseconds, see
// BenchmarkExtract1MiB, and time stays linear in the page on any input)
// keeps the text with a map back to the page and to the enclosing link.
//
// What counts as shown. The rule is: what the browser receives and renders,
// as a visitor sees it once the page has run.
//   - Markup text counts; tags, attribute values, <style>, inert <template>
//     elements, processing instructions (<?php … ?>) and server templates
//     (<% … %>, {{ … }}, ${…}, <#…>) do not: server code is not in the page
//     a browser receives, and a template expression is a placeholder.
//     The exception is a PHP string literal that holds markup ($icp =
//     "<a href='…'>湘ICP备…号</a>"; echo $icp;): PHP templates keep footer
//     fragments in strings to echo them, so such a string is read as
//     markup; other PHP strings are not.
//     <noscript> counts: crawlers and the authorities' checkers run without
//     JavaScript and see it. Hidden elements (display:none) are not detected.
//     A UI component's display attributes count, because the component
//     renders them (<uv-cell title="备案号" value="皖ICP备…号-1X">, <Cell
//     label="…">: value, label, text, title, content, desc on a custom
//     element or a capitalised JSX tag); an HTML element's are tooltips or
//     form state and do not.
//   - Scripts count as code: the strings of a <script> (JavaScript, JSON)
//     are what a single-page app renders (a Vue or React footer's data
//     icp: '京ICP备…', document.write of markup, a JSON state), so they are
//     read as text, with JavaScript escapes undone and markup inside them
//     parsed (<a href=\"http:\/\/…\/\">, \u003ca href=…). Code comments
//     (// …, /* … */) are notes to programmers and do not count, in scripts
//     and in code files given as the page alike. A code file given as the
//     page (a config module, a JSX or Vue component, a YAML or Markdown
//     file) is read the same way; a Vue single-file component's top-level
//     <template> is its markup.
//   - Comments do not count but are not dropped either: numbers in HTML
//     comments (<!-- -->) and in template comments (<%-- --%>, <#-- -->,
//     <%# %>, {# #}, {{!-- --}}, {{-- --}}, {{/* */}}, {* *}, JSX's {/* */})
//     are reported apart (Result.Hidden), so that a scanner can tell a
//     number that is present only in a comment.
//
// Links. A number's link is, in this order: the enclosing <a href> or link
// component (<Link href>, <a-link href>, <el-link href>, <router-link to>,
// any element but <link> and other void ones with an href; Vue's :href and
// JSX's href={…} are resolved when the page defines the name they use,
// otherwise the link is known to exist but not where it goes); a Markdown
// link around it (its destination may be written <https://…>, and it may
// hold only the digits after the label: 沪公网安备: [3101…号](…)); or, for a
// number that is a value in a JavaScript, JSON or YAML object, a sibling
// property that names a link ({icp: "…", icpUrl: "…"}, {title: "…", link:
// "…"}, h('a', {href: …}, '…'); one named for the number's own key,
// cyberSecurityLink beside cyberSecurityRecord, wins over a nearer one
// named for another number). An onclick that opens a URL is not a link.
//
// Matching tolerates how numbers really appear: split across inline tags
// (<span>京ICP备</span><span>12345678号</span>), character references
// (&nbsp;, &#65293;), full-width digits and letters, the dashes used as
// hyphens (－ — –), spaces inside the number, labels (蜀 ICP(备)10025767号,
// 粤ICP备案：10025609号, 京ICP证B2-20171701号), numbers glued to the next label
// (…号-1京公网安备…, …号联系我们), Traditional characters (備 號 證 網, 粵 滬 …)
// and pages in GBK, GB18030 or Big5. A number never crosses a block
// boundary (</p>, <br>, <td>, …). Placeholders never yield a number: no
// digits (粤ICP备xxxxxxxx号, {{ icp }}) or digits glued to masks (2021xxxx,
// 1234****). Whether a candidate is a valid number, and its normalised
// form, is decided by package icpnum.
package footer

import (
	"slices"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Kind says which sort of number a Match is.
type Kind string

// The kinds of number the extractor finds.
const (
	// KindICPFiling is an ICP filing number, entity (京ICP备12345678号) or
	// website (京ICP备12345678号-1).
	KindICPFiling Kind = "icp_filing"
	// KindICPLicense is an ICP licence number (京ICP证030173号).
	KindICPLicense Kind = "icp_license"
	// KindOperatingLicense is a value-added telecom operating licence
	// number (京B2-20212732, or B2-20080207 when issued by MIIT).
	KindOperatingLicense Kind = "operating_license"
	// KindPSB is a public-security filing number (京公网安备11010602005139号).
	KindPSB Kind = "psb"
)

// Match is one occurrence of a number in a page, with what the compliance
// scanner needs to judge how it is shown.
type Match struct {
	// Kind is the sort of number.
	Kind Kind
	// Number is the normalised number, as icpnum prints it.
	Number string
	// Text is the visible text the number was read from, as on the page
	// (references decoded, tags removed), for messages.
	Text string
	// Offset is the byte offset in the page where the number starts (its
	// province abbreviation, if any). For a page that is not UTF-8 it is an
	// offset in the page decoded to UTF-8.
	Offset int
	// Linked reports whether the number has a link (see the package doc):
	// it, or part of it, is inside an <a href> or a link component, or a
	// Markdown link, or a config object gives its link. Link is the href,
	// entity-decoded and trimmed, as written (relative links are not
	// resolved); LinkVia says how it was found (LinkHTML, LinkMarkdown,
	// LinkConfig, or LinkExpression when the href is an expression that
	// could not be resolved, and Link holds the expression).
	Linked  bool
	Link    string
	LinkVia string

	start, end int // bounds in the text stream
}

// Result is what `beian extract` prints: the distinct numbers of each kind in
// page order, the links around the first linked ICP and PSB numbers, and
// the numbers found only where a visitor does not see them.
type Result struct {
	// ICPFilings are the ICP filing numbers. An entity number and a service
	// number of that entity (…号 and …号-1) are different numbers and both
	// listed: the compliance scanner decides which one the site must show.
	ICPFilings []string `json:"icp_filings"`
	// ICPLicenses are the ICP licence numbers (…ICP证…号).
	ICPLicenses []string `json:"icp_licenses"`
	// OperatingLicenses are the operating licence numbers (…B2-…).
	OperatingLicenses []string `json:"operating_licenses"`
	// PSB are the public-security filing numbers.
	PSB []string `json:"psb"`
	// ICPLink is the href of the link around the first ICP filing or
	// licence number that has one, or, when none has, around the first
	// operating licence number that has one (licence holders show
	// 粤B2-20090059-18 as their site's number and link it); nil if none is
	// linked. A link whose target is an unresolved expression does not count.
	ICPLink *string `json:"icp_link"`
	// PSBLink is the href of the link around the first PSB number that has
	// one, or nil.
	PSBLink *string `json:"psb_link"`
	// Hidden are the distinct numbers found in comments (HTML or template
	// comments), in page order, whether or not the page also shows them: a
	// visitor does not see them, but a scanner that dropped them could not
	// tell "number missing" from "number present only in a comment", the
	// usual state of a footer whose number was commented out.
	Hidden []Hidden `json:"hidden"`
}

// Hidden is a number that a page holds where a visitor does not see it.
type Hidden struct {
	Number string `json:"number"`
	Kind   Kind   `json:"kind"`
	// Where is "html_comment" (<!-- -->) or "template_comment" (<%-- --%>,
	// {# #}, {{!-- --}}, {/* */}, …).
	Where string `json:"where"`
}

// Extract returns the distinct numbers in page, each kind in page order
// (a number seen twice keeps its first position), the links around the
// first linked ICP and PSB numbers, and the numbers in comments. The
// slices are empty, never nil, so that they print as [] in JSON. Extract
// never fails: a page without numbers gives an empty Result.
func Extract(page []byte) Result {
	r := Result{
		ICPFilings:        []string{},
		ICPLicenses:       []string{},
		OperatingLicenses: []string{},
		PSB:               []string{},
		Hidden:            []Hidden{},
	}
	s := buildStream(toUTF8(page))
	seen := make(map[string]bool)
	var licenceLink *string
	for _, m := range (&matcher{s: s}).run() {
		known := m.Linked && m.LinkVia != LinkExpression
		switch m.Kind {
		case KindICPFiling, KindICPLicense:
			if known && r.ICPLink == nil {
				r.ICPLink = &m.Link
			}
		case KindOperatingLicense:
			if known && licenceLink == nil {
				licenceLink = &m.Link
			}
		case KindPSB:
			if known && r.PSBLink == nil {
				r.PSBLink = &m.Link
			}
		}
		key := string(m.Kind) + "\x00" + m.Number
		if seen[key] {
			continue
		}
		seen[key] = true
		switch m.Kind {
		case KindICPFiling:
			r.ICPFilings = append(r.ICPFilings, m.Number)
		case KindICPLicense:
			r.ICPLicenses = append(r.ICPLicenses, m.Number)
		case KindOperatingLicense:
			r.OperatingLicenses = append(r.OperatingLicenses, m.Number)
		case KindPSB:
			r.PSB = append(r.PSB, m.Number)
		}
	}
	if r.ICPLink == nil {
		r.ICPLink = licenceLink
	}
	r.Hidden = hiddenNumbers(s.hidden, r.Hidden)
	return r
}

// hiddenNumbers appends to out the distinct numbers of the hidden stream h,
// each with the kind of comment it was found in.
func hiddenNumbers(h *stream, out []Hidden) []Hidden {
	m := matcher{s: h}
	m.find()
	seen := make(map[string]bool)
	for _, x := range m.kept() {
		key := string(x.Kind) + "\x00" + x.Number
		if seen[key] {
			continue
		}
		seen[key] = true
		where := whereHTMLComment
		k, found := slices.BinarySearchFunc(h.wheres, int32(x.start), func(w whereMark, t int32) int { return int(w.text - t) })
		if !found {
			k--
		}
		if k >= 0 && k < len(h.wheres) {
			where = h.wheres[k].where
		}
		out = append(out, Hidden{Number: x.Number, Kind: x.Kind, Where: where})
	}
	return out
}

// Matches returns every occurrence of a number in page, in page order,
// duplicates included, for callers that judge each occurrence (is it
// linked, and to where). It returns nil when there is none.
func Matches(page []byte) []Match {
	page = toUTF8(page)
	m := matcher{s: buildStream(page)}
	return m.run()
}

// toUTF8 returns page as UTF-8. The encoding comes from a byte-order mark
// or a <meta> charset in the first 1024 bytes (GBK, GB2312, GB18030, Big5,
// UTF-16 …); without one, or with a Western declaration (windows-1252,
// iso-8859-1, a frequent misconfiguration of old Chinese sites), the legacy
// encoding assumed is GB18030, the superset of GBK and GB2312. Whatever the
// declaration says, a page that is valid UTF-8 is read as UTF-8: text in a
// legacy Chinese encoding is practically never valid UTF-8, while pages that
// declare a charset they do not use are common. A page declared UTF-8 is not
// checked (its bad bytes read as U+FFFD), which keeps the usual case cheap.
func toUTF8(page []byte) []byte {
	enc, name, _ := charset.DetermineEncoding(page, "")
	if name == "utf-8" || utf8.Valid(page) {
		return page
	}
	if name == "windows-1252" {
		enc = simplifiedchinese.GB18030
	}
	if enc == nil || enc == encoding.Nop {
		return page
	}
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		return page
	}
	return out
}
