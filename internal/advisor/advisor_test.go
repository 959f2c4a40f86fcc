package advisor

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
)

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPlanMatrix walks hosting × commercial × nature × foreign and checks
// what each plan must say.
func TestPlanMatrix(t *testing.T) {
	start := mustDate(t, "2026-03-02")
	for _, hosting := range Hostings {
		for _, commercial := range []bool{false, true} {
			for _, nature := range form.Natures {
				for _, foreign := range []bool{false, true} {
					in := Input{Hosting: hosting, Commercial: commercial, Nature: nature, Foreign: foreign, Start: start}
					t.Run(fmt.Sprintf("%s/commercial=%v/%s/foreign=%v", hosting, commercial, nature, foreign), func(t *testing.T) {
						p, err := Advise(in, nil)
						if err != nil {
							t.Fatal(err)
						}
						checkPlan(t, in, p)
					})
				}
			}
		}
	}
}

func checkPlan(t *testing.T, in Input, p Plan) {
	t.Helper()
	caveats := ""
	for _, c := range p.Caveats {
		if c.ZH == "" || c.EN == "" {
			t.Errorf("caveat without both languages: %+v", c)
		}
		caveats += c.EN + "\n"
	}
	for _, n := range []Need{p.Filing, p.License, p.PSB} {
		if n.Why.ZH == "" || n.Why.EN == "" {
			t.Errorf("need without both reasons: %+v", n)
		}
	}
	if in.Hosting != HostingMainland {
		if p.Filing.Needed || p.License.Needed || p.PSB.Needed {
			t.Errorf("offshore plan needs something: %+v %+v %+v", p.Filing, p.License, p.PSB)
		}
		if !strings.Contains(caveats, "latency") || !strings.Contains(caveats, "blocked") {
			t.Errorf("offshore plan does not state the trade-off:\n%s", caveats)
		}
		if len(p.Timeline) != 1 || p.Timeline[0].Code != "go_live" || p.Timeline[0].Date != in.Start {
			t.Errorf("offshore timeline = %+v", p.Timeline)
		}
		if len(p.Documents) != 0 {
			t.Errorf("offshore plan lists documents: %+v", p.Documents)
		}
		return
	}
	if !p.Filing.Needed || !p.PSB.Needed {
		t.Errorf("mainland plan without filing or PSB: %+v %+v", p.Filing, p.PSB)
	}
	if p.License.Needed != in.Commercial {
		t.Errorf("licence needed = %v, commercial = %v", p.License.Needed, in.Commercial)
	}
	wantEligible := !in.Commercial || (in.Nature == form.NatureEnterprise && !in.Foreign)
	if p.License.Eligible != wantEligible {
		t.Errorf("licence eligible = %v, want %v (%s)", p.License.Eligible, wantEligible, p.License.Why.EN)
	}
	codes := map[string]Step{}
	for _, s := range p.Timeline {
		codes[s.Code] = s
	}
	for _, c := range []string{"submit", "provider_review", "sms_verification", "authority_review", "go_live", "psb_filing"} {
		if _, ok := codes[c]; !ok {
			t.Errorf("timeline lacks %s", c)
		}
	}
	if _, ok := codes["icp_license"]; ok != (in.Commercial && wantEligible) {
		t.Errorf("timeline has icp_license = %v, want %v", ok, in.Commercial && wantEligible)
	}
	kinds := map[string]bool{}
	for _, d := range p.Documents {
		kinds[d.Kind] = true
		if d.Name.ZH == "" || d.Name.EN == "" {
			t.Errorf("document without both names: %+v", d)
		}
	}
	for _, k := range []string{"entity_principal_id", "domain_certificate", "website_principal_photo"} {
		if !kinds[k] {
			t.Errorf("documents lack %s", k)
		}
	}
	if in.Nature == form.NatureIndividual == kinds["business_license"] {
		t.Errorf("business_license listed = %v for nature %s", kinds["business_license"], in.Nature)
	}
	if in.Commercial && in.Nature == form.NatureIndividual && !strings.Contains(p.License.Why.EN, "individual") {
		t.Errorf("individual commercial: licence reason %q does not say individuals cannot", p.License.Why.EN)
	}
	if in.Foreign && in.Nature == form.NatureEnterprise && !strings.Contains(caveats, "representative office") {
		t.Errorf("foreign company: caveats do not explain the Chinese entity:\n%s", caveats)
	}
}

