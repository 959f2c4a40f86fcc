package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/beian/beian/internal/operation"

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
	// Groups are the choices of a "checks" field (checkboxes) under their
	// headings; Display is the value as the summaries show it (the labels
	// of the chosen options).
	Groups  []OptGroup
	Display string
	// Reload makes the script save and show the step again when the input
	// changes, since the inputs below it depend on it (the service type).
	Reload bool
	// Form and Preview serve an "icon" field: the id of the upload form
	// its file input belongs to, and the URL of the current icon.
	Form, Preview string
}

// Option is one choice of a select; Group is the heading a checkbox choice
// is listed under.
type Option struct {
	Value, Label string
	Selected     bool
	Group        string
}

// OptGroup is a heading of a "checks" field and its choices.
type OptGroup struct {
	Label   string
	Options []Option
}

// spec describes an input bound to a string of form.Content, or to a list
// (one item a line) when list is set, or through get and set when the
// content is not a plain string (a service type, a yes/no, checkboxes, a
// block behind a pointer). set receives every value posted under the name;
// a spec with get and no set only shows its value (the icon, uploaded by
// its own form).
type spec struct {
	name, label, typ string
	options          func(Lang) []Option
	str              func(*form.Content) *string
	list             func(*form.Content) *[]string
	get              func(*form.Content) []string
	set              func(*form.Content, []string)
	required         bool
	reload           bool
	form             string
	preview          func(*form.Content) string
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
	lr := func(c *form.Content) *form.LegalRepresentative {
		if p(c).LegalRepresentative == nil {
			p(c).LegalRepresentative = &form.LegalRepresentative{}
		}
		return p(c).LegalRepresentative
	}
	// lrStr binds a field of the legal-representative block without
	// creating it just to show an empty input; tidyPrincipal drops an
	// all-blank block.
	lrStr := func(name, label, typ string, f func(*form.LegalRepresentative) *string, opts func(Lang) []Option) spec {
		return spec{name: prefix + ".legal_representative." + name, label: label, typ: typ, options: opts,
			get: func(c *form.Content) []string {
				if l := p(c).LegalRepresentative; l != nil {
					return []string{*f(l)}
				}
				return nil
			},
			set: func(c *form.Content, v []string) { *f(lr(c)) = first(v) }}
	}
	return []spec{
		{name: prefix + ".name", label: "wizard.principal.name", typ: "text", required: true, str: func(c *form.Content) *string { return &p(c).Name }},
		{name: prefix + ".id_type", label: "wizard.principal.id_type", typ: "select", options: idTypeOptions, str: func(c *form.Content) *string { return &p(c).IDType }},
		{name: prefix + ".id_number", label: "wizard.principal.id_number", typ: "text", required: true, str: func(c *form.Content) *string { return &p(c).IDNumber }},
		{name: prefix + ".id_expiry", label: "wizard.principal.id_expiry", typ: "text", str: func(c *form.Content) *string { return &p(c).IDExpiry }},
		{name: prefix + ".phone", label: "wizard.principal.phone", typ: "tel", required: true, str: func(c *form.Content) *string { return &p(c).Phone }},
		{name: prefix + ".email", label: "wizard.principal.email", typ: "email", required: true, str: func(c *form.Content) *string { return &p(c).Email }},
		{name: prefix + ".emergency_phone", label: "wizard.principal.emergency_phone", typ: "tel", str: func(c *form.Content) *string { return &p(c).EmergencyPhone }},
		{name: prefix + ".is_legal_representative", label: "wizard.principal.is_legal_representative", typ: "select", options: yesNoOptions,
			get: func(c *form.Content) []string { return []string{yesNo(p(c).IsLegalRepresentative)} },
			set: func(c *form.Content, v []string) { p(c).IsLegalRepresentative = parseYesNo(first(v)) }},
		lrStr("name", "wizard.principal.lr_name", "text", func(l *form.LegalRepresentative) *string { return &l.Name }, nil),
		lrStr("id_type", "wizard.principal.lr_id_type", "select", func(l *form.LegalRepresentative) *string { return &l.IDType }, func(l Lang) []Option {
			return append([]Option{{Value: "", Label: l.T("form.choose")}}, idTypeOptions(l)...)
		}),
		lrStr("id_number", "wizard.principal.lr_id_number", "text", func(l *form.LegalRepresentative) *string { return &l.IDNumber }, nil),
	}
}

// yesNoOptions answer a question the applicant may leave unanswered.
func yesNoOptions(l Lang) []Option {
	return []Option{{Value: "", Label: l.T("form.not_stated")}, {Value: "yes", Label: l.T("form.yes")}, {Value: "no", Label: l.T("form.no")}}
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func parseYesNo(s string) *bool {
	switch s {
	case "yes":
		v := true
		return &v
	case "no":
		v := false
		return &v
	}
	return nil
}

// first is the first of the values posted under a name, or "".
func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
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

// apply copies the submitted values of specs into c. Domains keep the
// holder, registrar and expiry of a name already there.
func apply(c *form.Content, specs []spec, posted url.Values) {
	for _, s := range specs {
		v := strings.TrimSpace(posted.Get(s.name))
		switch {
		case s.set != nil:
			var vals []string
			for _, x := range posted[s.name] {
				if x = strings.TrimSpace(x); x != "" {
					vals = append(vals, x)
				}
			}
			s.set(c, vals)
		case s.get != nil:
			// shown only
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
		f := Field{Name: s.name, ID: fieldID(s.name), Label: l.T(s.label), Type: s.typ, Required: s.required, Reload: s.reload, Form: s.form}
		if h := s.label + ".hint"; l.Has(h) {
			f.Hint = l.T(h)
		}
		var vals []string
		switch {
		case s.get != nil:
			vals = s.get(c)
			f.Value = strings.Join(vals, "\n")
		case s.str != nil:
			f.Value = *s.str(c)
			vals = []string{f.Value}
		case s.list != nil:
			sep := "\n"
			if s.typ == "text" {
				sep = ", "
			}
			f.Value = strings.Join(*s.list(c), sep)
		}
		f.Display = f.Value
		if s.options != nil {
			f.Options = s.options(l)
			var chosen []string
			for i := range f.Options {
				o := &f.Options[i]
				o.Selected = slices.Contains(vals, o.Value)
				if o.Selected && o.Value != "" {
					chosen = append(chosen, o.Label)
				}
				if n := len(f.Groups); n == 0 || f.Groups[n-1].Label != o.Group {
					f.Groups = append(f.Groups, OptGroup{Label: o.Group})
				}
				g := &f.Groups[len(f.Groups)-1]
				g.Options = append(g.Options, *o)
			}
			f.Display = strings.Join(chosen, l.T("form.list_sep"))
		}
		if s.preview != nil {
			f.Preview = s.preview(c)
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
