package ident

import (
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/finding"
)

func TestParseResidentID(t *testing.T) {
	// testNow is 2026-03-15 (CST).
	tests := []struct {
		name     string
		in       string
		wantCode string // "" = valid
		age      int
		male     bool
		birth    string
		known    bool
	}{
		{"valid male", withCheck("11010519900307123"), "", 36, true, "1990-03-07", true},
		{"valid female", withCheck("11010519900307124"), "", 36, false, "1990-03-07", true},
		{"lower-case x accepted", strings.ToLower(withCheck("44011320141005001")), "", 11, true, "2014-10-05", true},
		{"birthday today counts", withCheck("11010520080315123"), "", 18, true, "2008-03-15", true},
		{"birthday tomorrow not yet", withCheck("11010520080316123"), "", 17, true, "2008-03-16", true},
		{"born today", withCheck("11010520260315123"), "", 0, true, "2026-03-15", true},
		{"leap day in leap year", withCheck("11010520000229123"), "", 26, true, "2000-02-29", true},
		{"unknown county still parses", withCheck("99042619911201007"), "", 34, true, "1991-12-01", false},
		{"abolished county known", withCheck("11010319800101001"), "", 46, true, "1980-01-01", true},
		{"tomorrow is future", withCheck("11010520260316123"), "id.future_date", 0, false, "", false},
		{"leap day in common year", withCheck("11010520230229123"), "id.bad_date", 0, false, "", false},
		{"1900 not a leap year", withCheck("11010519000229123"), "id.bad_date", 0, false, "", false},
		{"month 13", withCheck("36042619911301007"), "id.bad_date", 0, false, "", false},
		{"day 0", withCheck("36042619910100007"), "id.bad_date", 0, false, "", false},
		{"before 1800", withCheck("36042617991231007"), "id.bad_date", 0, false, "", false},
		{"wrong check", "110105199003071230", "id.checksum", 0, false, "", false},
		{"X in body", "11010519900307X23X", "id.bad_charset", 0, false, "", false},
		{"letter at end", "11010519900307123A", "id.bad_charset", 0, false, "", false},
		{"legacy 15", "110105900307123", "id.legacy_15", 0, false, "", false},
		{"15 not digits", "11010590030712X", "id.length", 0, false, "", false},
		{"17 digits", "11010519900307123", "id.length", 0, false, "", false},
		{"empty", "", "id.empty", 0, false, "", false},
		{"multi-byte", "１１０１０５１９９００３０７１２", "id.length", 0, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResidentID(tt.in, testNow)
			if got := Code(err); got != tt.wantCode {
				t.Fatalf("ParseResidentID(%q) error %v, want code %q", tt.in, err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if r.Age != tt.age || r.Male != tt.male || r.Birth().Format(time.DateOnly) != tt.birth || r.CountyKnown != tt.known || r.County != tt.in[:6] {
				t.Fatalf("ParseResidentID(%q) = %+v, want age %d male %v birth %s known %v", tt.in, r, tt.age, tt.male, tt.birth, tt.known)
			}
		})
	}
}

func TestValidateResidentID(t *testing.T) {
	valid := withCheck("44011320141005001")
	tests := []struct {
		name      string
		in        string
		wantValid bool
		wantCodes []string
		norm      string
	}{
		{"full-width with spaces", " ４４０１１３ ２０１４１００５ ００１" + strings.ToLower(string(valid[17])) + "\u3000", true, []string{}, valid},
		{"nbsp inside", valid[:6] + "\u00a0" + valid[6:], true, []string{}, valid},
		{"unknown county warns", withCheck("99042619911201007"), true, []string{"id.type_mismatch/warning", "id.county_unknown/warning"}, withCheck("99042619911201007")},
		{"unknown county, not 9", withCheck("11999919911201007"), true, []string{"id.county_unknown/warning"}, withCheck("11999919911201007")},
		{"hk residence permit", withCheck("81000019900101123"), true, []string{"id.type_mismatch/warning"}, withCheck("81000019900101123")},
		{"tw residence permit", withCheck("83000019900101123"), true, []string{"id.type_mismatch/warning"}, withCheck("83000019900101123")},
		{"legacy", "110105900307123", false, []string{"id.legacy_15/error"}, "110105900307123"},
		{"checksum", valid[:17] + otherCheck(valid[17]), false, []string{"id.checksum/error"}, valid[:17] + otherCheck(valid[17])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ValidateResidentID(tt.in, testNow)
			if r.Valid != tt.wantValid || strings.Join(findingCodes(r), ",") != strings.Join(tt.wantCodes, ",") || r.Normalized != tt.norm {
				t.Fatalf("ValidateResidentID(%q) = valid %v %q %v, want %v %q %v", tt.in, r.Valid, r.Normalized, findingCodes(r), tt.wantValid, tt.norm, tt.wantCodes)
			}
			for _, f := range r.Findings {
				if f.MessageZH == "" || f.MessageEN == "" {
					t.Fatalf("finding %s lacks a message: %+v", f.Code, f)
				}
			}
		})
	}
}

