// Package icpnum parses, normalises and formats the numbers a Chinese website
// shows in its footer: ICP filing numbers (京ICP备2021000001号-1), ICP licence
// numbers (京ICP证030173号), value-added telecom operating licences
// (京B2-20212732) and public-security (PSB) filing numbers
// (京公网安备11010602005139号). It also holds the province table that ties the
// one-character abbreviations in those numbers to GB/T 2260 province codes.
//
// Parsing is forgiving about how numbers are typed or copied out of web
// pages (full-width digits, odd dashes, spaces, &nbsp;), because the same
// number reaches us from forms, footers and spreadsheets; printing is strict
// and always yields one normalised form, so that numbers compare as strings.
//
// The numbers are those of the MIIT filing system (https://beian.miit.gov.cn/)
// and the public-security filing system (https://beian.mps.gov.cn/), as real
// footers show them.
package icpnum

import (
	"slices"
	"strings"
)

// Province is one of the 31 provincial-level divisions of the Mainland, with
// the abbreviations that appear in its ICP and PSB numbers.
type Province struct {
	// Code is the two-digit GB/T 2260 province code, for example "11" for Beijing.
	Code string
	// NameZH is the short Chinese name ("北京", "内蒙古").
	NameZH string
	// FullNameZH is the official Chinese name ("北京市", "内蒙古自治区"), as in GB/T 2260.
	FullNameZH string
	// NameEN is the English name ("Beijing", "Inner Mongolia").
	NameEN string
	// ICPAbbrs are the abbreviations really used in ICP filing and licence
	// numbers; the first is the one issued today (Sichuan: 蜀, then the older 川).
	ICPAbbrs []string
	// ICPAliases are abbreviations accepted when parsing ICP numbers although
	// no real number is known to use them (Gansu: 甘, the province's usual
	// abbreviation, where its ICP numbers use 陇). Validation warns about them.
	ICPAliases []string
	// PSBAbbr is the abbreviation used in PSB numbers (Sichuan: 川, Gansu: 甘,
	// Guizhou: 贵, as public footers show it: 贵公网安备52010202003658号).
	PSBAbbr string
	// PSBAliases are abbreviations accepted when parsing PSB numbers with a
	// warning (Gansu: 陇, Sichuan: 蜀, Guizhou: 黔), because people carry the
	// ICP prefix over.
	PSBAliases []string
}

