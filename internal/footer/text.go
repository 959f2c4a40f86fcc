package footer

import (
	"bytes"
	"html"
	"strings"
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
	link     int32 // index into stream.links, or -1 outside a link
	verbatim bool  // the run is a byte-for-byte copy of the page (offsets inside it are exact)
}

// span is a range of bytes of the page, or of stream.aux when aux is set.
type span struct {
	a, b int32
	aux  bool
	// bound marks a value that is an expression to evaluate, not a URL:
	// Vue's :href="icpUrl" (JSX's href={…} is recognised by its braces).
	bound bool
}

// linkFrame is an open element that carries a link: <a href>, or a
// component such as <Link href>, <el-link href>, <router-link to>.
type linkFrame struct {
	name [maxTagName]byte // lower-case tag name
	n    uint8
	prev int32 // the link in force before this element
}

// maxLinkDepth bounds the nesting of link elements that is tracked.
const maxLinkDepth = 8

// where values of hidden numbers.
const (
	whereHTMLComment     = "html_comment"     // <!-- … -->
	whereTemplateComment = "template_comment" // <%-- --%>, <#-- -->, {# #}, {{!-- --}}, {/* */}, …
)

// whereMark says where the text of one comment starts in a hidden stream.
type whereMark struct {
	text  int32
	where string
}

// stream is the visible text of a page, with a mapping back to the page.
type stream struct {
	page  []byte
	aux   []byte // decoded text (JavaScript strings, escaped markup) that links may point into
	text  []byte
	segs  []seg
	links []span // raw href values, decoded only when a number is inside the link
	cur   int32  // current link index, -1 outside a link

	frames  [maxLinkDepth]linkFrame
	nframes int

	nextSrc int // page offset that would continue the last verbatim segment, -1 if none

	// While a decoded buffer (s.aux) is parsed, inAux is set and base is the
	// page offset the buffer came from: segments point there.
	inAux bool
	base  int
	// code is set while script content is parsed: "<!--" is not a comment
	// there, a tag needs a well-formed name, and scripts do not nest.
	code bool
	// sfc is set for a Vue single-file component, whose <template> is the
	// markup that is shown, not an inert template.
	sfc bool

	// hidden receives the text of comments; it is nil in the hidden
	// stream itself, where comments inside comments are just content.
	hidden *stream
	wheres []whereMark

	// noPHPClose and noASPClose record that no "?>" or "%>" follows: an
	// unclosed <? or <% is then not searched again, keeping a page linear.
	noPHPClose, noASPClose bool
}

// maxTagName bounds the tag names compared against the tables below.
const maxTagName = 16

// buildStream extracts the visible text of page: markup, <style>,
// <template> and similar raw-text elements, processing instructions
// (<?php … ?>), server templates (<% … %>, <#…>, <@…>) and attribute values
// are dropped; character references are decoded; the contents of <noscript>
// are kept because a client without JavaScript (a crawler, the MIIT checker)
// sees them. Scripts are read as code (see script). Comments go to a second,
// hidden stream. Text is not otherwise normalised: the matcher folds
// full-width forms, dashes, spaces and Traditional characters as it reads.
func buildStream(page []byte) *stream {
	s := newStream(page, len(page))
	s.hidden = newStream(page, 256)
	s.sfc = isSFC(page)
	s.parse(page, 0)
	blankTemplates(s)
	blankCodeComments(s.text)
	blankTemplates(s.hidden)
	blankCodeComments(s.hidden.text)
	return s
}

// newStream returns an empty stream over page, sized for size bytes of input.
func newStream(page []byte, size int) *stream {
	return &stream{
		page:    page,
		text:    make([]byte, 0, size/2+64), // visible text is rarely more than half a page
		segs:    make([]seg, 0, size/64+16),
		cur:     -1,
		nextSrc: -1,
	}
}

// isSFC reports whether page is a Vue single-file component: its first
// element, after spaces and comments, is <template>.
func isSFC(page []byte) bool {
	i := 0
	for i < len(page) {
		switch c := page[i]; {
		case isSpace(c):
			i++
		case bytes.HasPrefix(page[i:], []byte("<!--")):
			i = skipPast(page, i+4, "-->")
		case bytes.HasPrefix(page[i:], []byte("\xef\xbb\xbf")):
			i += 3
		default:
			return bytes.HasPrefix(page[i:], []byte("<template")) && i+9 < len(page) &&
				(isSpace(page[i+9]) || page[i+9] == '>')
		}
	}
	return false
}