// TestTimelineDates checks dates worked out by hand on the 2026 State
// Council arrangement (中秋 9-25..27, 国庆 10-01..07, make-up day 10-10).
func TestTimelineDates(t *testing.T) {
	tests := []struct {
		name  string
		start string
		want  map[string]string
	}{
		{"no holidays", "2026-03-02", map[string]string{
			"submit": "2026-03-02", "provider_review": "2026-03-04", "sms_verification": "2026-03-05",
			"authority_review": "2026-04-02", "go_live": "2026-04-02", "psb_filing": "2026-05-02", "icp_license": "2026-06-01"}},
		{"across mid-autumn and national day", "2026-09-24", map[string]string{
			"submit": "2026-09-24", "provider_review": "2026-09-29", "sms_verification": "2026-09-30",
			"authority_review": "2026-11-03", "go_live": "2026-11-03", "psb_filing": "2026-12-03", "icp_license": "2027-01-02"}},
		{"start on a holiday", "2026-10-01", map[string]string{
			"submit": "2026-10-01", "provider_review": "2026-10-09", "sms_verification": "2026-10-10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Advise(Input{Hosting: HostingMainland, Commercial: true, Nature: form.NatureEnterprise, Start: mustDate(t, tt.start)}, calendar.Default())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, s := range p.Timeline {
				got[s.Code] = s.Date.String()
			}
			for code, want := range tt.want {
				if got[code] != want {
					t.Errorf("%s = %s, want %s", code, got[code], want)
				}
			}
		})
	}
}

func TestUncoveredYearCaveat(t *testing.T) {
	for _, tt := range []struct {
		start string
		want  bool
	}{{"2026-03-02", false}, {"2026-12-01", true}, {"2031-05-06", true}} {
		t.Run(tt.start, func(t *testing.T) {
			p, err := Advise(Input{Hosting: HostingMainland, Nature: form.NatureIndividual, Start: mustDate(t, tt.start)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range p.Caveats {
				if strings.Contains(c.EN, "holiday table does not cover") {
					found = true
				}
			}
			if found != tt.want {
				t.Errorf("uncovered-year caveat = %v, want %v", found, tt.want)
			}
		})
	}
}

func TestAdviseBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"hosting", Input{Hosting: "mars", Nature: form.NatureEnterprise}, "hosting"},
		{"empty hosting", Input{Nature: form.NatureEnterprise}, "hosting"},
		{"nature", Input{Hosting: HostingMainland, Nature: "company"}, "nature"},
		{"start", Input{Hosting: HostingMainland, Nature: form.NatureEnterprise, Start: calendar.Newest + 1}, "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Advise(tt.in, nil)
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrInput naming %s", err, tt.want)
			}
		})
	}
	// Case and spaces in the enumerations are forgiven.
	if _, err := Advise(Input{Hosting: " Hong-Kong ", Nature: "Individual"}, nil); err != nil {
		t.Errorf("mixed case: %v", err)
	}
}

func BenchmarkAdvise(b *testing.B) {
	in := Input{Hosting: HostingMainland, Commercial: true, Nature: form.NatureEnterprise, Foreign: true, Start: calendar.NewDate(2026, 9, 24)}
	cal := calendar.Default()
	for b.Loop() {
		if _, err := Advise(in, cal); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAdviceNamesItsSources walks every plan and checks that no text points
// at a numbered section of a document the reader does not have ("参考资料§6",
// "reference §2.1"), and that the caveats resting on one provider's or
// vendor's page name that page by its address.
func TestAdviceNamesItsSources(t *testing.T) {
	start := mustDate(t, "2026-03-02")
	cited := map[string]bool{}
	for _, hosting := range Hostings {
		for _, commercial := range []bool{false, true} {
			for _, nature := range form.Natures {
				for _, foreign := range []bool{false, true} {
					p, err := Advise(Input{Hosting: hosting, Commercial: commercial, Nature: nature, Foreign: foreign, Start: start}, nil)
					if err != nil {
						t.Fatal(err)
					}
					raw, err := json.Marshal(p)
					if err != nil {
						t.Fatal(err)
					}
					text := string(raw)
					for _, bad := range []string{"§", "参考资料", "reference", "Reference"} {
						if strings.Contains(text, bad) {
							t.Errorf("%s commercial=%v %s foreign=%v: advice contains %q: %s", hosting, commercial, nature, foreign, bad, text)
						}
					}
					for _, c := range append(p.Caveats, p.License.Why) {
						for _, s := range []string{c.ZH, c.EN} {
							if i := strings.Index(s, "https://"); i >= 0 {
								cited[strings.TrimRight(strings.Fields(s[i:])[0], "）);,")] = true
							}
						}
					}
				}
			}
		}
	}
	for _, want := range []string{
		"https://help.aliyun.com/en/dws/faq-about-icp-filing",           // filed domain on an offshore node
		"https://beian.mps.gov.cn/",                                     // PSB filing of offshore sites
		"https://developers.cloudflare.com/china-network/concepts/icp/", // licence and foreign ownership
	} {
		if !cited[want] {
			t.Errorf("no advice cites %s; cited: %v", want, cited)
		}
	}
}
