package icpnum

import (
	"errors"
	"reflect"
	"testing"
)

// errCode returns the stable code of an icpnum error, or "" for nil.
func errCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an icpnum.Error", err, err)
	}
	if e.ZH == "" || e.EN == "" {
		t.Errorf("error %s lacks a message in both languages: %+v", e.Code, e)
	}
	return e.Code
}

func TestParseFiling(t *testing.T) {
	tests := []struct {
		in     string
		want   string // normalised
		code   string // province code
		year   int
		serial int
		digits int
		site   int
	}{
		// Real filing numbers from public footers (8-digit, 10-digit, 陇, 蜀, 川).
		{"陇ICP备15000343号-1", "陇ICP备15000343号-1", "62", 2015, 343, 8, 1},
		{"川ICP备09150084号", "川ICP备09150084号", "51", 2009, 150084, 8, 0},
		{"闽ICP备17029130号", "闽ICP备17029130号", "35", 2017, 29130, 8, 0},
		{"陇ICP备19001358号-1", "陇ICP备19001358号-1", "62", 2019, 1358, 8, 1},
		{"陇ICP备2021003158号-1", "陇ICP备2021003158号-1", "62", 2021, 3158, 10, 1},
		{"陕ICP备2023014792号-1", "陕ICP备2023014792号-1", "61", 2023, 14792, 10, 1},
		{"湘ICP备2026037508号-1", "湘ICP备2026037508号-1", "43", 2026, 37508, 10, 1},
		{"蜀ICP备2026033844号-1", "蜀ICP备2026033844号-1", "51", 2026, 33844, 10, 1},
		{"津ICP备2026011740号-1", "津ICP备2026011740号-1", "12", 2026, 11740, 10, 1},
		{"滇ICP备2026006119号-2", "滇ICP备2026006119号-2", "53", 2026, 6119, 10, 2},
		{"苏ICP备05003616号", "苏ICP备05003616号", "32", 2005, 3616, 8, 0},
		{"陇ICP备2024012699号-3", "陇ICP备2024012699号-3", "62", 2024, 12699, 10, 3},
		{"蜀ICP备2025143639号", "蜀ICP备2025143639号", "51", 2025, 143639, 10, 0},
		{"川ICP备15095485号-1", "川ICP备15095485号-1", "51", 2015, 95485, 8, 1},
		{"川ICP备10200063号-1", "川ICP备10200063号-1", "51", 2010, 200063, 8, 1},
		// Seen in the Tencent Cloud footer.
		{"京ICP备11018762号", "京ICP备11018762号", "11", 2011, 18762, 8, 0},
		// Typing and copying variants.
		{"京ICP备2021000001号－1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ICP备2021000001号—1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ICP备2021000001号–1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ICP备2021000001号−1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ICP备2021000001号‐1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ICP备2021000001号‑1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"京ＩＣＰ备２０２１０００００１号", "京ICP备2021000001号", "11", 2021, 1, 10, 0},
		{"京ICP备 2021000001 号 - 12", "京ICP备2021000001号-12", "11", 2021, 1, 10, 12},
		{"京ICP备2021000001号&nbsp;-&nbsp;1", "京ICP备2021000001号-1", "11", 2021, 1, 10, 1},
		{"\u00a0京ICP备2021000001号\u3000", "京ICP备2021000001号", "11", 2021, 1, 10, 0},
		{"京icp备2021000001号", "京ICP备2021000001号", "11", 2021, 1, 10, 0},
		{"京ICP备2021000001", "京ICP备2021000001号", "11", 2021, 1, 10, 0},
		{"京ICP备2021000001-3", "京ICP备2021000001号-3", "11", 2021, 1, 10, 3},
		{"京ICP备2021000001号-007", "京ICP备2021000001号-7", "11", 2021, 1, 10, 7},
		{"甘ICP备15000343号", "甘ICP备15000343号", "62", 2015, 343, 8, 0},
		{"沪ICP备99000001号", "沪ICP备99000001号", "31", 1999, 1, 8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFiling(tt.in)
			if err != nil {
				t.Fatalf("ParseFiling(%q): %v", tt.in, err)
			}
			if got := f.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if f.Province.Code != tt.code || f.Year != tt.year || f.Serial != tt.serial || f.Digits != tt.digits || f.Site != tt.site {
				t.Errorf("parts = %s %d %d %d %d, want %s %d %d %d %d", f.Province.Code, f.Year, f.Serial, f.Digits, f.Site,
					tt.code, tt.year, tt.serial, tt.digits, tt.site)
			}
			e := f.Entity()
			if e.Site != 0 || e.Serial != f.Serial || f.Site != tt.site {
				t.Errorf("Entity() = %+v changed more than Site, or changed f", e)
			}
			again, err := ParseFiling(f.String())
			if err != nil || !reflect.DeepEqual(again, f) {
				t.Errorf("re-parse of %q = %+v, %v; want %+v", f.String(), again, err, f)
			}
		})
	}
}

