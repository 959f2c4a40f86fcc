package ident

import (
	"testing"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
)

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{withCheck("11010519900307123"), "44011320141005001x", "110105900307123", "", "11010520000229123X", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseResidentID(s, testNow)
		if err != nil {
			if Code(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if len(s) != 18 || refGB11643(s[:17]) != upperX(s[17]) {
			t.Fatalf("accepted %q, reference check %c", s, refGB11643(s[:17]))
		}
		if r.Age < 0 || r.Birth().After(testNow) || r.County != s[:6] || r.CountyKnown != CountyKnown(s[:6]) {
			t.Fatalf("ParseResidentID(%q) = %+v", s, r)
		}
		if res := ValidateResidentID(s, testNow); !res.Valid {
			t.Fatalf("Parse accepts %q but Validate refuses: %v", s, findingCodes(res))
		}
	})
}

func upperX(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{"91110000600037341L", "91350100M0001TGQXM", "91110000600037341N", "A1110000600037341L", "9111000060003IOZSV", "", "12345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			if Code(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if len(s) != 18 || u.Division != s[2:8] || u.OrgCode != s[8:17] {
			t.Fatalf("ParseUSCC(%q) = %+v", s, u)
		}
		checksumOK := refUSCC(s[:17]) == s[17]
		if checksumOK == u.ChecksumException {
			t.Fatalf("ParseUSCC(%q): reference checksum ok %v, exception %v", s, checksumOK, u.ChecksumException)
		}
		if u.ChecksumException && (s[0] != '9' || s[2:4] != "35" || s[8] != 'M' || refOrg(s[8:16]) != s[16]) {
			t.Fatalf("ParseUSCC(%q): exception outside the pilot family", s)
		}
		if res := ValidateUSCC(s); !res.Valid {
			t.Fatalf("Parse accepts %q but Validate refuses: %v", s, findingCodes(res))
		}
	})
}

func FuzzValidate(f *testing.F) {
	seeds := []struct{ typ, s string }{
		{"", withCheck("11010519900307123")}, {form.IDResident, "４４０１１３２０１４１００５００１ｘ"},
		{form.IDHKMacaoPermit, "H1234567802"}, {form.IDTaiwanPermit, "1234567801(B)"},
		{form.IDPassport, "E12345678"}, {form.IDForeignPermanent, "USA310075081903"},
		{"", "91139819901231002X"}, {"bogus", "x"}, {"", "\u3000"},
	}
	for _, s := range seeds {
		f.Add(s.typ, s.s)
	}
	f.Fuzz(func(t *testing.T, typ, s string) {
		r := Validate(typ, s, testNow)
		if r.Findings == nil || r.Info == nil {
			t.Fatalf("Validate(%q, %q) not finished: %+v", typ, s, r)
		}
		if r.Valid == finding.HasError(r.Findings) {
			t.Fatalf("Validate(%q, %q): valid %v but findings %v", typ, s, r.Valid, findingCodes(r))
		}
		for _, fd := range r.Findings {
			if fd.Code == "" || fd.MessageZH == "" || fd.MessageEN == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
		if r.Valid && typ != "" && r.Info["id_type"] != typ {
			t.Fatalf("Info[id_type] = %v for %q", r.Info["id_type"], typ)
		}
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not UTF-8", s, n)
		}
		// Validating the normalised form gives the same result.
		if r2 := Validate(typ, n, testNow); r2.Valid != r.Valid || r2.Normalized != r.Normalized || len(r2.Findings) != len(r.Findings) {
			t.Fatalf("Validate(%q) and Validate(Normalize) differ: %v vs %v", s, findingCodes(r), findingCodes(r2))
		}
	})
}
