package footer

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/icpnum"
)

// Limits of what the matcher accepts between the parts of one number.
const (
	maxSpaceRun   = 8  // spaces (of any kind) tolerated in one gap inside a number
	maxDigitRuns  = 6  // digit groups a number may be split into by spaces
	maxDigits     = 20 // digits read for one number; more is not a number
	maxSuffixLen  = 3  // digits of the service suffix -N
	maxLetterSufx = 6  // digits of a suffix with a type letter, -1626X
	maxSpacedSufx = 2  // digits of a suffix written with spaces around the dash
)

// Runes the matcher reads after folding (see fold).
const (
	rSpace = ' '
	rDash  = '-'
	rBei   = '备'
	rZheng = '证'
	rHao   = '号'
)

// fold maps a rune to the form the matcher compares: full-width ASCII to
// ASCII, the dashes used as hyphens to '-', every space (U+00A0, U+3000,
// zero-width spaces, …) to ' ', and the Traditional characters that occur in
// numbers (備 號 證 網 and province abbreviations) to their Simplified forms.
func fold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		switch r {
		case '\t', '\n', '\r', '\f', '\v':
			return rSpace
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r >= 0x2000 && r <= 0x200D:
		return rSpace
	}
	switch r {
	case 0x00A0, 0x3000, 0x202F, 0x205F, 0x2060, 0xFEFF:
		return rSpace
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63:
		return rDash
	case '備':
		return rBei
	case '號':
		return rHao
	case '證':
		return rZheng
	case '網':
		return '网'
	case '粵':
		return '粤'
	case '滬':
		return '沪'
	case '魯':
		return '鲁'
	case '閩':
		return '闽'
	case '隴':
		return '陇'
	case '遼':
		return '辽'
	case '晉':
		return '晋'
	case '蘇':
		return '苏'
	case '贛':
		return '赣'
	case '瓊':
		return '琼'
	case '陝':
		return '陕'
	case '寧':
		return '宁'
	}
	return r
}

// matcher finds numbers in a text stream.
type matcher struct {
	s          *stream
	out        []Match
	configRuns int // configLink calls so far (bounded by maxConfigRuns)
}

// at returns the folded rune at text offset i and its width; at the end of
// the text it returns a hard break of width 0.
func (m *matcher) at(i int) (rune, int) {
	t := m.s.text
	if i >= len(t) {
		return hardBreak, 0
	}
	if c := t[i]; c < utf8.RuneSelf {
		return fold(rune(c)), 1
	}
	r, w := utf8.DecodeRune(t[i:])
	return fold(r), w
}

// before returns the folded rune that ends at text offset i and its width.
func (m *matcher) before(i int) (rune, int) {
	if i <= 0 {
		return hardBreak, 0
	}
	r, w := utf8.DecodeLastRune(m.s.text[:i])
	return fold(r), w
}

// skipSpaces returns the offset after up to maxSpaceRun spaces from i.
func (m *matcher) skipSpaces(i int) int {
	for range maxSpaceRun {
		r, w := m.at(i)
		if r != rSpace {
			return i
		}
		i += w
	}
	return i
}

// skipSpacesBack returns the offset before up to maxSpaceRun spaces ending at i.
func (m *matcher) skipSpacesBack(i int) int {
	for range maxSpaceRun {
		r, w := m.before(i)
		if r != rSpace {
			return i
		}
		i -= w
	}
	return i
}

// province returns the province abbreviation that ends (spaces allowed) at
// text offset i, and where it starts; "" and i if there is none.
func (m *matcher) province(i int) (string, int) {
	return m.prefixBefore(i, func(abbr string) bool {
		_, ok := icpnum.ProvinceByAbbr(abbr)
		return ok
	})
}

// psbProvince is province for a PSB number: it also accepts the city
// prefix of older Shenzhen numbers (深公网安备…).
func (m *matcher) psbProvince(i int) (string, int) {
	return m.prefixBefore(i, func(abbr string) bool {
		_, ok := icpnum.PSBPrefix(abbr)
		return ok
	})
}

