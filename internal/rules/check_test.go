package rules

import (
	"encoding/json"
	"fmt"
	"github.com/beian/beian/internal/operation"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

// testNow is the clock of every check test.
var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// rid completes a 17-digit prefix with its GB 11643 check character.
func rid(prefix17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := (1 << (17 - i)) % 11
		sum += int(prefix17[i]-'0') * w
	}
	return prefix17 + string("10X98765432"[sum%11])
}

// People of the tests; every ID passes its checksum.
var (
	beijingAdult   = rid("11010219910101007") // 北京西城, 1991-01-01
	beijingAdult2  = rid("11010519850620123") // 北京朝阳, 1985-06-20
	beijingMinor   = rid("11010520100620123") // 北京朝阳, 2010-06-20: 15 at testNow
	shandong17     = rid("37020220090101123") // 青岛市南, 2009-01-01: 17 at testNow
	guangdongAdult = rid("44010619900315123") // 广州天河, 1990-03-15
)

func enterprise() form.Content {
	return form.Content{
		Entity: form.Entity{
			Nature: form.NatureEnterprise, Name: "北京星河科技有限公司", CertificateType: CertUSCC,
			CertificateNumber: "91110000600037341L", Province: "京", Address: "北京市海淀区中关村大街1号",
			Principal: form.Principal{Name: "张三", IDType: form.IDResident, IDNumber: beijingAdult,
				IDExpiry: "2035-01-01", Phone: "13800138000", Email: "zhang@example.com"},
		},
		Websites: []form.Website{{
			Name:    "星河科技文档",
			Domains: []form.Domain{{Name: "example.com", Holder: "北京星河科技有限公司", Expires: "2030-01-01"}},
			HomeURL: "https://www.example.com/",
			Principal: form.Principal{Name: "李四", IDType: form.IDResident, IDNumber: beijingAdult2,
				IDExpiry: "长期", Phone: "+86 139-0013-9000", Email: "li@example.com"},
			Access: form.Access{IPs: []string{"203.0.113.10", "2001:db8::1"}},
		}},
	}
}

func individual() form.Content {
	p := form.Principal{Name: "王五", IDType: form.IDResident, IDNumber: beijingAdult2,
		IDExpiry: "2040-05-01", Phone: "13700137000", Email: "wang@example.net"}
	return form.Content{
		Entity: form.Entity{
			Nature: form.NatureIndividual, Name: "王五", CertificateType: form.IDResident,
			CertificateNumber: beijingAdult2, Province: "110000", Address: "北京市朝阳区建国路1号",
			Principal: p,
		},
		Websites: []form.Website{{
			Name: "明月集", Domains: []form.Domain{{Name: "example.cn", Holder: "王五"}},
			HomeURL: "example.cn", Principal: p,
		}},
	}
}

type checkCase struct {
	name  string
	base  func() form.Content
	edit  func(c *form.Content, f *Facts)
	code  string // "" = a passing case: no finding with notCode
	field string
	sev   finding.Severity
	// notCode must not appear (a passing case of a rule).
	notCode string
}

func runCheck(tt checkCase) []finding.Finding {
	c := tt.base()
	f := Facts{Now: testNow, Operation: string(operation.FirstFiling)}
	if tt.edit != nil {
		tt.edit(&c, &f)
	}
	return Check(c, f)
}

func hasFinding(fs []finding.Finding, code, field string) (finding.Finding, bool) {
	for _, f := range fs {
		if f.Code == code && (field == "" || f.Field == field) {
			return f, true
		}
	}
	return finding.Finding{}, false
}

// TestCleanApplications: the bases produce no error and only the expected warnings.
func TestCleanApplications(t *testing.T) {
	tests := []struct {
		name string
		c    form.Content
		want []string
	}{
		{"enterprise", enterprise(), []string{"principal.legal_representative"}},
		{"individual", individual(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check(tt.c, Facts{Now: testNow, Operation: string(operation.FirstFiling)})
			if got := codesOf(fs); !slices.Equal(got, tt.want) && !(len(got) == 0 && tt.want == nil) {
				t.Errorf("codes = %v, want %v\n%s", got, tt.want, dump(fs))
			}
		})
	}
}

