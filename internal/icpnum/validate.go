package icpnum

import (
	"errors"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/finding"
)

// Kind names the sort of number a text holds; the values appear in JSON.
type Kind string

// The kinds of numbers this package knows.
const (
	KindFiling           Kind = "icp_filing"        // 京ICP备2021000001号(-N)
	KindLicense          Kind = "icp_license"       // 京ICP证030173号(-N)
	KindOperatingLicense Kind = "operating_license" // 京B2-20212732
	KindPSB              Kind = "psb"               // 京公网安备11010602005139号
)

// DetectKind says which kind of number s looks like, from its markers (ICP备,
// ICP证, 公网安备, a "B2-"-style category, or 14 bare digits for a PSB
// number without prefix), without checking it. It lets `validate icp` take a
// filing or a licence number and say which.
func DetectKind(s string) (Kind, bool) {
	n := prepare(s)
	switch {
	case strings.Contains(n, "公网安备"):
		return KindPSB, true
	case strings.Contains(n, "ICP备"):
		return KindFiling, true
	case strings.Contains(n, "ICP证"):
		return KindLicense, true
	}
	sc := scanner{s: n}
	if !sc.eat(prefixJoint) {
		sc.abbr()
	}
	if r := sc.rest(); len(r) >= 3 && (r[0] == 'A' || r[0] == 'B') && (r[1] == '1' || r[1] == '2') && (r[2] == '-' || r[2] == '.' || strings.HasPrefix(r[2:], "、")) {
		return KindOperatingLicense, true
	}
	if len(n) == 14 && allDigits(n) || len(n) == 17 && allDigits(n[:14]) && n[14:] == "号" {
		return KindPSB, true
	}
	return "", false
}

// Validate checks the text of `beian validate icp`: an ICP filing number, an
// ICP licence number or an operating licence number, and says which. Info
// holds kind, province, province_en, province_code, abbr, serial, site and
// entity_number, plus year (filings, operating licences), digits (filings)
// and category (operating licences). A service number (site > 0) adds
// service_type (website, app, mini_program, quick_app), service_index and
// service_en / service_zh ("mini-program, service 1" / "小程序, 第1个服务").
// Normalized is set when the number parses.
func Validate(s string) finding.Result {
	var r finding.Result
	kind, ok := DetectKind(s)
	if !ok {
		code, zh, en := CodeBadFormat, "不是 ICP 备案号、ICP 许可证号或经营许可证号", "not an ICP filing, ICP licence or operating licence number"
		n := prepare(s)
		switch {
		case n == "":
			code, zh, en = CodeEmpty, "号码为空", "the number is empty"
		case allDigits(n) && (len(n) == 8 || len(n) == 10):
			code, zh, en = CodeBadProvince, "缺少省份简称和“ICP备”（应为“京ICP备"+n+"号”的形式）", "the province abbreviation and ICP备 are missing (expected the form 京ICP备"+n+"号)"
		}
		r.Findings = append(r.Findings, finding.Errorf(code, zh, en))
		return r.Finish()
	}
	info := map[string]any{"kind": string(kind)}
	var err error
	var notes parseNotes
	switch kind {
	case KindPSB:
		err = newError(CodeIsPSB, s, "这是公安联网备案号，请用 validate psb 检查", "this is a PSB number; check it with validate psb")
	case KindFiling:
		var f Filing
		f, notes, err = parseFiling(s)
		if err == nil {
			r.Normalized = f.String()
			putProvince(info, f.Province, f.Abbr)
			info["year"], info["serial"], info["digits"], info["site"] = f.Year, f.Serial, f.Digits, f.Site
			info["entity_number"] = f.Entity().String()
			putService(info, f.Site, f.Service)
		}
	case KindLicense:
		var l License
		l, notes, err = parseLicense(s)
		if err == nil {
			r.Normalized = l.String()
			putProvince(info, l.Province, l.Abbr)
			info["serial"], info["site"] = l.Serial, l.Site
			e := l
			e.Site, e.Service = 0, ""
			info["entity_number"] = e.String()
			putService(info, l.Site, l.Service)
		}
	case KindOperatingLicense:
		var o OperatingLicense
		o, err = ParseOperatingLicense(s)
		if err == nil {
			r.Normalized = o.String()
			putProvince(info, o.Province, o.Abbr)
			info["category"], info["year"], info["serial"], info["site"] = o.Category, o.Year, o.Serial, o.Site
			info["cross_regional"] = o.Province.IsZero()
			info["entity_number"] = o.Licence().String()
			putService(info, o.Site, o.Service)
		}
	}
	if err != nil {
		r.Findings = append(r.Findings, errorFinding(err))
		return r.Finish()
	}
	r.Info = info
	if notes.alias {
		r.Findings = append(r.Findings, finding.Warnf(CodeAliasAbbr,
			"甘肃的 ICP 号码使用“陇”，未见使用“甘”的号码，请核对",
			"Gansu ICP numbers use 陇; no number with 甘 is known, please check"))
	}
	if notes.missingHao {
		r.Findings = append(r.Findings, finding.Warnf(CodeMissingHao,
			"号码末尾缺少“号”字", `the trailing "号" is missing`))
	}
	return r.Finish()
}

