package footer

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"
)

// hardBreak marks a block boundary (</p>, <br>, <td>, …) in the text stream.
// Number matching never crosses it, so "京ICP备12345678号" in one paragraph and
// "-2" in the next do not join; inline tags (<span>, <a>, <b>, custom
// elements, …) leave no mark, so numbers split across them still join.
const hardBreak = 0

// seg maps a run of the text stream back to the page and to the link around it.
type seg struct {
	text     int32 // offset in stream.text where the run starts
	src      int32 // offset in the page of the first byte of the run
	link     int32 // index into stream.links, or -1 outside <a href>
	verbatim bool  // the run is a byte-for-byte copy of the page (offsets inside it are exact)
}

// span is a range of page bytes.
type span struct{ a, b int32 }

// stream is the visible text of a page, with a mapping back to the page.
type stream struct {
	page    []byte
	text    []byte
	segs    []seg
	links   []span // raw href values, decoded only when a number is inside the link
	cur     int32  // current link index, -1 outside <a href>
	nextSrc int    // page offset that would continue the last verbatim segment, -1 if none

	// noPHPClose and noASPClose record that no "?>" or "%>" follows: an
	// unclosed <? or <% is then not searched again, keeping a page linear.
	noPHPClose, noASPClose bool
}

// maxTagName bounds the tag names compared against the tables below.
const maxTagName = 16

// buildStream extracts the visible text of page: markup, comments, <script>,
// <style>, <template> and similar raw-text elements, processing instructions
// (<?php … ?>), server templates (<% … %>, <#…>, <@…>) and attribute values
// are dropped; character references are decoded; the contents of <noscript>
// are kept because a client without JavaScript (a crawler, the MIIT checker)
// sees them. Text is not otherwise normalised: the matcher folds full-width
// forms, dashes, spaces and Traditional characters as it reads.
func buildStream(page []byte) *stream {
	s := &stream{
		page:    page,
		text:    make([]byte, 0, len(page)/2+64), // visible text is rarely more than half a page
		segs:    make([]seg, 0, len(page)/64+16),
		cur:     -1,
		nextSrc: -1,
	}
	i, n := 0, len(page)
	for i < n {
		j := bytes.IndexByte(page[i:], '<')
		if j < 0 {
			s.addText(page, i, n)
			break
		}
		if j > 0 {
			s.addText(page, i, i+j)
		}
		i = s.markup(page, i+j)
	}
	blankTemplates(s.text)
	return s
}

// link returns the href of link li, with references decoded and spaces trimmed.
func (s *stream) link(li int32) string {
	sp := s.links[li]
	return strings.TrimSpace(html.UnescapeString(string(s.page[sp.a:sp.b])))
}

// addText appends page[a:b], decoding character references.
func (s *stream) addText(page []byte, a, b int) {
	for a < b {
		k := bytes.IndexByte(page[a:b], '&')
		if k < 0 {
			s.copy(page, a, b)
			return
		}
		if k > 0 {
			s.copy(page, a, a+k)
		}
		a += k
		dec, used := decodeEntity(page[a:b])
		s.push(a, false)
		s.text = append(s.text, dec...)
		s.nextSrc = -1
		a += used
	}
}

// copy appends page[a:b] verbatim, extending the last segment when it can.
func (s *stream) copy(page []byte, a, b int) {
	if a != s.nextSrc || len(s.segs) == 0 || s.segs[len(s.segs)-1].link != s.cur {
		s.push(a, true)
	}
	s.text = append(s.text, page[a:b]...)
	s.nextSrc = b
}

// push starts a new segment at the current end of the text.
func (s *stream) push(src int, verbatim bool) {
	s.segs = append(s.segs, seg{text: int32(len(s.text)), src: int32(src), link: s.cur, verbatim: verbatim})
}