// parse reads buf from i to its end as markup and text.
func (s *stream) parse(buf []byte, i int) {
	n := len(buf)
	for i < n {
		j := bytes.IndexByte(buf[i:], '<')
		if j < 0 {
			s.textRun(buf, i, n)
			return
		}
		if j > 0 {
			s.textRun(buf, i, i+j)
		}
		i = s.markup(buf, i+j)
	}
}

// textRun adds the text buf[a:b]. Text that holds markup escaped for
// JavaScript or JSON (\u003ca href=…\u003e, as in a JSON file or a data
// attribute copied out of one) is decoded and read as markup.
func (s *stream) textRun(buf []byte, a, b int) {
	if !s.inAux && hasEscapedMarkup(buf[a:b]) {
		s.decoded(buf, a, b, true)
		return
	}
	s.addText(buf, a, b)
}

// hasEscapedMarkup reports whether t holds a JavaScript escape of '<'.
func hasEscapedMarkup(t []byte) bool {
	for i := 0; ; {
		k := bytes.IndexByte(t[i:], '\\')
		if k < 0 || i+k+4 > len(t) {
			return false
		}
		i += k + 1
		e := t[i:]
		if (e[0] == 'u' && len(e) >= 5 && string(e[1:3]) == "00" && e[3] == '3' && e[4]|0x20 == 'c') ||
			(e[0] == 'x' && e[1] == '3' && e[2]|0x20 == 'c') {
			return true
		}
	}
}

// decoded parses buf[a:b] after undoing JavaScript escapes, as code when
// code is set. The decoded bytes live in s.aux, so that links inside them
// can be read later; segments point at a, the page offset of the source.
func (s *stream) decoded(buf []byte, a, b int, code bool) {
	start := len(s.aux)
	s.aux = jsUnescape(s.aux, buf[a:b])
	src := a
	if s.inAux {
		src = s.base
	}
	saved := *s
	s.inAux, s.base, s.code = true, src, code
	s.noPHPClose, s.noASPClose = false, false
	s.nextSrc = -1
	s.parse(s.aux[:len(s.aux)], start)
	s.inAux, s.base, s.code = saved.inAux, saved.base, saved.code
	s.noPHPClose, s.noASPClose = saved.noPHPClose, saved.noASPClose
	s.nextSrc = -1
}

// link returns the href of link li, with references and JavaScript escapes
// decoded and spaces trimmed.
func (s *stream) link(li int32) string {
	return cleanLink(s.rawLink(li))
}

// rawLink returns the bytes of link li as written.
func (s *stream) rawLink(li int32) []byte {
	sp := s.links[li]
	if sp.aux {
		return s.aux[sp.a:sp.b]
	}
	return s.page[sp.a:sp.b]
}

// cleanLink decodes an attribute value: character references, and the
// JavaScript escapes of markup written inside a string (http:\/\/…).
func cleanLink(raw []byte) string {
	v := string(raw)
	if strings.IndexByte(v, '&') >= 0 {
		v = html.UnescapeString(v)
	}
	if strings.IndexByte(v, '\\') >= 0 {
		v = string(jsUnescape(nil, []byte(v)))
	}
	return strings.TrimSpace(v)
}

// addText appends buf[a:b], decoding character references.
func (s *stream) addText(buf []byte, a, b int) {
	for a < b {
		k := bytes.IndexByte(buf[a:b], '&')
		if k < 0 {
			s.copy(buf, a, b)
			return
		}
		if k > 0 {
			s.copy(buf, a, a+k)
		}
		a += k
		dec, used := decodeEntity(buf[a:b])
		s.push(a, false)
		s.text = append(s.text, dec...)
		s.nextSrc = -1
		a += used
	}
}