func TestParseFilingService(t *testing.T) {
	tests := []struct {
		in, want string
		site     int
		service  ServiceType
		website  bool
	}{
		// Real numbers of Apps and mini-programs (MIIT files them since 2023).
		{"陕ICP备2024026116号-1A", "陕ICP备2024026116号-1A", 1, ServiceApp, false},
		{"京ICP备2026059598号-1X", "京ICP备2026059598号-1X", 1, ServiceMiniProgram, false},
		{"黔ICP备2025044274号-1X", "黔ICP备2025044274号-1X", 1, ServiceMiniProgram, false},
		{"皖ICP备2023023087号-1X", "皖ICP备2023023087号-1X", 1, ServiceMiniProgram, false},
		// Typing variants: lower case, full-width letter, spaces.
		{"京ICP备2026059598号-1x", "京ICP备2026059598号-1X", 1, ServiceMiniProgram, false},
		{"京ICP备2026059598号－１Ｘ", "京ICP备2026059598号-1X", 1, ServiceMiniProgram, false},
		{"京ICP备2026059598号 - 3 k", "京ICP备2026059598号-3K", 3, ServiceQuickApp, false},
		{"京ICP备2026059598-2a", "京ICP备2026059598号-2A", 2, ServiceApp, false},
		{"京ICP备2026059598号-2", "京ICP备2026059598号-2", 2, ServiceWebsite, true},
		{"京ICP备2026059598号", "京ICP备2026059598号", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFiling(tt.in)
			if err != nil {
				t.Fatalf("ParseFiling(%q): %v", tt.in, err)
			}
			if f.String() != tt.want || f.Site != tt.site || f.Service != tt.service || f.IsWebsite() != tt.website {
				t.Errorf("got %q site %d service %q website %v, want %q %d %q %v", f.String(), f.Site, f.Service, f.IsWebsite(), tt.want, tt.site, tt.service, tt.website)
			}
			if e := f.Entity(); e.Site != 0 || e.Service != "" || e.String() != tt.want[:len("京ICP备2026059598号")] {
				t.Errorf("Entity() = %+v (%q)", e, e.String())
			}
			again, err := ParseFiling(f.String())
			if err != nil || !reflect.DeepEqual(again, f) {
				t.Errorf("re-parse of %q = %+v, %v", f.String(), again, err)
			}
		})
	}
	if got := FormatService("京", 2026, 59598, 1, ServiceMiniProgram); got != "京ICP备2026059598号-1X" {
		t.Errorf("FormatService = %q", got)
	}
	if got := FormatService("京", 2026, 59598, 2, ServiceWebsite); got != "京ICP备2026059598号-2" {
		t.Errorf("FormatService website = %q", got)
	}
	// A Filing built by hand with only Site prints as a website.
	if got := (Filing{Abbr: "京", Year: 2021, Serial: 1, Digits: 10, Site: 1}).String(); got != "京ICP备2021000001号-1" {
		t.Errorf("String() without Service = %q", got)
	}
	for _, tt := range []struct{ in, code string }{
		{"京ICP备2026059598号-1B", CodeBadService},
		{"京ICP备2026059598号-1XX", CodeBadFormat},
		{"京ICP备2026059598号-X", CodeBadSite},
		{"京ICP备2026059598号-1X-2", CodeBadFormat},
	} {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseFiling(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParseFiling(%q) code %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}

func TestServiceType(t *testing.T) {
	tests := []struct {
		t              ServiceType
		letter, zh, en string
	}{
		{ServiceWebsite, "", "网站", "website"},
		{ServiceApp, "A", "App", "App"},
		{ServiceMiniProgram, "X", "小程序", "mini-program"},
		{ServiceQuickApp, "K", "快应用", "quick app"},
	}
	for _, tt := range tests {
		t.Run(string(tt.t), func(t *testing.T) {
			if tt.t.Letter() != tt.letter || tt.t.NameZH() != tt.zh || tt.t.NameEN() != tt.en || !tt.t.Valid() {
				t.Errorf("%q: letter %q zh %q en %q valid %v", tt.t, tt.t.Letter(), tt.t.NameZH(), tt.t.NameEN(), tt.t.Valid())
			}
			for _, in := range []string{string(tt.t), tt.en, tt.zh} {
				if got, ok := ParseServiceType(in); !ok || got != tt.t {
					t.Errorf("ParseServiceType(%q) = %q, %v", in, got, ok)
				}
			}
			if tt.letter != "" {
				if got, ok := ServiceTypeByLetter(tt.letter[0] + 'a' - 'A'); !ok || got != tt.t {
					t.Errorf("ServiceTypeByLetter(%q) = %q, %v", tt.letter, got, ok)
				}
			}
		})
	}
	if _, ok := ServiceTypeByLetter('B'); ok {
		t.Error("B is a service letter")
	}
	if ServiceType("bogus").Valid() || ServiceType("").Valid() {
		t.Error("bogus types are valid")
	}
	if len(ServiceTypes()) != 4 {
		t.Errorf("ServiceTypes() = %v", ServiceTypes())
	}
	en, zh := DescribeService(ServiceMiniProgram, 1)
	if en != "mini-program, service 1" || zh != "小程序, 第1个服务" {
		t.Errorf("DescribeService = %q, %q", en, zh)
	}
}

func TestParseFilingErrors(t *testing.T) {
	tests := []struct {
		in, code string
	}{
		{"", CodeEmpty},
		{" &nbsp; ", CodeEmpty},
		{"ICP备2021000001号", CodeBadProvince},
		{"港ICP备2021000001号", CodeBadProvince},
		{"X京ICP备2021000001号", CodeBadFormat},
		{"京ICP证030173号", CodeBadFormat},
		{"京公网安备11010602005139号", CodeIsPSB},
		{"京ICP2021000001号", CodeBadFormat},
		{"京ICP备号", CodeBadDigits},
		{"浙ICP备123456号", CodeBadDigits}, // an illustrative 6-digit number seen in filing guides
		{"京ICP备1500034号", CodeBadDigits},
		{"京ICP备202100001号", CodeBadDigits},
		{"京ICP备20210000011号", CodeBadDigits},
		{"京ICP备1234567890号", CodeBadYear},
		{"京ICP备2021000000号", CodeBadSerial},
		{"京ICP备2021000001号-", CodeBadSite},
		{"京ICP备2021000001号-0", CodeBadSite},
		{"京ICP备2021000001号-1234567", CodeBadSite},
		{"京ICP备2021000001号-1-2", CodeBadFormat},
		{"京ICP备2021000001号号", CodeBadFormat},
		{"京ICP备2021000001号 京ICP备2021000002号", CodeBadFormat},
		{"京ICP备XXXXXXXX号", CodeBadDigits},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFiling(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParseFiling(%q) = %+v, code %q; want %q", tt.in, f, got, tt.code)
			}
		})
	}
}

