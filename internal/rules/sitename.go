package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
)

// Word lists of the website-name rules (Huawei Cloud https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md,
// Tencent Cloud https://intl.cloud.tencent.com/document/product/1022/31666). They are
// immutable lookup tables; the sources are named in doc.go.
var (
	// reservedWords may be used only by national-level state bodies
	// (中国/中华/国家/中央/人民/人大: beian's own rule and Huawei's materials page; 反腐 … 投诉: Huawei's rejection FAQ https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/faq/备案驳回咨询.md),
	// with the traditional forms of the first three.
	reservedWords = []string{"中国", "中國", "中华", "中華", "国家", "國家", "中央", "人民", "人大",
		"反腐", "廉政", "纪检", "监察", "信访", "维权", "投诉"}
	// sensitiveWords are refused for every nature (Huawei Cloud rejection FAQ: "No sensitive words").
	sensitiveWords = []string{"赌博", "博彩", "色情", "淫秽", "毒品"}
	// commercialWords make an individual's site look commercial or
	// organisational (公司/组织: [TX-name]; 论坛/社区: [QC-limit]; the rest:
	// the province lists of the providers cited above, plus 企业/集团/官方 in the same sense).
	commercialWords = []string{"公司", "企业", "集团", "组织", "工作室", "官网", "官方", "商城", "商店", "服务",
		"中心", "咨询", "投资", "贸易", "传媒", "导航", "论坛", "社区", "营销", "交易", "购物"}
	// discouragedWords are refused for individuals by some providers only
	// (QingCloud: 博客, 在线, 交流), so they reach the reviewer as a warning.
	discouragedWords = []string{"博客", "在线", "交流"}
)

// Site-name length limits: at least minSiteNameLen characters everywhere
// (providers cited above); Huawei suggests at most maxIndividualSiteNameLen for individuals.
const (
	minSiteNameLen           = 3
	maxIndividualSiteNameLen = 10
	maxSiteNameLen           = 100
)

// SiteName checks a website name (网站名称) for an entity nature. domain may
// be "" (then the not-the-domain rule is skipped). An empty or unknown nature
// applies the rules of a non-state organisation. Findings carry no Field: the
// caller adds one (Check uses "websites[i].name").
func SiteName(name, nature, domain string) []finding.Finding {
	var domains []string
	if domain != "" {
		domains = []string{domain}
	}
	_, fs := siteName(name, nature, domains)
	return fs
}

// ValidateSiteName is SiteName in the shape of `beian validate sitename`:
// the normalised name (NFKC, trimmed, inner spaces collapsed), the findings,
// and Info with "length" (characters without spaces) and "nature".
func ValidateSiteName(name, nature, domain string) finding.Result {
	var domains []string
	if domain != "" {
		domains = []string{domain}
	}
	normalized, fs := siteName(name, nature, domains)
	if nature != "" && !knownNature(nature) {
		fs = append(fs, finding.Finding{Code: "nature.unknown", Severity: finding.Error, Field: "nature",
			MessageZH: "未知的主办单位性质：" + quote(nature) + "（可选：" + strings.Join(form.Natures, "、") + "）",
			MessageEN: "unknown entity nature " + quote(nature) + " (one of " + strings.Join(form.Natures, ", ") + ")"})
	}
	return finding.Result{
		Normalized: normalized,
		Findings:   fs,
		Info:       map[string]any{"length": nameLen(normalized), "nature": nature},
	}.Finish()
}

// normalizeSiteName folds full-width forms (NFKC), trims and collapses runs
// of white space to one ASCII space. Invalid UTF-8 becomes U+FFFD, which the
// symbol rule then reports.
func normalizeSiteName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = norm.NFKC.String(name)
	return strings.Join(strings.Fields(name), " ")
}

// nameLen counts the characters of a name without its spaces.
func nameLen(s string) int {
	return utf8.RuneCountInString(strings.ReplaceAll(s, " ", ""))
}

func siteName(raw, nature string, domains []string) (string, []finding.Finding) {
	name := normalizeSiteName(raw)
	if name == "" {
		return "", []finding.Finding{finding.Errorf("sitename.empty", "网站名称不能为空", "the website name is empty")}
	}
	var fs []finding.Finding
	compact := strings.ReplaceAll(name, " ", "")
	n := utf8.RuneCountInString(compact)
	if n < minSiteNameLen {
		fs = append(fs, finding.Errorf("sitename.too_short",
			"网站名称至少需要3个字符",
			"the website name needs at least 3 characters"))
	}
	if n > maxSiteNameLen {
		fs = append(fs, finding.Errorf("sitename.too_long",
			"网站名称过长（最多100个字符）",
			"the website name is too long (at most 100 characters)"))
	}
	var han, digits, latin, other, symbols int
	var badSymbols []rune
	for _, r := range compact {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r >= '0' && r <= '9':
			digits++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '·':
			other++
		default:
			symbols++
			if len(badSymbols) < 3 && !containsRune(badSymbols, r) {
				badSymbols = append(badSymbols, r)
			}
		}
	}
	switch {
	case symbols > 0:
		fs = append(fs, finding.Errorf("sitename.symbol",
			"网站名称不能包含特殊符号（"+symbolList(badSymbols)+"）",
			"the website name must not contain special symbols ("+symbolList(badSymbols)+")"))
	case n > 0 && digits == n:
		fs = append(fs, finding.Errorf("sitename.digits_only",
			"网站名称不能为纯数字", "the website name must not be digits only"))
	case latin > 0 && latin+digits == n:
		fs = append(fs, finding.Errorf("sitename.latin_only",
			"网站名称不能为纯英文字母或字母加数字，请使用中文名称",
			"the website name must not be Latin letters (and digits) only: use a Chinese name"))
	case han == 0 && other > 0:
		fs = append(fs, finding.Warnf("sitename.no_chinese",
			"网站名称不含汉字，审核员将确认是否可接受",
			"the website name has no Chinese characters; the reviewer decides whether it is acceptable"))
	}
	if d := namedAfterDomain(compact, domains); d != "" {
		fs = append(fs, finding.Errorf("sitename.is_domain",
			"网站名称不能直接使用域名（"+d+"）", "the website name must not be the domain itself ("+d+")"))
	}
	fs = append(fs, wordFindings(compact, nature)...)
	return name, fs
}