// copy appends buf[a:b] verbatim, extending the last segment when it can.
func (s *stream) copy(buf []byte, a, b int) {
	if s.inAux || a != s.nextSrc || len(s.segs) == 0 || s.segs[len(s.segs)-1].link != s.cur {
		s.push(a, true)
	}
	s.text = append(s.text, buf[a:b]...)
	if !s.inAux {
		s.nextSrc = b
	}
}

// push starts a new segment at the current end of the text. In a decoded
// buffer it points at the buffer's source and is never verbatim.
func (s *stream) push(src int, verbatim bool) {
	if s.inAux {
		if n := len(s.segs); n > 0 && s.segs[n-1].link == s.cur && s.segs[n-1].src == int32(s.base) && !s.segs[n-1].verbatim {
			return
		}
		src, verbatim = s.base, false
	}
	s.segs = append(s.segs, seg{text: int32(len(s.text)), src: int32(src), link: s.cur, verbatim: verbatim})
}

// brk appends a hard break unless the text already ends with one.
func (s *stream) brk() {
	if len(s.text) > 0 && s.text[len(s.text)-1] != hardBreak {
		s.text = append(s.text, hardBreak)
	}
	s.nextSrc = -1
}

// hide sends buf[a:b], the content of a comment, to the hidden stream.
func (s *stream) hide(buf []byte, a, b int, where string) {
	h := s.hidden
	if h == nil || a >= b {
		return
	}
	h.brk()
	h.wheres = append(h.wheres, whereMark{text: int32(len(h.text)), where: where})
	h.inAux, h.base, h.code = s.inAux, s.base, false
	h.noPHPClose, h.noASPClose = false, false
	h.cur, h.nframes = -1, 0
	h.parse(buf[:b], a)
	h.brk()
}

// hideText sends text already in the stream (a template comment found in
// it) to the hidden stream.
func (s *stream) hideText(t []byte, where string) {
	h := s.hidden
	if h == nil {
		return
	}
	h.brk()
	h.wheres = append(h.wheres, whereMark{text: int32(len(h.text)), where: where})
	h.text = append(h.text, t...)
	h.brk()
}

// comment handles a comment from buf[i] whose opener has open bytes and
// which ends at closer, and returns the offset after it. Inside the hidden
// stream only the opener is skipped: what follows is already hidden, and
// not searching for the closer again keeps nested openers linear.
func (s *stream) comment(buf []byte, i, open int, closer, where string) int {
	if s.hidden == nil {
		return i + open
	}
	end := skipPast(buf, i+open, closer)
	stop := end - len(closer)
	if stop < i+open || !bytes.HasSuffix(buf[:end], []byte(closer)) {
		stop = end // unclosed: the comment runs to the end
	}
	s.hide(buf, i+open, stop, where)
	return end
}

