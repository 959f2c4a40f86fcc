// Package footer finds the filing numbers a Chinese website shows, normally
// in its footer, and the links around them: ICP filing numbers (京ICP备…号-N),
// ICP licence numbers (京ICP证…号), operating licence numbers (京B2-…) and
// public-security filing numbers (京公网安备…号). The compliance scanner uses
// it to check that a site shows its number and links it to
// https://beian.miit.gov.cn/; `beian extract` prints what it finds.
//
// The package is pure: it reads bytes and returns values. It reads what a
// visitor sees, not the markup: a hand-written scanner (no DOM is built; a
// 1 MiB page takes a few milliseconds, see BenchmarkExtract1MiB, and time
// stays linear in the page on any input) keeps the visible text with a map
// back to the page and to the enclosing <a href>, and drops comments,
// <script>, <style>, <template>, attribute values, processing instructions
// (<?php … ?>) and template expressions ({{ … }}, ${…}, <% … %>). <noscript>
// content is kept: crawlers and the authorities' checkers run without
// JavaScript and see it. Hidden elements (display:none) are not detected.
//
// Matching tolerates how numbers really appear: split across inline tags
// (<span>京ICP备</span><span>12345678号</span>), character references
// (&nbsp;, &#65293;), full-width digits and letters, the dashes used as
// hyphens (－ — –), spaces inside the number, Traditional characters (備 號
// 證 網, 粵 滬 …) and pages in GBK, GB18030 or Big5. A number never crosses a
// block boundary (</p>, <br>, <td>, …). Placeholders never yield a number:
// no digits (粤ICP备xxxxxxxx号, {{ icp }}) or digits glued to letters or
// masks (2021xxxx, 1234****). Whether a candidate is a valid number, and its
// normalised form, is decided by package icpnum.
package footer

import (
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
	// Linked reports whether the number, or part of it, is inside an
	// <a href>; Link is that href, entity-decoded and trimmed, as written
	// (relative links are not resolved).
	Linked bool
	Link   string

	start, end int // bounds in the text stream
}

// Result is what `beian extract` prints: the distinct numbers of each kind in
// page order, and the links around the first linked ICP and PSB numbers.
type Result struct {
	// ICPFilings are the ICP filing numbers. An entity number and a website
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
	// licence number that has one, or nil if none is linked.
	ICPLink *string `json:"icp_link"`
	// PSBLink is the href of the link around the first PSB number that has
	// one, or nil.
	PSBLink *string `json:"psb_link"`
}

// Extract returns the distinct numbers in page, each kind in page order
// (a number seen twice keeps its first position), and the links around the
// first linked ICP and PSB numbers. The slices are empty, never nil, so
// that they print as [] in JSON. Extract never fails: a page without
// numbers gives an empty Result.
func Extract(page []byte) Result {
	r := Result{
		ICPFilings:        []string{},
		ICPLicenses:       []string{},
		OperatingLicenses: []string{},
		PSB:               []string{},
	}
	seen := make(map[string]bool)
	for _, m := range Matches(page) {
		switch m.Kind {
		case KindICPFiling, KindICPLicense:
			if m.Linked && r.ICPLink == nil {
				r.ICPLink = &m.Link
			}
		case KindPSB:
			if m.Linked && r.PSBLink == nil {
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
	return r
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
