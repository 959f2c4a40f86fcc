package rules

import (
	"bytes"
	"encoding/json"
	"github.com/beian/beian/internal/operation"
	"os"
	"strings"
	"testing"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

func TestDefaultRuleSetCoversEveryProvince(t *testing.T) {
	rs := DefaultRuleSet()
	codes := rs.Provinces()
	if len(codes) != 31 {
		t.Fatalf("%d provinces, want 31: %v", len(codes), codes)
	}
	for _, p := range icpnum.Provinces() {
		t.Run(p.NameEN, func(t *testing.T) {
			r := rs.For(p.Code)
			if r.Code != p.Code+"0000" || r.NameZH != p.NameZH || r.NameEN != p.NameEN {
				t.Errorf("For(%s) = %s %s %s", p.Code, r.Code, r.NameZH, r.NameEN)
			}
			for name, src := range map[string]string{
				"residence_permit": r.ResidencePermit.Source, "min_age": r.MinAge.Source,
				"entity_principal_legal_rep": r.EntityPrincipalLegalRep.Source, "entity_principal_mainland_id": r.EntityPrincipalMainlandID.Source,
				"foreign_individuals": r.ForeignIndividuals.Source, "domain_expiry_months": r.DomainExpiryMonths.Source,
				"in_province_mobile": r.InProvinceMobile.Source,
			} {
				if strings.TrimSpace(src) == "" {
					t.Errorf("%s has no source", name)
				}
			}
			for _, c := range r.Caps {
				if c.Source == "" {
					t.Errorf("cap %+v has no source", c)
				}
			}
			for _, d := range r.Documents {
				if d.Source == "" {
					t.Errorf("document %+v has no source", d)
				}
			}
		})
	}
}

func TestForLookups(t *testing.T) {
	rs := DefaultRuleSet()
	tests := []struct {
		in              string
		code            string
		residencePermit bool
		minAge          int
	}{
		{"沪", "310000", true, 18},
		{"310000", "310000", true, 18},
		{"上海市", "310000", true, 18},
		{"Shandong", "370000", true, 17},
		{"鲁", "370000", true, 17},
		{"45", "450000", false, 18},
		{"", "", false, 18},
		{"Atlantis", "", false, 18},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := rs.For(tt.in)
			if r.Code != tt.code || r.ResidencePermit.Value != tt.residencePermit || r.MinAge.Value != tt.minAge {
				t.Errorf("For(%q) = code %q permit %v age %d", tt.in, r.Code, r.ResidencePermit.Value, r.MinAge.Value)
			}
		})
	}
	// For returns copies: changing one does not change the set.
	a := rs.For("粤")
	a.Documents[0].NameZH = "changed"
	a.MinAge.Value = 99
	if b := rs.For("粤"); b.Documents[0].NameZH == "changed" || b.MinAge.Value == 99 {
		t.Error("For shares state with the rule set")
	}
	var nilSet *RuleSet
	if nilSet.For("粤").Code != "440000" {
		t.Error("nil *RuleSet does not fall back to the default set")
	}
}

func TestProvinceCases(t *testing.T) {
	rs := DefaultRuleSet()
	tests := []struct {
		province string
		check    func(r *ProvinceRules) bool
		what     string
	}{
		{"粤", func(r *ProvinceRules) bool { return hasDoc(r, "commitment_letter") }, "Guangdong commitment letter"},
		{"冀", func(r *ProvinceRules) bool { return !r.ForeignIndividuals.Value && r.DomainExpiryMonths.Value == 3 }, "Hebei: no foreign individuals, domain > 3 months"},
		{"晋", func(r *ProvinceRules) bool {
			return hasCap(r, CapDomainsPerOrder, 3) && r.EntityPrincipalMainlandID.Value
		}, "Shanxi: 3 domains per order, Mainland ID"},
		{"皖", func(r *ProvinceRules) bool { return !r.EntityPrincipalLegalRep.Value }, "Anhui: authorisation letter accepted"},
		{"湘", func(r *ProvinceRules) bool { return hasCap(r, CapWebsitesPerOrder, 1) && r.InProvinceMobile.Value }, "Hunan: 1 website, in-province mobile"},
		{"新", func(r *ProvinceRules) bool { return hasCap(r, CapDomainsPerWebsite, 1) && !r.ResidencePermit.Value }, "Xinjiang: one domain per site"},
		{"京", func(r *ProvinceRules) bool {
			return hasCap(r, CapWebsitesPerOrder, 10) && r.EntityPrincipalLegalRep.Value
		}, "defaults apply"},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			if !tt.check(rs.For(tt.province)) {
				t.Errorf("%s: rule missing in %+v", tt.what, rs.For(tt.province))
			}
		})
	}
}

func hasDoc(r *ProvinceRules, kind string) bool {
	for _, d := range r.Documents {
		if d.Kind == kind {
			return true
		}
	}
	return false
}

func hasCap(r *ProvinceRules, limit string, max int) bool {
	for _, c := range r.Caps {
		if c.Limit == limit && c.Max == max {
			return true
		}
	}
	return false
}