// ValidatePSB checks the text of `beian validate psb`. Info holds province,
// province_en, province_code, abbr, county_code, kind, serial, code (the 14
// digits) and query_url; an older 12- or 13-digit number has legacy: true
// instead of kind and serial.
func ValidatePSB(s string) finding.Result {
	var r finding.Result
	p, notes, err := parsePSB(s)
	if err != nil {
		r.Findings = append(r.Findings, errorFinding(err))
		return r.Finish()
	}
	r.Normalized = p.String()
	r.Info = map[string]any{
		"county_code": p.County,
		"kind":        p.Kind,
		"serial":      p.Serial,
		"code":        p.Code(),
		"query_url":   p.QueryURL(),
	}
	putProvince(r.Info, p.Province, p.Abbr)
	if notes.legacy {
		// The digits after the county code of an older number do not split
		// into kind and serial.
		delete(r.Info, "kind")
		delete(r.Info, "serial")
		r.Info["legacy"] = true
		r.Findings = append(r.Findings, finding.Warnf(CodePSBLegacy,
			"这是旧式公安备案号（"+strconv.Itoa(len(p.Code()))+" 位），现行号码为 14 位，请核对是否已换发",
			"this is an older PSB number ("+strconv.Itoa(len(p.Code()))+" digits); current numbers have 14, please check whether it was reissued"))
	}
	if notes.derivedAbbr {
		r.Findings = append(r.Findings, finding.Warnf(CodePSBMissingAbbr,
			"号码缺少“"+p.Abbr+"公网安备”前缀，已按区划代码补全",
			"the prefix "+p.Abbr+"公网安备 is missing; it was derived from the division code"))
	}
	if notes.alias {
		r.Findings = append(r.Findings, finding.Warnf(CodePSBAliasAbbr,
			p.Province.NameZH+"的公安备案号使用“"+p.Province.PSBAbbr+"”，不是“"+p.Abbr+"”，请核对",
			p.Province.NameEN+" PSB numbers use "+p.Province.PSBAbbr+", not "+p.Abbr+"; please check"))
	}
	if p.Kind != "02" && !notes.legacy {
		r.Findings = append(r.Findings, finding.Warnf(CodePSBUnusualKind,
			"第 7-8 位为“"+p.Kind+"”，已知号码均为“02”，请核对",
			"digits 7-8 are "+p.Kind+" where every known number has 02; please check"))
	}
	if notes.missingHao {
		r.Findings = append(r.Findings, finding.Warnf(CodePSBMissingHao,
			"号码末尾缺少“号”字", `the trailing "号" is missing`))
	}
	return r.Finish()
}

// putService adds the service fields of a service number (site > 0).
func putService(info map[string]any, site int, t ServiceType) {
	if site <= 0 {
		return
	}
	if t == "" {
		t = ServiceWebsite
	}
	info["service_type"], info["service_index"] = string(t), site
	info["service_en"], info["service_zh"] = DescribeService(t, site)
}

// putProvince adds the province fields to info; a zero province (a
// cross-regional operating licence) gives empty strings.
func putProvince(info map[string]any, p Province, abbr string) {
	info["province"] = p.NameZH
	info["province_en"] = p.NameEN
	info["province_code"] = p.Code
	info["abbr"] = abbr
}

// errorFinding turns a parse error into an error finding.
func errorFinding(err error) finding.Finding {
	var e Error
	if errors.As(err, &e) {
		return finding.Errorf(e.Code, e.ZH, e.EN)
	}
	return finding.Errorf(CodeBadFormat, "号码无法解析", err.Error())
}
