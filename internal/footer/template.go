package footer

import "bytes"

// templateForm is one kind of template construct found in the text.
type templateForm struct {
	open, close string
	comment     bool // a comment: its text goes to the hidden stream
}

// templateForms are the constructs blankTemplates looks for, longest opener
// first among those that share a prefix. Comments: Handlebars {{!-- --}}
// and {{! }}, Blade {{-- --}}, Go templates (Hugo) {{/* */}} and
// {{- /* */ -}}, Jinja, Twig and Django {# #}, Smarty {* *}, JSX {/* */},
// Django and Liquid {% comment %}…{% endcomment %}. Expressions: {{ }},
// {% %}, ${ }.
var templateForms = [...]templateForm{
	{"{{!--", "--}}", true},
	{"{{--", "--}}", true},
	{"{{/*", "*/}}", true},
	{"{{- /*", "*/ -}}", true},
	{"{{!", "}}", true},
	{"{{", "}}", false},
	{"{% comment %}", "{% endcomment %}", true},
	{"{%", "%}", false},
	{"{#", "#}", true},
	{"{*", "*}", true},
	{"{/*", "*/}", true},
	{"${", "}", false},
}

// Bounds on the length of a template construct: an expression longer than
// maxExpr is not one; a comment may hold a commented-out footer.
const (
	maxExpr    = 512
	maxComment = 16 << 10
)

// blankTemplates replaces template expressions ({{ … }}, {% … %}, ${ … })
// and template comments ({# … #}, {{!-- … --}}, {/* … */}, …) in the text of
// s with hard breaks: an expression is a placeholder, not content, and
// whatever sits inside it (a default value, a variable name) is not a number
// the page shows. The text of a comment is sent to the hidden stream first.
func blankTemplates(s *stream) {
	text := s.text
	// next caches, per form, where its closer was next found (+1), or -1
	// when there is none further on: each closer is searched for at most
	// once per stretch of text, so the pass stays linear.
	var next [len(templateForms)]int
	find := func(fi, from int) int {
		switch c := next[fi]; {
		case c == -1:
			return -1
		case c > 0 && c-1 >= from:
			return c - 1
		}
		e := bytes.Index(text[from:], []byte(templateForms[fi].close))
		if e < 0 {
			next[fi] = -1
			return -1
		}
		next[fi] = from + e + 1
		return from + e
	}
	for i := 0; i+1 < len(text); {
		k := bytes.IndexByte(text[i:], '{')
		if k < 0 {
			return
		}
		p := i + k
		fi := formAt(text, p)
		if fi < 0 {
			i = p + 1
			continue
		}
		f := templateForms[fi]
		if f.open == "${" {
			p--
		}
		body := p + len(f.open)
		limit := maxExpr
		if f.comment {
			limit = maxComment
		}
		e := find(fi, body)
		if e < 0 || e > p+limit {
			i = p + 2
			continue
		}
		stop := e + len(f.close)
		if f.comment {
			s.hideText(text[body:e], whereTemplateComment)
		}
		for q := p; q < stop; q++ {
			text[q] = hardBreak
		}
		i = stop
	}
}

// formAt returns the template form whose opener starts at text[p] (p is a
// '{'; "${" is recognised by the '$' before it), or -1.
func formAt(text []byte, p int) int {
	if p > 0 && text[p-1] == '$' {
		return len(templateForms) - 1
	}
	rest := text[p:]
	for fi, f := range templateForms[:len(templateForms)-1] {
		if bytes.HasPrefix(rest, []byte(f.open)) {
			return fi
		}
	}
	return -1
}

// blankCodeComments replaces JavaScript comments in the text with hard
// breaks: the text of a script, or of a code file given as the page (a
// config module, a component), is read as text, and a comment there is a
// note to programmers ("// 备案号，例如：陕ICP备16000646号"), not something a
// visitor sees. A block comment /* … */ is taken anywhere (bounded in
// length); a line comment // only at the start of a line, after code
// punctuation (;,{}()[] and spaces) or after a closing quote and a space, so
// that "https://…" and a visible "a // b" are left alone.
func blankCodeComments(text []byte) {
	noBlockEnd := false
	for i := 0; i+1 < len(text); {
		k := bytes.IndexByte(text[i:], '/')
		if k < 0 {
			return
		}
		p := i + k
		if p+1 >= len(text) {
			return
		}
		switch text[p+1] {
		case '*':
			if noBlockEnd {
				i = p + 2
				continue
			}
			e := bytes.Index(text[p+2:], []byte("*/"))
			if e < 0 {
				noBlockEnd = true
				i = p + 2
				continue
			}
			if e > maxComment {
				i = p + 2
				continue
			}
			stop := p + 2 + e + 2
			for q := p; q < stop; q++ {
				text[q] = hardBreak
			}
			i = stop
		case '/':
			if !lineCommentStart(text, p) {
				i = p + 2
				continue
			}
			e := bytes.IndexByte(text[p:], '\n')
			stop := len(text)
			if e >= 0 {
				stop = p + e
			}
			for q := p; q < stop; q++ {
				text[q] = hardBreak
			}
			i = stop
		default:
			i = p + 1
		}
	}
}

// lineCommentStart reports whether the "//" at text[p] starts a line comment:
// only spaces or code punctuation stand before it on its line, or a string
// that ends with its quote and then a space (icp: "京ICP备…" // 旧号 …, a
// last property without its comma; a Go struct tag and its comment).
func lineCommentStart(text []byte, p int) bool {
	spaced := false
	for q := p - 1; q >= 0 && q >= p-256; q-- {
		switch c := text[q]; c {
		case ' ', '\t', '\r':
			spaced = true
			continue
		case '\n':
			return true
		case '(':
			// (//cdn.example.com/…) is a protocol-relative address in a
			// Markdown link or a CSS url(), not a comment.
			return q+1 != p || p+2 >= len(text) || !isASCIIAlnum(rune(text[p+2]))
		case ';', ',', '{', '}', ')', '[', ']':
			return true
		case '"', '\'', '`':
			return spaced
		default:
			return false
		}
	}
	return true
}

// blankHashComments replaces the '#' line comments of YAML, Python, shell
// and TOML in text with hard breaks: a config file given as the page
// ("# 例 '湘ICP备14010307号'", "#  record: 粤ICP备…" in a theme's
// settings) keeps examples and retired numbers there, and no visitor sees
// them. A comment is a line whose first character, after spaces, is a
// single '#'. In Markdown that line is a heading, so when the page has
// Markdown links only its YAML front matter (the block between the "---"
// lines at its top) is searched.
func blankHashComments(text []byte, markdown bool) {
	if markdown {
		text = frontMatter(text)
	}
	for i := 0; i < len(text); {
		e := bytes.IndexByte(text[i:], '\n')
		stop := len(text)
		if e >= 0 {
			stop = i + e
		}
		j := i
		for j < stop && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		if j < stop && text[j] == '#' && (j+1 == stop || text[j+1] != '#') {
			for q := j; q < stop; q++ {
				text[q] = hardBreak
			}
		}
		i = stop + 1
	}
}

// frontMatter returns the YAML front matter at the top of text, between a
// first line "---" and the next line that starts with "---", or nil.
func frontMatter(text []byte) []byte {
	t := bytes.TrimLeft(text, " \t\r\n")
	if !bytes.HasPrefix(t, []byte("---\n")) && !bytes.HasPrefix(t, []byte("---\r\n")) {
		return nil
	}
	start := len(text) - len(t) + 3
	end := bytes.Index(text[start:], []byte("\n---"))
	if end < 0 {
		return nil
	}
	return text[start : start+end]
}