// markup handles the construct starting with '<' at buf[i] and returns the
// offset after it. A '<' that starts no construct is text, as in HTML.
func (s *stream) markup(buf []byte, i int) int {
	n := len(buf)
	if i+1 >= n {
		s.copy(buf, i, n)
		return n
	}
	switch c := buf[i+1]; {
	case c == '!':
		if bytes.HasPrefix(buf[i:], []byte("<!--")) {
			if s.code {
				return i + 4 // "<!--" in a script is an old hiding trick, not a comment
			}
			// <!--> and <!---> are empty comments in HTML.
			if bytes.HasPrefix(buf[i+4:], []byte(">")) {
				return i + 5
			}
			if bytes.HasPrefix(buf[i+4:], []byte("->")) {
				return i + 6
			}
			return s.comment(buf, i, 4, "-->", whereHTMLComment)
		}
		return skipPast(buf, i+2, ">")
	case c == '?':
		// <?php … ?> and <?= … ?> run to "?>" (to the end when unclosed,
		// as in PHP); other <? … > are bogus comments ending at '>'.
		if bytes.HasPrefix(buf[i:], []byte("<?php")) || bytes.HasPrefix(buf[i:], []byte("<?=")) {
			end := n
			if !s.noPHPClose {
				if k := bytes.Index(buf[i+2:], []byte("?>")); k >= 0 {
					end = i + 2 + k + 2
				} else {
					s.noPHPClose = true
				}
			}
			if bytes.HasPrefix(buf[i:], []byte("<?php")) {
				s.phpMarkup(buf, i+5, min(end, n))
			}
			return end
		}
		return skipPast(buf, i+2, ">")
	case c == '%':
		// <%-- … --%> (JSP) and <%# … %> (ERB, EJS) are template comments.
		if bytes.HasPrefix(buf[i:], []byte("<%--")) {
			return s.comment(buf, i, 4, "--%>", whereTemplateComment)
		}
		if bytes.HasPrefix(buf[i:], []byte("<%#")) {
			return s.comment(buf, i, 3, "%>", whereTemplateComment)
		}
		if !s.noASPClose {
			if k := bytes.Index(buf[i+2:], []byte("%>")); k >= 0 {
				return i + 2 + k + 2
			}
			s.noASPClose = true
		}
	case c == '#' || c == '@':
		if bytes.HasPrefix(buf[i:], []byte("<#--")) { // FreeMarker
			return s.comment(buf, i, 4, "-->", whereTemplateComment)
		}
		return skipPast(buf, i+2, ">")
	case c == '/' || c == '\\' && i+2 < n && buf[i+2] == '/':
		// "<\/a>" is how markup inside a JavaScript string closes a tag.
		p := i + 2
		if c == '\\' {
			p++
		}
		if p < n && isASCIILetter(buf[p]) {
			name, j := tagName(buf, p)
			if !s.code || wellFormedTag(buf, name, j) {
				end, _ := scanAttrs(buf, j, false)
				s.endTag(name)
				return end
			}
			break
		}
		if c == '/' {
			if p < n && buf[p] == '>' {
				return p + 1
			}
			return skipPast(buf, p, ">")
		}
	case isASCIILetter(c):
		name, j := tagName(buf, i+1)
		if isAutolink(buf, name, j) {
			break // <https://…> is a Markdown link destination or autolink
		}
		if s.code && !wellFormedTag(buf, name, j) {
			break // "i<n" in a script is not a tag
		}
		end, at := scanAttrs(buf, j, true)
		return s.startTag(buf, name, end, at)
	}
	s.copy(buf, i, i+1)
	return i + 1
}

// wellFormedTag reports whether name, ending at buf[j], looks like a tag
// name (letters, digits, '-', ':', '.', '_') followed by a space, '/' or '>'.
func wellFormedTag(buf []byte, name []byte, j int) bool {
	for _, c := range name {
		if !isASCIILetter(c) && !isDigit(c) && c != '-' && c != ':' && c != '.' && c != '_' {
			return false
		}
	}
	return j >= len(buf) || isSpace(buf[j]) || buf[j] == '/' || buf[j] == '>'
}

// maxShownAttrs bounds the display attributes of one component that are read.
const maxShownAttrs = 4

// tagAttrs are the attributes of a start tag that the stream looks at.
type tagAttrs struct {
	href, to, typ          span
	hasHref, hasTo, hasTyp bool
	selfClosing            bool
	// shown are the values of the attributes a UI component renders as its
	// text (value, label, text, title, content, desc), in tag order.
	shown  [maxShownAttrs]span
	nshown int
}

// startTag records the effect of a start tag whose attributes end at end.
func (s *stream) startTag(buf []byte, name []byte, end int, at tagAttrs) int {
	var lb [maxTagName]byte
	lname := lower(lb[:0], name)
	switch string(lname) {
	case "a":
		switch {
		case at.hasHref:
			s.openLink(lname, at.href)
		case s.nframes > 0 && !s.topIs("a"):
			// <Link href><a>…</a></Link>: the component's link holds.
		default:
			s.nframes, s.cur = 0, -1
		}
		s.nextSrc = -1
		return end
	case "script":
		s.brk()
		k := endTagStart(buf, end, lname)
		if s.hidden != nil && !s.code {
			s.script(buf, end, k, at)
		}
		s.brk()
		return k
	case "template":
		if s.sfc {
			return end
		}
		s.brk()
		return endTagStart(buf, end, lname)
	case "style", "xmp", "iframe", "noembed", "noframes", "object":
		s.brk()
		return endTagStart(buf, end, lname)
	case "textarea", "title":
		s.brk()
		k := endTagStart(buf, end, lname)
		s.addText(buf, end, k)
		s.brk()
		return k
	case "plaintext":
		s.brk()
		s.addText(buf, end, len(buf))
		return len(buf)
	}
	if !at.selfClosing && !isVoid(lname, name) {
		switch {
		case at.hasHref:
			s.openLink(lname, at.href)
		case at.hasTo && isRouterLink(lname):
			s.openLink(lname, at.to)
		}
	}
	if isBlock(lname) {
		s.brk()
	}
	if at.nshown > 0 && isComponent(name) {
		s.shownAttrs(buf, at)
	}
	return end
}