// provinces is the immutable province table, in GB/T 2260 order. Accessors
// return deep copies so callers cannot change it.
//
// Abbreviations: 京 津 鲁 浙 闽 粤 苏 湘 陕 滇 陇 蜀/川 are those of real numbers
// in public footers; the others are the standard one-character abbreviations
// (unsourced for ICP use but not disputed). PSB: 川 for Sichuan and 滇 for
// Yunnan and 贵 for Guizhou are those of real footers; 甘 for Gansu is
// recalled, not seen, so 陇 is accepted too.
var provinces = [...]Province{
	{Code: "11", NameZH: "北京", FullNameZH: "北京市", NameEN: "Beijing", ICPAbbrs: []string{"京"}, PSBAbbr: "京"},
	{Code: "12", NameZH: "天津", FullNameZH: "天津市", NameEN: "Tianjin", ICPAbbrs: []string{"津"}, PSBAbbr: "津"},
	{Code: "13", NameZH: "河北", FullNameZH: "河北省", NameEN: "Hebei", ICPAbbrs: []string{"冀"}, PSBAbbr: "冀"},
	{Code: "14", NameZH: "山西", FullNameZH: "山西省", NameEN: "Shanxi", ICPAbbrs: []string{"晋"}, PSBAbbr: "晋"},
	{Code: "15", NameZH: "内蒙古", FullNameZH: "内蒙古自治区", NameEN: "Inner Mongolia", ICPAbbrs: []string{"蒙"}, PSBAbbr: "蒙"},
	{Code: "21", NameZH: "辽宁", FullNameZH: "辽宁省", NameEN: "Liaoning", ICPAbbrs: []string{"辽"}, PSBAbbr: "辽"},
	{Code: "22", NameZH: "吉林", FullNameZH: "吉林省", NameEN: "Jilin", ICPAbbrs: []string{"吉"}, PSBAbbr: "吉"},
	{Code: "23", NameZH: "黑龙江", FullNameZH: "黑龙江省", NameEN: "Heilongjiang", ICPAbbrs: []string{"黑"}, PSBAbbr: "黑"},
	{Code: "31", NameZH: "上海", FullNameZH: "上海市", NameEN: "Shanghai", ICPAbbrs: []string{"沪"}, PSBAbbr: "沪"},
	{Code: "32", NameZH: "江苏", FullNameZH: "江苏省", NameEN: "Jiangsu", ICPAbbrs: []string{"苏"}, PSBAbbr: "苏"},
	{Code: "33", NameZH: "浙江", FullNameZH: "浙江省", NameEN: "Zhejiang", ICPAbbrs: []string{"浙"}, PSBAbbr: "浙"},
	{Code: "34", NameZH: "安徽", FullNameZH: "安徽省", NameEN: "Anhui", ICPAbbrs: []string{"皖"}, PSBAbbr: "皖"},
	{Code: "35", NameZH: "福建", FullNameZH: "福建省", NameEN: "Fujian", ICPAbbrs: []string{"闽"}, PSBAbbr: "闽"},
	{Code: "36", NameZH: "江西", FullNameZH: "江西省", NameEN: "Jiangxi", ICPAbbrs: []string{"赣"}, PSBAbbr: "赣"},
	{Code: "37", NameZH: "山东", FullNameZH: "山东省", NameEN: "Shandong", ICPAbbrs: []string{"鲁"}, PSBAbbr: "鲁"},
	{Code: "41", NameZH: "河南", FullNameZH: "河南省", NameEN: "Henan", ICPAbbrs: []string{"豫"}, PSBAbbr: "豫"},
	{Code: "42", NameZH: "湖北", FullNameZH: "湖北省", NameEN: "Hubei", ICPAbbrs: []string{"鄂"}, PSBAbbr: "鄂"},
	{Code: "43", NameZH: "湖南", FullNameZH: "湖南省", NameEN: "Hunan", ICPAbbrs: []string{"湘"}, PSBAbbr: "湘"},
	{Code: "44", NameZH: "广东", FullNameZH: "广东省", NameEN: "Guangdong", ICPAbbrs: []string{"粤"}, PSBAbbr: "粤"},
	{Code: "45", NameZH: "广西", FullNameZH: "广西壮族自治区", NameEN: "Guangxi", ICPAbbrs: []string{"桂"}, PSBAbbr: "桂"},
	{Code: "46", NameZH: "海南", FullNameZH: "海南省", NameEN: "Hainan", ICPAbbrs: []string{"琼"}, PSBAbbr: "琼"},
	{Code: "50", NameZH: "重庆", FullNameZH: "重庆市", NameEN: "Chongqing", ICPAbbrs: []string{"渝"}, PSBAbbr: "渝"},
	{Code: "51", NameZH: "四川", FullNameZH: "四川省", NameEN: "Sichuan", ICPAbbrs: []string{"蜀", "川"}, PSBAbbr: "川", PSBAliases: []string{"蜀"}},
	{Code: "52", NameZH: "贵州", FullNameZH: "贵州省", NameEN: "Guizhou", ICPAbbrs: []string{"黔"}, PSBAbbr: "贵", PSBAliases: []string{"黔"}},
	{Code: "53", NameZH: "云南", FullNameZH: "云南省", NameEN: "Yunnan", ICPAbbrs: []string{"滇"}, PSBAbbr: "滇"},
	{Code: "54", NameZH: "西藏", FullNameZH: "西藏自治区", NameEN: "Tibet", ICPAbbrs: []string{"藏"}, PSBAbbr: "藏"},
	{Code: "61", NameZH: "陕西", FullNameZH: "陕西省", NameEN: "Shaanxi", ICPAbbrs: []string{"陕"}, PSBAbbr: "陕"},
	{Code: "62", NameZH: "甘肃", FullNameZH: "甘肃省", NameEN: "Gansu", ICPAbbrs: []string{"陇"}, ICPAliases: []string{"甘"}, PSBAbbr: "甘", PSBAliases: []string{"陇"}},
	{Code: "63", NameZH: "青海", FullNameZH: "青海省", NameEN: "Qinghai", ICPAbbrs: []string{"青"}, PSBAbbr: "青"},
	{Code: "64", NameZH: "宁夏", FullNameZH: "宁夏回族自治区", NameEN: "Ningxia", ICPAbbrs: []string{"宁"}, PSBAbbr: "宁"},
	{Code: "65", NameZH: "新疆", FullNameZH: "新疆维吾尔自治区", NameEN: "Xinjiang", ICPAbbrs: []string{"新"}, PSBAbbr: "新"},
}

