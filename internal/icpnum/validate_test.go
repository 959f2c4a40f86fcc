package icpnum

import (
	"encoding/json"
	"testing"

	"github.com/beian/beian/internal/finding"
)

// codes lists the finding codes of r in order.
func codes(r finding.Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Code+":"+string(f.Severity))
	}
	return out
}

func TestDetectKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{"京ICP备2021000001号-1", KindFiling},
		{"京icp备2021000001号", KindFiling},
		{"京ICP证030173号-1", KindLicense},
		{"京B2-20212732", KindOperatingLicense},
		{"B2-20080207", KindOperatingLicense},
		{"b2－20080207", KindOperatingLicense},
		{"京公网安备11010602005139号", KindPSB},
		{"51012402001727", KindPSB},
		{"51012402001727号", KindPSB},
		{"2021000001", ""},
		{"hello", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := DetectKind(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("DetectKind(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		in         string
		valid      bool
		normalized string
		codes      []string
		info       map[string]any
	}{
		{"蜀ICP备2026033844号－1", true, "蜀ICP备2026033844号-1", []string{},
			map[string]any{"kind": "icp_filing", "province": "四川", "province_en": "Sichuan", "province_code": "51", "abbr": "蜀",
				"year": 2026, "serial": 33844, "digits": 10, "site": 1, "entity_number": "蜀ICP备2026033844号",
				"service_type": "website", "service_index": 1, "service_en": "website, service 1", "service_zh": "网站, 第1个服务"}},
		{"陇ICP备15000343号-1", true, "陇ICP备15000343号-1", []string{},
			map[string]any{"kind": "icp_filing", "province": "甘肃", "province_en": "Gansu", "province_code": "62", "abbr": "陇",
				"year": 2015, "serial": 343, "digits": 8, "site": 1, "entity_number": "陇ICP备15000343号",
				"service_type": "website", "service_index": 1, "service_en": "website, service 1", "service_zh": "网站, 第1个服务"}},
		{"甘ICP备15000343号", true, "甘ICP备15000343号", []string{CodeAliasAbbr + ":warning"}, nil},
		{"京ICP备2021000001-2", true, "京ICP备2021000001号-2", []string{CodeMissingHao + ":warning"}, nil},
		{"京ICP证030173号-1", true, "京ICP证030173号-1", []string{},
			map[string]any{"kind": "icp_license", "province": "北京", "province_en": "Beijing", "province_code": "11", "abbr": "京",
				"serial": 30173, "site": 1, "entity_number": "京ICP证030173号",
				"service_type": "website", "service_index": 1, "service_en": "website, service 1", "service_zh": "网站, 第1个服务"}},
		// Apps, mini-programs and quick apps (filed since 2023): real numbers.
		{"京ICP备2026059598号-1X", true, "京ICP备2026059598号-1X", []string{},
			map[string]any{"kind": "icp_filing", "province": "北京", "province_en": "Beijing", "province_code": "11", "abbr": "京",
				"year": 2026, "serial": 59598, "digits": 10, "site": 1, "entity_number": "京ICP备2026059598号",
				"service_type": "mini_program", "service_index": 1, "service_en": "mini-program, service 1", "service_zh": "小程序, 第1个服务"}},
		{"陕ICP备2024026116号-1a", true, "陕ICP备2024026116号-1A", []string{},
			map[string]any{"kind": "icp_filing", "province": "陕西", "province_en": "Shaanxi", "province_code": "61", "abbr": "陕",
				"year": 2024, "serial": 26116, "digits": 10, "site": 1, "entity_number": "陕ICP备2024026116号",
				"service_type": "app", "service_index": 1, "service_en": "App, service 1", "service_zh": "App, 第1个服务"}},
		{"京ICP备2021000001号", true, "京ICP备2021000001号", []string{},
			map[string]any{"kind": "icp_filing", "province": "北京", "province_en": "Beijing", "province_code": "11", "abbr": "京",
				"year": 2021, "serial": 1, "digits": 10, "site": 0, "entity_number": "京ICP备2021000001号"}},
		{"粤B2-20090059-1626X", true, "粤B2-20090059-1626X", []string{},
			map[string]any{"kind": "operating_license", "province": "广东", "province_en": "Guangdong", "province_code": "44", "abbr": "粤",
				"category": "B2", "year": 2009, "serial": 59, "site": 1626, "cross_regional": false, "entity_number": "粤B2-20090059",
				"service_type": "mini_program", "service_index": 1626, "service_en": "mini-program, service 1626", "service_zh": "小程序, 第1626个服务"}},
		{"合字B1.B2-20130004", true, "合字B1.B2-20130004", []string{},
			map[string]any{"kind": "operating_license", "province": "", "province_en": "", "province_code": "", "abbr": "合字",
				"category": "B1.B2", "year": 2013, "serial": 4, "site": 0, "cross_regional": true, "entity_number": "合字B1.B2-20130004"}},
		{"京ICP备2021000001号-1B", false, "", []string{CodeBadService + ":error"}, nil},
		{"B2-20080207", true, "B2-20080207", []string{},
			map[string]any{"kind": "operating_license", "province": "", "province_en": "", "province_code": "", "abbr": "",
				"category": "B2", "year": 2008, "serial": 207, "site": 0, "cross_regional": true, "entity_number": "B2-20080207"}},
		{"浙B2-20080101-4", true, "浙B2-20080101-4", []string{}, nil},
		{"京公网安备11010602005139号", false, "", []string{CodeIsPSB + ":error"}, nil},
		{"51012402001727", false, "", []string{CodeIsPSB + ":error"}, nil},
		{"2021000001", false, "", []string{CodeBadProvince + ":error"}, nil},
		{"港ICP备2021000001号", false, "", []string{CodeBadProvince + ":error"}, nil},
		{"京ICP备20210000号1", false, "", []string{CodeBadFormat + ":error"}, nil},
		{"京ICP备202100001号", false, "", []string{CodeBadDigits + ":error"}, nil},
		{"京ICP备2021000001号-0", false, "", []string{CodeBadSite + ":error"}, nil},
		{"", false, "", []string{CodeEmpty + ":error"}, nil},
		{"hello", false, "", []string{CodeBadFormat + ":error"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := Validate(tt.in)
			if r.Valid != tt.valid || r.Normalized != tt.normalized {
				t.Errorf("Validate(%q) valid=%v normalized=%q, want %v %q", tt.in, r.Valid, r.Normalized, tt.valid, tt.normalized)
			}
			if got := codes(r); !equalStrings(got, tt.codes) {
				t.Errorf("findings %v, want %v", got, tt.codes)
			}
			for _, f := range r.Findings {
				if f.MessageZH == "" || f.MessageEN == "" {
					t.Errorf("finding %s lacks a message", f.Code)
				}
			}
			if tt.info != nil && !equalJSON(t, r.Info, tt.info) {
				t.Errorf("info = %v, want %v", r.Info, tt.info)
			}
			if r.Findings == nil || r.Info == nil {
				t.Errorf("result not finished: %+v", r)
			}
		})
	}
}

func TestValidatePSB(t *testing.T) {
	tests := []struct {
		in         string
		valid      bool
		normalized string
		codes      []string
	}{
		{"京公网安备 11010602005139号", true, "京公网安备11010602005139号", []string{}},
		{"浙公网安备33028302000652", true, "浙公网安备33028302000652号", []string{CodePSBMissingHao + ":warning"}},
		{"51012402001727", true, "川公网安备51012402001727号", []string{CodePSBMissingAbbr + ":warning", CodePSBMissingHao + ":warning"}},
		{"陇公网安备62010202000001号", true, "陇公网安备62010202000001号", []string{CodePSBAliasAbbr + ":warning"}},
		{"黔公网安备52270102000276号", true, "黔公网安备52270102000276号", []string{CodePSBAliasAbbr + ":warning"}},
		{"贵公网安备52010202003658号", true, "贵公网安备52010202003658号", nil},
		{"京公网安备11010601005139号", true, "京公网安备11010601005139号", []string{CodePSBUnusualKind + ":warning"}},
		{"深公网安备：4403101910665", true, "深公网安备4403101910665号", []string{CodePSBLegacy + ":warning", CodePSBMissingHao + ":warning"}},
		{"沪公网安备11010602005139号", false, "", []string{CodePSBProvinceMismatch + ":error"}},
		{"京ICP备2021000001号", false, "", []string{CodePSBBadFormat + ":error"}},
		{"", false, "", []string{CodePSBEmpty + ":error"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := ValidatePSB(tt.in)
			if r.Valid != tt.valid || r.Normalized != tt.normalized {
				t.Errorf("ValidatePSB(%q) valid=%v normalized=%q, want %v %q", tt.in, r.Valid, r.Normalized, tt.valid, tt.normalized)
			}
			if got := codes(r); !equalStrings(got, tt.codes) {
				t.Errorf("findings %v, want %v", got, tt.codes)
			}
		})
	}
	r := ValidatePSB("京公网安备 11010602005139号")
	want := map[string]any{"province": "北京", "province_en": "Beijing", "province_code": "11", "abbr": "京",
		"county_code": "110106", "kind": "02", "serial": 5139, "code": "11010602005139",
		"query_url": "https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139"}
	if !equalJSON(t, r.Info, want) {
		t.Errorf("info = %v, want %v", r.Info, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalJSON compares two values by their JSON encoding, as the CLI prints them.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