// prefixBefore returns the one-character CJK prefix that ends (spaces
// allowed) at text offset i when known accepts it, and where it starts;
// "" and i otherwise.
func (m *matcher) prefixBefore(i int, known func(string) bool) (string, int) {
	j := m.skipSpacesBack(i)
	r, w := m.before(j)
	if r < 0x4E00 || r > 0x9FFF {
		return "", i
	}
	abbr := string(r)
	if !known(abbr) {
		return "", i
	}
	return abbr, j - w
}

// digitRun is one group of digits inside a number, and the text offset after it.
type digitRun struct {
	digits string
	end    int
}

// digits reads digit groups separated by spaces from i. It returns nil when
// the number is a placeholder: no digit at all, or digits glued to a mask
// (2021xxxx, 1234****, 12XX). Other letters glued to the digits are the next
// word of a footer that lacks a space (京公网安备11010502030143Copyright).
func (m *matcher) digits(i int) []digitRun {
	var runs []digitRun
	var cur []byte
	total := 0
	for {
		r, w := m.at(i)
		switch {
		case r >= '0' && r <= '9':
			cur = append(cur, byte(r))
			total++
			if total > maxDigits {
				return nil
			}
			i += w
			continue
		case isMaskRune(r):
			return nil
		}
		if len(cur) > 0 {
			runs = append(runs, digitRun{digits: string(cur), end: i})
			cur = cur[:0]
		}
		if r != rSpace || len(runs) >= maxDigitRuns {
			return runs
		}
		j := m.skipSpaces(i)
		if r2, _ := m.at(j); r2 < '0' || r2 > '9' {
			return runs
		}
		i = j
	}
}

// isMaskRune reports whether r glued to digits marks a placeholder: the
// letters and signs people type for a digit they leave out.
func isMaskRune(r rune) bool {
	return r == 'x' || r == 'X' || r == '*' || r == '_' || r == '?' || r == '#' || r == '%' || r == '×' || r == '〇'
}

// suffix reads the service suffix "-N" at i (spaces allowed around the
// dash), with the type letter of an App, mini-program or quick app
// (-1A, -1X, -1K, either case or full-width), and returns it ("1", "2X")
// and the offset after it, or "" if there is none. An index with a letter
// may have more digits (粤B2-20090059-1626X): the letter shows it is no year.
func (m *matcher) suffix(i int) (string, int) {
	return m.suffixLimit(i, maxSuffixLen)
}

// suffixLimit is suffix with at most limit digits before a missing letter.
func (m *matcher) suffixLimit(i, limit int) (string, int) {
	j := m.skipSpaces(i)
	spaced := j != i
	r, w := m.at(j)
	if r != rDash {
		return "", i
	}
	k := m.skipSpaces(j + w)
	spaced = spaced || k != j+w
	if spaced {
		limit = min(limit, maxSpacedSufx)
	}
	digits := make([]byte, 0, maxLetterSufx+1)
	for {
		r, w := m.at(k)
		if r < '0' || r > '9' {
			break
		}
		if len(digits) == maxLetterSufx {
			return "", i
		}
		digits = append(digits, byte(r))
		k += w
	}
	if len(digits) == 0 {
		return "", i
	}
	// A type letter: one of A, X, K not followed by another letter or digit.
	r, w = m.at(k)
	if l := r | 0x20; (l == 'a' || l == 'x' || l == 'k') && r < utf8.RuneSelf {
		if r2, _ := m.at(k + w); !isASCIIAlnum(r2) && r2 != '*' && r2 != '_' {
			return string(digits) + string(r&^0x20), k + w
		}
	}
	switch {
	case len(digits) > limit:
		return "", i
	case isMaskRune(r) || r == '-':
		return "", i // -1xx, -1**: a placeholder; -1-2: not a suffix
	}
	return string(digits), k
}

// hao consumes an optional 号 (spaces allowed before it) at i.
func (m *matcher) hao(i int) int {
	j := m.skipSpaces(i)
	if r, w := m.at(j); r == rHao {
		return j + w
	}
	return i
}

