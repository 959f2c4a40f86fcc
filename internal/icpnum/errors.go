package icpnum

import (
	"fmt"
	"unicode/utf8"
)

// Stable error and warning codes. They are part of the JSON that
// `beian validate icp|psb --json` prints, so they never change meaning.
const (
	CodeEmpty       = "icp.number.empty"        // nothing to parse
	CodeBadFormat   = "icp.number.bad_format"   // not shaped like any ICP number
	CodeBadProvince = "icp.number.bad_province" // missing or unknown province abbreviation
	CodeBadDigits   = "icp.number.bad_digits"   // wrong number of digits
	CodeBadYear     = "icp.number.bad_year"     // the year part is not a plausible year
	CodeBadSerial   = "icp.number.bad_serial"   // serial 0
	CodeBadSite     = "icp.number.bad_site"     // "-N" with N missing, 0 or too long
	CodeBadService  = "icp.number.bad_service"  // "-N" followed by a letter other than A, X, K
	CodeBadCategory = "icp.number.bad_category" // operating licence category other than A1/A2/B1/B2
	CodeIsPSB       = "icp.number.is_psb"       // a PSB number given where an ICP number was expected
	CodeAliasAbbr   = "icp.number.alias_abbr"   // warning: 甘 for Gansu, not known to be used
	CodeMissingHao  = "icp.number.missing_hao"  // warning: trailing 号 missing

	CodePSBEmpty            = "psb.number.empty"             // nothing to parse
	CodePSBBadFormat        = "psb.number.bad_format"        // not shaped like a PSB number
	CodePSBBadProvince      = "psb.number.bad_province"      // unknown abbreviation
	CodePSBBadDigits        = "psb.number.bad_digits"        // not 14 digits
	CodePSBBadCounty        = "psb.number.bad_county"        // county code outside the 31 provinces
	CodePSBProvinceMismatch = "psb.number.province_mismatch" // abbreviation and county code disagree
	CodePSBBadSerial        = "psb.number.bad_serial"        // serial 0
	CodePSBMissingAbbr      = "psb.number.missing_abbr"      // warning: no prefix, derived from the county code
	CodePSBAliasAbbr        = "psb.number.alias_abbr"        // warning: 陇/蜀/黔 where PSB numbers use 甘/川/贵
	CodePSBUnusualKind      = "psb.number.unusual_kind"      // warning: digits 7-8 are not "02"
	CodePSBMissingHao       = "psb.number.missing_hao"       // warning: trailing 号 missing
	CodePSBLegacy           = "psb.number.legacy"            // warning: an older 12- or 13-digit city number (深公网安备…)
)

// Error is a parse failure with a stable code and a message in Chinese and
// English, so that callers can show it in either language or map it to a
// finding. Match it with errors.As into an icpnum.Error value.
type Error struct {
	Code  string // stable code, for example "icp.number.bad_province"
	ZH    string // message in Chinese
	EN    string // message in English
	Input string // the text that was parsed, as given
}

// Error implements error; the text names the input so a log line is useful alone.
func (e Error) Error() string {
	return fmt.Sprintf("%s: %q: %s", e.Code, clip(e.Input, 64), e.EN)
}

// newError builds an Error for input.
func newError(code, input, zh, en string) Error {
	return Error{Code: code, ZH: zh, EN: en, Input: input}
}

// clip shortens s to at most n runes for messages.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n {
			break
		}
		k++
	}
	return s[:i] + "…"
}
