package footer

import (
	"bytes"
	"strings"
)

// How a match's link was found (Match.LinkVia).
const (
	// LinkHTML is an enclosing <a href> or link component (<Link href>,
	// <el-link href>, <router-link to>, …).
	LinkHTML = "html"
	// LinkMarkdown is a Markdown link, [京ICP备…号](https://beian.miit.gov.cn/).
	LinkMarkdown = "markdown"
	// LinkConfig is a sibling property of the number in a JavaScript, JSON
	// or YAML object: {icp: "…", icpUrl: "…"}, {title: "…", link: "…"},
	// h('a', {href: …}, '…').
	LinkConfig = "config"
	// LinkExpression is a link whose href is an expression the page does
	// not resolve (href={beianLink} with beianLink defined elsewhere):
	// there is a link, but its target is unknown. Link holds the expression.
	LinkExpression = "expression"
)

// Bounds of the link searches around a number in code and Markdown.
const (
	configWindow  = 600 // bytes of text searched on each side of the number
	maxConfigRuns = 256 // numbers per page whose config link is looked for (keeps time linear)
	mdWindow      = 80  // bytes between a number and the brackets of its Markdown link
	maxURL        = 2048
)

// markdownLink returns the URL of a Markdown link whose text holds
// text[a:b]: [京ICP备12345678号-1](https://beian.miit.gov.cn/).
func (m *matcher) markdownLink(a, b int) (string, bool) {
	t := m.s.text
	j := b
	for ; j < len(t) && j < b+mdWindow && t[j] != ']'; j++ {
		if c := t[j]; c == '\n' || c == hardBreak || c == '[' {
			return "", false
		}
	}
	if j+1 >= len(t) || t[j] != ']' || t[j+1] != '(' {
		return "", false
	}
	i := a - 1
	if k := bytes.IndexByte(t[a:b], '['); k >= 0 {
		i = a + k // the link holds the digits, not the label: 沪公网安备: [3101…号](…)
	}
	for ; i >= 0 && i >= a-mdWindow && t[i] != '['; i-- {
		switch c := t[i]; c {
		case '\n', hardBreak, ']':
			return "", false
		case ')':
			// An image before the number inside the link text:
			// [![](/images/beian.png)京公网安备…号](http://www.beian.gov.cn/…).
			k := skipImageBack(t, i, a-mdWindow)
			if k < 0 {
				return "", false
			}
			i = k
		}
	}
	if i < 0 || t[i] != '[' {
		return "", false
	}
	u := j + 2
	e := u
	for e < len(t) && e < u+maxURL && t[e] != ')' && !isSpace(t[e]) && t[e] != hardBreak {
		e++
	}
	url := strings.Trim(string(t[u:e]), "<>")
	return url, url != ""
}

// skipImageBack returns the offset of the '!' that starts the Markdown
// image ![alt](url) whose ')' is at t[i], or -1 if there is none there (or
// it starts before lo).
func skipImageBack(t []byte, i, lo int) int {
	lo = max(lo, 0)
	k := bytes.LastIndexByte(t[lo:i], '(')
	if k < 0 {
		return -1
	}
	k += lo
	if k == lo || t[k-1] != ']' {
		return -1
	}
	j := bytes.LastIndexByte(t[lo:k-1], '[')
	if j < 1 || t[lo+j-1] != '!' {
		return -1
	}
	return lo + j - 1
}

// ctok is a token of code around a number, for configLink.
type ctok struct {
	kind   byte // 's' string, 'w' word, 'n' newline, or the punctuation itself: { } [ ] ( ) : = , ;
	a, b   int  // bounds in the text (inside the quotes for a string)
	parent int  // index of the open bracket around it, -1 at the top of the window
}

// pair is "key: value" or "key = value" in code: the key and the bounds of
// a string value, or of a bare YAML value running to the end of its line.
type pair struct {
	key    string
	a, b   int
	parent int // the key's parent bracket
	indent int // indentation of the key's line
}

