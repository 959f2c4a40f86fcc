package ident

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
)

// usccWith builds a USCC from its parts with the correct check character.
func usccWith(auth, cat, division, org8 string) string {
	body := auth + cat + division + org8 + string(refOrg(org8))
	return body + string(refUSCC(body))
}

func TestParseUSCC(t *testing.T) {
	good := usccWith("9", "1", "110000", "60003734")
	tests := []struct {
		name, in, wantCode string
		exception          bool
	}{
		{"enterprise", good, "", false},
		{"individual business", usccWith("9", "2", "340602", "MA2PBQAH"), "", false},
		{"law firm", usccWith("3", "1", "110000", "E0001789"), "", false},
		{"rural collective N3", usccWith("N", "3", "330106", "MA2AB3CD"), "", false},
		{"military A1", usccWith("A", "1", "100000", "12345678"), "", false},
		{"other Y1", usccWith("Y", "1", "440300", "12345678"), "", false},
		{"trade union 81", usccWith("8", "1", "310115", "12345678"), "", false},
		{"authority B unknown", usccWith("B", "1", "110000", "60003734"), "uscc.bad_authority", false},
		{"authority 0 unknown", usccWith("0", "1", "110000", "60003734"), "uscc.bad_authority", false},
		{"category 9 not for 9", usccWith("9", "9", "110000", "60003734"), "uscc.bad_category", false},
		{"category 4 not for 5", usccWith("5", "4", "110000", "60003734"), "uscc.bad_category", false},
		{"Y2 not a category", usccWith("Y", "2", "110000", "60003734"), "uscc.bad_category", false},
		{"letter in division", usccWith("9", "1", "11A000", "60003734"), "uscc.bad_division", false},
		{"I not allowed", good[:10] + "I" + good[11:], "uscc.bad_charset", false},
		{"lower case needs Normalize", strings.ToLower(good), "uscc.bad_charset", false},
		{"bad check char charset", good[:17] + "Z", "uscc.bad_charset", false},
		{"17 chars", good[:17], "uscc.length", false},
		{"19 chars", good + "0", "uscc.length", false},
		{"empty", "", "id.empty", false},
		// The pilot family: Fujian, authority 9, org code M… valid under GB 11714.
		{"unseen Fujian pilot member", pilotLike("91", "350205", "M0002ABC"), "", true},
		{"pilot shape outside Fujian", pilotLike("91", "330205", "M0002ABC"), "uscc.checksum", false},
		{"Fujian non-M org code", pilotLike("91", "350205", "70002ABC"), "uscc.checksum", false},
		{"Fujian M but org check fails", brokenOrg(pilotLike("91", "350205", "M0002ABC")), "uscc.checksum", false},
		{"Fujian M but not authority 9", pilotLike("52", "350205", "M0002ABC"), "uscc.checksum", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseUSCC(tt.in)
			if Code(err) != tt.wantCode {
				t.Fatalf("ParseUSCC(%q) = %+v, %v; want code %q", tt.in, u, err, tt.wantCode)
			}
			if err == nil && (u.ChecksumException != tt.exception || u.Division != tt.in[2:8] || u.OrgCode != tt.in[8:17]) {
				t.Fatalf("ParseUSCC(%q) = %+v, want exception %v", tt.in, u, tt.exception)
			}
		})
	}
}

// pilotLike builds a code with a valid GB 11714 org code but a WRONG GB 32100
// check character.
func pilotLike(authCat, division, org8 string) string {
	body := authCat + division + org8 + string(refOrg(org8))
	right := refUSCC(body)
	for _, c := range []byte(usccChars) {
		if c != right {
			return body + string(c)
		}
	}
	return ""
}

// brokenOrg changes the org code's check character (position 17), keeping
// the GB 32100 check character wrong.
func brokenOrg(code string) string {
	b := []byte(code)
	for _, c := range []byte("0123456789") {
		if c != b[16] {
			b[16] = c
			if refUSCC(string(b[:17])) != b[17] {
				return string(b)
			}
		}
	}
	return ""
}

func TestValidateUSCC(t *testing.T) {
	r := ValidateUSCC(" 91110000 600037341l ")
	want := map[string]any{
		"authority": "9", "authority_zh": "工商（市场监管）", "authority_en": "industry and commerce (market regulation)",
		"category": "1", "category_zh": "企业", "category_en": "enterprise",
		"division": "110000", "province": "北京市", "org_code": "60003734-1",
	}
	if !r.Valid || r.Normalized != "91110000600037341L" || len(r.Findings) != 0 || len(r.Info) != len(want) {
		t.Fatalf("ValidateUSCC = %+v", r)
	}
	for k, v := range want {
		if r.Info[k] != v {
			t.Errorf("Info[%s] = %v, want %v", k, r.Info[k], v)
		}
	}
	// A valid USCC whose org-code part fails GB 11714 gets the warning only.
	body := "91110000" + "600037342"
	odd := body + string(refUSCC(body))
	if r := ValidateUSCC(odd); !r.Valid || !hasFinding(r, "uscc.org_code_checksum", finding.Warning) {
		t.Fatalf("ValidateUSCC(%s) = %v %v", odd, r.Valid, findingCodes(r))
	}
	if r := ValidateUSCC("91110000600037341N"); r.Valid || !hasFinding(r, "uscc.checksum", finding.Error) {
		t.Fatalf("bad checksum: %v %v", r.Valid, findingCodes(r))
	}
}

