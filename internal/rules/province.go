package rules

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/operation"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

// provinceFiles holds the embedded rule data; provinces/provinces.json is the
// default rule set. Adding a province rule means editing that file only.
//
//go:embed provinces/provinces.json
var provinceFiles embed.FS

// BoolRule is a yes/no province rule and where it comes from.
type BoolRule struct {
	Value  bool   `json:"value"`
	Source string `json:"source"`
}

// IntRule is a numeric province rule and where it comes from.
type IntRule struct {
	Value  int    `json:"value"`
	Source string `json:"source"`
}

// Limits a Cap can set.
const (
	CapWebsitesPerOrder  = "websites_per_order"
	CapDomainsPerOrder   = "domains_per_order"
	CapDomainsPerWebsite = "domains_per_website"
)

// Cap limits how much one order (application) may contain, optionally only
// for some natures and operations, or only once the entity already has
// MinFiledWebsites websites filed (Jiangxi).
type Cap struct {
	Limit            string   `json:"limit"`
	Max              int      `json:"max"`
	Natures          []string `json:"natures,omitempty"`
	Operations       []string `json:"operations,omitempty"`
	MinFiledWebsites int      `json:"min_filed_websites,omitempty"`
	Source           string   `json:"source"`
}

// Document is an extra document a province asks for, for some natures and
// operations (empty = all), or once the entity has at least MinWebsites
// websites counting this order. Kind is one of DocumentKinds.
type Document struct {
	Kind        string   `json:"kind"`
	NameZH      string   `json:"name_zh"`
	NameEN      string   `json:"name_en"`
	NoteZH      string   `json:"note_zh,omitempty"`
	NoteEN      string   `json:"note_en,omitempty"`
	Natures     []string `json:"natures,omitempty"`
	Operations  []string `json:"operations,omitempty"`
	MinWebsites int      `json:"min_websites,omitempty"`
	Source      string   `json:"source"`
}

// ProvinceRules is the resolved rule set of one province: the file's
// defaults overlaid with the province's own entries. Every rule names its
// source so a reviewer can tell a sourced rule from a default.
type ProvinceRules struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	// ResidencePermit: an individual whose resident ID is from another
	// province may file here with a residence permit.
	ResidencePermit BoolRule `json:"residence_permit"`
	// MinAge is the minimum age of an individual filer.
	MinAge IntRule `json:"min_age"`
	// EntityPrincipalLegalRep: an organisation's entity principal must be its
	// legal representative (no authorisation letter accepted).
	EntityPrincipalLegalRep BoolRule `json:"entity_principal_legal_rep"`
	// EntityPrincipalMainlandID: the entity principal must hold a PRC
	// resident ID (a foreign or HK/Macao/Taiwan legal rep authorises one).
	EntityPrincipalMainlandID BoolRule `json:"entity_principal_mainland_id"`
	// ForeignIndividuals: foreigners (passport, foreigner permanent-residence
	// ID) may file as individuals.
	ForeignIndividuals BoolRule `json:"foreign_individuals"`
	// DomainExpiryMonths: a domain must stay registered for more than this
	// many months (0 = no province rule; Check then only warns under 3).
	DomainExpiryMonths IntRule `json:"domain_expiry_months"`
	// InProvinceMobile: individuals' phones must be registered in the province.
	InProvinceMobile BoolRule `json:"in_province_mobile"`
	// Caps and Documents: the defaults' entries followed by the province's.
	Caps      []Cap      `json:"caps"`
	Documents []Document `json:"documents"`
}

// rawRules is one rules object of the data file; nil means "not set here".
type rawRules struct {
	ResidencePermit           *BoolRule  `json:"residence_permit,omitempty"`
	MinAge                    *IntRule   `json:"min_age,omitempty"`
	EntityPrincipalLegalRep   *BoolRule  `json:"entity_principal_legal_rep,omitempty"`
	EntityPrincipalMainlandID *BoolRule  `json:"entity_principal_mainland_id,omitempty"`
	ForeignIndividuals        *BoolRule  `json:"foreign_individuals,omitempty"`
	DomainExpiryMonths        *IntRule   `json:"domain_expiry_months,omitempty"`
	InProvinceMobile          *BoolRule  `json:"in_province_mobile,omitempty"`
	Caps                      []Cap      `json:"caps,omitempty"`
	Documents                 []Document `json:"documents,omitempty"`
}