// isComponent reports whether a tag names a UI component rather than an
// HTML element: a custom element (uv-cell, van-cell, el-descriptions-item)
// or a JSX component (Cell, List.Item). Components render some of their
// attributes as text: <uv-cell title="备案号" value="皖ICP备2023023087号-1X">
// shows both, where an HTML element's title is only a tooltip.
func isComponent(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	if c := name[0]; c >= 'A' && c <= 'Z' {
		return true
	}
	return bytes.IndexByte(name, '-') > 0
}

// shownAttrs adds the display attributes of a component as text, each
// apart (a number does not run from one attribute into the next).
func (s *stream) shownAttrs(buf []byte, at tagAttrs) {
	for _, sp := range at.shown[:at.nshown] {
		if int(sp.b) > len(buf) || sp.a >= sp.b {
			continue
		}
		s.brk()
		s.addText(buf, int(sp.a), int(sp.b))
		s.brk()
	}
}

// script reads the content of a <script> element, buf[a:b]. JavaScript
// and JSON are read as code: the strings they hold are what a single-page
// app renders (a footer's data, document.write of markup), so they are
// text, with JavaScript escapes undone and markup inside them parsed;
// comments are dropped (blankCodeComments). Client-side templates
// (text/html, text/x-template, …) are markup; other types are dropped.
func (s *stream) script(buf []byte, a, b int, at tagAttrs) {
	typ := ""
	if at.hasTyp {
		typ = strings.ToLower(strings.TrimSpace(cleanLink(s.attr(buf, at.typ))))
	}
	switch {
	case typ == "" || strings.Contains(typ, "javascript") || strings.Contains(typ, "ecmascript") ||
		strings.Contains(typ, "json") || typ == "module" || typ == "text/babel" || typ == "text/jsx":
		s.codeBlock(buf, a, b)
	case strings.Contains(typ, "html") || strings.Contains(typ, "template") || strings.Contains(typ, "handlebars"):
		saved := *s
		s.parse(buf[:b], a)
		s.cur, s.nframes, s.frames = saved.cur, saved.nframes, saved.frames
	}
}

// codeBlock parses buf[a:b] as code, decoding escapes first when there are any.
func (s *stream) codeBlock(buf []byte, a, b int) {
	s.fragment(buf, a, b, true)
}

// fragment parses buf[a:b], a script or a string literal, as code or as
// markup, with escapes undone first when there are any. Links do not leak
// out of it.
func (s *stream) fragment(buf []byte, a, b int, code bool) {
	saved := *s
	if bytes.IndexByte(buf[a:b], '\\') >= 0 {
		s.decoded(buf, a, b, code)
	} else {
		s.code = code
		s.noPHPClose, s.noASPClose = false, false
		s.parse(buf[:b], a)
		s.code = saved.code
		s.noPHPClose, s.noASPClose = saved.noPHPClose, saved.noASPClose
	}
	s.cur, s.nframes, s.frames = saved.cur, saved.nframes, saved.frames
	s.nextSrc = -1
}

// attr returns the bytes of an attribute value found in buf.
func (s *stream) attr(buf []byte, sp span) []byte {
	if int(sp.b) > len(buf) || sp.a > sp.b {
		return nil
	}
	return buf[sp.a:sp.b]
}

// openLink starts a link carried by element lname, with href sp in the
// buffer being parsed.
func (s *stream) openLink(lname []byte, sp span) {
	if s.hidden == nil {
		return // the hidden stream reports numbers, not their links
	}
	if s.inAux {
		sp.aux = true
	}
	if string(lname) == "a" && s.topIs("a") {
		s.popLink() // an <a> inside an <a> closes the first, as in HTML
	}
	s.links = append(s.links, sp)
	li := int32(len(s.links) - 1)
	if s.nframes == maxLinkDepth {
		s.cur = li
		return
	}
	f := &s.frames[s.nframes]
	f.n = uint8(copy(f.name[:], lname))
	f.prev = s.cur
	s.nframes++
	s.cur = li
	s.nextSrc = -1
}