// brk appends a hard break unless the text already ends with one.
func (s *stream) brk() {
	if len(s.text) > 0 && s.text[len(s.text)-1] != hardBreak {
		s.text = append(s.text, hardBreak)
	}
	s.nextSrc = -1
}

// markup handles the construct starting with '<' at page[i] and returns the
// offset after it. A '<' that starts no construct is text, as in HTML.
func (s *stream) markup(page []byte, i int) int {
	n := len(page)
	if i+1 >= n {
		s.copy(page, i, n)
		return n
	}
	switch c := page[i+1]; {
	case c == '!':
		if bytes.HasPrefix(page[i:], []byte("<!--")) {
			// <!--> and <!---> are empty comments in HTML.
			if bytes.HasPrefix(page[i+4:], []byte(">")) {
				return i + 5
			}
			if bytes.HasPrefix(page[i+4:], []byte("->")) {
				return i + 6
			}
			return skipPast(page, i+4, "-->")
		}
		return skipPast(page, i+2, ">")
	case c == '?':
		// <?php … ?> and <?= … ?> run to "?>" (to the end when unclosed,
		// as in PHP); other <? … > are bogus comments ending at '>'.
		if bytes.HasPrefix(page[i:], []byte("<?php")) || bytes.HasPrefix(page[i:], []byte("<?=")) {
			if !s.noPHPClose {
				if k := bytes.Index(page[i+2:], []byte("?>")); k >= 0 {
					return i + 2 + k + 2
				}
				s.noPHPClose = true
			}
			return n
		}
		return skipPast(page, i+2, ">")
	case c == '%':
		if !s.noASPClose {
			if k := bytes.Index(page[i+2:], []byte("%>")); k >= 0 {
				return i + 2 + k + 2
			}
			s.noASPClose = true
		}
	case c == '#' || c == '@':
		return skipPast(page, i+2, ">")
	case c == '/':
		if i+2 < n && isASCIILetter(page[i+2]) {
			name, j := tagName(page, i+2)
			end, _, _ := scanAttrs(page, j, false)
			s.endTag(name)
			return end
		}
		if i+2 < n && page[i+2] == '>' {
			return i + 3
		}
		return skipPast(page, i+2, ">")
	case isASCIILetter(c):
		name, j := tagName(page, i+1)
		isA := len(name) == 1 && (name[0] == 'a' || name[0] == 'A')
		end, href, hasHref := scanAttrs(page, j, isA)
		return s.startTag(page, name, end, href, hasHref)
	}
	s.copy(page, i, i+1)
	return i + 1
}

// startTag records the effect of a start tag whose attributes end at end.
func (s *stream) startTag(page []byte, name []byte, end int, href span, hasHref bool) int {
	var buf [maxTagName]byte
	lname := lower(buf[:0], name)
	switch string(lname) {
	case "a":
		s.cur = -1
		if hasHref {
			s.links = append(s.links, href)
			s.cur = int32(len(s.links) - 1)
		}
		s.nextSrc = -1
		return end
	case "script", "style", "template", "xmp", "iframe", "noembed", "noframes", "object":
		s.brk()
		return endTagStart(page, end, lname)
	case "textarea", "title":
		s.brk()
		k := endTagStart(page, end, lname)
		s.addText(page, end, k)
		s.brk()
		return k
	case "plaintext":
		s.brk()
		s.addText(page, end, len(page))
		return len(page)
	}
	if isBlock(lname) {
		s.brk()
	}
	return end
}

// endTag records the effect of an end tag.
func (s *stream) endTag(name []byte) {
	var buf [maxTagName]byte
	lname := lower(buf[:0], name)
	if string(lname) == "a" {
		s.cur = -1
		s.nextSrc = -1
		return
	}
	if isBlock(lname) {
		s.brk()
	}
}

