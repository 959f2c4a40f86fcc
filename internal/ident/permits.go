package ident

import (
	"strings"
	"time"

	"github.com/beian/beian/internal/finding"
)

// residencePermit validates an 18-character residence-permit number for
// Hong Kong, Macao or Taiwan residents (港澳台居民居住证, 2018): a 公民身份号码
// under GB 11643 whose address code is 810000 (Hong Kong), 820000 (Macao) or
// 830000 (Taiwan). The id.* codes apply, as for a resident ID.
func residencePermit(n string, now time.Time, res finding.Result, region, regionZH string) finding.Result {
	g, err := parseGB11643(n, today(now), errIDCharset, errIDBadDate, errIDFuture, errIDChecksum)
	if err != nil {
		res.Findings = []finding.Finding{err.Finding()}
		return res.Finish()
	}
	res.Info = map[string]any{
		"document":   "residence_permit",
		"region":     region,
		"region_zh":  regionZH,
		"birth_date": g.birth.String(),
		"age":        g.birth.ageOn(today(now)),
		"sex":        sexName(g.male),
	}
	return res.Finish()
}

// ValidateHKMacaoPermit validates the ID of a Hong Kong or Macao resident.
// Accepted: the Mainland Travel Permit for Hong Kong and Macao Residents
// (港澳居民来往内地通行证) — H (Hong Kong) or M (Macao) and 8 digits on the
// card issued since 2013, or 10 digits (8-digit lifelong number and a 2-digit
// issue count) on the 1999–2012 card — and the 18-character residence permit
// (港澳居民居住证) starting 810000 or 820000, checked as GB 11643.
// Info names the document, the region and, when present, the issue count or
// the birth date, age and sex.
func ValidateHKMacaoPermit(s string, now time.Time) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	switch {
	case n == "":
		res.Findings = []finding.Finding{errEmpty.Finding()}
	case len(n) == 18 && strings.HasPrefix(n, "810000"):
		return residencePermit(n, now, res, "hong_kong", "香港")
	case len(n) == 18 && strings.HasPrefix(n, "820000"):
		return residencePermit(n, now, res, "macao", "澳门")
	case (len(n) == 9 || len(n) == 11) && (n[0] == 'H' || n[0] == 'M') && allDigits(n[1:]):
		res.Info = map[string]any{"document": "travel_permit", "region": "hong_kong", "region_zh": "香港", "lifelong_number": n[1:9]}
		if n[0] == 'M' {
			res.Info["region"], res.Info["region_zh"] = "macao", "澳门"
		}
		if len(n) == 11 {
			count, _ := atoiDigits(n[9:])
			res.Info["issue_count"] = count
		}
	default:
		res.Findings = []finding.Finding{errHKMOFormat.Finding()}
	}
	return res.Finish()
}

// ValidateTaiwanPermit validates the ID of a Taiwan resident. Accepted: the
// Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证) — the
// 8-digit lifelong number used alone since 2008 (and on the 2015 card); the
// 1992–2008 form of lifelong number and 2-digit issue count, optionally
// followed by the issuing-office code in brackets, e.g. "1234567801(B)" —
// and the 18-character residence permit (台湾居民居住证) starting 830000,
// checked as GB 11643.
func ValidateTaiwanPermit(s string, now time.Time) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	switch {
	case n == "":
		res.Findings = []finding.Finding{errEmpty.Finding()}
	case len(n) == 18 && strings.HasPrefix(n, "830000"):
		return residencePermit(n, now, res, "taiwan", "台湾")
	case len(n) == 8 && allDigits(n):
		res.Info = map[string]any{"document": "travel_permit", "region": "taiwan", "region_zh": "台湾", "lifelong_number": n}
	case len(n) == 10 && allDigits(n), len(n) == 13 && allDigits(n[:10]) && n[10] == '(' && n[12] == ')' && isAlnum(n[11]):
		count, _ := atoiDigits(n[8:10])
		res.Info = map[string]any{"document": "travel_permit", "region": "taiwan", "region_zh": "台湾", "lifelong_number": n[:8], "issue_count": count}
		if len(n) == 13 {
			res.Info["issuing_office_code"] = n[11:12]
		}
	default:
		res.Findings = []finding.Finding{errTWFormat.Finding()}
	}
	return res.Finish()
}

func isAlnum(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }

// ValidatePassport checks the format of a passport number only: 5 to 17
// letters and digits (issuing states differ too much for more). When the
// number has the shape of a PRC passport, Info says which series
// (cn_series, cn_series_zh); that is a hint, not a proof of the issuer.
func ValidatePassport(s string) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	switch {
	case n == "":
		res.Findings = []finding.Finding{errEmpty.Finding()}
		return res.Finish()
	case len(n) < 5 || len(n) > 17:
		res.Findings = []finding.Finding{errPassportLength.Finding()}
		return res.Finish()
	}
	for i := 0; i < len(n); i++ {
		if !isAlnum(n[i]) {
			res.Findings = []finding.Finding{errPassportCharset.Finding()}
			return res.Finish()
		}
	}
	if series, zh := cnPassportSeries(n); series != "" {
		res.Info = map[string]any{"cn_series": series, "cn_series_zh": zh}
	}
	return res.Finish()
}

// cnPassportSeries recognises the number shapes of PRC passports: the
// electronic ordinary passport (E and 8 digits since 2012, then E, a letter
// and 7 digits), the older ordinary passport (G and 8 digits, issued until
// 2012) and the electronic diplomatic, service and public-affairs passports
// (DE, SE, PE and 7 digits).
func cnPassportSeries(n string) (series, zh string) {
	if len(n) != 9 {
		return "", ""
	}
	switch {
	case n[0] == 'E' && allDigits(n[1:]):
		return "ordinary_electronic", "普通电子护照"
	case n[0] == 'E' && n[1] >= 'A' && n[1] <= 'Z' && allDigits(n[2:]):
		return "ordinary_electronic", "普通电子护照"
	case n[0] == 'G' && allDigits(n[1:]):
		return "ordinary_pre_2012", "普通护照（2012年前签发）"
	case n[1] == 'E' && allDigits(n[2:]):
		switch n[0] {
		case 'D':
			return "diplomatic", "外交护照"
		case 'S':
			return "service", "公务护照"
		case 'P':
			return "public_affairs", "公务普通护照"
		}
	}
	return "", ""
}