type rawProvince struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	rawRules
}

type rawFile struct {
	Version        int           `json:"version"`
	ExtendsDefault bool          `json:"extends_default"`
	Defaults       rawRules      `json:"defaults"`
	Provinces      []rawProvince `json:"provinces"`
}

// RuleSet is the rule data of every province, resolved once at load time.
// It is immutable: For returns copies.
type RuleSet struct {
	defaults  ProvinceRules
	provinces map[string]ProvinceRules // by the 2-digit GB/T 2260 province prefix
	raw       rawFile
}

// builtinDefaults are the values of rules that no data file sets.
func builtinDefaults() ProvinceRules {
	return ProvinceRules{
		MinAge:                  IntRule{Value: 18, Source: "beian's own rule: individuals must be at least 18"},
		EntityPrincipalLegalRep: BoolRule{Value: true, Source: "the entity principal is the legal representative (https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md)"},
		ForeignIndividuals:      BoolRule{Value: true, Source: "passports and foreigner permanent-residence IDs are accepted (http://www.foxcms.cn/help/problem/icpbeian/4.html)"},
	}
}

var defaultRuleSet = sync.OnceValue(func() *RuleSet {
	b, err := provinceFiles.ReadFile("provinces/provinces.json")
	if err != nil {
		panic(fmt.Sprintf("rules: embedded province data: %v", err))
	}
	rs, err := parseRuleSet(b, nil)
	if err != nil {
		panic(fmt.Sprintf("rules: embedded province data: %v", err))
	}
	return rs
})

// DefaultRuleSet is the rule set embedded in the binary
// (internal/rules/provinces/provinces.json), parsed once.
func DefaultRuleSet() *RuleSet { return defaultRuleSet() }

// LoadRuleSet reads an operator-supplied rule file in the format of the
// embedded one. With "extends_default": true its defaults and provinces are
// overlaid on the embedded set (scalar rules replace, caps and documents are
// appended); otherwise it replaces the embedded set. Errors name the line
// and the field.
func LoadRuleSet(r io.Reader) (*RuleSet, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("rules: reading rule set: %w", err)
	}
	return parseRuleSet(b, DefaultRuleSet())
}

func parseRuleSet(b []byte, base *RuleSet) (*RuleSet, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f rawFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules: rule set: %w", describeJSONError(b, dec, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("rules: rule set: line %d: unexpected data after the top-level object", lineAt(b, dec.InputOffset()))
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("rules: rule set: field version: got %d, want 1", f.Version)
	}
	if err := validateRaw(&f); err != nil {
		return nil, fmt.Errorf("rules: rule set: %w", err)
	}
	if f.ExtendsDefault && base != nil {
		f = extendRaw(base.raw, f)
	}
	return resolve(f)
}

// extendRaw overlays the file over base, keeping base's province order.
func extendRaw(base, over rawFile) rawFile {
	out := rawFile{Version: over.Version, Defaults: overlayRaw(base.Defaults, over.Defaults)}
	idx := map[string]int{}
	for _, p := range base.Provinces {
		idx[p.Code] = len(out.Provinces)
		out.Provinces = append(out.Provinces, p)
	}
	for _, p := range over.Provinces {
		i, ok := idx[p.Code]
		if !ok {
			idx[p.Code] = len(out.Provinces)
			out.Provinces = append(out.Provinces, p)
			continue
		}
		q := out.Provinces[i]
		if p.NameZH != "" {
			q.NameZH = p.NameZH
		}
		if p.NameEN != "" {
			q.NameEN = p.NameEN
		}
		q.rawRules = overlayRaw(q.rawRules, p.rawRules)
		out.Provinces[i] = q
	}
	return out
}

// overlayRaw returns a with every rule set in b replacing a's, and b's caps
// and documents appended to a's.
func overlayRaw(a, b rawRules) rawRules {
	pickB := func(x, y *BoolRule) *BoolRule {
		if y != nil {
			return y
		}
		return x
	}
	pickI := func(x, y *IntRule) *IntRule {
		if y != nil {
			return y
		}
		return x
	}
	return rawRules{
		ResidencePermit:           pickB(a.ResidencePermit, b.ResidencePermit),
		MinAge:                    pickI(a.MinAge, b.MinAge),
		EntityPrincipalLegalRep:   pickB(a.EntityPrincipalLegalRep, b.EntityPrincipalLegalRep),
		EntityPrincipalMainlandID: pickB(a.EntityPrincipalMainlandID, b.EntityPrincipalMainlandID),
		ForeignIndividuals:        pickB(a.ForeignIndividuals, b.ForeignIndividuals),
		DomainExpiryMonths:        pickI(a.DomainExpiryMonths, b.DomainExpiryMonths),
		InProvinceMobile:          pickB(a.InProvinceMobile, b.InProvinceMobile),
		Caps:                      append(append([]Cap(nil), a.Caps...), b.Caps...),
		Documents:                 append(append([]Document(nil), a.Documents...), b.Documents...),
	}
}