// topIs reports whether the innermost open link element is lname.
func (s *stream) topIs(lname string) bool {
	if s.nframes == 0 {
		return false
	}
	f := &s.frames[s.nframes-1]
	return string(f.name[:f.n]) == lname
}

// popLink closes the innermost open link element.
func (s *stream) popLink() {
	s.nframes--
	s.cur = s.frames[s.nframes].prev
	s.nextSrc = -1
}

// endTag records the effect of an end tag.
func (s *stream) endTag(name []byte) {
	var lb [maxTagName]byte
	lname := lower(lb[:0], name)
	for k := s.nframes - 1; k >= 0; k-- {
		f := &s.frames[k]
		if string(f.name[:f.n]) == string(lname) {
			for s.nframes > k {
				s.popLink()
			}
			return
		}
	}
	if string(lname) == "a" && s.nframes == 0 {
		s.cur = -1
		s.nextSrc = -1
		return
	}
	if isBlock(lname) {
		s.brk()
	}
}

// isVoid reports whether an element has no content, so that an href on it
// (<link href>, <area href>, <img>) carries no link for any text. The JSX
// component <Link> is not the HTML element <link>: name keeps its case.
func isVoid(lname, name []byte) bool {
	switch string(lname) {
	case "link":
		return string(name) != "Link"
	case "area", "base", "br", "col", "embed", "hr", "img", "image", "input", "meta",
		"param", "source", "track", "wbr", "use":
		return true
	}
	return false
}

