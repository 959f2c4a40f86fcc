package ui

import (
	"fmt"
	"github.com/beian/beian/internal/operation"
	"strings"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/rules"
)

// Field is one labelled input of a form, with the findings about it.
type Field struct {
	Name, ID, Label, Hint, Type string
	Value                       string
	Options                     []Option
	Required                    bool
	Autocomplete                string
	Findings                    []finding.Finding
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// spec describes an input bound to a string of form.Content, or to a list
// (one item a line) when list is set.
type spec struct {
	name, label, typ string
	options          func(Lang) []Option
	str              func(*form.Content) *string
	list             func(*form.Content) *[]string
	required         bool
}

// fieldID turns a content path into an HTML id.
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("f-")
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// splitList reads a list typed one item a line, or separated by commas,
// Chinese commas, 、 or semicolons; blanks are dropped. Spaces split too
// when spaces is set (domains and IPs never contain them).
func splitList(s string, spaces bool) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\n', '\r', ',', '，', '、', ';', '；':
			return true
		case ' ', '\t', '\u3000':
			return spaces
		}
		return false
	}) {
		if p = strings.TrimSpace(p); p != "" && len(out) < 100 {
			out = append(out, p)
		}
	}
	return out
}

func natureOptions(l Lang) []Option {
	var o []Option
	for _, n := range form.Natures {
		o = append(o, Option{Value: n, Label: l.T("nature." + n)})
	}
	return o
}

func idTypeOptions(l Lang) []Option {
	var o []Option
	for _, t := range form.IDTypes {
		o = append(o, Option{Value: t, Label: l.T("idtype." + t)})
	}
	return o
}

func certOptions(l Lang) []Option {
	o := []Option{{Value: "", Label: l.T("form.choose")}}
	for _, t := range rules.OrgCertificateTypes {
		o = append(o, Option{Value: t, Label: l.T("cert." + t)})
	}
	for _, t := range form.IDTypes {
		o = append(o, Option{Value: t, Label: l.T("idtype." + t)})
	}
	return o
}

func provinceOptions(l Lang) []Option {
	o := []Option{{Value: "", Label: l.T("form.choose")}}
	for _, p := range icpnum.Provinces() {
		o = append(o, Option{Value: p.ICPAbbrs[0], Label: p.ICPAbbrs[0] + " " + l.Pick(p.FullNameZH, p.NameEN)})
	}
	return o
}

func principalSpecs(prefix string, p func(*form.Content) *form.Principal) []spec {
	return []spec{
		{name: prefix + ".name", label: "wizard.principal.name", typ: "text", required: true, str: func(c *form.Content) *string { return &p(c).Name }},
		{name: prefix + ".id_type", label: "wizard.principal.id_type", typ: "select", options: idTypeOptions, str: func(c *form.Content) *string { return &p(c).IDType }},
		{name: prefix + ".id_number", label: "wizard.principal.id_number", typ: "text", required: true, str: func(c *form.Content) *string { return &p(c).IDNumber }},
		{name: prefix + ".id_expiry", label: "wizard.principal.id_expiry", typ: "text", str: func(c *form.Content) *string { return &p(c).IDExpiry }},
		{name: prefix + ".phone", label: "wizard.principal.phone", typ: "tel", required: true, str: func(c *form.Content) *string { return &p(c).Phone }},
		{name: prefix + ".email", label: "wizard.principal.email", typ: "email", required: true, str: func(c *form.Content) *string { return &p(c).Email }},
	}
}

// entitySpecs are the inputs of the entity step: the filed entity number for
// operations on an existing entity, the entity and its principal.
func entitySpecs(op operation.Descriptor) (numbers, entity, principal []spec) {
	if op.NamesFiledEntity() {
		numbers = []spec{{name: "entity_number", label: "wizard.entity_number", typ: "text", required: true,
			str: func(c *form.Content) *string { return &c.EntityNumber }}}
	}
	e := func(c *form.Content) *form.Entity { return &c.Entity }
	entity = []spec{
		{name: "entity.nature", label: "wizard.entity.nature", typ: "select", options: natureOptions, str: func(c *form.Content) *string { return &e(c).Nature }},
		{name: "entity.name", label: "wizard.entity.name", typ: "text", required: true, str: func(c *form.Content) *string { return &e(c).Name }},
		{name: "entity.certificate_type", label: "wizard.entity.certificate_type", typ: "select", options: certOptions, str: func(c *form.Content) *string { return &e(c).CertificateType }},
		{name: "entity.certificate_number", label: "wizard.entity.certificate_number", typ: "text", required: true, str: func(c *form.Content) *string { return &e(c).CertificateNumber }},
		{name: "entity.province", label: "wizard.entity.province", typ: "select", options: provinceOptions, str: func(c *form.Content) *string { return &e(c).Province }},
		{name: "entity.address", label: "wizard.entity.address", typ: "text", required: true, str: func(c *form.Content) *string { return &e(c).Address }},
	}
	principal = principalSpecs("entity.principal", func(c *form.Content) *form.Principal { return &c.Entity.Principal })
	return numbers, entity, principal
}

