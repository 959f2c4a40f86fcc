package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/vocab"
)

// specEnv is what the inputs of a step need beside the content: the
// operation, the application (its id names the icon's upload route) and its
// documents (an approval scan or a commitment is chosen among them).
type specEnv struct {
	op   operation.Descriptor
	app  int64
	docs []filing.Document
	voc  *vocab.Vocab
}

// envOf is the specEnv of an application.
func (u *UI) envOf(app *filing.Application) specEnv {
	return specEnv{op: u.op(app.Operation), app: app.ID, docs: app.Documents, voc: vocab.Default()}
}

// group is a titled group of inputs; index is the service it starts (its
// remove button), -1 otherwise.
type group struct {
	title string
	specs []spec
	index int
}

// typeName is the name of a service type in the page's language.
func typeName(l Lang, t icpnum.ServiceType) string {
	if t == "" {
		t = icpnum.ServiceWebsite
	}
	return l.T("svc." + string(t))
}

// docRef is how a service names an uploaded document of its application.
func docRef(id int64) string { return "doc-" + strconv.FormatInt(id, 10) }

// docOf returns the document a reference names.
func (e specEnv) docOf(ref string) (filing.Document, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(ref, "doc-"), 10, 64)
	if err != nil || !strings.HasPrefix(ref, "doc-") {
		return filing.Document{}, false
	}
	for _, d := range e.docs {
		if d.ID == n {
			return d, true
		}
	}
	return filing.Document{}, false
}

func (e specEnv) serviceTypeOptions(l Lang) []Option {
	var o []Option
	for _, t := range e.op.ServiceTypes {
		o = append(o, Option{Value: string(t), Label: typeName(l, t)})
	}
	return o
}

// contentTypeOptions are the second-level content types under their
// first-level headings.
func (e specEnv) contentTypeOptions(l Lang) []Option {
	var o []Option
	for _, top := range e.voc.ContentTypes() {
		if top.Leaf() {
			continue
		}
		for _, c := range e.voc.Children(top.Code) {
			o = append(o, Option{Value: c.Code, Label: l.Pick(c.ZH, c.EN), Group: l.Pick(top.ZH, top.EN)})
		}
	}
	return o
}

func (e specEnv) languageOptions(l Lang) []Option {
	var o []Option
	for _, x := range e.voc.Languages() {
		o = append(o, Option{Value: x.Code, Label: l.Pick(x.ZH, x.EN)})
	}
	return o
}

// sdkOptions are the listed SDKs; "other" is typed in its own input.
func (e specEnv) sdkOptions(l Lang) []Option {
	var o []Option
	for _, x := range e.voc.SDKs() {
		if x.Code != vocab.SDKOther {
			o = append(o, Option{Value: x.Code, Label: l.Pick(x.ZH, x.EN)})
		}
	}
	return o
}

func (e specEnv) platformOptions(t icpnum.ServiceType) func(Lang) []Option {
	return func(l Lang) []Option {
		o := []Option{{Value: "", Label: l.T("form.choose")}}
		for _, p := range e.voc.Platforms(t) {
			o = append(o, Option{Value: p.Code, Label: l.Pick(p.ZH, p.EN)})
		}
		return o
	}
}

func (e specEnv) preApprovalOptions(l Lang) []Option {
	o := []Option{{Value: "", Label: l.T("form.choose")}}
	for _, p := range e.voc.PreApprovalTypes() {
		o = append(o, Option{Value: p.Code, Label: l.Pick(p.ZH, p.EN)})
	}
	return o
}

// documentOptions offer the application's uploaded documents.
func (e specEnv) documentOptions(l Lang) []Option {
	o := []Option{{Value: "", Label: l.T("form.none")}}
	for _, d := range e.docs {
		o = append(o, Option{Value: docRef(d.ID), Label: fmt.Sprintf("#%d %s", d.ID, l.T("doc."+d.Kind))})
	}
	return o
}

