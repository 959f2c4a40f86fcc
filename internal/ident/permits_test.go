package ident

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
)

// permitCase is one row of the permit tables: the verdict, the finding codes
// and selected Info values.
type permitCase struct {
	name  string
	in    string
	valid bool
	codes string // comma-separated "code/severity"
	info  map[string]any
}

func runPermitCases(t *testing.T, validate func(string) finding.Result, tests []permitCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validate(tt.in)
			if r.Valid != tt.valid || strings.Join(findingCodes(r), ",") != tt.codes {
				t.Fatalf("(%q) = valid %v %v, want %v [%s]", tt.in, r.Valid, findingCodes(r), tt.valid, tt.codes)
			}
			for k, v := range tt.info {
				if r.Info[k] != v {
					t.Errorf("Info[%s] = %v (%T), want %v", k, r.Info[k], r.Info[k], v)
				}
			}
		})
	}
}

func TestValidateHKMacaoPermit(t *testing.T) {
	hk := withCheck("81000019900101123")
	mo := withCheck("82000020010230123") // Feb 30
	runPermitCases(t, func(s string) finding.Result { return ValidateHKMacaoPermit(s, testNow) }, []permitCase{
		{"HK card since 2013", "H12345678", true, "", map[string]any{"document": "travel_permit", "region": "hong_kong", "lifelong_number": "12345678"}},
		{"Macao lower case full-width", "ｍ１２３４５６７８", true, "", map[string]any{"region": "macao", "region_zh": "澳门"}},
		{"old card with issue count", "H1234567802", true, "", map[string]any{"issue_count": 2, "lifelong_number": "12345678"}},
		{"HK residence permit", hk, true, "", map[string]any{"document": "residence_permit", "region": "hong_kong", "birth_date": "1990-01-01", "age": 36, "sex": "male"}},
		{"residence permit bad date", mo, false, "id.bad_date/error", nil},
		{"residence permit checksum", hk[:17] + otherCheck(hk[17]), false, "id.checksum/error", nil},
		{"Taiwan permit here", withCheck("83000019900101123"), false, "hkmo.format/error", nil},
		{"9 digits", "H123456789", false, "hkmo.format/error", nil},
		{"other letter", "K12345678", false, "hkmo.format/error", nil},
		{"empty", " ", false, "id.empty/error", nil},
	})
}

func TestValidateTaiwanPermit(t *testing.T) {
	tw := withCheck("83000019850607234")
	runPermitCases(t, func(s string) finding.Result { return ValidateTaiwanPermit(s, testNow) }, []permitCase{
		{"lifelong number", "12345678", true, "", map[string]any{"document": "travel_permit", "lifelong_number": "12345678"}},
		{"1992-2008 with issue count", "1234567801", true, "", map[string]any{"issue_count": 1, "lifelong_number": "12345678"}},
		{"with office code full-width brackets", "1234567801（b）", true, "", map[string]any{"issuing_office_code": "B", "issue_count": 1}},
		{"residence permit", tw, true, "", map[string]any{"document": "residence_permit", "region": "taiwan", "birth_date": "1985-06-07", "sex": "female"}},
		{"residence permit future", withCheck("83000020990101123"), false, "id.future_date/error", nil},
		{"HK permit here", "H12345678", false, "tw.format/error", nil},
		{"9 digits", "123456789", false, "tw.format/error", nil},
		{"bracket without code", "1234567801()", false, "tw.format/error", nil},
	})
}

func TestValidatePassport(t *testing.T) {
	runPermitCases(t, func(s string) finding.Result { return ValidatePassport(s) }, []permitCase{
		{"PRC e-passport", "E12345678", true, "", map[string]any{"cn_series": "ordinary_electronic"}},
		{"PRC e-passport letter series", "EA1234567", true, "", map[string]any{"cn_series": "ordinary_electronic"}},
		{"PRC pre-2012", "g12345678", true, "", map[string]any{"cn_series": "ordinary_pre_2012"}},
		{"PRC diplomatic", "DE1234567", true, "", map[string]any{"cn_series": "diplomatic"}},
		{"foreign", "X1234567", true, "", map[string]any{"cn_series": nil}},
		{"US style digits", "123456789", true, "", nil},
		{"with spaces", "AB 12 34 56", true, "", nil},
		{"too short", "A123", false, "passport.length/error", nil},
		{"too long", strings.Repeat("A", 18), false, "passport.length/error", nil},
		{"hyphen", "AB-123456", false, "passport.bad_charset/error", nil},
		{"CJK", "护照12345", false, "passport.bad_charset/error", nil},
	})
}

// legacyFPR builds an old 15-character number with the ICAO 7-3-1 check digit.
func legacyFPR(first14 string) string { return first14 + string(icaoCheck(first14)) }

