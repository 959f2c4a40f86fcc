package icpnum

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedTestdata returns the path of the shared test data folder, skipping
// the test when it is missing outside CI.
func sharedTestdata(t *testing.T, parts ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{"..", "..", "..", "shared", "testdata"}, parts...)...)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data missing at %s: %v", dir, err)
		}
		t.Skipf("shared test data missing at %s (clone shared/ beside the repo): %v", dir, err)
	}
	return dir
}

func TestProvinceTableShape(t *testing.T) {
	ps := Provinces()
	if len(ps) != 31 {
		t.Fatalf("Provinces() has %d entries, want the 31 Mainland provinces", len(ps))
	}
	codes := map[string]bool{}
	icp := map[string]string{}
	psb := map[string]string{}
	for _, p := range ps {
		if codes[p.Code] {
			t.Errorf("duplicate code %s", p.Code)
		}
		codes[p.Code] = true
		if len(p.ICPAbbrs) == 0 || p.PSBAbbr == "" || p.NameZH == "" || p.NameEN == "" || p.FullNameZH == "" {
			t.Errorf("incomplete province %+v", p)
		}
		if !strings.HasPrefix(p.FullNameZH, p.NameZH) {
			t.Errorf("%s: short name %q is not a prefix of %q", p.Code, p.NameZH, p.FullNameZH)
		}
		for _, a := range append(append([]string{}, p.ICPAbbrs...), p.ICPAliases...) {
			if other, dup := icp[a]; dup {
				t.Errorf("ICP abbreviation %s used by %s and %s", a, other, p.Code)
			}
			icp[a] = p.Code
		}
		for _, a := range append([]string{p.PSBAbbr}, p.PSBAliases...) {
			if other, dup := psb[a]; dup {
				t.Errorf("PSB abbreviation %s used by %s and %s", a, other, p.Code)
			}
			psb[a] = p.Code
		}
	}
	// The deviations real numbers show.
	for abbr, want := range map[string]string{"陇": "62", "蜀": "51", "川": "51"} {
		if icp[abbr] != want {
			t.Errorf("ICP abbreviation %s -> %q, want %s", abbr, icp[abbr], want)
		}
	}
	if p, _ := ProvinceByCode("51"); p.ICPAbbrs[0] != "蜀" || p.PSBAbbr != "川" {
		t.Errorf("Sichuan: ICP %v PSB %s, want current ICP 蜀 and PSB 川", p.ICPAbbrs, p.PSBAbbr)
	}
	if p, _ := ProvinceByCode("62"); p.ICPAbbrs[0] != "陇" || p.PSBAbbr != "甘" {
		t.Errorf("Gansu: ICP %v PSB %s, want ICP 陇 and PSB 甘", p.ICPAbbrs, p.PSBAbbr)
	}
}

// TestProvincesMatchGBT2260 checks codes and official names against the
// GB/T 2260 table shipped with python-stdnum (shared/testdata).
func TestProvincesMatchGBT2260(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedTestdata(t, "python-stdnum"), "cn_loc.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("reading cn_loc.csv: %v", err)
	}
	seen := 0
	for _, row := range rows[1:] {
		code, name, until := row[0], row[1], row[4]
		if !strings.HasSuffix(code, "0000") || until != "" {
			continue
		}
		switch code[:2] {
		case "71", "81", "82": // Taiwan, Hong Kong, Macao: not Mainland filing provinces
			if _, ok := ProvinceByCode(code); ok {
				t.Errorf("ProvinceByCode(%s) found a province; ICP filing covers the Mainland only", code)
			}
			continue
		}
		seen++
		p, ok := ProvinceByCode(code)
		if !ok {
			t.Errorf("GB/T 2260 province %s %s missing", code, name)
			continue
		}
		if p.FullNameZH != name {
			t.Errorf("%s: FullNameZH %q, GB/T 2260 says %q", code, p.FullNameZH, name)
		}
	}
	if seen != 31 {
		t.Errorf("cn_loc.csv has %d current Mainland provinces, want 31", seen)
	}
}

