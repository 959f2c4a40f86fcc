package icpnum

import (
	"reflect"
	"strings"
	"testing"
)

// seeds are shared by the fuzz targets: real numbers and odd variants.
var seeds = []string{
	"陇ICP备15000343号-1", "蜀ICP备2026033844号-1", "川ICP备09150084号", "京ICP备2021000001号－1",
	"京ＩＣＰ备２０２１０００００１号&nbsp;-&nbsp;1", "京ICP证030173号-1", "京B2-20212732", "B2-20080207",
	"浙B2-20080101-4", "京公网安备 11010602005139号", "浙公网安备33028302000652", "51012402001727",
	"甘ICP备15000343号", "陇公网安备62010202000001号", "&nb&nbsp;sp;", "京ICP备99000001号-000001", "",
	"陕ICP备2024026116号-1A", "京ICP备2026059598号-1x", "京ICP备2026059598号－３Ｋ", "粤B2-20090059-1626X",
	"合字B1.B2-20130004", "京ICP证030173号-2a", "深公网安备：4403101910665", "深公网安备4403300900603",
}

// checkRoundTrip asserts the property every parser here keeps: the String()
// of a parsed value is already normalised and parses back to the same value.
func checkRoundTrip[T interface{ String() string }](t *testing.T, in string, v T, parse func(string) (T, error)) {
	t.Helper()
	s := v.String()
	if Normalize(s) != s || strings.ContainsAny(s, " \u00a0") {
		t.Fatalf("String() of %q is not normalised: %q", in, s)
	}
	again, err := parse(s)
	if err != nil {
		t.Fatalf("%q parsed to %q, which does not parse: %v", in, s, err)
	}
	if !reflect.DeepEqual(again, v) {
		t.Fatalf("%q -> %q -> %+v, want %+v", in, s, again, v)
	}
}

func FuzzParseFiling(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := Normalize(in)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q: %q -> %q", in, n, Normalize(n))
		}
		v, err := ParseFiling(in)
		r := Validate(in)
		if err != nil {
			errCode(t, err)
			return
		}
		checkRoundTrip(t, in, v, ParseFiling)
		if v.Digits != 8 && v.Digits != 10 || v.Site < 0 || v.Serial < 1 || v.Province.Code == "" {
			t.Fatalf("%q parsed to an impossible filing %+v", in, v)
		}
		if !r.Valid || r.Normalized != v.String() {
			t.Fatalf("ParseFiling(%q) ok but Validate = %+v", in, r)
		}
		if e := v.Entity(); e.Site != 0 || e.Service != "" || !strings.HasPrefix(v.String(), e.String()) {
			t.Fatalf("Entity() of %q = %q", v.String(), e.String())
		}
		if (v.Site == 0) != (v.Service == "") || v.Service != "" && !v.Service.Valid() {
			t.Fatalf("%q: site %d with service %q", in, v.Site, v.Service)
		}
	})
}

func FuzzParseLicense(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseLicense(in)
		if err != nil {
			errCode(t, err)
			return
		}
		checkRoundTrip(t, in, v, ParseLicense)
		if r := Validate(in); !r.Valid || r.Normalized != v.String() {
			t.Fatalf("ParseLicense(%q) ok but Validate = %+v", in, r)
		}
	})
}

func FuzzParseOperatingLicense(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseOperatingLicense(in)
		if err != nil {
			errCode(t, err)
			return
		}
		checkRoundTrip(t, in, v, ParseOperatingLicense)
		if r := Validate(in); !r.Valid || r.Normalized != v.String() {
			t.Fatalf("ParseOperatingLicense(%q) ok but Validate = %+v", in, r)
		}
	})
}

func FuzzParsePSB(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParsePSB(in)
		r := ValidatePSB(in)
		if err != nil {
			errCode(t, err)
			if r.Valid {
				t.Fatalf("ParsePSB(%q) failed but ValidatePSB is valid", in)
			}
			return
		}
		checkRoundTrip(t, in, v, ParsePSB)
		if n := len(v.Code()); (n != 14 && v.Legacy == "") || (n < 12 || n > 14) || v.Code()[:2] != v.Province.Code {
			t.Fatalf("%q: code %q does not match province %s", in, v.Code(), v.Province.Code)
		}
		if !r.Valid || r.Normalized != v.String() {
			t.Fatalf("ParsePSB(%q) ok but ValidatePSB = %+v", in, r)
		}
	})
}