// configLink returns the link given beside the number text[a:b] when the
// number is a value in a JavaScript, JSON or YAML object, as single-page
// apps and site generators keep a footer's data: a sibling property whose
// key names a link (icpUrl, beianLink, link, href, url, to, …) and whose
// value is a URL. The nearest such sibling wins, one after the number
// first; siblings are the properties of the same object, or of the same
// YAML block (same indentation) at the top. In a render function call,
// h('a', {href: …}, '京ICP备…'), the href of the call's props counts too.
// A link that is plainly the other system's (the PSB query for an ICP
// number, MIIT's for a PSB number) is skipped.
func (m *matcher) configLink(kind Kind, a, b int) (string, bool) {
	if m.configRuns >= maxConfigRuns {
		return "", false
	}
	m.configRuns++
	t := m.s.text
	w0 := max(0, a-configWindow)
	if w0 > 0 {
		if k := bytes.IndexByte(t[w0:a], '\n'); k >= 0 {
			w0 += k + 1
		}
	}
	w1 := min(len(t), b+configWindow)
	toks := tokenizeCode(t, w0, w1)
	pairs, holder := codePairs(t, toks, a, b)
	if holder.parent == -2 {
		return "", false // the number is not a value in code
	}
	best, bestDist, bestOwn := -1, 0, false
	for pi, p := range pairs {
		if p.a <= a && b <= p.b || !isLinkKey(p.key) {
			continue
		}
		sibling := p.parent == holder.parent && (p.parent >= 0 || sameBlock(t, p, holder) || sameTopObject(toks, p, holder)) &&
			relatedKey(p.key, holder.key)
		render := p.a < a && (p.key == "href" || p.key == "to") && rendersAround(toks, p, holder)
		if !sibling && !render {
			continue
		}
		v := cleanLink(t[p.a:p.b])
		if !looksLikeURL(v) || wrongSystem(kind, v) {
			continue
		}
		d := p.a - b
		if d < 0 {
			d = a - p.b + 1 // one before the number loses a tie
		}
		// A link named for the number's own key (cyberSecurityLink beside
		// cyberSecurityRecord) beats a nearer one named for another filing
		// (recordLink, the ICP number's, just above it).
		own := sameStem(p.key, holder.key)
		if best < 0 || own && !bestOwn || own == bestOwn && d < bestDist {
			best, bestDist, bestOwn = pi, d, own
		}
	}
	if best < 0 {
		return "", false
	}
	p := pairs[best]
	return cleanLink(t[p.a:p.b]), true
}

// rendersAround reports whether pair p is a prop of a render call that the
// number held by h is a child of: h('a', {href: …}, '京ICP备…') or, as
// compiled Vue templates write it, _c('a', {attrs: {href: …}}, [_vm._v('…')]).
// The pair must sit in the call's props (objects only between them), not in
// a child element's, so that a sibling link's href is not taken.
func rendersAround(toks []ctok, p, h pair) bool {
	q := p.parent
	for range 8 {
		if q < 0 {
			return false
		}
		switch toks[q].kind {
		case '{':
			q = toks[q].parent
			continue
		case '(':
			return h.parent >= 0 && within(toks, h.parent, q)
		}
		return false
	}
	return false
}

// relatedKey reports whether a sibling link property named key can be the
// link of a value held under holder: a generic name (link, href, url, to,
// …), a name sharing the holder's stem (icp and icpUrl, beian_text and
// beian_link), or one that names a filing system (beianUrl beside
// icpNumber). A link named for something else (footerLink beside icp) is
// another item's.
func relatedKey(key, holder string) bool {
	stem := strings.Trim(trimLinkSuffix(key), "_-")
	if stem == "" || holder == "" {
		return true
	}
	for _, w := range [...]string{"icp", "beian", "miit", "record", "gongan", "police", "psb", "mps", "ga", "security"} {
		if strings.Contains(stem, w) {
			return true
		}
	}
	hs := strings.Trim(trimLinkSuffix(holder), "_-")
	n := 0
	for n < len(stem) && n < len(hs) && stem[n] == hs[n] {
		n++
	}
	return n >= 3 || n == len(stem) || n == len(hs) && n > 0
}

// sameStem reports whether link key is named for holder, the key of the
// number: a generic link name (link, href, url) or the holder's own stem
// (icp and icpUrl, cyberSecurityRecord and cyberSecurityLink).
func sameStem(key, holder string) bool {
	stem := strings.Trim(trimLinkSuffix(key), "_-")
	hs := strings.Trim(trimLinkSuffix(holder), "_-")
	if stem == "" || hs == "" {
		return true
	}
	n := 0
	for n < len(stem) && n < len(hs) && stem[n] == hs[n] {
		n++
	}
	return n >= 3 || n == len(stem) || n == len(hs)
}