// colon consumes an optional ':' (ASCII or full-width) with spaces around it,
// and the '[' of a Markdown link that starts at the digits after a label
// (沪公网安备: [31010902002961号](http://www.beian.gov.cn/…)).
func (m *matcher) colon(i int) int {
	j := m.skipSpaces(i)
	if r, w := m.at(j); r == ':' {
		j = m.skipSpaces(j + w)
	}
	if j+1 < len(m.s.text) && m.s.text[j] == '[' && isDigit(m.s.text[j+1]) {
		return j + 1
	}
	return j
}

// tryICPAt checks that the "CP" found at text[a:b] follows an I (either
// case) and reads the number around it.
func (m *matcher) tryICPAt(a, b int) {
	if a > 0 && m.s.text[a-1]|0x20 == 'i' {
		m.tryICP(a-1, b)
	}
}

// tryICP reads an ICP filing or licence number around the "ICP" found at
// text[a:b].
func (m *matcher) tryICP(a, b int) {
	// "ICP" glued to a Latin letter or digit is part of another word.
	if r, _ := m.before(a); isASCIIAlnum(r) {
		return
	}
	i := m.skipSpaces(b)
	r, w := m.at(i)
	paren := r == '(' || r == '（'
	if paren {
		i = m.skipSpaces(i + w)
		r, w = m.at(i)
	}
	var kind Kind
	switch r {
	case rBei:
		kind = KindICPFiling
	case rZheng:
		kind = KindICPLicense
	default:
		return
	}
	i += w
	if paren { // 蜀 ICP(备)10025767号
		j := m.skipSpaces(i)
		if r, w := m.at(j); r == ')' || r == '）' {
			i = j + w
		}
	}
	if r, w := m.at(i); r == '案' && kind == KindICPFiling { // 粤ICP备案：10025609号
		i += w
		if r, w := m.at(i); r == rHao {
			i += w
		}
	}
	runs := m.digits(m.colon(i))
	if len(runs) == 0 {
		return
	}
	abbr, start := m.province(a)
	word := "ICP备"
	parse := parseFiling
	if kind == KindICPLicense {
		word, parse = "ICP证", parseLicense
	}
	for g := len(runs); g >= 1; g-- {
		digits := joinRuns(runs[:g])
		end := m.hao(runs[g-1].end)
		if g == len(runs) {
			if n, e := m.suffix(end); n != "" {
				if num, ok := parse(abbr + word + digits + "号-" + n); ok {
					m.add(kind, num, start, m.hao(e))
					return
				}
			}
		}
		if num, ok := parse(abbr + word + digits + "号"); ok {
			m.add(kind, num, start, end)
			return
		}
	}
}

// tryPSBAt checks that the bytes found at text[a:b] (the tail of 安 and a
// lead byte) are part of 安备 or 安備 and reads the number around them.
func (m *matcher) tryPSBAt(a, b int) {
	t := m.s.text
	if a < 1 || t[a-1] != "安"[0] || b+2 > len(t) {
		return
	}
	if bei := t[b-1 : b+2]; string(bei) == "备" || string(bei) == "備" {
		m.tryPSB(a-1, b+2)
	}
}

// tryPSB reads a PSB number around the "安备" found at text[a:b]. The text
// before it must read 公网 (公網 folds to it), or it must be the informal
// label 公安备案 ("公安备案 31011202006203 号"), in which case the province
// comes from the digits.
func (m *matcher) tryPSB(a, b int) {
	var kw int
	r1, w1 := m.before(a)
	switch r1 {
	case '网':
		r2, w2 := m.before(a - w1)
		if r2 != '公' {
			return
		}
		kw = a - w1 - w2
	case '公':
		r2, w2 := m.at(b)
		if r2 != '案' {
			return
		}
		kw, b = a-w1, b+w2
	default:
		return
	}
	// "公网安备号：…" names the number before giving it.
	runs := m.digits(m.colon(m.hao(b)))
	if len(runs) == 0 {
		return
	}
	// Without a province written, icpnum derives it from the digits.
	abbr, start := m.psbProvince(kw)
	for g := len(runs); g >= 1; g-- {
		digits := joinRuns(runs[:g])
		end := m.hao(runs[g-1].end)
		if num, ok := parsePSB(abbr + "公网安备" + digits + "号"); ok {
			m.add(KindPSB, num, start, end)
			return
		}
	}
}