// apply sets on p every rule that r sets.
func apply(p ProvinceRules, r rawRules) ProvinceRules {
	if r.ResidencePermit != nil {
		p.ResidencePermit = *r.ResidencePermit
	}
	if r.MinAge != nil {
		p.MinAge = *r.MinAge
	}
	if r.EntityPrincipalLegalRep != nil {
		p.EntityPrincipalLegalRep = *r.EntityPrincipalLegalRep
	}
	if r.EntityPrincipalMainlandID != nil {
		p.EntityPrincipalMainlandID = *r.EntityPrincipalMainlandID
	}
	if r.ForeignIndividuals != nil {
		p.ForeignIndividuals = *r.ForeignIndividuals
	}
	if r.DomainExpiryMonths != nil {
		p.DomainExpiryMonths = *r.DomainExpiryMonths
	}
	if r.InProvinceMobile != nil {
		p.InProvinceMobile = *r.InProvinceMobile
	}
	p.Caps = append(append([]Cap(nil), p.Caps...), r.Caps...)
	p.Documents = append(append([]Document(nil), p.Documents...), r.Documents...)
	return p
}

func resolve(f rawFile) (*RuleSet, error) {
	rs := &RuleSet{raw: f, provinces: make(map[string]ProvinceRules, len(f.Provinces))}
	rs.defaults = apply(builtinDefaults(), f.Defaults)
	for _, p := range f.Provinces {
		pr := apply(rs.defaults, p.rawRules)
		pr.Code, pr.NameZH, pr.NameEN = p.Code, p.NameZH, p.NameEN
		rs.provinces[provinceKey(p.Code)] = pr
	}
	return rs, nil
}

var provinceCodeRE = regexp.MustCompile(`^[1-9][0-9]0000$`)

// validateRaw checks the values that JSON decoding cannot, naming the field.
func validateRaw(f *rawFile) error {
	if err := validateRules("defaults", f.Defaults); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, p := range f.Provinces {
		at := fmt.Sprintf("provinces[%d]", i)
		if !provinceCodeRE.MatchString(p.Code) {
			return fmt.Errorf("field %s.code: %q is not a 6-digit GB/T 2260 province code such as 440000", at, p.Code)
		}
		if _, ok := icpnum.ProvinceByCode(p.Code); !ok {
			return fmt.Errorf("field %s.code: %q is not a Mainland province", at, p.Code)
		}
		if seen[p.Code] {
			return fmt.Errorf("field %s.code: province %s appears twice", at, p.Code)
		}
		seen[p.Code] = true
		if err := validateRules(at, p.rawRules); err != nil {
			return err
		}
	}
	return nil
}

