package hostname

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Host
	}{
		{"a.b.example.com.cn", Host{Name: "a.b.example.com.cn", Unicode: "a.b.example.com.cn", Registrable: "example.com.cn", PublicSuffix: "com.cn", ICANN: true}},
		{"example.com.cn", Host{Name: "example.com.cn", Unicode: "example.com.cn", Registrable: "example.com.cn", PublicSuffix: "com.cn", ICANN: true}},
		{"WWW.Example.COM:443", Host{Name: "www.example.com", Unicode: "www.example.com", Registrable: "example.com", PublicSuffix: "com", ICANN: true}},
		{"例子.中国", Host{Name: "xn--fsqu00a.xn--fiqs8s", Unicode: "例子.中国", Registrable: "xn--fsqu00a.xn--fiqs8s", PublicSuffix: "xn--fiqs8s", ICANN: true}},
		{"www.政府.政务.cn", Host{Name: "www.xn--mxtq1m.xn--zfr164b.cn", Unicode: "www.政府.政务.cn", Registrable: "xn--zfr164b.cn", PublicSuffix: "cn", ICANN: true}},
		{"foo.bj.cn", Host{Name: "foo.bj.cn", Unicode: "foo.bj.cn", Registrable: "foo.bj.cn", PublicSuffix: "bj.cn", ICANN: true}},
		{"blog.github.io", Host{Name: "blog.github.io", Unicode: "blog.github.io", Registrable: "blog.github.io", PublicSuffix: "github.io", ICANN: false}},
		{"example.invalidtld", Host{Name: "example.invalidtld", Unicode: "example.invalidtld", Registrable: "example.invalidtld", PublicSuffix: "invalidtld", ICANN: false}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if h != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, h, tt.want)
			}
		})
	}
	for _, in := range []string{"com.cn", "COM.CN.", "中国", "gov.cn", "github.io", "co.uk"} {
		t.Run(in, func(t *testing.T) {
			h, err := Parse(in)
			c := code(t, err)
			if c != CodePublicSuffix && c != CodeSingleLabel {
				t.Errorf("Parse(%q) = %+v, code %q; want %s", in, h, c, CodePublicSuffix)
			}
		})
	}
	if _, err := Parse("1.2.3.4"); code(t, err) != CodeIPLiteral {
		t.Errorf("Parse(1.2.3.4) = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		in         string
		valid      bool
		normalized string
		codes      []string
		approved   bool
	}{
		{"example.cn", true, "example.cn", nil, true},
		{"例子.中国", true, "xn--fsqu00a.xn--fiqs8s", nil, true},
		{"www.example.com.cn", true, "www.example.com.cn", []string{CodeSubdomain}, true},
		{"example.top", true, "example.top", nil, true},
		{"example.org", true, "example.org", []string{CodeTLDNotApproved}, false},
		{"example.app", true, "example.app", []string{CodeTLDNotApproved}, false},
		{"blog.github.io", true, "blog.github.io", []string{CodeTLDNotApproved, CodePrivateSuffix}, false},
		{"example.invalidtld", false, "example.invalidtld", []string{CodeUnknownTLD}, false},
		{"com.cn", false, "", []string{CodePublicSuffix}, false},
		{"[::1]:443", false, "", []string{CodeIPLiteral}, false},
		{"localhost", false, "", []string{CodeSingleLabel}, false},
		{"", false, "", []string{CodeEmpty}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := Validate(tt.in)
			if r.Valid != tt.valid || r.Normalized != tt.normalized {
				t.Errorf("Validate(%q) valid=%v normalized=%q, want %v %q", tt.in, r.Valid, r.Normalized, tt.valid, tt.normalized)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Code)
				if f.MessageZH == "" || f.MessageEN == "" {
					t.Errorf("finding %s lacks a message", f.Code)
				}
			}
			if len(got) != len(tt.codes) {
				t.Fatalf("findings %v, want %v", got, tt.codes)
			}
			for i := range got {
				if got[i] != tt.codes[i] {
					t.Errorf("findings %v, want %v", got, tt.codes)
				}
			}
			if r.Normalized != "" {
				if r.Info["approved_tld"] != tt.approved {
					t.Errorf("approved_tld = %v, want %v", r.Info["approved_tld"], tt.approved)
				}
				for _, k := range []string{"ascii", "unicode", "registrable", "registrable_unicode", "public_suffix", "icann", "approved_tld"} {
					if _, ok := r.Info[k]; !ok {
						t.Errorf("info lacks %q: %v", k, r.Info)
					}
				}
			}
			if _, err := json.Marshal(r); err != nil {
				t.Error(err)
			}
		})
	}
	r := Validate("www.例子.中国")
	if r.Info["unicode"] != "www.例子.中国" || r.Info["registrable_unicode"] != "例子.中国" || r.Info["registrable"] != "xn--fsqu00a.xn--fiqs8s" {
		t.Errorf("info = %v", r.Info)
	}
}

func TestApprovedTLD(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"cn", true}, {"com.cn", true}, {".cn", true}, {"CN", true}, {"gov.cn", true}, {"bj.cn", true},
		{"com", true}, {"net", true}, {"top", true}, {"xyz", true}, {"vip", true}, {"shop", true},
		{"中国", true}, {".中国", true}, {"xn--fiqs8s", true}, {"XN--FIQS8S", true}, {"例子。中国", true},
		{"公司", true}, {"政务", true}, {"中國", true}, {"example.com.", true},
		{"org", false}, {"app", false}, {"dev", false}, {"io", false}, {"uk", false}, {"hk", false},
		{"香港", false}, {"", false}, {".", false}, {"com.", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ApprovedTLD(tt.in); got != tt.want {
				t.Errorf("ApprovedTLD(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestApprovedTLDData checks the embedded file: every entry a lowercase
// A-label, unique, with its Unicode form encoding to it.
func TestApprovedTLDData(t *testing.T) {
	seen := map[string]bool{}
	n := 0
	for _, line := range strings.Split(approvedData, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Errorf("line %q: want \"a-label unicode|- source\"", line)
			continue
		}
		n++
		a, u, src := f[0], f[1], f[2]
		if seen[a] {
			t.Errorf("duplicate %s", a)
		}
		seen[a] = true
		if src != "TX" && src != "V2" {
			t.Errorf("%s: unknown source %q", a, src)
		}
		if norm, err := Normalize("x." + a); err != nil || norm != "x."+a {
			t.Errorf("%s is not a normal label: %q, %v", a, norm, err)
		}
		if u != "-" {
			enc, err := idna.Lookup.ToASCII(u)
			if err != nil || enc != a {
				t.Errorf("%s: Unicode %s encodes to %q, %v", a, u, enc, err)
			}
		}
	}
	if n < 100 || len(ApprovedTLDs()) != n {
		t.Errorf("%d entries, ApprovedTLDs has %d", n, len(ApprovedTLDs()))
	}
}