// tryOperating returns a function that reads an operating licence number of
// category cat ("B2", "B1") around the category found at text[a:b]. A list
// of categories (合字B1.B2-20130004) is read from its first one.
func (m *matcher) tryOperating(cat string) func(a, b int) {
	return func(a, b int) {
		if r, _ := m.before(a); isASCIIAlnum(r) || r == '-' || r == '.' || r == '、' || r == '/' {
			return
		}
		cats, i := m.categories(cat, b)
		r, w := m.at(i)
		if r != rDash {
			return
		}
		runs := m.digits(m.skipSpaces(i + w))
		if len(runs) == 0 {
			return
		}
		abbr, start := m.operatingPrefix(a)
		for g := len(runs); g >= 1; g-- {
			digits := joinRuns(runs[:g])
			end := runs[g-1].end
			if g == len(runs) {
				if n, e := m.suffix(end); n != "" {
					if num, ok := parseOperating(abbr + cats + "-" + digits + "-" + n); ok {
						m.add(KindOperatingLicense, num, start, m.hao(e))
						return
					}
				}
			}
			if num, ok := parseOperating(abbr + cats + "-" + digits); ok {
				m.add(KindOperatingLicense, num, start, m.hao(end))
				return
			}
		}
	}
}

// categories reads more categories after the first one, cat, which ends at
// b: ".B2", "、B2", "/B2". It returns them joined by "." and the offset
// (spaces skipped) where the dash should be.
func (m *matcher) categories(cat string, b int) (string, int) {
	cats := cat
	i := m.skipSpaces(b)
	for range 3 {
		r, w := m.at(i)
		if r != '.' && r != '、' && r != '/' {
			break
		}
		j := m.skipSpaces(i + w)
		c1, w1 := m.at(j)
		c2, w2 := m.at(j + w1)
		if (c1 != 'A' && c1 != 'B') || (c2 != '1' && c2 != '2') {
			break
		}
		cats += "." + string(c1) + string(c2)
		i = m.skipSpaces(j + w1 + w2)
	}
	return cats, i
}

// operatingPrefix returns the prefix of an operating licence number whose
// category starts at a, and where the number starts: a province
// abbreviation (京B2-…, also 京ICP证B2-…, which names the licence that way),
// 合字 for a foreign-invested company, or none.
func (m *matcher) operatingPrefix(a int) (string, int) {
	if abbr, start := m.province(a); abbr != "" {
		return abbr, start
	}
	t := m.s.text[:m.skipSpacesBack(a)]
	switch {
	case bytes.HasSuffix(t, []byte("合字")):
		return "合字", len(t) - len("合字")
	case bytes.HasSuffix(t, []byte("ICP证")) || bytes.HasSuffix(t, []byte("ICP證")):
		k := len(t) - len("ICP证")
		if abbr, start := m.province(k); abbr != "" {
			return abbr, start
		}
	}
	return "", a
}

// tryBareLinks finds PSB numbers written as bare digits inside a link to the
// PSB query (<a href="https://beian.mps.gov.cn/#/query/webSearch?code=N">N</a>):
// the link itself says what the digits are.
func (m *matcher) tryBareLinks() {
	codes := make(map[int32]string)
	for li := range m.s.links {
		raw := m.s.rawLink(int32(li))
		if !bytes.Contains(raw, []byte("beian")) && !bytes.Contains(raw, []byte("BEIAN")) && !bytes.Contains(raw, []byte("Beian")) {
			continue
		}
		if code := psbLinkCode(m.s.link(int32(li))); code != "" {
			codes[int32(li)] = code
		}
	}
	if len(codes) == 0 {
		return
	}
	for _, lr := range m.linkRuns(codes) {
		code := codes[lr.link]
		k := bytes.Index(m.s.text[lr.a:lr.b], []byte(code))
		if k < 0 {
			continue
		}
		a := lr.a + k
		if r, _ := m.before(a); r >= '0' && r <= '9' {
			continue
		}
		if r, _ := m.at(a + len(code)); r >= '0' && r <= '9' {
			continue
		}
		if num, ok := psbFromCode(code); ok {
			m.add(KindPSB, num, a, m.hao(a+len(code)))
		}
	}
}