func TestFormatFiling(t *testing.T) {
	tests := []struct {
		abbr               string
		year, serial, site int
		want               string
	}{
		{"京", 2021, 1, 0, "京ICP备2021000001号"},
		{"蜀", 2026, 33844, 1, "蜀ICP备2026033844号-1"},
		{"陇", 2024, 12699, 3, "陇ICP备2024012699号-3"},
		{"粤", 2030, 999999, 12, "粤ICP备2030999999号-12"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := FormatFiling(tt.abbr, tt.year, tt.serial, tt.site)
			if got != tt.want {
				t.Fatalf("FormatFiling = %q, want %q", got, tt.want)
			}
			f, err := ParseFiling(got)
			if err != nil || f.Year != tt.year || f.Serial != tt.serial || f.Site != tt.site || f.Abbr != tt.abbr {
				t.Errorf("ParseFiling(%q) = %+v, %v", got, f, err)
			}
		})
	}
}

func TestParseLicense(t *testing.T) {
	tests := []struct {
		in, want, code string
		serial, site   int
	}{
		{"京ICP证030173号", "京ICP证030173号", "11", 30173, 0},
		{"京ICP证030173号-1", "京ICP证030173号-1", "11", 30173, 1},
		{"京ICP证150476号", "京ICP证150476号", "11", 150476, 0}, // Tencent Cloud footer
		{"京 ICP 证 ０３０１７３ 号－1", "京ICP证030173号-1", "11", 30173, 1},
		{"粤icp证030173", "粤ICP证030173号", "44", 30173, 0},
		{"川ICP证000001号", "川ICP证000001号", "51", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := ParseLicense(tt.in)
			if err != nil {
				t.Fatalf("ParseLicense(%q): %v", tt.in, err)
			}
			if l.String() != tt.want || l.Province.Code != tt.code || l.Serial != tt.serial || l.Site != tt.site {
				t.Errorf("got %q %+v, want %q", l.String(), l, tt.want)
			}
			again, err := ParseLicense(l.String())
			if err != nil || !reflect.DeepEqual(again, l) {
				t.Errorf("re-parse = %+v, %v", again, err)
			}
		})
	}
	if got := FormatLicense("京", 30173); got != "京ICP证030173号" {
		t.Errorf("FormatLicense = %q", got)
	}
	bad := []struct{ in, code string }{
		{"", CodeEmpty},
		{"京ICP备2021000001号", CodeBadFormat},
		{"ICP证030173号", CodeBadProvince},
		{"港ICP证030173号", CodeBadProvince},
		{"京ICP证30173号", CodeBadDigits},
		{"京ICP证0301730号", CodeBadDigits},
		{"京ICP证000000号", CodeBadSerial},
		{"京ICP证030173号-0", CodeBadSite},
		{"京ICP证030173号x", CodeBadFormat},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseLicense(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParseLicense(%q) code %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}

func TestParseOperatingLicense(t *testing.T) {
	tests := []struct {
		in, want, code, cat string
		year, serial, site  int
	}{
		// Operating licences as real footers show them.
		{"京B2-20212732", "京B2-20212732", "11", "B2", 2021, 2732, 0},
		{"B2-20080207", "B2-20080207", "", "B2", 2008, 207, 0},
		{"B2-20233776", "B2-20233776", "", "B2", 2023, 3776, 0},
		{"B2-20060558", "B2-20060558", "", "B2", 2006, 558, 0},
		// Alibaba Cloud and Tencent Cloud footers.
		{"浙B2-20080101", "浙B2-20080101", "33", "B2", 2008, 101, 0},
		{"浙B2-20080101-4", "浙B2-20080101-4", "33", "B2", 2008, 101, 4},
		{"粤B2-20090059", "粤B2-20090059", "44", "B2", 2009, 59, 0},
		{"京 b2－２０２１２７３２", "京B2-20212732", "11", "B2", 2021, 2732, 0},
		{"沪B1-20150001", "沪B1-20150001", "31", "B1", 2015, 1, 0},
		// Licence holders' services (Tencent's mini-program and website).
		{"粤B2-20090059-1626X", "粤B2-20090059-1626X", "44", "B2", 2009, 59, 1626},
		{"粤B2-20090059-18", "粤B2-20090059-18", "44", "B2", 2009, 59, 18},
		// A foreign-invested company's licence covering two categories (1号店).
		{"合字B1.B2-20130004", "合字B1.B2-20130004", "", "B1.B2", 2013, 4, 0},
		{"合字B1、B2-20170004", "合字B1.B2-20170004", "", "B1.B2", 2017, 4, 0},
		{"B1.B2-20130004", "B1.B2-20130004", "", "B1.B2", 2013, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			o, err := ParseOperatingLicense(tt.in)
			if err != nil {
				t.Fatalf("ParseOperatingLicense(%q): %v", tt.in, err)
			}
			if o.String() != tt.want || o.Province.Code != tt.code || o.Category != tt.cat || o.Year != tt.year || o.Serial != tt.serial || o.Site != tt.site {
				t.Errorf("got %q %+v, want %q", o.String(), o, tt.want)
			}
			if o.Province.IsZero() != (tt.code == "") {
				t.Errorf("IsZero = %v for %q", o.Province.IsZero(), tt.in)
			}
			again, err := ParseOperatingLicense(o.String())
			if err != nil || !reflect.DeepEqual(again, o) {
				t.Errorf("re-parse = %+v, %v", again, err)
			}
		})
	}
	for _, tt := range []struct{ abbr, want string }{{"京", "京B2-20212732"}, {"", "B2-20212732"}} {
		if got := FormatOperatingLicense(tt.abbr, 2021, 2732); got != tt.want {
			t.Errorf("FormatOperatingLicense(%q) = %q, want %q", tt.abbr, got, tt.want)
		}
	}
	bad := []struct{ in, code string }{
		{"", CodeEmpty},
		{"港B2-20212732", CodeBadProvince},
		{"京C2-20212732", CodeBadCategory},
		{"京B3-20212732", CodeBadCategory},
		{"京B2-2021273", CodeBadDigits},
		{"京B2-202127320", CodeBadDigits},
		{"京B2-19992732", CodeBadYear},
		{"京B2-20210000", CodeBadSerial},
		{"京B2-20212732-", CodeBadSite},
		{"京B220212732", CodeBadFormat},
		{"京ICP证030173号", CodeBadFormat},
		{"合字B1.C2-20130004", CodeBadCategory},
		{"合字B1.-20130004", CodeBadFormat},
		{"粤B2-20090059-1626Q", CodeBadService},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseOperatingLicense(tt.in)
			if got := errCode(t, err); got != tt.code {
				t.Errorf("ParseOperatingLicense(%q) code %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := ParseFiling("港ICP备2021000001号")
	if err == nil {
		t.Fatal("no error")
	}
	const want = `icp.number.bad_province: "港ICP备2021000001号": unknown province abbreviation "港"`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