// serviceGroups are the inputs of service i (the caller makes sure it
// exists): the service, its type's block (one group per App platform),
// its pre-approvals and its principal. Lists get their rows from the
// content; padServices adds the blank row a new entry is typed into.
func serviceGroups(e specEnv, c *form.Content, i int, l Lang) []group {
	p := fmt.Sprintf("websites[%d]", i)
	w := func(c *form.Content) *form.Website { return &c.Websites[i] }
	t := c.Websites[i].Type()
	var site []spec
	if e.op.NamesFiledServices() {
		site = append(site, spec{name: p + ".number", label: "wizard.website.number", typ: "text", required: true, str: func(c *form.Content) *string { return &w(c).Number }})
	}
	if len(e.op.ServiceTypes) > 1 {
		site = append(site, spec{name: p + ".service_type", label: "wizard.service.type", typ: "select", reload: true, options: e.serviceTypeOptions,
			get: func(c *form.Content) []string { return []string{string(w(c).Type())} },
			set: func(c *form.Content, v []string) { w(c).ServiceType = icpnum.ServiceType(first(v)) }})
	}
	domains := spec{name: p + ".domains", label: "wizard.website.domains", typ: "textarea", required: true, list: func(c *form.Content) *[]string {
		names := make([]string, len(w(c).Domains))
		for j, d := range w(c).Domains {
			names[j] = d.Name
		}
		return &names
	}}
	name := spec{name: p + ".name", label: "wizard.website.name", typ: "text", required: true, str: func(c *form.Content) *string { return &w(c).Name }}
	ips := spec{name: p + ".access.ips", label: "wizard.website.ips", typ: "textarea", required: true, list: func(c *form.Content) *[]string { return &w(c).Access.IPs }}
	remarks := spec{name: p + ".remarks", label: "wizard.service.remarks", typ: "textarea", str: func(c *form.Content) *string { return &w(c).Remarks }}
	if t == icpnum.ServiceWebsite {
		site = append(site, name, domains,
			spec{name: p + ".home_url", label: "wizard.website.home_url", typ: "url", required: true, str: func(c *form.Content) *string { return &w(c).HomeURL }},
			spec{name: p + ".content_types", label: "wizard.website.content_types", typ: "text", list: func(c *form.Content) *[]string { return &w(c).ContentTypes }},
			ips, remarks)
	} else {
		name.label, domains.label, domains.required, ips.label = "wizard.service.name", "wizard.service.domains", false, "wizard.service.ips"
		site = append(site, name,
			spec{name: p + ".content_types", label: "wizard.service.content_types", typ: "checks", options: e.contentTypeOptions,
				get: func(c *form.Content) []string { return w(c).ContentTypes },
				set: func(c *form.Content, v []string) { w(c).ContentTypes = v }},
			domains, ips, remarks)
	}
	out := []group{{title: l.T("wizard.section.service", i+1, typeName(l, t)), specs: site, index: i}}
	switch t {
	case icpnum.ServiceApp:
		out = append(out, appGroups(e, c, i, l)...)
	case icpnum.ServiceMiniProgram, icpnum.ServiceQuickApp:
		out = append(out, group{title: l.T("wizard.section.hosted", i+1, typeName(l, t)), specs: hostedSpecs(e, i, t), index: -1})
	}
	for j := range c.Websites[i].PreApprovals {
		out = append(out, group{title: l.T("wizard.section.pre_approval", i+1, j+1), specs: preApprovalSpecs(e, i, j), index: -1})
	}
	out = append(out, group{title: l.T("wizard.section.website_principal", i+1), index: -1,
		specs: principalSpecs(p+".principal", func(c *form.Content) *form.Principal { return &c.Websites[i].Principal })})
	return out
}

// appOf returns the App block of service i, creating it when a service
// just switched to the App type.
func appOf(c *form.Content, i int) *form.App {
	w := &c.Websites[i]
	if w.App == nil {
		w.App = &form.App{}
	}
	return w.App
}

// hostedOf returns the mini-program or quick-app block of service i.
func hostedOf(c *form.Content, i int, t icpnum.ServiceType) *form.MiniApp {
	w := &c.Websites[i]
	b := &w.MiniProgram
	if t == icpnum.ServiceQuickApp {
		b = &w.QuickApp
	}
	if *b == nil {
		*b = &form.MiniApp{}
	}
	return *b
}

// iconFormID is the id of the upload form of service i's App icon.
func iconFormID(i int) string { return fmt.Sprintf("icon-%d", i) }