// trimLinkSuffix removes the link word that ends a property name.
func trimLinkSuffix(key string) string {
	for _, suf := range [...]string{"href", "url", "link", "uri", "to"} {
		if strings.HasSuffix(key, suf) {
			return key[:len(key)-len(suf)]
		}
	}
	return key
}

// tokenizeCode splits t[w0:w1] into tokens, tracking brackets.
func tokenizeCode(t []byte, w0, w1 int) []ctok {
	var toks []ctok
	var stack []int
	parent := func() int {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1]
	}
	for i := w0; i < w1; {
		c := t[i]
		switch c {
		case ' ', '\t', '\r', hardBreak:
			i++
		case '\n':
			toks = append(toks, ctok{kind: 'n', a: i, b: i + 1, parent: parent()})
			i++
		case '"', '\'', '`':
			j := i + 1
			// A newline ends a '…' string, an apostrophe in prose, but
			// not a "…" one: scripts are read with their escapes undone,
			// so "…\n…" holds a real newline.
			for j < w1 && t[j] != c && (c != '\'' || t[j] != '\n') {
				if t[j] == '\\' {
					j++
				}
				j++
			}
			e := min(j, w1)
			toks = append(toks, ctok{kind: 's', a: i + 1, b: e, parent: parent()})
			i = e + 1
		case '{', '[', '(':
			toks = append(toks, ctok{kind: c, a: i, b: i + 1, parent: parent()})
			if len(stack) < 64 {
				stack = append(stack, len(toks)-1)
			}
			i++
		case '}', ']', ')':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			toks = append(toks, ctok{kind: c, a: i, b: i + 1, parent: parent()})
			i++
		case ':', '=', ',', ';':
			toks = append(toks, ctok{kind: c, a: i, b: i + 1, parent: parent()})
			i++
		default:
			j := i + 1
			for j < w1 && !isCodeDelim(t[j]) {
				j++
			}
			toks = append(toks, ctok{kind: 'w', a: i, b: j, parent: parent()})
			i = j
		}
	}
	return toks
}

// isCodeDelim reports whether c ends a word token.
func isCodeDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', hardBreak, '"', '\'', '`', '{', '}', '[', ']', '(', ')', ':', '=', ',', ';':
		return true
	}
	return false
}

// codePairs returns the key-value pairs among toks and the holder of the
// number text[a:b]: the pair (or bare string) it is the value of. A holder
// whose parent is -2 means the number is not a value in code.
func codePairs(t []byte, toks []ctok, a, b int) ([]pair, pair) {
	var pairs []pair
	holder := pair{parent: -2}
	for i := 1; i+1 < len(toks); i++ {
		op := toks[i]
		if op.kind != ':' && op.kind != '=' {
			continue
		}
		k := toks[i-1]
		if k.kind != 'w' && k.kind != 's' {
			continue
		}
		key := strings.ToLower(strings.Trim(string(t[k.a:k.b]), "$"))
		v := toks[i+1]
		// A string value may stand on the next line (cyberSecurityLink:\n "http://…").
		for j := i + 1; v.kind == 'n' && j+1 < len(toks); j++ {
			if v = toks[j+1]; v.kind != 'n' && v.kind != 's' {
				v = toks[i+1]
				break
			}
		}
		var p pair
		switch {
		case v.kind == 's':
			p = pair{key: key, a: v.a, b: v.b}
		case v.kind == 'w' && op.kind == ':':
			// A bare YAML value runs to the end of its line ("url: https://…"),
			// a trailing " #comment" excluded.
			e := v.a
			for e < len(t) && t[e] != '\n' && t[e] != hardBreak {
				e++
			}
			if c := bytes.Index(t[v.a:e], []byte(" #")); c >= 0 {
				e = v.a + c
			}
			p = pair{key: key, a: v.a, b: e}
		default:
			continue
		}
		if op.kind == '=' && i+2 < len(toks) && toks[i+2].kind == '=' {
			continue // a comparison
		}
		p.parent, p.indent = k.parent, indentOf(t, k.a)
		pairs = append(pairs, p)
		if p.a <= a && b <= p.b {
			holder = p
		}
	}
	if holder.parent == -2 {
		// A string that is no property's value: an array element or a
		// call argument, h('a', {…}, '京ICP备…').
		for _, tk := range toks {
			if tk.kind == 's' && tk.a <= a && b <= tk.b {
				holder = pair{a: tk.a, b: tk.b, parent: tk.parent, indent: indentOf(t, tk.a)}
				break
			}
		}
	}
	return pairs, holder
}

