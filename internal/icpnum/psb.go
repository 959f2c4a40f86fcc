package icpnum

import (
	"strconv"
	"strings"
)

// PSB is a parsed public-security filing number (公安联网备案号), for example
// 京公网安备11010602005139号. Its 14 digits are the 6-digit division code of the
// police unit that accepted the filing, 2 digits (02 in every number seen)
// and a 6-digit serial (an inference from real numbers; the division codes
// are those of GB/T 2260).
type PSB struct {
	// Province is the province of the county code.
	Province Province
	// Abbr is the prefix: as written, or the province's PSB abbreviation when
	// the number was given without one.
	Abbr string
	// County is the 6-digit division code (110106; 110000 for a municipal unit).
	County string
	// Kind is digits 7-8, "02" in practice.
	Kind string
	// Serial is the 6-digit serial (0 for a legacy number).
	Serial int
	// Legacy holds, for an older number with 12 or 13 digits (Shenzhen's
	// city numbers, 深公网安备4403101910665, and the 12-digit provincial
	// form, 京公网安备110108007702), the digits after the county code,
	// which do not split into Kind and Serial; "" for a current number.
	Legacy string
}

// cityPSBCode returns, for a city prefix of older PSB numbers, the
// division-code prefix their digits must start with. Shenzhen issued its
// own numbers before the national platform (深公网安备4403101910665,
// 深公网安备4403300900603 in public footers); no other city prefix is known
// from real numbers.
func cityPSBCode(abbr string) (string, bool) {
	if abbr == "深" {
		return "4403", true
	}
	return "", false
}

// PSBPrefix reports whether abbr can stand before 公网安备: a province's PSB
// abbreviation, an accepted alias (陇, 蜀, 黔) or a city prefix of older numbers
// (深), and returns the province it means.
func PSBPrefix(abbr string) (Province, bool) {
	if i, _ := psbIndex(abbr); i >= 0 {
		return provinces[i].clone(), true
	}
	if code, ok := cityPSBCode(abbr); ok {
		return provinces[codeIndex(code[:2])].clone(), true
	}
	return Province{}, false
}

// ParsePSB parses a PSB number: <abbr>公网安备<14 digits>号, with the same
// tolerance as ParseFiling, a space after 公网安备 and the trailing 号 missing.
//
// Footers sometimes show the 14 digits alone (51012402001727) or 公网安备
// without a prefix. ParsePSB accepts both and takes the province from the
// county code, because the digits carry it; String then prints the full form
// with that province's PSB abbreviation, and ValidatePSB warns
// (psb.number.missing_abbr). A prefix that disagrees with the county code is
// an error. 陇 (Gansu), 蜀 (Sichuan) and 黔 (Guizhou), the ICP prefixes, are
// accepted with a warning where PSB numbers use 甘, 川 and 贵. Older numbers parse with Legacy
// set and a warning (psb.number.legacy): Shenzhen's, 深公网安备 with 12 or 13
// digits that must start with its 4403, and 12 digits after any province
// prefix. Bare digits must be 14.
func ParsePSB(s string) (PSB, error) {
	p, _, err := parsePSB(s)
	return p, err
}