// TestAddProvinceRuleByDataOnly loads a modified copy of the embedded file in
// which Fujian (no rule of its own) gets a minimum age of 50 and a new
// document: the checks follow without any code change.
func TestAddProvinceRuleByDataOnly(t *testing.T) {
	b, err := os.ReadFile("provinces/provinces.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, p := range raw["provinces"].([]any) {
		p := p.(map[string]any)
		if p["code"] == "350000" {
			p["min_age"] = map[string]any{"value": 50, "source": "test"}
			p["documents"] = []any{map[string]any{"kind": "other", "name_zh": "测试材料", "name_en": "test paper", "source": "test"}}
		}
	}
	mod, _ := json.Marshal(raw)
	rs, err := LoadRuleSet(bytes.NewReader(mod))
	if err != nil {
		t.Fatal(err)
	}
	c := individual()
	c.Entity.Province, c.Entity.Address = "闽", "福建省福州市鼓楼区1号"
	facts := Facts{Now: testNow, Operation: string(operation.FirstFiling)}
	run := func(rs *RuleSet) (underage, doc bool) {
		facts.Province = rs.For("闽")
		for _, f := range Check(c, facts) {
			underage = underage || f.Code == "principal.underage"
			doc = doc || (f.Code == "document.required" && strings.Contains(f.MessageZH, "测试材料"))
		}
		return
	}
	if u, d := run(DefaultRuleSet()); u || d {
		t.Fatalf("default set: underage %v doc %v; the test person must pass", u, d)
	}
	if u, d := run(rs); !u || !d {
		t.Errorf("modified set: underage %v doc %v, want both", u, d)
	}
}

func TestLoadRuleSetExtends(t *testing.T) {
	file := `{"version": 1, "extends_default": true,
  "defaults": {"min_age": {"value": 21, "source": "operator policy"}},
  "provinces": [
    {"code": "440000", "caps": [{"limit": "domains_per_order", "max": 2, "source": "operator"}]},
    {"code": "350000", "residence_permit": {"value": true, "source": "operator"}}
  ]}`
	rs, err := LoadRuleSet(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	gd := rs.For("粤")
	if !hasDoc(gd, "commitment_letter") || !hasCap(gd, CapDomainsPerOrder, 2) || !hasCap(gd, CapWebsitesPerOrder, 10) {
		t.Errorf("Guangdong lost embedded rules or missed the new cap: %+v", gd)
	}
	if rs.For("闽").MinAge.Value != 21 || !rs.For("闽").ResidencePermit.Value {
		t.Errorf("Fujian = %+v", rs.For("闽"))
	}
	if rs.For("鲁").MinAge.Value != 17 {
		t.Error("Shandong's own min_age must win over the new default")
	}
	if len(rs.Provinces()) != 31 {
		t.Errorf("%d provinces", len(rs.Provinces()))
	}
	// Without extends_default the file replaces the embedded set.
	rs2, err := LoadRuleSet(strings.NewReader(`{"version": 1, "provinces": [{"code": "440000"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if hasDoc(rs2.For("粤"), "commitment_letter") || len(rs2.Provinces()) != 1 || rs2.For("粤").MinAge.Value != 18 {
		t.Errorf("replacement set = %+v", rs2.For("粤"))
	}
}

func TestLoadRuleSetErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"empty", ``, []string{"empty input"}},
		{"syntax", "{\"version\": 1,\n \"provinces\": [\n  {\"code\": \"440000\",}\n]}", []string{"line 3"}},
		{"type", "{\"version\": 1,\n\"defaults\": {\"min_age\": {\"value\": \"18\"}}}", []string{"line 2", "min_age.value"}},
		{"unknown field", "{\"version\": 1,\n\"provinces\": [{\"code\": \"440000\",\n \"max_age\": 3}]}", []string{"line 3", "max_age"}},
		{"version", `{"version": 2}`, []string{"version"}},
		{"trailing", "{\"version\": 1}\n{}", []string{"line 2", "after"}},
		{"bad code", `{"version": 1, "provinces": [{"code": "44"}]}`, []string{"provinces[0].code"}},
		{"not a province", `{"version": 1, "provinces": [{"code": "810000"}]}`, []string{"provinces[0].code", "Mainland"}},
		{"duplicate", `{"version": 1, "provinces": [{"code": "440000"}, {"code": "440000"}]}`, []string{"provinces[1].code", "twice"}},
		{"no source", `{"version": 1, "provinces": [{"code": "440000", "min_age": {"value": 18}}]}`, []string{"provinces[0].min_age.source"}},
		{"age range", `{"version": 1, "defaults": {"min_age": {"value": -1, "source": "x"}}}`, []string{"defaults.min_age.value"}},
		{"cap limit", `{"version": 1, "provinces": [{"code": "440000", "caps": [{"limit": "sites", "max": 1, "source": "x"}]}]}`, []string{"provinces[0].caps[0].limit"}},
		{"cap max", `{"version": 1, "provinces": [{"code": "440000", "caps": [{"limit": "domains_per_order", "max": 0, "source": "x"}]}]}`, []string{"provinces[0].caps[0].max"}},
		{"cap nature", `{"version": 1, "provinces": [{"code": "440000", "caps": [{"limit": "domains_per_order", "max": 1, "natures": ["person"], "source": "x"}]}]}`, []string{"caps[0].natures[0]"}},
		{"doc kind", `{"version": 1, "defaults": {"documents": [{"kind": "photo", "name_zh": "a", "name_en": "b", "source": "x"}]}}`, []string{"defaults.documents[0].kind"}},
		{"doc names", `{"version": 1, "defaults": {"documents": [{"kind": "other", "name_zh": "a", "source": "x"}]}}`, []string{"defaults.documents[0].name_zh/name_en"}},
		{"doc operation", `{"version": 1, "defaults": {"documents": [{"kind": "other", "name_zh": "a", "name_en": "b", "operations": ["renew"], "source": "x"}]}}`, []string{"documents[0].operations[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadRuleSet(strings.NewReader(tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestOperationsAndNaturesInData(t *testing.T) {
	// Every scoped rule in the embedded file names real natures and operations
	// (validateRaw enforces it; this guards the lists themselves).
	if n := len(operation.Default().Names()); n != 11 || len(form.Natures) != 6 {
		t.Errorf("operations %d natures %d", n, len(form.Natures))
	}
}