// isBlock reports whether an element breaks the line it stands in. Unknown
// elements (custom elements, <fmt:formatDate>, …) are taken as inline.
func isBlock(name []byte) bool {
	switch string(name) {
	case "address", "article", "aside", "blockquote", "body", "br", "button", "caption",
		"center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
		"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
		"head", "header", "hgroup", "hr", "html", "input", "legend", "li", "main",
		"menu", "nav", "ol", "optgroup", "option", "p", "pre", "section", "select",
		"summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul":
		return true
	}
	return false
}

// tagName returns the tag name starting at page[i] and the offset after it.
func tagName(page []byte, i int) ([]byte, int) {
	j := i
	for j < len(page) && !isSpace(page[j]) && page[j] != '/' && page[j] != '>' {
		j++
	}
	return page[i:j], j
}

// scanAttrs walks the attributes of a tag from page[i] to the closing '>' and
// returns the offset after it; with wantHref it also returns the raw value of
// the first href attribute. A tag left open at the end of the page ends there.
func scanAttrs(page []byte, i int, wantHref bool) (end int, href span, hasHref bool) {
	n := len(page)
	for i < n {
		c := page[i]
		if c == '>' {
			return i + 1, href, hasHref
		}
		if isSpace(c) || c == '/' {
			i++
			continue
		}
		ns := i
		i++ // an attribute name may start with '='
		for i < n && !isSpace(page[i]) && page[i] != '/' && page[i] != '>' && page[i] != '=' {
			i++
		}
		name := page[ns:i]
		k := i
		for k < n && isSpace(page[k]) {
			k++
		}
		if k >= n || page[k] != '=' {
			continue
		}
		k++
		for k < n && isSpace(page[k]) {
			k++
		}
		if k >= n {
			return n, href, hasHref
		}
		var v span
		if q := page[k]; q == '"' || q == '\'' {
			e := bytes.IndexByte(page[k+1:], q)
			if e < 0 {
				return n, href, hasHref
			}
			v = span{int32(k + 1), int32(k + 1 + e)}
			i = k + 2 + e
		} else {
			vs := k
			for k < n && !isSpace(page[k]) && page[k] != '>' {
				k++
			}
			v = span{int32(vs), int32(k)}
			i = k
		}
		if wantHref && !hasHref && len(name) == 4 && equalFoldASCII(name, "href") {
			href, hasHref = v, true
		}
	}
	return n, href, hasHref
}

// endTagStart returns the offset of the "</name" that closes a raw-text
// element whose content starts at i, or len(page) if there is none.
func endTagStart(page []byte, i int, lname []byte) int {
	for {
		k := bytes.Index(page[i:], []byte("</"))
		if k < 0 {
			return len(page)
		}
		p := i + k + 2
		if p+len(lname) <= len(page) && equalFoldASCII(page[p:p+len(lname)], string(lname)) {
			q := p + len(lname)
			if q == len(page) || isSpace(page[q]) || page[q] == '/' || page[q] == '>' {
				return i + k
			}
		}
		i = p
	}
}

// skipPast returns the offset just after the first sep at or after i, or len(page).
func skipPast(page []byte, i int, sep string) int {
	if i > len(page) {
		return len(page)
	}
	k := bytes.Index(page[i:], []byte(sep))
	if k < 0 {
		return len(page)
	}
	return i + k + len(sep)
}

// maxEntity bounds the length of a character reference name.
const maxEntity = 32

// decodeEntity decodes the character reference at the start of b (b[0] == '&')
// and returns its text and the number of bytes it used. Something that is not
// a reference decodes to "&".
func decodeEntity(b []byte) (string, int) {
	j := 1
	for j < len(b) && j <= maxEntity && (isASCIILetter(b[j]) || isDigit(b[j]) || (j == 1 && b[j] == '#')) {
		j++
	}
	if j < len(b) && b[j] == ';' {
		j++
	}
	if j == 1 {
		return "&", 1
	}
	if b[1] == '#' {
		return decodeNumeric(b[2:j], j)
	}
	switch string(b[1:j]) {
	case "nbsp;":
		return "\u00a0", j
	case "amp;":
		return "&", j
	case "lt;":
		return "<", j
	case "gt;":
		return ">", j
	case "quot;":
		return "\"", j
	case "copy;":
		return "©", j
	case "ensp;", "emsp;":
		return " ", j
	}
	raw := string(b[:j])
	dec := html.UnescapeString(raw)
	if dec == raw {
		return "&", 1
	}
	if !utf8.ValidString(dec) {
		return "\uFFFD", j
	}
	return dec, j
}