// clone returns p with its slices copied, so the table stays immutable.
func (p Province) clone() Province {
	p.ICPAbbrs = slices.Clone(p.ICPAbbrs)
	p.ICPAliases = slices.Clone(p.ICPAliases)
	p.PSBAliases = slices.Clone(p.PSBAliases)
	return p
}

// IsZero reports whether p is the zero Province (no province), as in an
// operating licence issued by MIIT itself.
func (p Province) IsZero() bool { return p.Code == "" }

// Provinces returns the 31 provinces in GB/T 2260 order. The slice is a fresh
// copy on every call.
func Provinces() []Province {
	out := make([]Province, len(provinces))
	for i, p := range provinces {
		out[i] = p.clone()
	}
	return out
}

// abbrUse says how an abbreviation was matched.
type abbrUse int

const (
	abbrNone     abbrUse = iota
	abbrICP              // a real ICP abbreviation
	abbrICPAlias         // accepted for ICP with a warning
	abbrPSB              // the PSB abbreviation
	abbrPSBAlias         // accepted for PSB with a warning
)

// icpIndex finds the province whose ICP abbreviation (or alias) is abbr.
func icpIndex(abbr string) (int, abbrUse) {
	for i := range provinces {
		if slices.Contains(provinces[i].ICPAbbrs, abbr) {
			return i, abbrICP
		}
	}
	for i := range provinces {
		if slices.Contains(provinces[i].ICPAliases, abbr) {
			return i, abbrICPAlias
		}
	}
	return -1, abbrNone
}

// psbIndex finds the province whose PSB abbreviation (or alias) is abbr.
func psbIndex(abbr string) (int, abbrUse) {
	for i := range provinces {
		if provinces[i].PSBAbbr == abbr {
			return i, abbrPSB
		}
	}
	for i := range provinces {
		if slices.Contains(provinces[i].PSBAliases, abbr) {
			return i, abbrPSBAlias
		}
	}
	return -1, abbrNone
}

// codeIndex finds the province with the two-digit code.
func codeIndex(code string) int {
	for i := range provinces {
		if provinces[i].Code == code {
			return i
		}
	}
	return -1
}

// ProvinceByAbbr returns the province for any ICP or PSB abbreviation,
// including the documented aliases (甘 and 陇 both give Gansu; 蜀 and 川 both
// give Sichuan).
func ProvinceByAbbr(abbr string) (Province, bool) {
	if i, _ := icpIndex(abbr); i >= 0 {
		return provinces[i].clone(), true
	}
	if i, _ := psbIndex(abbr); i >= 0 {
		return provinces[i].clone(), true
	}
	return Province{}, false
}

// ProvinceByCode returns the province for a two-digit GB/T 2260 province code
// ("11") or a six-digit division code ("110105"), of which only the province
// part is looked at: the county table is not embedded here.
func ProvinceByCode(code string) (Province, bool) {
	if (len(code) != 2 && len(code) != 6) || !allDigits(code) {
		return Province{}, false
	}
	if i := codeIndex(code[:2]); i >= 0 {
		return provinces[i].clone(), true
	}
	return Province{}, false
}

// LookupProvince finds a province from whatever a form or a file holds: an
// abbreviation (京, 蜀, 甘), a 2- or 6-digit code, a Chinese name with or
// without its suffix (北京, 北京市, 广西壮族自治区) or an English name in any
// case. Surrounding spaces and full-width digits are tolerated.
func LookupProvince(s string) (Province, bool) {
	s = Normalize(s)
	if s == "" {
		return Province{}, false
	}
	if p, ok := ProvinceByCode(s); ok {
		return p, true
	}
	if p, ok := ProvinceByAbbr(s); ok {
		return p, true
	}
	for i := range provinces {
		p := &provinces[i]
		if s == p.NameZH || s == p.FullNameZH || strings.EqualFold(s, strings.ReplaceAll(p.NameEN, " ", "")) {
			return p.clone(), true
		}
	}
	// Normalize removed the spaces; the official Pinyin spellings of two
	// names that differ from their English ones are accepted too.
	switch strings.ToLower(s) {
	case "xizang":
		return provinces[codeIndex("54")].clone(), true
	case "neimongol", "neimenggu":
		return provinces[codeIndex("15")].clone(), true
	}
	return Province{}, false
}

// allDigits reports whether s is non-empty and only ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
