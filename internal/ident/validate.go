package ident

import (
	"strings"
	"time"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
)

// DetectType guesses the principal ID type (the form.ID* strings) of a
// normalised number from its shape, or returns "" when no type fits:
// 18 characters starting 810000/820000 are a HK/Macao residence permit,
// 830000 a Taiwan one, 9 a 2023 foreign permanent-residence ID, other
// 18-character and 15-digit numbers a resident ID; 3 letters and 12 digits
// an old permanent-residence ID; H/M and 8 or 10 digits a HK/Macao travel
// permit; 8 or 10 digits (optionally with a bracketed office code) a Taiwan
// travel permit; anything else of 5–17 letters and digits a passport.
func DetectType(n string) string {
	switch {
	case len(n) == 18 && (strings.HasPrefix(n, "810000") || strings.HasPrefix(n, "820000")):
		return form.IDHKMacaoPermit
	case len(n) == 18 && strings.HasPrefix(n, "830000"):
		return form.IDTaiwanPermit
	case len(n) == 18 && n[0] == '9':
		return form.IDForeignPermanent
	case len(n) == 18 && allDigits(n[:17]), len(n) == 15 && allDigits(n):
		return form.IDResident
	case len(n) == 15 && isUpperLetters(n[:3]) && allDigits(n[3:]):
		return form.IDForeignPermanent
	case (len(n) == 9 || len(n) == 11) && (n[0] == 'H' || n[0] == 'M') && allDigits(n[1:]):
		return form.IDHKMacaoPermit
	case len(n) == 8 && allDigits(n), len(n) == 10 && allDigits(n),
		len(n) == 13 && allDigits(n[:10]) && n[10] == '(' && n[12] == ')':
		return form.IDTaiwanPermit
	case len(n) >= 5 && len(n) <= 17 && strings.Trim(n, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "":
		return form.IDPassport
	}
	return ""
}

// Validate validates a principal's ID number of type idType (one of the
// form.ID* strings: resident_id, hk_macao_permit, taiwan_permit, passport,
// foreign_permanent_resident_id); an empty idType means "detect it" (see
// DetectType). Info["id_type"] always names the type the number was checked
// as. An unknown idType is the error id.bad_type, an undetectable number the
// error id.unknown_format.
func Validate(idType, s string, now time.Time) finding.Result {
	var res finding.Result
	switch idType {
	case form.IDResident:
		res = ValidateResidentID(s, now)
	case form.IDHKMacaoPermit:
		res = ValidateHKMacaoPermit(s, now)
	case form.IDTaiwanPermit:
		res = ValidateTaiwanPermit(s, now)
	case form.IDPassport:
		res = ValidatePassport(s)
	case form.IDForeignPermanent:
		res = ValidateForeignPermanentID(s, now)
	case "":
		n := Normalize(s)
		if n == "" {
			return finding.Result{Findings: []finding.Finding{errEmpty.Finding()}}.Finish()
		}
		t := DetectType(n)
		if t == "" {
			return finding.Result{Normalized: n, Findings: []finding.Finding{errUnknown.Finding()}}.Finish()
		}
		return Validate(t, n, now)
	default:
		f := errBadType.Finding()
		f.MessageZH += "：" + idType
		f.MessageEN += ": " + idType
		return finding.Result{Normalized: Normalize(s), Findings: []finding.Finding{f}}.Finish()
	}
	res.Info["id_type"] = idType
	return res
}