// isRouterLink reports whether an element takes its link from a "to"
// attribute: Vue's <router-link>, <nuxt-link>, React Router's <Link>, <NavLink>.
func isRouterLink(lname []byte) bool {
	switch string(lname) {
	case "router-link", "routerlink", "nuxt-link", "nuxtlink", "link", "navlink", "a-link", "el-link":
		return true
	}
	return false
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
// returns the offset after it; with want it also returns the raw values of
// the href, to and type attributes (href also as Vue's :href or
// v-bind:href, marked bound). A value may be quoted with \" as markup inside
// a JavaScript string is. A tag left open at the end of the page ends there.
func scanAttrs(page []byte, i int, want bool) (end int, at tagAttrs) {
	n := len(page)
	for i < n {
		c := page[i]
		if c == '>' {
			at.selfClosing = i > 0 && page[i-1] == '/'
			return i + 1, at
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
			return n, at
		}
		var v span
		q := page[k]
		switch {
		case q == '"' || q == '\'':
			e := bytes.IndexByte(page[k+1:], q)
			if e < 0 {
				return n, at
			}
			v = span{a: int32(k + 1), b: int32(k + 1 + e)}
			i = k + 2 + e
		case q == '\\' && k+1 < n && (page[k+1] == '"' || page[k+1] == '\''):
			e := bytes.Index(page[k+2:], page[k:k+2])
			if e < 0 {
				return n, at
			}
			v = span{a: int32(k + 2), b: int32(k + 2 + e)}
			i = k + 4 + e
		case q == '{':
			// JSX: href={…} runs to the matching brace.
			e := matchBrace(page, k)
			v = span{a: int32(k), b: int32(e)}
			i = e
		default:
			vs := k
			for k < n && !isSpace(page[k]) && page[k] != '>' {
				k++
			}
			v = span{a: int32(vs), b: int32(k)}
			i = k
		}
		if want {
			at.set(name, v)
		}
	}
	return n, at
}

// set records attribute name = v if it is one the stream looks at.
func (at *tagAttrs) set(name []byte, v span) {
	if at.nshown < maxShownAttrs && isShownAttr(name) {
		at.shown[at.nshown] = v
		at.nshown++
		return
	}
	switch len(name) {
	case 2, 3:
		if equalFoldASCII(name, "to") || equalFoldASCII(name, ":to") {
			if !at.hasTo {
				v.bound = name[0] == ':'
				at.to, at.hasTo = v, true
			}
		}
	case 4:
		if !at.hasHref && equalFoldASCII(name, "href") {
			at.href, at.hasHref = v, true
		} else if !at.hasTyp && equalFoldASCII(name, "type") {
			at.typ, at.hasTyp = v, true
		}
	case 5, 11:
		if !at.hasHref && (equalFoldASCII(name, ":href") || equalFoldASCII(name, "v-bind:href")) {
			v.bound = true
			at.href, at.hasHref = v, true
		}
	}
}

// isShownAttr reports whether an attribute of a component holds text it
// renders. A Vue binding (:value="icp") has another name and is not read; a
// JSX value={icp} adds the expression's text, which holds a number only when
// it is a literal (value={"京ICP备…"}), and then the component shows it.
// placeholder is a hint, not content.
func isShownAttr(name []byte) bool {
	switch len(name) {
	case 4:
		return equalFoldASCII(name, "text") || equalFoldASCII(name, "desc")
	case 5:
		return equalFoldASCII(name, "value") || equalFoldASCII(name, "label") || equalFoldASCII(name, "title")
	case 7:
		return equalFoldASCII(name, "content")
	}
	return false
}

// matchBrace returns the offset after the brace that closes the one at
// page[k], skipping quoted strings; it gives up at a '>' on depth 1 past
// 256 bytes or at the end of the page.
func matchBrace(page []byte, k int) int {
	depth := 0
	for i := k; i < len(page) && i < k+1024; i++ {
		switch c := page[i]; c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'', '`':
			if e := bytes.IndexByte(page[i+1:min(len(page), k+1024)], c); e >= 0 {
				i += e + 1
			}
		}
	}
	// Unbalanced: the value ends at the next space, as an unquoted one.
	i := k
	for i < len(page) && !isSpace(page[i]) && page[i] != '>' {
		i++
	}
	return i
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

// isAutolink reports whether the "tag" name ending at buf[j] is a URL scheme
// followed by "//": <https://beian.miit.gov.cn> is Markdown's autolink, or
// the angle-bracketed destination of [text](<url>), never an element.
func isAutolink(buf, name []byte, j int) bool {
	return len(name) > 1 && name[len(name)-1] == ':' && j+1 < len(buf) && buf[j] == '/' && buf[j+1] == '/'
}

// phpMarkup reads the string literals of the PHP code buf[a:b] that hold
// markup ($icp = "<a href='https://beian.miit.gov.cn/'>湘ICP备…号</a>"; then
// echo $icp;): PHP templates keep footer fragments in strings to echo them,
// so such a string is what the page shows. A string without a tag (an
// option's help text, a SQL query) is server data and stays unread, as does
// the rest of the code; PHP comments are skipped.
func (s *stream) phpMarkup(buf []byte, a, b int) {
	for i := a; i < b; {
		c := buf[i]
		switch {
		case c == '#' || c == '/' && i+1 < b && buf[i+1] == '/':
			k := bytes.IndexByte(buf[i:b], '\n')
			if k < 0 {
				return
			}
			i += k + 1
		case c == '/' && i+1 < b && buf[i+1] == '*':
			k := bytes.Index(buf[i+2:b], []byte("*/"))
			if k < 0 {
				return
			}
			i += 2 + k + 2
		case c == '\'' || c == '"':
			j := i + 1
			for j < b && buf[j] != c {
				if buf[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, b)
			if holdsMarkup(buf[i+1 : j]) {
				s.markupString(buf, i+1, j)
			}
			i = j + 1
		default:
			i++
		}
	}
}

// holdsMarkup reports whether a string literal contains a start tag.
func holdsMarkup(v []byte) bool {
	for k := bytes.IndexByte(v, '<'); k >= 0 && k+1 < len(v); {
		if isASCIILetter(v[k+1]) && bytes.IndexByte(v[k:], '>') > 0 {
			return true
		}
		n := bytes.IndexByte(v[k+1:], '<')
		if n < 0 {
			return false
		}
		k += 1 + n
	}
	return false
}

// markupString parses the string literal buf[a:b] as markup; its links
// and text end with it.
func (s *stream) markupString(buf []byte, a, b int) {
	s.fragment(buf, a, b, false)
	s.brk()
}
