package ident

import (
	"time"

	"github.com/beian/beian/internal/finding"
)

// ValidateForeignPermanentID validates a Foreigner's Permanent Residence ID
// number (外国人永久居留身份证). Two formats are in use:
//
//   - the 2023 card (issued from 2023-12-01, National Immigration
//     Administration rules for the new card): 18 characters modelled on GB
//     11643 — "9" (marks a foreigner), 2 digits of the issuing province,
//     3 digits of nationality (ISO 3166-1 numeric), the birth date YYYYMMDD,
//     a 3-digit sequence (odd for men) and a MOD 11-2 check character. The
//     date and the check are errors (fpr.bad_date, fpr.future_date,
//     fpr.checksum); an unknown province is the warning fpr.area_unknown.
//   - the older cards (2004, 2017): 15 characters, 3 letters of nationality
//     (ISO 3166-1 alpha-3) and 12 digits. Only that shape is official
//     knowledge; the inner layout commonly implemented (4 digits of issuing
//     area, birth date YYMMDD, a sex digit, an ICAO 9303 7-3-1 check digit)
//     is not published, so a number that breaks it only gets the warning
//     fpr.legacy_unverified.
func ValidateForeignPermanentID(s string, now time.Time) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	switch {
	case n == "":
		res.Findings = []finding.Finding{errEmpty.Finding()}
	case len(n) == 18 && n[0] == '9':
		g, err := parseGB11643(n, today(now), errFPRFormat, errFPRBadDate, errFPRFuture, errFPRChecksum)
		if err != nil {
			res.Findings = []finding.Finding{err.Finding()}
			break
		}
		res.Info = map[string]any{
			"format":           "2023",
			"area_code":        n[1:3],
			"province":         ProvinceName(n[1:3]),
			"nationality_code": n[3:6],
			"birth_date":       g.birth.String(),
			"age":              g.birth.ageOn(today(now)),
			"sex":              sexName(g.male),
		}
		if ProvinceName(n[1:3]) == "" {
			res.Findings = append(res.Findings, warnFPRArea.warning())
		}
	case len(n) == 15 && isUpperLetters(n[:3]) && allDigits(n[3:]):
		res.Info = map[string]any{
			"format":      "legacy",
			"nationality": n[:3],
			"area_code":   n[3:7],
			"province":    ProvinceName(n[3:5]),
		}
		birth, ok := legacyFPRBirth(n[7:13], today(now))
		if ok {
			res.Info["birth_date"] = birth.String()
			res.Info["age"] = birth.ageOn(today(now))
			res.Info["sex"] = sexName((n[13]-'0')%2 == 1)
		}
		if !ok || icaoCheck(n[:14]) != n[14] {
			res.Findings = append(res.Findings, warnFPRUnverified.warning())
		}
	default:
		res.Findings = []finding.Finding{errFPRFormat.Finding()}
	}
	return res.Finish()
}

func isUpperLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return len(s) > 0
}

// legacyFPRBirth reads a YYMMDD birth date, taking the latest century that
// does not put it after today.
func legacyFPRBirth(yymmdd string, today date) (date, bool) {
	d := digitsDate(yymmdd)
	d.y += 2000
	if today.before(d) {
		d.y -= 100
	}
	return d, d.valid()
}

// icaoCheck returns the ICAO 9303 check digit (weights 7, 3, 1; A=10 … Z=35)
// of s, which holds only digits and capital letters.
func icaoCheck(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10)
}