func dump(fs []finding.Finding) string {
	b, _ := json.MarshalIndent(fs, "", " ")
	return string(b)
}

func TestCheck(t *testing.T) {
	for _, tt := range checkCases {
		t.Run(tt.name, func(t *testing.T) {
			fs := runCheck(tt)
			for _, f := range fs {
				if f.MessageZH == "" || f.MessageEN == "" || f.Field == "" || f.Code == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if tt.notCode != "" {
				if f, ok := hasFinding(fs, tt.notCode, ""); ok {
					t.Errorf("unexpected %s at %s", f.Code, f.Field)
				}
			}
			if tt.code == "" {
				if finding.HasError(fs) && tt.notCode == "" {
					t.Errorf("passing case has errors:\n%s", dump(fs))
				}
				return
			}
			f, ok := hasFinding(fs, tt.code, tt.field)
			if !ok {
				t.Fatalf("no %s at %s; got:\n%s", tt.code, tt.field, dump(fs))
			}
			if f.Severity != tt.sev {
				t.Errorf("%s severity %s, want %s", f.Code, f.Severity, tt.sev)
			}
		})
	}
}

// codeRE finds the codes in the tables of doc.go.
var codeRE = regexp.MustCompile("(?m)^//\t\\| `([a-z_.]+)` \\|")

// TestEveryCodeTested: every code documented in doc.go has a failing case
// here, and every code a test produces is documented (or passed through from
// ident or hostname).
func TestEveryCodeTested(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range codeRE.FindAllStringSubmatch(string(src), -1) {
		documented[m[1]] = true
	}
	if len(documented) < 50 {
		t.Fatalf("found only %d codes in doc.go", len(documented))
	}
	tested := map[string]bool{}
	for _, c := range siteNameCases {
		for _, code := range c.want {
			tested[code] = true
		}
	}
	tested["nature.unknown"] = true // TestValidateSiteName and checkCases
	produced := map[string]bool{}
	for _, c := range checkCases {
		tested[c.code] = true
		for _, f := range runCheck(c) {
			produced[f.Code] = true
		}
	}
	for code := range documented {
		if !tested[code] {
			t.Errorf("documented code %s has no failing test case", code)
		}
	}
	passthrough := regexp.MustCompile(`^(id|uscc|org|hkmo|tw|passport|fpr|domain)\.`)
	if appinfoCodes == nil {
		t.Fatal("no appinfo codes")
	}
	for code := range produced {
		if !documented[code] && !passthrough.MatchString(code) && !appinfoCodes.MatchString(code) {
			t.Errorf("code %s is produced but not documented in doc.go", code)
		}
	}
}

func TestCheckFieldsAreJSONPaths(t *testing.T) {
	c := enterprise()
	c.Websites = append(c.Websites, c.Websites[0])
	c.Websites[1].Domains = []form.Domain{{Name: "a.example.net"}, {Name: "bad_domain!"}}
	c.Websites[1].Principal.Phone = "12345"
	fs := Check(c, Facts{Now: testNow, Operation: string(operation.FirstFiling)})
	path := regexp.MustCompile(`^(operation|entity_number|documents|websites|entity(\.[a-z_]+)+|websites\[\d+\](\.[a-z_]+(\[\d+\])?)*)$`)
	for _, f := range fs {
		if !path.MatchString(f.Field) {
			t.Errorf("field %q of %s is not a JSON path", f.Field, f.Code)
		}
	}
	for _, want := range []string{"websites[1].domains[1]", "websites[1].principal.phone"} {
		found := false
		for _, f := range fs {
			found = found || f.Field == want
		}
		if !found {
			t.Errorf("no finding at %s:\n%s", want, dump(fs))
		}
	}
}

// FuzzCheck feeds random JSON into form.Content: Check never panics and
// every finding is complete.
func FuzzCheck(f *testing.F) {
	// Short seeds keep the fuzzer's minimisation of new inputs fast; the
	// non-JSON branch below reaches the deep field rules from short strings.
	f.Add([]byte(`{}`), uint8(0))
	f.Add([]byte(`{"entity":{"nature":"individual","province":"沪","address":"上海市1号","principal":{"id_type":"resident_id","id_number":"110105198506201234"}}}`), uint8(0))
	f.Add([]byte(`{"websites":[{"name":"星河","domains":["a.cn"],"principal":{"phone":"13800138000","email":"a@b.cn"}}]}`), uint8(1))
	f.Add([]byte("110102199101010078"), uint8(0))
	f.Add([]byte("星河科技.中国"), uint8(1))
	f.Add([]byte("2026-06-01"), uint8(2))
	f.Add([]byte(`{"entity":{"nature":"individual","principal":{"id_type":"resident_id","id_number":"11010519491231002X","id_expiry":"９９９９-01-01"}},"websites":[{"domains":["例子.中国",{"name":"xn--","expires":"x"}],"home_url":"://","access":{"ips":["::1","1.2.3"]}}]}`), uint8(3))
	f.Add([]byte(`{"websites":[{"service_type":"app","app":{"platforms":[{"platform":"android","id":"a.b","fingerprint":"00"}]},"principal":{"is_legal_representative":false,"legal_representative":{}}},{"service_type":"mini_program","number":"京ICP备2026000001号-1X","quick_app":{}}]}`), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, op uint8) {
		var c form.Content
		if json.Unmarshal(data, &c) != nil {
			// Not JSON: put the bytes into every free-text field of a valid
			// application, so the fuzzer reaches the field rules quickly.
			s := string(data)
			c = enterprise()
			e, w := &c.Entity, &c.Websites[0]
			e.Address, e.Province, e.CertificateNumber, e.Principal.IDNumber, e.Principal.IDExpiry = s, s, s, s, s
			w.Name, w.HomeURL, w.Principal.Phone, w.Principal.Email, w.Principal.Name = s, s, s, s, s
			w.Domains = append(w.Domains, form.Domain{Name: s, Holder: s, Expires: s})
			w.Access.IPs = append(w.Access.IPs, s)
			// and into an App's and a mini-program's fields.
			a, m := fixture.App(1), fixture.MiniProgram(2)
			a.App.Platforms[0].ID, a.App.Platforms[1].Fingerprint, a.App.SDKs[0].Note, a.Principal.EmergencyPhone = s, s, s, s
			m.MiniProgram.AppID, m.MiniProgram.Description, m.PreApprovals[0].ValidTo, m.Number = s, s, s, s
			c.Websites = append(c.Websites, a, m)
		}
		facts := Facts{Now: testNow, FiledDomains: map[string]string{"example.com": "京ICP备2026000001号-1"}}
		if names := operation.Default().Names(); int(op) < len(names) {
			facts.Operation = string(names[op])
		}
		for _, fd := range Check(c, facts) {
			if fd.Code == "" || fd.Field == "" || fd.MessageZH == "" || fd.MessageEN == "" {
				t.Errorf("incomplete finding %+v", fd)
			}
			if fd.Severity != finding.Error && fd.Severity != finding.Warning {
				t.Errorf("bad severity %+v", fd)
			}
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	c := enterprise()
	f := Facts{Now: testNow, Operation: string(operation.FirstFiling), Province: DefaultRuleSet().For("京")}
	for b.Loop() {
		Check(c, f)
	}
}

func ExampleCheck() {
	c := individual()
	c.Websites[0].Name = "小明的商城"
	for _, f := range Check(c, Facts{Now: testNow, Operation: string(operation.FirstFiling)}) {
		fmt.Println(f.Severity, f.Code, f.Field)
		fmt.Println(f.MessageEN)
	}
	// Output:
	// error sitename.commercial_word websites[0].name
	// an individual's website name must not contain the commercial or organisational word “商城”
}

func TestCheckNeedsTheTime(t *testing.T) {
	fs := Check(form.Content{}, Facts{Operation: string(operation.FirstFiling)})
	if len(fs) != 1 || fs[0].Code != "facts.no_time" || fs[0].Severity != finding.Error {
		t.Errorf("Check without Now = %+v, want one facts.no_time error", fs)
	}
}