// linkRun is a range of text inside one link.
type linkRun struct {
	link int32
	a, b int
}

// linkRuns returns the text ranges inside the links in want, in text order,
// adjacent segments of one link merged.
func (m *matcher) linkRuns(want map[int32]string) []linkRun {
	var out []linkRun
	segs := m.s.segs
	for k, sg := range segs {
		if _, ok := want[sg.link]; !ok {
			continue
		}
		end := len(m.s.text)
		if k+1 < len(segs) {
			end = int(segs[k+1].text)
		}
		if n := len(out); n > 0 && out[n-1].link == sg.link && out[n-1].b == int(sg.text) {
			out[n-1].b = end
			continue
		}
		out = append(out, linkRun{link: sg.link, a: int(sg.text), b: end})
	}
	return out
}

// psbLinkCode returns the 14-digit code in a PSB query link
// (beian.mps.gov.cn …?code=N, or the old www.beian.gov.cn …?recordcode=N).
func psbLinkCode(href string) string {
	l := strings.ToLower(href)
	if !strings.Contains(l, "beian.mps.gov.cn") && !strings.Contains(l, "beian.gov.cn") {
		return ""
	}
	for _, key := range []string{"recordcode=", "code="} {
		k := strings.Index(l, key)
		if k < 0 {
			continue
		}
		v := href[k+len(key):]
		n := 0
		for n < len(v) && v[n] >= '0' && v[n] <= '9' {
			n++
		}
		if n == 14 {
			return v[:14]
		}
	}
	return ""
}

// psbFromCode builds a PSB number from its 14 digits alone; icpnum takes
// the province from the first two (the GB/T 2260 code of the police unit).
func psbFromCode(digits string) (string, bool) {
	return parsePSB("公网安备" + digits + "号")
}

// add records a match over text[a:b].
func (m *matcher) add(kind Kind, number string, a, b int) {
	m.out = append(m.out, Match{Kind: kind, Number: number, start: a, end: b})
}

// run finds every number in the stream, in text order, without overlaps,
// with their places and links.
func (m *matcher) run() []Match {
	m.find()
	kept := m.kept()
	for i := range kept {
		m.locate(&kept[i])
	}
	return kept
}

// find collects the candidate numbers of the stream in m.out.
func (m *matcher) find() {
	t := m.s.text
	// Passes over the text look for bytes that are rare in Chinese text:
	// a needle starting with a common lead byte (0xE5, 0xEF) would stop at
	// almost every character. "CP" and "cp" find ICP in any case (tryICPAt
	// checks the I); "安备" is found by the tail of 安 and the lead byte of
	// 备/備; full-width spellings are looked for only when the text has the
	// full-width letter they need.
	forEach(t, "CP", m.tryICPAt)
	forEach(t, "cp", m.tryICPAt)
	if hasFullWidth(t, "Ｃ") || hasFullWidth(t, "ｃ") {
		forEach(t, "ＩＣＰ", m.tryICP)
		forEach(t, "ｉｃｐ", m.tryICP)
	}
	forEach(t, "安"[1:]+"备"[:1], m.tryPSBAt)
	fullB := hasFullWidth(t, "Ｂ")
	mixedB := bytes.Contains(t, []byte("B\xef\xbc"))
	for _, cat := range [...]string{"B2", "B1"} {
		f := m.tryOperating(cat)
		forEach(t, cat, f)
		full := string(rune(cat[0])+0xFEE0) + string(rune(cat[1])+0xFEE0)
		if fullB {
			forEach(t, full, f)
			forEach(t, full[:3]+cat[1:], f)
		}
		if mixedB {
			forEach(t, cat[:1]+full[3:], f)
		}
	}
	m.tryBareLinks()
}