func TestValidateResidentIDInfo(t *testing.T) {
	r := ValidateResidentID(withCheck("11010520080316124"), testNow)
	want := map[string]any{
		"birth_date": "2008-03-16", "age": 17, "sex": "female", "county_code": "110105",
		"county_known": true, "province_code": "110000", "province": "北京市",
	}
	if !r.Valid || len(r.Info) != len(want) {
		t.Fatalf("got %+v", r)
	}
	for k, v := range want {
		if r.Info[k] != v {
			t.Errorf("Info[%s] = %v, want %v", k, r.Info[k], v)
		}
	}
	// The age limit is not this package's business: 17 is valid.
	if hasFinding(r, "id.underage", finding.Error) || len(r.Findings) != 0 {
		t.Errorf("unexpected findings %v", findingCodes(r))
	}
}

func TestCountyCodes(t *testing.T) {
	want := cnLocCodes(t)
	got := map[int]bool{}
	forEachCountyCode(countyCodesText, func(code int) { got[code] = true })
	tokens := 0
	for _, line := range strings.Split(countyCodesText, "\n") {
		if line != "" && line[0] != '#' {
			tokens += len(strings.Fields(line)) - 1
		}
	}
	if len(got) != len(want) || tokens != len(want) {
		t.Fatalf("embedded %d codes in %d tokens, cn_loc.csv has %d: run go test ./internal/ident -run TestCountyCodesFile -update", len(got), tokens, len(want))
	}
	for code := range want {
		if !CountyKnown(code) {
			t.Fatalf("CountyKnown(%s) = false", code)
		}
	}
	for _, code := range []string{"000000", "990426", "110199", "11010", "1101055", "11010a", ""} {
		if CountyKnown(code) {
			t.Errorf("CountyKnown(%q) = true", code)
		}
	}
}

func TestProvinceName(t *testing.T) {
	for in, want := range map[string]string{"110105": "北京市", "35": "福建省", "82": "澳门特别行政区", "83": "", "99": "", "1": "", "x1": ""} {
		if got := ProvinceName(in); got != want {
			t.Errorf("ProvinceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91110000600037341L", "91110000600037341L"},
		{"  91 110000 600037341l\t\n", "91110000600037341L"},
		{"９１１１００００６０００３７３４１Ｌ", "91110000600037341L"},
		{"\u3000h1234\u00a05678\u200b", "H12345678"},
		{"60003734－1", "60003734-1"},
		{"60003734–1", "60003734-1"},
		{"1234567801（b）", "1234567801(B)"},
		{"", ""},
		{"身份证", "身份证"},
		{"\xff1", "\uFFFD1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Fatalf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Fatalf("Normalize not idempotent: %q -> %q", got, again)
			}
		})
	}
}

// TestNoAllocations pins the promise of the core checks: no allocation.
func TestNoAllocations(t *testing.T) {
	id := withCheck("11010519900307123")
	const uscc = "91110000600037341L"
	checks := map[string]func(){
		"ParseResidentID":      func() { _, _ = ParseResidentID(id, testNow) },
		"ParseResidentID bad":  func() { _, _ = ParseResidentID("110105199003071230", testNow) },
		"ParseUSCC":            func() { _, _ = ParseUSCC(uscc) },
		"ParseUSCC bad":        func() { _, _ = ParseUSCC("91110000600037341N") },
		"CheckOrgCode":         func() { _ = CheckOrgCode("60003734-1") },
		"Normalize canonical":  func() { _ = Normalize(uscc) },
		"CountyKnown":          func() { _ = CountyKnown("110105") },
		"DetectType canonical": func() { _ = DetectType(id) },
	}
	for name, fn := range checks {
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s allocates %.1f times per run", name, n)
		}
	}
}

// otherCheck returns a check character different from c.
func otherCheck(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// TestDateTime checks the hand-written day count against time.Date.
func TestDateTime(t *testing.T) {
	for y := 1800; y <= 2100; y++ {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, 15, daysIn(y, m)} {
				got := date{y, m, d}.time()
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
				if !got.Equal(want) || got.Location() != time.UTC {
					t.Fatalf("date{%d,%d,%d}.time() = %v, want %v", y, m, d, got, want)
				}
			}
		}
	}
}