func appGroups(e specEnv, c *form.Content, i int, l Lang) []group {
	p := fmt.Sprintf("websites[%d].app", i)
	a := func(c *form.Content) *form.App { return appOf(c, i) }
	specs := []spec{
		{name: p + ".icon", label: "wizard.app.icon", typ: "icon", required: true, form: iconFormID(i),
			get: func(c *form.Content) []string { return []string{a(c).Icon} },
			preview: func(c *form.Content) string {
				if d, ok := e.docOf(a(c).Icon); ok {
					return fmt.Sprintf("/applications/%d/documents/%d", e.app, d.ID)
				}
				return ""
			}},
		{name: p + ".languages", label: "wizard.app.languages", typ: "checks", required: true, options: e.languageOptions,
			get: func(c *form.Content) []string { return a(c).Languages },
			set: func(c *form.Content, v []string) { a(c).Languages = v }},
		{name: p + ".sdks", label: "wizard.app.sdks", typ: "checks", options: e.sdkOptions,
			get: func(c *form.Content) []string {
				var codes []string
				for _, s := range a(c).SDKs {
					codes = append(codes, s.Code)
				}
				return codes
			},
			set: func(c *form.Content, v []string) {
				keep := otherSDKs(a(c).SDKs, true)
				var sdks []form.SDKUse
				for _, code := range v {
					if code != vocab.SDKOther {
						sdks = append(sdks, form.SDKUse{Code: code})
					}
				}
				a(c).SDKs = append(sdks, keep...)
			}},
		{name: p + ".sdks_other", label: "wizard.app.sdks_other", typ: "textarea",
			get: func(c *form.Content) []string {
				var notes []string
				for _, s := range otherSDKs(a(c).SDKs, true) {
					notes = append(notes, s.Note)
				}
				return notes
			},
			set: func(c *form.Content, v []string) {
				sdks := otherSDKs(a(c).SDKs, false)
				for _, line := range strings.Split(strings.Join(v, "\n"), "\n") {
					if line = strings.TrimSpace(line); line != "" {
						sdks = append(sdks, form.SDKUse{Code: vocab.SDKOther, Note: line})
					}
				}
				a(c).SDKs = sdks
			}},
	}
	out := []group{{title: l.T("wizard.section.app", i+1), specs: specs, index: -1}}
	for j := range appOf(c, i).Platforms {
		out = append(out, group{title: l.T("wizard.section.platform", i+1, j+1), specs: platformSpecs(e, i, j), index: -1})
	}
	return out
}

// otherSDKs returns the "other" entries of sdks (others set) or the listed
// ones.
func otherSDKs(sdks []form.SDKUse, others bool) []form.SDKUse {
	var out []form.SDKUse
	for _, s := range sdks {
		if (s.Code == vocab.SDKOther) == others {
			out = append(out, s)
		}
	}
	return out
}

func platformSpecs(e specEnv, i, j int) []spec {
	p := fmt.Sprintf("websites[%d].app.platforms[%d]", i, j)
	pl := func(c *form.Content) *form.AppPlatform { return &appOf(c, i).Platforms[j] }
	return []spec{
		{name: p + ".platform", label: "wizard.platform.platform", typ: "select", options: e.platformOptions(icpnum.ServiceApp), str: func(c *form.Content) *string { return &pl(c).Platform }},
		{name: p + ".id", label: "wizard.platform.id", typ: "text", str: func(c *form.Content) *string { return &pl(c).ID }},
		{name: p + ".public_key", label: "wizard.platform.public_key", typ: "textarea", str: func(c *form.Content) *string { return &pl(c).PublicKey }},
		{name: p + ".fingerprint", label: "wizard.platform.fingerprint", typ: "text", str: func(c *form.Content) *string { return &pl(c).Fingerprint }},
	}
}

func hostedSpecs(e specEnv, i int, t icpnum.ServiceType) []spec {
	p := fmt.Sprintf("websites[%d].%s", i, t)
	h := func(c *form.Content) *form.MiniApp { return hostedOf(c, i, t) }
	return []spec{
		{name: p + ".platform", label: "wizard.hosted.platform", typ: "select", required: true, options: e.platformOptions(t), str: func(c *form.Content) *string { return &h(c).Platform }},
		{name: p + ".app_id", label: "wizard.hosted.app_id", typ: "text", required: true, str: func(c *form.Content) *string { return &h(c).AppID }},
		{name: p + ".description", label: "wizard.hosted.description", typ: "textarea", required: true, str: func(c *form.Content) *string { return &h(c).Description }},
	}
}