// kept sorts the candidates and drops those that overlap an earlier one;
// nil when there is none.
func (m *matcher) kept() []Match {
	if len(m.out) == 0 {
		return nil
	}
	slices.SortStableFunc(m.out, func(x, y Match) int { return x.start - y.start })
	kept := m.out[:0]
	lastEnd := -1
	for _, x := range m.out {
		if x.start < lastEnd {
			continue
		}
		kept = append(kept, x)
		lastEnd = x.end
	}
	return kept
}

// locate fills a match's page offset, text and link from the segment map.
func (m *matcher) locate(x *Match) {
	segs := m.s.segs
	k, found := slices.BinarySearchFunc(segs, int32(x.start), func(s seg, t int32) int { return int(s.text - t) })
	if !found {
		k--
	}
	if k < 0 {
		k = 0
	}
	if k < len(segs) {
		sg := segs[k]
		x.Offset = int(sg.src)
		if sg.verbatim {
			x.Offset += x.start - int(sg.text)
		}
	}
	x.Text = strings.TrimSpace(strings.ReplaceAll(string(m.s.text[x.start:x.end]), "\x00", " "))
	for ; k < len(segs) && int(segs[k].text) < x.end; k++ {
		if l := segs[k].link; l >= 0 {
			x.Link, x.Linked, x.LinkVia = m.s.link(l), true, LinkHTML
			if m.s.links[l].bound || isExpression(x.Link) {
				if v, ok := m.resolve(x.Link); ok {
					x.Link = v
				} else {
					x.LinkVia = LinkExpression
				}
			}
			return
		}
	}
	if u, ok := m.markdownLink(x.start, x.end); ok {
		x.Link, x.Linked, x.LinkVia = u, true, LinkMarkdown
		return
	}
	if u, ok := m.configLink(x.Kind, x.start, x.end); ok {
		x.Link, x.Linked, x.LinkVia = u, true, LinkConfig
	}
}

// forEach calls f with the bounds of every occurrence of needle in t.
func forEach(t []byte, needle string, f func(a, b int)) {
	nb := []byte(needle)
	for i := 0; i < len(t); {
		k := bytes.Index(t[i:], nb)
		if k < 0 {
			return
		}
		a := i + k
		f(a, a+len(nb))
		i = a + len(nb)
	}
}

// hasFullWidth reports whether t contains the full-width character fw
// (three bytes starting 0xEF), searching for its last two bytes, which are
// rarer than the lead byte.
func hasFullWidth(t []byte, fw string) bool {
	tail := []byte(fw[1:])
	for i := 0; i < len(t); {
		k := bytes.Index(t[i:], tail)
		if k < 0 {
			return false
		}
		if i+k > 0 && t[i+k-1] == fw[0] {
			return true
		}
		i += k + 1
	}
	return false
}

// joinRuns concatenates the digits of runs.
func joinRuns(runs []digitRun) string {
	if len(runs) == 1 {
		return runs[0].digits
	}
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.digits)
	}
	return b.String()
}

func isASCIIAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// The parse* adapters return icpnum's normalised form of a candidate.

func parseFiling(s string) (string, bool) {
	f, err := icpnum.ParseFiling(s)
	if err != nil {
		return "", false
	}
	return f.String(), true
}

func parseLicense(s string) (string, bool) {
	l, err := icpnum.ParseLicense(s)
	if err != nil {
		return "", false
	}
	return l.String(), true
}

func parseOperating(s string) (string, bool) {
	o, err := icpnum.ParseOperatingLicense(s)
	if err != nil {
		return "", false
	}
	return o.String(), true
}

func parsePSB(s string) (string, bool) {
	p, err := icpnum.ParsePSB(s)
	if err != nil {
		return "", false
	}
	return p.String(), true
}