// indentOf returns the number of spaces that start the line holding t[i].
func indentOf(t []byte, i int) int {
	j := i
	for j > 0 && t[j-1] != '\n' {
		j--
	}
	n := 0
	for j+n < len(t) && (t[j+n] == ' ' || t[j+n] == '\t') {
		n++
	}
	return n
}

// sameBlock reports whether pairs p and h, both at the top of the window,
// are in one YAML-style block: same indentation, and no line between them
// that is indented less.
func sameBlock(t []byte, p, h pair) bool {
	if p.indent != h.indent {
		return false
	}
	lo, hi := min(p.a, h.a), max(p.a, h.a)
	for i := lo; i < hi; {
		k := bytes.IndexByte(t[i:hi], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		n := 0
		for i+n < hi && (t[i+n] == ' ' || t[i+n] == '\t') {
			n++
		}
		if i+n < hi && t[i+n] != '\n' && t[i+n] != '#' && n < h.indent {
			return false
		}
	}
	return true
}

// sameTopObject reports whether pairs p and h, both at the top of the
// window, are properties of one JavaScript object whose opening brace lies
// before the window: a comma separates them and no bracket opens or closes
// between them. Indentation says nothing in JavaScript, where a tab-indented
// record: '…' beside a space-indented recordLink: '…' is common.
func sameTopObject(toks []ctok, p, h pair) bool {
	lo, hi := min(p.b, h.b), max(p.a, h.a)
	comma := false
	for _, tk := range toks {
		if tk.a < lo || tk.a >= hi || tk.parent != -1 {
			continue
		}
		switch tk.kind {
		case ',':
			comma = true
		case '{', '}', '[', ']', '(', ')', ';':
			return false
		}
	}
	return comma
}

// within reports whether bracket token p is anc or nested inside it.
func within(toks []ctok, p, anc int) bool {
	for range 64 {
		if p == anc {
			return true
		}
		if p < 0 {
			return false
		}
		p = toks[p].parent
	}
	return false
}

// isLinkKey reports whether a property name names a link: href, url, link,
// to, uri, or a name ending in one of them (icpUrl, beian_link, recordLink),
// but not an image's (iconUrl, imgLink, logoUrl).
func isLinkKey(key string) bool {
	if key == "to" {
		return true
	}
	if !strings.HasSuffix(key, "href") && !strings.HasSuffix(key, "url") && !strings.HasSuffix(key, "link") && !strings.HasSuffix(key, "uri") {
		return false
	}
	for _, img := range []string{"img", "icon", "logo", "image", "pic", "avatar", "src", "badge"} {
		if strings.Contains(key, img) {
			return false
		}
	}
	return true
}

// looksLikeURL reports whether v can be a link target.
func looksLikeURL(v string) bool {
	if v == "" || len(v) > maxURL || strings.ContainsAny(v, " \t\n") {
		return false
	}
	return v == "#" || strings.Contains(v, "/") || strings.Contains(v, ".") || strings.HasPrefix(v, "javascript:")
}

// wrongSystem reports whether URL v plainly belongs to the other filing
// system than a number of kind: the PSB query for an ICP number, MIIT's
// for a PSB number.
func wrongSystem(kind Kind, v string) bool {
	l := strings.ToLower(v)
	psb := strings.Contains(l, "mps.gov.cn") || strings.Contains(l, "www.beian.gov.cn") ||
		strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(l, "https://"), "http://"), "beian.gov.cn") ||
		strings.Contains(l, "recordcode=")
	icp := strings.Contains(l, "miit.gov.cn") || strings.Contains(l, "miibeian")
	if kind == KindPSB {
		return icp && !psb
	}
	return psb && !icp
}