// wordFindings applies the word lists for the nature.
func wordFindings(compact, nature string) []finding.Finding {
	var fs []finding.Finding
	if w := firstWord(compact, sensitiveWords); w != "" {
		fs = append(fs, finding.Errorf("sitename.sensitive_word",
			"网站名称含有敏感词“"+w+"”", "the website name contains the sensitive word “"+w+"”"))
	}
	if w := firstWord(compact, reservedWords); w != "" {
		if nature == form.NatureGovernment {
			fs = append(fs, finding.Warnf("sitename.reserved_word_state",
				"网站名称含有“"+w+"”，仅国家级机关可以使用，审核员须确认主办单位级别",
				"the website name contains “"+w+"”, which only national-level state bodies may use: the reviewer confirms the body's level"))
		} else {
			fs = append(fs, finding.Errorf("sitename.reserved_word",
				"非国家级机关的网站名称不能含有“"+w+"”",
				"a website name of a body that is not a national-level state organ must not contain “"+w+"”"))
		}
	}
	if nature != form.NatureIndividual {
		return fs
	}
	if w := firstWord(compact, commercialWords); w != "" {
		fs = append(fs, finding.Errorf("sitename.commercial_word",
			"个人网站名称不能含有企业或经营性词语“"+w+"”",
			"an individual's website name must not contain the commercial or organisational word “"+w+"”"))
	}
	if w := firstWord(compact, discouragedWords); w != "" {
		fs = append(fs, finding.Warnf("sitename.discouraged_word",
			"个人网站名称含有“"+w+"”，部分接入商和管局不接受",
			"an individual's website name contains “"+w+"”, which some providers and administrations refuse"))
	}
	if utf8.RuneCountInString(compact) > maxIndividualSiteNameLen {
		fs = append(fs, finding.Warnf("sitename.long",
			"个人网站名称建议为3至10个字符", "an individual's website name should have 3 to 10 characters"))
	}
	return fs
}

// namedAfterDomain returns the domain a compact name is named after, or "".
// It compares the name with the whole domain (ASCII and Unicode forms, with
// or without www.) and with the first label of the registrable domain.
func namedAfterDomain(compact string, domains []string) string {
	lname := strings.ToLower(compact)
	for _, d := range domains {
		d = strings.TrimSpace(strings.ToValidUTF8(d, "\uFFFD"))
		if d == "" {
			continue
		}
		candidates := []string{strings.ToLower(strings.TrimSuffix(d, "."))}
		if h, err := hostname.Parse(d); err == nil {
			candidates = append(candidates, h.Name, h.Unicode, h.Registrable)
			if uni := unicodeRegistrable(h); uni != "" {
				candidates = append(candidates, uni, firstLabel(uni))
			}
			candidates = append(candidates, firstLabel(h.Registrable))
		}
		for _, c := range candidates {
			c = strings.ToLower(norm.NFKC.String(c))
			if c == "" {
				continue
			}
			if lname == c || lname == "www."+c || "www."+lname == c {
				return d
			}
		}
	}
	return ""
}

// unicodeRegistrable is the Unicode form of h's registrable domain: the last
// labels of h.Unicode, as many as h.Registrable has.
func unicodeRegistrable(h hostname.Host) string {
	if h.Registrable == "" || h.Unicode == "" {
		return ""
	}
	n := strings.Count(h.Registrable, ".") + 1
	labels := strings.Split(h.Unicode, ".")
	if len(labels) < n {
		return ""
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

func firstLabel(d string) string {
	if i := strings.IndexByte(d, '.'); i > 0 {
		return d[:i]
	}
	return ""
}

func firstWord(s string, words []string) string {
	for _, w := range words {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func symbolList(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if unicode.IsPrint(r) {
			parts[i] = string(r)
		} else {
			parts[i] = strings.Trim(quoteRune(r), "'")
		}
	}
	return strings.Join(parts, " ")
}

func knownNature(n string) bool {
	for _, x := range form.Natures {
		if x == n {
			return true
		}
	}
	return false
}
