package rules

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
)

func codesOf(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Code)
	}
	sort.Strings(out)
	return out
}

// siteNameCases is shared with TestEveryCodeTested.
var siteNameCases = []struct {
	name, site, nature, domain string
	want                       []string // exact codes, sorted
}{
	{"plain chinese", "星河科技文档", form.NatureEnterprise, "example.com", nil},
	{"chinese with latin", "ABC技术文档", form.NatureEnterprise, "", nil},
	{"full-width latin folded", "ＱＱ音乐", form.NatureEnterprise, "", nil},
	{"minority middle dot", "阿依·古丽小站", form.NatureEnterprise, "", nil},
	{"empty", "  \t ", form.NatureEnterprise, "", []string{"sitename.empty"}},
	{"too short", "博客", form.NatureEnterprise, "", []string{"sitename.too_short"}},
	{"three characters pass", "明月集", form.NatureIndividual, "", nil},
	{"spaces do not count", "明 月", form.NatureEnterprise, "", []string{"sitename.too_short"}},
	{"too long", strings.Repeat("星", 101), form.NatureEnterprise, "", []string{"sitename.too_long"}},
	{"digits only", "123456", form.NatureEnterprise, "", []string{"sitename.digits_only"}},
	{"full-width digits only", "１２３４", form.NatureEnterprise, "", []string{"sitename.digits_only"}},
	{"latin only", "My Blog", form.NatureEnterprise, "", []string{"sitename.latin_only"}},
	{"latin and digits", "abc123", form.NatureEnterprise, "", []string{"sitename.latin_only"}},
	{"cyrillic", "Привет мир", form.NatureEnterprise, "", []string{"sitename.no_chinese"}},
	{"symbol", "星河!文档", form.NatureEnterprise, "", []string{"sitename.symbol"}},
	{"emoji", "星河文档🚀", form.NatureEnterprise, "", []string{"sitename.symbol"}},
	{"invalid utf-8", "星河\xff文档", form.NatureEnterprise, "", []string{"sitename.symbol"}},
	{"domain as name", "example.com", form.NatureEnterprise, "example.com", []string{"sitename.is_domain", "sitename.symbol"}},
	{"idn label as name", "星河文档", form.NatureEnterprise, "星河文档.中国", []string{"sitename.is_domain"}},
	{"idn label of other domain", "星河文档", form.NatureEnterprise, "例子.中国", nil},
	{"sensitive", "在线赌博攻略", form.NatureEnterprise, "", []string{"sitename.sensitive_word"}},
	{"reserved for company", "中国美食网", form.NatureEnterprise, "", []string{"sitename.reserved_word"}},
	{"reserved traditional", "中華美食網", form.NatureEnterprise, "", []string{"sitename.reserved_word"}},
	{"reserved huawei list", "维权之家网", form.NatureSocialOrganization, "", []string{"sitename.reserved_word"}},
	{"reserved for government warns", "国家统计数据", form.NatureGovernment, "", []string{"sitename.reserved_word_state"}},
	{"reserved without nature", "人民生活网", "", "", []string{"sitename.reserved_word"}},
	{"commercial individual", "小明的工作室", form.NatureIndividual, "", []string{"sitename.commercial_word"}},
	{"commercial word ok for company", "星河科技工作室", form.NatureEnterprise, "", nil},
	{"forum individual", "读书论坛网", form.NatureIndividual, "", []string{"sitename.commercial_word"}},
	{"blog individual warns", "明月的博客", form.NatureIndividual, "", []string{"sitename.discouraged_word"}},
	{"blog company passes", "星河技术博客", form.NatureEnterprise, "", nil},
	{"long individual", "春江潮水连海平海上明月共潮生", form.NatureIndividual, "", []string{"sitename.long"}},
	{"long company passes", "春江潮水连海平海上明月共潮生", form.NatureEnterprise, "", nil},
}

func TestSiteName(t *testing.T) {
	for _, tt := range siteNameCases {
		t.Run(tt.name, func(t *testing.T) {
			fs := SiteName(tt.site, tt.nature, tt.domain)
			got := codesOf(fs)
			want := slices.Clone(tt.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("SiteName(%q, %q, %q) codes = %v, want %v", tt.site, tt.nature, tt.domain, got, want)
			}
			for _, f := range fs {
				if f.MessageZH == "" || f.MessageEN == "" {
					t.Errorf("%s lacks a message: %+v", f.Code, f)
				}
				if f.Field != "" {
					t.Errorf("%s has Field %q; SiteName leaves it to the caller", f.Code, f.Field)
				}
			}
		})
	}
}

func TestValidateSiteName(t *testing.T) {
	tests := []struct {
		name, site, nature string
		valid              bool
		normalized         string
		length             int
		codes              []string
	}{
		{"normalises", "  星河\u3000 文档 ", form.NatureEnterprise, true, "星河 文档", 4, nil},
		{"folds width", "ＡＢＣ技术", form.NatureEnterprise, true, "ABC技术", 5, nil},
		{"warning stays valid", "明月的博客", form.NatureIndividual, true, "明月的博客", 5, []string{"sitename.discouraged_word"}},
		{"error", "123", form.NatureEnterprise, false, "123", 3, []string{"sitename.digits_only"}},
		{"unknown nature", "星河文档", "company", false, "星河文档", 4, []string{"nature.unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ValidateSiteName(tt.site, tt.nature, "")
			if r.Valid != tt.valid || r.Normalized != tt.normalized {
				t.Errorf("valid %v normalized %q, want %v %q", r.Valid, r.Normalized, tt.valid, tt.normalized)
			}
			if r.Info["length"] != tt.length || r.Info["nature"] != tt.nature {
				t.Errorf("info = %v", r.Info)
			}
			if got := codesOf(r.Findings); !slices.Equal(got, tt.codes) && !(len(got) == 0 && tt.codes == nil) {
				t.Errorf("codes = %v, want %v", got, tt.codes)
			}
			if r.Findings == nil {
				t.Error("Findings is nil; want [] in JSON")
			}
		})
	}
}

func FuzzSiteName(f *testing.F) {
	for _, c := range siteNameCases {
		f.Add(c.site, c.nature, c.domain)
	}
	f.Add("\x00\x01", "individual", "xn--")
	f.Add("www.例子.中国", "enterprise", "WWW.例子.中国.")
	f.Fuzz(func(t *testing.T, name, nature, domain string) {
		r := ValidateSiteName(name, nature, domain)
		if !utf8.ValidString(r.Normalized) {
			t.Errorf("normalized is not UTF-8: %q", r.Normalized)
		}
		if r.Valid == finding.HasError(r.Findings) {
			t.Errorf("Valid %v disagrees with findings %v", r.Valid, r.Findings)
		}
		for _, fd := range r.Findings {
			if fd.Code == "" || fd.MessageZH == "" || fd.MessageEN == "" || !utf8.ValidString(fd.MessageZH+fd.MessageEN) {
				t.Errorf("bad finding %+v", fd)
			}
		}
		// Normalising is idempotent: the normalised name gets the same verdict.
		if again := ValidateSiteName(r.Normalized, nature, domain); again.Normalized != r.Normalized || again.Valid != r.Valid {
			t.Errorf("not idempotent: %q -> %q (%v -> %v)", name, again.Normalized, r.Valid, again.Valid)
		}
	})
}

func BenchmarkSiteName(b *testing.B) {
	for b.Loop() {
		SiteName("星河科技技术文档中心", form.NatureIndividual, "example.com")
	}
}