func validateRules(at string, r rawRules) error {
	type named struct{ name, src string }
	checks := []named{}
	addB := func(n string, b *BoolRule) {
		if b != nil {
			checks = append(checks, named{n, b.Source})
		}
	}
	addI := func(n string, v *IntRule, min, max int) error {
		if v == nil {
			return nil
		}
		if v.Value < min || v.Value > max {
			return fmt.Errorf("field %s.%s.value: %d is outside %d..%d", at, n, v.Value, min, max)
		}
		checks = append(checks, named{n, v.Source})
		return nil
	}
	addB("residence_permit", r.ResidencePermit)
	addB("entity_principal_legal_rep", r.EntityPrincipalLegalRep)
	addB("entity_principal_mainland_id", r.EntityPrincipalMainlandID)
	addB("foreign_individuals", r.ForeignIndividuals)
	addB("in_province_mobile", r.InProvinceMobile)
	if err := addI("min_age", r.MinAge, 0, 120); err != nil {
		return err
	}
	if err := addI("domain_expiry_months", r.DomainExpiryMonths, 0, 120); err != nil {
		return err
	}
	for _, c := range checks {
		if strings.TrimSpace(c.src) == "" {
			return fmt.Errorf("field %s.%s.source: every rule needs a source", at, c.name)
		}
	}
	for i, c := range r.Caps {
		ca := fmt.Sprintf("%s.caps[%d]", at, i)
		if !contains([]string{CapWebsitesPerOrder, CapDomainsPerOrder, CapDomainsPerWebsite}, c.Limit) {
			return fmt.Errorf("field %s.limit: %q is not one of %s, %s, %s", ca, c.Limit, CapWebsitesPerOrder, CapDomainsPerOrder, CapDomainsPerWebsite)
		}
		if c.Max < 1 {
			return fmt.Errorf("field %s.max: %d must be at least 1", ca, c.Max)
		}
		if c.MinFiledWebsites < 0 {
			return fmt.Errorf("field %s.min_filed_websites: %d is negative", ca, c.MinFiledWebsites)
		}
		if err := validateScope(ca, c.Natures, c.Operations, c.Source); err != nil {
			return err
		}
	}
	for i, d := range r.Documents {
		da := fmt.Sprintf("%s.documents[%d]", at, i)
		if !contains(DocumentKinds, d.Kind) {
			return fmt.Errorf("field %s.kind: %q is not one of %s", da, d.Kind, strings.Join(DocumentKinds, ", "))
		}
		if strings.TrimSpace(d.NameZH) == "" || strings.TrimSpace(d.NameEN) == "" {
			return fmt.Errorf("field %s.name_zh/name_en: a document needs both names", da)
		}
		if d.MinWebsites < 0 {
			return fmt.Errorf("field %s.min_websites: %d is negative", da, d.MinWebsites)
		}
		if err := validateScope(da, d.Natures, d.Operations, d.Source); err != nil {
			return err
		}
	}
	return nil
}

func validateScope(at string, natures, ops []string, source string) error {
	for j, n := range natures {
		if !knownNature(n) {
			return fmt.Errorf("field %s.natures[%d]: %q is not one of %s", at, j, n, strings.Join(form.Natures, ", "))
		}
	}
	cat := operation.Default()
	for j, o := range ops {
		if _, ok := cat.Parse(o); !ok {
			return fmt.Errorf("field %s.operations[%d]: %q is not one of %s", at, j, o, strings.Join(cat.Strings(), ", "))
		}
	}
	if strings.TrimSpace(source) == "" {
		return fmt.Errorf("field %s.source: every rule needs a source", at)
	}
	return nil
}

// describeJSONError turns a decoding error into one that names the line and,
// where known, the field.
func describeJSONError(b []byte, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %w", lineAt(b, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: field %s: %w", lineAt(b, te.Offset), te.Field, err)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("empty input: %w", err)
	default:
		// Unknown fields and the like: the decoder stopped near the offending key.
		return fmt.Errorf("line %d: %w", lineAt(b, dec.InputOffset()), err)
	}
}

// lineAt is the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// For returns the rules of a province given as a 2- or 6-digit GB/T 2260
// code, an abbreviation (粤) or a name; an unknown or empty province gets the
// defaults with an empty Code. The result is a copy the caller may keep.
func (rs *RuleSet) For(province string) *ProvinceRules {
	if rs == nil {
		rs = DefaultRuleSet()
	}
	if p, ok := icpnum.LookupProvince(strings.TrimSpace(province)); ok {
		if pr, ok := rs.provinces[provinceKey(p.Code)]; ok {
			return clone(pr)
		}
		d := clone(rs.defaults)
		d.Code, d.NameZH, d.NameEN = provinceKey(p.Code)+"0000", p.NameZH, p.NameEN
		return d
	}
	return clone(rs.defaults)
}

// Provinces lists the 6-digit codes the rule set has entries for, sorted.
func (rs *RuleSet) Provinces() []string {
	out := make([]string, 0, len(rs.provinces))
	for _, p := range rs.provinces {
		out = append(out, p.Code)
	}
	sort.Strings(out)
	return out
}

func clone(p ProvinceRules) *ProvinceRules {
	p.Caps = append([]Cap(nil), p.Caps...)
	p.Documents = append([]Document(nil), p.Documents...)
	return &p
}

// provinceKey is the 2-digit province prefix of a 2- or 6-digit code.
func provinceKey(code string) string {
	if len(code) >= 2 {
		return code[:2]
	}
	return code
}