// websiteSpecs are the inputs of website i (the caller makes sure it exists).
func websiteSpecs(op operation.Descriptor, i int) (site, principal []spec) {
	p := fmt.Sprintf("websites[%d]", i)
	w := func(c *form.Content) *form.Website { return &c.Websites[i] }
	if op.NamesFiledServices() {
		site = append(site, spec{name: p + ".number", label: "wizard.website.number", typ: "text", required: true, str: func(c *form.Content) *string { return &w(c).Number }})
	}
	site = append(site,
		spec{name: p + ".name", label: "wizard.website.name", typ: "text", required: true, str: func(c *form.Content) *string { return &w(c).Name }},
		spec{name: p + ".domains", label: "wizard.website.domains", typ: "textarea", required: true, list: func(c *form.Content) *[]string {
			names := make([]string, len(w(c).Domains))
			for j, d := range w(c).Domains {
				names[j] = d.Name
			}
			return &names
		}},
		spec{name: p + ".home_url", label: "wizard.website.home_url", typ: "url", required: true, str: func(c *form.Content) *string { return &w(c).HomeURL }},
		spec{name: p + ".content_types", label: "wizard.website.content_types", typ: "text", list: func(c *form.Content) *[]string { return &w(c).ContentTypes }},
		spec{name: p + ".access.ips", label: "wizard.website.ips", typ: "textarea", required: true, list: func(c *form.Content) *[]string { return &w(c).Access.IPs }},
	)
	principal = principalSpecs(p+".principal", func(c *form.Content) *form.Principal { return &c.Websites[i].Principal })
	return site, principal
}

// apply copies the submitted values of specs into c. Domains keep the
// holder, registrar and expiry of a name already there.
func apply(c *form.Content, specs []spec, get func(string) string) {
	for _, s := range specs {
		v := strings.TrimSpace(get(s.name))
		switch {
		case s.str != nil:
			*s.str(c) = v
		case strings.HasSuffix(s.name, ".domains"):
			var i int
			if _, err := fmt.Sscanf(s.name, "websites[%d].domains", &i); err != nil || i < 0 || i >= len(c.Websites) {
				continue
			}
			old := map[string]form.Domain{}
			for _, d := range c.Websites[i].Domains {
				old[d.Name] = d
			}
			var ds []form.Domain
			for _, n := range splitList(v, true) {
				d, ok := old[n]
				if !ok {
					d = form.Domain{Name: n}
				}
				ds = append(ds, d)
			}
			c.Websites[i].Domains = ds
		case s.list != nil:
			*s.list(c) = splitList(v, !strings.HasSuffix(s.name, ".content_types"))
		}
	}
}

// fields renders specs as Fields with their current values and findings;
// it removes the findings it placed from *fs.
func fields(specs []spec, c *form.Content, l Lang, fs *[]finding.Finding) []Field {
	out := make([]Field, 0, len(specs))
	for _, s := range specs {
		f := Field{Name: s.name, ID: fieldID(s.name), Label: l.T(s.label), Type: s.typ, Required: s.required}
		if h := s.label + ".hint"; l.Has(h) {
			f.Hint = l.T(h)
		}
		switch {
		case s.str != nil:
			f.Value = *s.str(c)
		case s.list != nil:
			sep := "\n"
			if s.typ == "text" {
				sep = ", "
			}
			f.Value = strings.Join(*s.list(c), sep)
		}
		if s.options != nil {
			f.Options = s.options(l)
			for i := range f.Options {
				f.Options[i].Selected = f.Options[i].Value == f.Value
			}
		}
		f.Findings = take(fs, s.name)
		out = append(out, f)
	}
	return out
}

// take removes from *fs and returns the findings about name: its own path
// or any path below it (name[0], name.holder).
func take(fs *[]finding.Finding, name string) []finding.Finding {
	var mine, rest []finding.Finding
	for _, f := range *fs {
		if f.Field == name || strings.HasPrefix(f.Field, name+"[") || strings.HasPrefix(f.Field, name+".") {
			mine = append(mine, f)
		} else {
			rest = append(rest, f)
		}
	}
	*fs = rest
	return mine
}