func TestLabels(t *testing.T) {
	auths := "123456789ANY"
	for a := 0; a < 256; a++ {
		zh, en, ok := AuthorityLabel(byte(a))
		if ok != strings.ContainsRune(auths, rune(a)) || ok && (zh == "" || en == "") {
			t.Errorf("AuthorityLabel(%q) = %q %q %v", rune(a), zh, en, ok)
		}
		if ok != (usccCategories[a] != "") {
			t.Errorf("usccCategories[%q] = %q but AuthorityLabel ok = %v", rune(a), usccCategories[a], ok)
		}
		for c := 0; c < 256; c++ {
			zh, en, cok := CategoryLabel(byte(a), byte(c))
			if cok && (!ok || zh == "" || en == "") {
				t.Errorf("CategoryLabel(%q, %q) = %q %q for unknown authority", rune(a), rune(c), zh, en)
			}
			inTable := c != 0 && strings.IndexByte(usccCategories[a], byte(c)) >= 0
			inMask := c >= '0' && c <= '9' && usccCategoryMask[a]&(1<<(c-'0')) != 0
			if inTable != cok || inMask != cok {
				t.Errorf("CategoryLabel(%q, %q) ok = %v, usccCategories says %v", rune(a), rune(c), cok, inTable)
			}
		}
	}
	if _, _, ok := CategoryLabel('9', '9'); ok {
		t.Error("9 has no category 9 (其他)")
	}
}

func TestCheckOrgCode(t *testing.T) {
	tests := []struct{ in, want, norm string }{
		{"60003734-1", "", "60003734-1"},
		{"600037341", "", "60003734-1"},
		{"６０００３７３４－１", "", "60003734-1"},
		{"M0001TGQ-X", "", "M0001TGQ-X"},
		{"60003734-2", "org.checksum", ""},
		{"6000373-41", "org.length", ""},
		{"60003734--1", "org.length", ""},
		{"6000373", "org.length", ""},
		{"6000373#-1", "org.bad_charset", ""},
		{"60003734-A", "org.bad_charset", ""},
		{"", "id.empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := ValidateOrgCode(tt.in)
			if tt.want == "" {
				if !r.Valid || r.Normalized != tt.norm {
					t.Fatalf("ValidateOrgCode(%q) = %+v", tt.in, r)
				}
				return
			}
			if r.Valid || len(r.Findings) != 1 || r.Findings[0].Code != tt.want {
				t.Fatalf("ValidateOrgCode(%q) = %v %v, want %s", tt.in, r.Valid, findingCodes(r), tt.want)
			}
		})
	}
	// Every organisation code the checker accepts has the reference check character.
	for _, body := range []string{"00000000", "ZZZZZZZZ", "12345678", "A1B2C3D4", "MA2PBQAH"} {
		code := body + string(refOrg(body))
		if err := CheckOrgCode(code); err != nil {
			t.Errorf("CheckOrgCode(%s) = %v", code, err)
		}
	}
}

// TestCodesDocumented keeps the table in doc.go in step with the catalogue.
func TestCodesDocumented(t *testing.T) {
	src, err := os.ReadFile("errors.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`&Error\{"([a-z0-9_.]+)"`)
	found := re.FindAllStringSubmatch(string(src), -1)
	if len(found) < 20 {
		t.Fatalf("found only %d codes in errors.go", len(found))
	}
	for _, m := range found {
		sev := "error"
		if strings.Contains(string(src), "warn") && regexp.MustCompile(`warn\w+\s*=\s*&Error\{"`+regexp.QuoteMeta(m[1])+`"`).Match(src) {
			sev = "warning"
		}
		if !regexp.MustCompile(`(?m)^//\t` + regexp.QuoteMeta(m[1]) + `\s+` + sev + `\s`).Match(doc) {
			t.Errorf("code %s (%s) is not documented in doc.go", m[1], sev)
		}
	}
}

func TestUSCCAlphabet(t *testing.T) {
	for c := 0; c < 256; c++ {
		if got, want := usccValue(byte(c)), strings.IndexByte(usccChars, byte(c)); got != want {
			t.Errorf("usccValue(%q) = %d, want %d", rune(c), got, want)
		}
	}
}