// parsePSB is ParsePSB with notes for the validator.
func parsePSB(s string) (PSB, parseNotes, error) {
	var notes parseNotes
	sc := scanner{s: prepare(s)}
	if sc.done() {
		return PSB{}, notes, newError(CodePSBEmpty, s, "公安备案号为空", "the PSB number is empty")
	}
	idx := -1
	abbr, city := "", ""
	if !sc.eat("公网安备") {
		abbr = sc.abbr()
		if abbr != "" {
			if !sc.eat("公网安备") {
				if strings.Contains(sc.rest(), "ICP") || strings.HasPrefix(sc.rest(), "B2-") {
					return PSB{}, notes, newError(CodePSBBadFormat, s, "这是 ICP 号码，不是公安联网备案号", "this is an ICP number, not a PSB number")
				}
				return PSB{}, notes, newError(CodePSBBadFormat, s, "不是公安联网备案号（应为“京公网安备11010602005139号”的形式）", "not a PSB number (expected the form 京公网安备11010602005139号)")
			}
			var use abbrUse
			idx, use = psbIndex(abbr)
			if code, ok := cityPSBCode(abbr); ok && idx < 0 {
				idx, city = codeIndex(code[:2]), code
			}
			if idx < 0 {
				return PSB{}, notes, newError(CodePSBBadProvince, s, "未知的省份简称“"+abbr+"”", "unknown province abbreviation "+strconv.Quote(abbr))
			}
			notes.alias = use == abbrPSBAlias
		}
	}
	if idx >= 0 || abbr == "" {
		sc.eat(":") // a label colon: 深公网安备：4403101910665
	}
	d := sc.digits()
	// Older numbers: Shenzhen's city numbers have 12 or 13 digits; before
	// the 14-digit national format, provinces issued 12 digits, the county
	// code and a 6-digit serial (京公网安备110108007702 in a public footer).
	// Bare digits are only taken in the current form.
	legacy := city != "" && (len(d) == 12 || len(d) == 13) || abbr != "" && len(d) == 12
	if len(d) != 14 && !legacy {
		if d == "" && !sc.done() && sc.rest() != "号" {
			return PSB{}, notes, newError(CodePSBBadFormat, s, "不是公安联网备案号（应为“京公网安备11010602005139号”的形式）", "not a PSB number (expected the form 京公网安备11010602005139号)")
		}
		return PSB{}, notes, newError(CodePSBBadDigits, s,
			"公安备案号应为 14 位数字，实为 "+strconv.Itoa(len(d))+" 位",
			"a PSB number has 14 digits, not "+strconv.Itoa(len(d)))
	}
	notes.missingHao = !sc.eat("号")
	if !sc.done() {
		return PSB{}, notes, trailing(CodePSBBadFormat, s, sc.rest())
	}
	p := PSB{County: d[:6]}
	if legacy {
		p.Legacy = d[6:]
		notes.legacy = true
	} else {
		p.Kind, p.Serial = d[6:8], atoi(d[8:])
	}
	ci := codeIndex(d[:2])
	if ci < 0 {
		return PSB{}, notes, newError(CodePSBBadCounty, s,
			"前六位“"+p.County+"”不是大陆省级行政区划代码开头",
			"the first six digits "+strconv.Quote(p.County)+" do not start with a Mainland province code")
	}
	switch {
	case idx < 0:
		idx = ci
		abbr = provinces[ci].PSBAbbr
		notes.derivedAbbr = true
	case idx != ci || city != "" && !strings.HasPrefix(d, city):
		if city != "" {
			return PSB{}, notes, newError(CodePSBProvinceMismatch, s,
				"简称“"+abbr+"”（深圳）与区划代码 "+p.County+" 不符",
				"the prefix "+strconv.Quote(abbr)+" (Shenzhen) does not match the division code "+p.County)
		}
		return PSB{}, notes, newError(CodePSBProvinceMismatch, s,
			"简称“"+abbr+"”（"+provinces[idx].NameZH+"）与区划代码 "+p.County+"（"+provinces[ci].NameZH+"）不符",
			"the prefix "+strconv.Quote(abbr)+" ("+provinces[idx].NameEN+") does not match the division code "+p.County+" ("+provinces[ci].NameEN+")")
	}
	if p.Serial == 0 && !legacy || legacy && strings.Trim(p.Legacy, "0") == "" {
		return PSB{}, notes, newError(CodePSBBadSerial, s, "公安备案流水号不能为 0", "the serial cannot be 0")
	}
	p.Province = provinces[idx].clone()
	p.Abbr = abbr
	return p, notes, nil
}

// Code returns the 14 digits (12 or 13 for a legacy number), as used in the
// beian.mps.gov.cn query link.
func (p PSB) Code() string {
	if p.Legacy != "" {
		return p.County + p.Legacy
	}
	b := make([]byte, 0, 14)
	b = append(b, p.County...)
	b = append(b, p.Kind...)
	b = appendPadded(b, p.Serial, 6)
	return string(b)
}

// QueryURL returns the public query link for the number on beian.mps.gov.cn,
// the link a footer should carry (the query page of
// https://beian.mps.gov.cn/#/query/webSearch, where a code opens its record).
func (p PSB) QueryURL() string {
	return "https://beian.mps.gov.cn/#/query/webSearch?code=" + p.Code()
}

// String returns the normalised number, 京公网安备11010602005139号.
func (p PSB) String() string {
	return p.Abbr + "公网安备" + p.Code() + "号"
}

// FormatPSB returns abbr + "公网安备" + county + "02" + 6-digit serial + "号",
// the form of every number issued so far. county is the 6-digit division
// code; the arguments are not checked (ParsePSB of the result does).
func FormatPSB(abbr, county string, serial int) string {
	return PSB{Abbr: abbr, County: county, Kind: "02", Serial: serial}.String()
}