func TestProvinceByAbbr(t *testing.T) {
	tests := []struct {
		abbr, code string
	}{
		{"京", "11"}, {"津", "12"}, {"冀", "13"}, {"晋", "14"}, {"蒙", "15"}, {"辽", "21"}, {"吉", "22"},
		{"黑", "23"}, {"沪", "31"}, {"苏", "32"}, {"浙", "33"}, {"皖", "34"}, {"闽", "35"}, {"赣", "36"},
		{"鲁", "37"}, {"豫", "41"}, {"鄂", "42"}, {"湘", "43"}, {"粤", "44"}, {"桂", "45"}, {"琼", "46"},
		{"渝", "50"}, {"蜀", "51"}, {"川", "51"}, {"黔", "52"}, {"滇", "53"}, {"藏", "54"}, {"陕", "61"},
		{"陇", "62"}, {"甘", "62"}, {"青", "63"}, {"宁", "64"}, {"新", "65"},
		{"港", ""}, {"台", ""}, {"", ""}, {"京京", ""}, {"B", ""},
	}
	for _, tt := range tests {
		t.Run(tt.abbr, func(t *testing.T) {
			p, ok := ProvinceByAbbr(tt.abbr)
			if ok != (tt.code != "") || p.Code != tt.code {
				t.Errorf("ProvinceByAbbr(%q) = %q, %v; want %q", tt.abbr, p.Code, ok, tt.code)
			}
		})
	}
}

func TestProvinceByCode(t *testing.T) {
	tests := []struct {
		in, code string
	}{
		{"11", "11"}, {"110105", "11"}, {"510124", "51"}, {"65", "65"}, {"650000", "65"},
		{"99", ""}, {"71", ""}, {"1", ""}, {"111", ""}, {"1101055", ""}, {"ab", ""}, {"", ""}, {"11010a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := ProvinceByCode(tt.in)
			if ok != (tt.code != "") || p.Code != tt.code {
				t.Errorf("ProvinceByCode(%q) = %q, %v; want %q", tt.in, p.Code, ok, tt.code)
			}
		})
	}
}

func TestLookupProvince(t *testing.T) {
	tests := []struct {
		in, code string
	}{
		{"北京", "11"}, {"北京市", "11"}, {" 京 ", "11"}, {"１１", "11"}, {"110105", "11"},
		{"广西壮族自治区", "45"}, {"广西", "45"}, {"Inner Mongolia", "15"}, {"inner mongolia", "15"},
		{"Nei Mongol", "15"}, {"XIZANG", "54"}, {"Tibet", "54"}, {"蜀", "51"}, {"四川省", "51"},
		{"甘", "62"}, {"陇", "62"}, {"Shaanxi", "61"}, {"Shanxi", "14"},
		{"北京省", ""}, {"Atlantis", ""}, {"", ""}, {"   ", ""}, {"香港", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := LookupProvince(tt.in)
			if ok != (tt.code != "") || p.Code != tt.code {
				t.Errorf("LookupProvince(%q) = %q, %v; want %q", tt.in, p.Code, ok, tt.code)
			}
		})
	}
}

// TestProvincesAreCopies makes sure a caller cannot change the table.
func TestProvincesAreCopies(t *testing.T) {
	ps := Provinces()
	ps[0].ICPAbbrs[0] = "X"
	ps[0].Code = "99"
	p, _ := ProvinceByAbbr("京")
	p.ICPAbbrs[0] = "Y"
	f, err := ParseFiling("京ICP备2021000001号")
	if err != nil {
		t.Fatal(err)
	}
	f.Province.ICPAbbrs[0] = "Z"
	again, ok := ProvinceByCode("11")
	if !ok || again.ICPAbbrs[0] != "京" || Provinces()[0].Code != "11" {
		t.Errorf("the province table was modified through a returned value: %+v", again)
	}
}