// isExpression reports whether an href is code to evaluate rather than a
// URL: JSX's {…}, a template's {{ … }}, ${…}, <% … %>, <? … ?>.
func isExpression(v string) bool {
	return strings.HasPrefix(v, "{") || strings.Contains(v, "{{") || strings.Contains(v, "${") ||
		strings.Contains(v, "<%") || strings.Contains(v, "<?")
}

// resolve evaluates the few expressions a footer's href is written with:
// a string literal ({'https://…'}), a name defined in the page with a
// string value (href={MIIT_URL} and const MIIT_URL = 'https://…';
// :href="icpUrl" and icpUrl: 'https://…' in the component's data), a
// property path whose last name is so defined (siteConfig.beianUrl), and
// a || b / a ?? b of those.
func (m *matcher) resolve(expr string) (string, bool) {
	e := strings.TrimSpace(expr)
	for _, w := range [][2]string{{"{{", "}}"}, {"${", "}"}, {"{", "}"}} {
		if strings.HasPrefix(e, w[0]) && strings.HasSuffix(e, w[1]) && len(e) >= len(w[0])+len(w[1]) {
			e = strings.TrimSpace(e[len(w[0]) : len(e)-len(w[1])])
			break
		}
	}
	for _, part := range strings.Split(strings.ReplaceAll(e, "??", "||"), "||") {
		part = strings.TrimSpace(part)
		if v, ok := literal(part); ok {
			if looksLikeURL(v) {
				return v, true
			}
			continue
		}
		name := part
		if k := strings.LastIndexAny(name, ".["); k >= 0 {
			name = strings.Trim(name[k+1:], "]'\" ")
		}
		if !isIdent(name) {
			continue
		}
		if v, ok := m.lookup(name); ok {
			return v, true
		}
	}
	return "", false
}

// literal returns the content of a quoted JavaScript string s.
func literal(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'' || s[0] == '`') && s[len(s)-1] == s[0] {
		v := s[1 : len(s)-1]
		if s[0] == '`' && strings.Contains(v, "${") {
			return "", false
		}
		return v, true
	}
	return "", false
}

// isIdent reports whether s is a JavaScript identifier.
func isIdent(s string) bool {
	if s == "" || len(s) > 64 || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isASCIILetter(c) && !isDigit(c) && c != '_' && c != '$' {
			return false
		}
	}
	return true
}

// lookup finds "name = '…'" or "name: '…'" in the page (a constant, a data
// property) and returns its URL value, or the first URL literal on the
// rest of that line (const ICP_URL = import.meta.env.X || "https://…").
func (m *matcher) lookup(name string) (string, bool) {
	page := m.s.page
	nb := []byte(name)
	for i, seen := 0, 0; seen < 64; seen++ {
		k := bytes.Index(page[i:], nb)
		if k < 0 {
			return "", false
		}
		p := i + k
		i = p + len(nb)
		if p > 0 && (isASCIILetter(page[p-1]) || isDigit(page[p-1]) || page[p-1] == '_' || page[p-1] == '$' || page[p-1] == '.') {
			continue
		}
		j := i
		if j < len(page) && (page[j] == '"' || page[j] == '\'') {
			j++ // a quoted key: "icpUrl": "…"
		}
		for j < len(page) && (page[j] == ' ' || page[j] == '\t') {
			j++
		}
		if j >= len(page) || (page[j] != ':' && page[j] != '=') || j+1 < len(page) && page[j+1] == '=' {
			continue
		}
		line := page[j+1 : min(len(page), j+1+300)]
		if e := bytes.IndexByte(line, '\n'); e >= 0 {
			line = line[:e]
		}
		if v, ok := firstURLLiteral(line); ok {
			return v, true
		}
	}
	return "", false
}

// firstURLLiteral returns the first quoted string in b that looks like a URL.
func firstURLLiteral(b []byte) (string, bool) {
	for i := 0; i < len(b); i++ {
		q := b[i]
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		e := bytes.IndexByte(b[i+1:], q)
		if e < 0 {
			return "", false
		}
		v := cleanLink(b[i+1 : i+1+e])
		if looksLikeURL(v) {
			return v, true
		}
		i += e + 1
	}
	return "", false
}