func TestValidateForeignPermanentID(t *testing.T) {
	newID := withCheck("91139819901231002") // Beijing, 398 Kazakhstan
	old := legacyFPR("USA31007508190")
	runPermitCases(t, func(s string) finding.Result { return ValidateForeignPermanentID(s, testNow) }, []permitCase{
		{"2023 card", newID, true, "", map[string]any{"format": "2023", "area_code": "11", "province": "北京市", "nationality_code": "398", "birth_date": "1990-12-31", "sex": "female", "age": 35}},
		{"2023 card unknown area", withCheck("99939819901231001"), true, "fpr.area_unknown/warning", nil},
		{"2023 card checksum", newID[:17] + otherCheck(newID[17]), false, "fpr.checksum/error", nil},
		{"2023 card bad date", withCheck("91139819901331002"), false, "fpr.bad_date/error", nil},
		{"2023 card future", withCheck("91139820270101002"), false, "fpr.future_date/error", nil},
		{"2023 card letter", "9113981990123100A2", false, "fpr.format/error", nil},
		{"old card", old, true, "", map[string]any{"format": "legacy", "nationality": "USA", "area_code": "3100", "province": "上海市", "birth_date": "1975-08-19", "sex": "female"}},
		{"old card, 21st-century birth", legacyFPR("CAN11000801011"), true, "", map[string]any{"birth_date": "2008-01-01", "sex": "male", "age": 18}},
		{"old card lower case", strings.ToLower(old), true, "", nil},
		{"old card other check", old[:14] + otherCheck(old[14]), true, "fpr.legacy_unverified/warning", nil},
		{"old card impossible date", legacyFPR("USA31007513190"), true, "fpr.legacy_unverified/warning", nil},
		{"two letters", "US3100750819034", false, "fpr.format/error", nil},
		{"resident ID here", withCheck("11010519900307123"), false, "fpr.format/error", nil},
	})
}

func TestDetectAndValidate(t *testing.T) {
	tests := []struct {
		in, wantType string
		valid        bool
	}{
		{withCheck("11010519900307123"), form.IDResident, true},
		{"110105900307123", form.IDResident, false}, // legacy_15
		{withCheck("81000019900101123"), form.IDHKMacaoPermit, true},
		{withCheck("83000019900101123"), form.IDTaiwanPermit, true},
		{withCheck("91139819901231002"), form.IDForeignPermanent, true},
		{legacyFPR("USA31007508190"), form.IDForeignPermanent, true},
		{"H12345678", form.IDHKMacaoPermit, true},
		{"M1234567801", form.IDHKMacaoPermit, true},
		{"12345678", form.IDTaiwanPermit, true},
		{"1234567801(B)", form.IDTaiwanPermit, true},
		{"E12345678", form.IDPassport, true},
		{"1234", "", false},
		{"身份证", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := DetectType(Normalize(tt.in)); got != tt.wantType {
				t.Fatalf("DetectType(%q) = %q, want %q", tt.in, got, tt.wantType)
			}
			r := Validate("", tt.in, testNow)
			if r.Valid != tt.valid {
				t.Fatalf("Validate(\"\", %q) = %v %v", tt.in, r.Valid, findingCodes(r))
			}
			if tt.wantType == "" {
				if !hasFinding(r, "id.unknown_format", finding.Error) {
					t.Fatalf("want id.unknown_format, got %v", findingCodes(r))
				}
				return
			}
			if r.Info["id_type"] != tt.wantType {
				t.Fatalf("Info[id_type] = %v, want %s", r.Info["id_type"], tt.wantType)
			}
			// Naming the type explicitly gives the same verdict.
			if r2 := Validate(tt.wantType, tt.in, testNow); r2.Valid != r.Valid || r2.Normalized != r.Normalized {
				t.Fatalf("Validate(%s) = %v, auto = %v", tt.wantType, r2.Valid, r.Valid)
			}
		})
	}
	for _, typ := range form.IDTypes {
		if r := Validate(typ, "", testNow); r.Valid || !hasFinding(r, "id.empty", finding.Error) {
			t.Errorf("Validate(%s, \"\") = %v %v", typ, r.Valid, findingCodes(r))
		}
	}
	if r := Validate("", "  ", testNow); r.Valid || !hasFinding(r, "id.empty", finding.Error) {
		t.Errorf("Validate(\"\", blank) = %v %v", r.Valid, findingCodes(r))
	}
	if r := Validate("driver_licence", "12345678", testNow); r.Valid || !hasFinding(r, "id.bad_type", finding.Error) {
		t.Errorf("unknown type: %v %v", r.Valid, findingCodes(r))
	}
}