// decodeNumeric decodes the digits of a numeric character reference
// (&#65293; or &#xFF0D;, with or without the ';', which ends num) that used
// n bytes of the page. Zero, surrogates and values beyond Unicode decode to
// U+FFFD, as in HTML.
func decodeNumeric(num []byte, n int) (string, int) {
	if len(num) > 0 && num[len(num)-1] == ';' {
		num = num[:len(num)-1]
	}
	base := rune(10)
	if len(num) > 0 && (num[0] == 'x' || num[0] == 'X') {
		base, num = 16, num[1:]
	}
	if len(num) == 0 {
		return "&", 1
	}
	var r rune
	for _, c := range num {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && (c|0x20) >= 'a' && (c|0x20) <= 'f':
			d = rune(c|0x20-'a') + 10
		default:
			// A letter after decimal digits ends the reference early
			// ("&#20320abc"): let the general decoder handle the rarity.
			raw := "&#" + string(num)
			if dec := html.UnescapeString(raw); dec != raw && utf8.ValidString(dec) {
				return dec, n
			}
			return "\uFFFD", n
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return "\uFFFD", n
		}
	}
	if r == 0 || !utf8.ValidRune(r) {
		return "\uFFFD", n
	}
	return string(r), n
}

// blankTemplates replaces template expressions ({{ … }}, {% … %}, {# … #},
// ${ … }) in the text with hard breaks: they are placeholders, not content,
// and whatever sits inside them (a default value, a variable name) is not a
// number the page shows.
func blankTemplates(text []byte) {
	const limit = 512 // an expression longer than this is not one
	closers := [...]string{"}}", "%}", "#}", "}"}
	// next caches, per closer, where its next occurrence was found (+1),
	// or -1 when there is none further on: each closer is searched for at
	// most once per stretch of text, so the pass stays linear.
	var next [len(closers)]int
	find := func(ci, from int) int {
		switch c := next[ci]; {
		case c == -1:
			return -1
		case c > 0 && c-1 >= from:
			return c - 1
		}
		e := bytes.Index(text[from:], []byte(closers[ci]))
		if e < 0 {
			next[ci] = -1
			return -1
		}
		next[ci] = from + e + 1
		return from + e
	}
	for i := 0; i+1 < len(text); {
		k := bytes.IndexByte(text[i:], '{')
		if k < 0 {
			return
		}
		p := i + k
		ci := -1
		switch {
		case p+1 < len(text) && text[p+1] == '{':
			ci = 0
		case p+1 < len(text) && text[p+1] == '%':
			ci = 1
		case p+1 < len(text) && text[p+1] == '#':
			ci = 2
		case p > 0 && text[p-1] == '$':
			ci = 3
			p--
		}
		if ci < 0 || p+2 > len(text) {
			i = p + 1
			continue
		}
		e := find(ci, p+2)
		if e < 0 || e > p+limit {
			i = p + 2
			continue
		}
		stop := e + len(closers[ci])
		for q := p; q < stop; q++ {
			text[q] = hardBreak
		}
		i = stop
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lower appends the ASCII-lowercased name to dst (up to maxTagName bytes;
// a longer name yields a value no table matches).
func lower(dst []byte, name []byte) []byte {
	if len(name) > maxTagName {
		return append(dst, '-')
	}
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// equalFoldASCII reports whether b equals the lowercase ASCII string s, ignoring case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