func preApprovalSpecs(e specEnv, i, j int) []spec {
	p := fmt.Sprintf("websites[%d].pre_approvals[%d]", i, j)
	pa := func(c *form.Content) *form.PreApproval { return &c.Websites[i].PreApprovals[j] }
	return []spec{
		{name: p + ".type", label: "wizard.pre_approval.type", typ: "select", options: e.preApprovalOptions, str: func(c *form.Content) *string { return &pa(c).Type }},
		{name: p + ".number", label: "wizard.pre_approval.number", typ: "text", str: func(c *form.Content) *string { return &pa(c).Number }},
		{name: p + ".issuing_body", label: "wizard.pre_approval.issuing_body", typ: "text", str: func(c *form.Content) *string { return &pa(c).IssuingBody }},
		{name: p + ".valid_from", label: "wizard.pre_approval.valid_from", typ: "text", str: func(c *form.Content) *string { return &pa(c).ValidFrom }},
		{name: p + ".valid_to", label: "wizard.pre_approval.valid_to", typ: "text", str: func(c *form.Content) *string { return &pa(c).ValidTo }},
		{name: p + ".document", label: "wizard.pre_approval.document", typ: "select", options: e.documentOptions, str: func(c *form.Content) *string { return &pa(c).Document }},
	}
}

// editCopy is the content of app as a step edits it: a copy that shares
// nothing with app, every service with the block of its type, and when
// rows is set one blank pre-approval and App platform to type a new one
// into (tidyServices drops them again when they stay blank).
func editCopy(app *filing.Application, rows bool) form.Content {
	var c form.Content
	if app.Content != nil {
		c = *app.Content
	}
	c.Websites = append([]form.Website(nil), c.Websites...)
	for i := range c.Websites {
		w := &c.Websites[i]
		w.PreApprovals = append([]form.PreApproval(nil), w.PreApprovals...)
		w.Domains = append([]form.Domain(nil), w.Domains...)
		w.ContentTypes = append([]string(nil), w.ContentTypes...)
		w.Access.IPs = append([]string(nil), w.Access.IPs...)
		if w.Principal.LegalRepresentative != nil {
			lr := *w.Principal.LegalRepresentative
			w.Principal.LegalRepresentative = &lr
		}
		if w.App != nil {
			a := *w.App
			a.Platforms = append([]form.AppPlatform(nil), a.Platforms...)
			a.SDKs = append([]form.SDKUse(nil), a.SDKs...)
			a.Languages = append([]string(nil), a.Languages...)
			w.App = &a
		}
		for _, b := range []**form.MiniApp{&w.MiniProgram, &w.QuickApp} {
			if *b != nil {
				m := **b
				*b = &m
			}
		}
		blocks(w)
		if rows && len(w.PreApprovals) < 10 {
			w.PreApprovals = append(w.PreApprovals, form.PreApproval{})
		}
		if rows && w.App != nil && len(w.App.Platforms) < 10 {
			w.App.Platforms = append(w.App.Platforms, form.AppPlatform{})
		}
	}
	if c.Entity.Principal.LegalRepresentative != nil {
		lr := *c.Entity.Principal.LegalRepresentative
		c.Entity.Principal.LegalRepresentative = &lr
	}
	return c
}

// blocks gives w the block of its type and drops the others (a service
// whose type was just changed), and empties a home URL only websites have.
func blocks(w *form.Website) {
	t := w.Type()
	if t != icpnum.ServiceApp {
		w.App = nil
	} else if w.App == nil {
		w.App = &form.App{}
	}
	if t != icpnum.ServiceMiniProgram {
		w.MiniProgram = nil
	} else if w.MiniProgram == nil {
		w.MiniProgram = &form.MiniApp{}
	}
	if t != icpnum.ServiceQuickApp {
		w.QuickApp = nil
	} else if w.QuickApp == nil {
		w.QuickApp = &form.MiniApp{}
	}
	if t != icpnum.ServiceWebsite {
		w.HomeURL = ""
	}
}

// tidyServices undoes what editCopy added and the inputs left blank: blank
// pre-approvals and platforms, an empty legal-representative block, the
// blocks of other types.
func tidyServices(c *form.Content) {
	tidyPrincipal(&c.Entity.Principal)
	for i := range c.Websites {
		w := &c.Websites[i]
		var pas []form.PreApproval
		for _, p := range w.PreApprovals {
			if p != (form.PreApproval{}) {
				pas = append(pas, p)
			}
		}
		w.PreApprovals = pas
		blocks(w)
		if w.App != nil {
			var ps []form.AppPlatform
			for _, p := range w.App.Platforms {
				if p != (form.AppPlatform{}) {
					ps = append(ps, p)
				}
			}
			w.App.Platforms = ps
		}
		tidyPrincipal(&w.Principal)
	}
}

func tidyPrincipal(p *form.Principal) {
	if lr := p.LegalRepresentative; lr != nil && *lr == (form.LegalRepresentative{}) {
		p.LegalRepresentative = nil
	}
}
