package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/appinfo"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/operation"
)

// Wizard steps after the first (operation and provider).
const (
	stepEntity    = "entity"
	stepWebsites  = "websites"
	stepDocuments = "documents"
	stepReview    = "review"
)

// steps lists the wizard steps of op.
func steps(op operation.Descriptor) []string {
	if op.HasServices() {
		return []string{stepEntity, stepWebsites, stepDocuments, stepReview}
	}
	return []string{stepEntity, stepDocuments, stepReview}
}

// stepOf names the step where the input of a finding's field lives.
func stepOf(field string) string {
	switch {
	case strings.HasPrefix(field, "websites"):
		return stepWebsites
	case strings.HasPrefix(field, "entity"), field == "operation":
		return stepEntity
	}
	return stepReview
}

type newData struct {
	Operations []Option
	Providers  []Option
	// EntityNumber and WebsiteNumber name the filing an operation other
	// than first_filing acts on.
	EntityNumber, WebsiteNumber string
	Error                       string
}

func (u *UI) newData(r *http.Request, rq *request, op, prov string) (newData, error) {
	d := newData{EntityNumber: r.PostFormValue("entity_number"), WebsiteNumber: r.PostFormValue("website_number")}
	for _, o := range u.fil.Operations().List() {
		d.Operations = append(d.Operations, Option{Value: string(o.Name), Label: rq.lang.T(o.I18nKey()), Selected: string(o.Name) == op})
	}
	ps, err := u.acc.Providers(r.Context())
	if err != nil {
		return d, err
	}
	for _, p := range ps {
		d.Providers = append(d.Providers, Option{Value: p.Code, Label: p.Name, Selected: p.Code == prov})
	}
	return d, nil
}

func (u *UI) newForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := u.newData(r, rq, string(operation.FirstFiling), "")
	if err != nil {
		return err
	}
	return u.show(w, r, rq, "wizard_new", d)
}

// create starts a draft for the chosen operation and provider; the content
// comes in the next steps. An operation on a filed entity or website starts
// from what was filed (see prefill), because the service checks the numbers
// and the unchangeable fields from the first save on.
func (u *UI) create(w http.ResponseWriter, r *http.Request, rq *request) error {
	op, prov := r.PostFormValue("operation"), r.PostFormValue("provider")
	req := filing.CreateRequest{Operation: op, Provider: prov}
	if o, ok := u.fil.Operations().Parse(op); ok && (o.NamesFiledEntity() || o.NamesFiledServices()) {
		c, err := u.prefill(r.Context(), *rq.user, o, r.PostFormValue("entity_number"), r.PostFormValue("website_number"))
		if err != nil {
			return err
		}
		req.Entity, req.Websites, req.EntityNumber = c.Entity, c.Websites, c.EntityNumber
	}
	app, err := u.fil.Create(r.Context(), *rq.user, req)
	if err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		d, derr := u.newData(r, rq, op, prov)
		if derr != nil {
			return derr
		}
		d.Error = msg
		return u.tpl.render(w, status, u.page(r, rq, "wizard_new", rq.lang.T("wizard_new.title"), d))
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d/edit/%s", app.ID, stepEntity), http.StatusSeeOther)
	return nil
}

// section is a group of fields with a heading.
type section struct {
	Title  string
	Index  int // website index on the websites step, -1 otherwise
	Fields []Field
}

// stepLink is one entry of the wizard's progress list.
type stepLink struct {
	Key, URL, Label string
	Current         bool
	Errors          int
}

type stepData struct {
	App      *filing.Application
	Step     string
	Steps    []stepLink
	Sections []section
	Other    []finding.Finding
	Next     string
	Blocking bool
	Errors   int
	Warnings int
	DocKinds []Option
	Summary  []section
	Sites    int
	Icons    []iconForm
	Error    string
}

func appID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	return id, nil
}

// stepSpecs returns the groups of inputs of an editing step.
func stepSpecs(e specEnv, c *form.Content, step string, l Lang) []group {
	var out []group
	switch step {
	case stepEntity:
		nums, ent, pr := entitySpecs(e.op)
		if nums != nil {
			out = append(out, group{title: l.T("wizard.section.numbers"), specs: nums, index: -1})
		}
		out = append(out, group{title: l.T("wizard.section.entity"), specs: ent, index: -1},
			group{title: l.T("wizard.section.entity_principal"), specs: pr, index: -1})
	case stepWebsites:
		for i := range c.Websites {
			out = append(out, serviceGroups(e, c, i, l)...)
		}
	}
	return out
}

// iconForm is the upload form of one App's icon, outside the step's form
// (forms do not nest); the icon input inside the service's fieldset
// belongs to it through its form attribute.
type iconForm struct{ ID, Action string }

// stepData builds the page of one step from the stored application.
func (u *UI) stepData(rq *request, app *filing.Application, step string) stepData {
	d := stepData{App: app, Step: step}
	c := editCopy(app, true)
	if step == stepWebsites && len(c.Websites) == 0 {
		c.Websites = []form.Website{{}}
	}
	d.Sites = len(c.Websites)
	counts := map[string]int{}
	for _, f := range app.Findings {
		if f.Severity == finding.Error {
			counts[stepOf(f.Field)]++
			d.Errors++
		} else {
			d.Warnings++
		}
	}
	d.Blocking = d.Errors > 0
	all := steps(u.op(app.Operation))
	for i, s := range all {
		d.Steps = append(d.Steps, stepLink{Key: s, URL: fmt.Sprintf("/applications/%d/edit/%s", app.ID, s),
			Label: rq.lang.T("wizard.step." + s), Current: s == step, Errors: counts[s]})
		if s == step && i+1 < len(all) {
			d.Next = all[i+1]
		}
	}
	rest := append([]finding.Finding(nil), app.Findings...)
	env := u.envOf(app)
	for _, g := range stepSpecs(env, &c, step, rq.lang) {
		d.Sections = append(d.Sections, section{Title: g.title, Index: g.index, Fields: fields(g.specs, &c, rq.lang, &rest)})
	}
	if step == stepWebsites {
		for i, w := range c.Websites {
			if w.Type() == icpnum.ServiceApp {
				d.Icons = append(d.Icons, iconForm{ID: iconFormID(i), Action: fmt.Sprintf("/applications/%d/services/%d/icon", app.ID, i)})
			}
		}
	}
	for _, f := range rest {
		if !placeUnder(d.Sections, f) && (step == stepReview || stepOf(f.Field) == step) {
			d.Other = append(d.Other, f)
		}
	}
	if step == stepDocuments {
		for _, k := range filing.DocumentKinds() {
			d.DocKinds = append(d.DocKinds, Option{Value: k, Label: rq.lang.T("doc." + k)})
		}
	}
	if step == stepReview {
		d.Summary = u.summary(rq.lang, app)
	}
	return d
}

// placeUnder shows a finding about a whole block or list (a missing App
// block, the legal-representative block, the platforms) at the first input
// inside it, and reports whether there was one.
func placeUnder(secs []section, f finding.Finding) bool {
	if f.Field == "" {
		return false
	}
	for i := range secs {
		for j := range secs[i].Fields {
			fd := &secs[i].Fields[j]
			if strings.HasPrefix(fd.Name, f.Field+".") || strings.HasPrefix(fd.Name, f.Field+"[") {
				fd.Findings = append(fd.Findings, f)
				return true
			}
		}
	}
	return false
}

// summary is the whole content of app as labelled values, step by step:
// the wizard's last step and the review desks show it.
func (u *UI) summary(l Lang, app *filing.Application) []section {
	c := editCopy(app, false)
	env := u.envOf(app)
	var out []section
	for _, s := range steps(env.op) {
		for _, g := range stepSpecs(env, &c, s, l) {
			none := []finding.Finding{}
			out = append(out, section{Title: g.title, Index: g.index, Fields: fields(g.specs, &c, l, &none)})
		}
	}
	return out
}

func validStep(op operation.Descriptor, step string) bool {
	for _, s := range steps(op) {
		if s == step {
			return true
		}
	}
	return false
}

// editable loads the applicant's application for a wizard step.
func (u *UI) editable(r *http.Request, rq *request) (*filing.Application, string, error) {
	id, err := appID(r)
	if err != nil {
		return nil, "", err
	}
	app, err := u.fil.Get(r.Context(), *rq.user, id)
	if err != nil {
		return nil, "", err
	}
	step := r.PathValue("step")
	if !validStep(u.op(app.Operation), step) {
		return nil, "", &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	if !app.Status.Editable() {
		return nil, "", &pageError{kind: fault.Conflict, key: "err.not_editable", args: []any{rq.lang.T("status." + string(app.Status))}}
	}
	return app, step, nil
}

func (u *UI) stepForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	app, step, err := u.editable(r, rq)
	if err != nil {
		return err
	}
	return u.renderStep(w, r, rq, http.StatusOK, app, step, "")
}

func (u *UI) renderStep(w http.ResponseWriter, r *http.Request, rq *request, status int, app *filing.Application, step, msg string) error {
	d := u.stepData(rq, app, step)
	d.Error = msg
	name := "wizard_step"
	if step == stepDocuments || step == stepReview {
		name = "wizard_" + step
	}
	title := rq.lang.T("wizard.step."+step) + " · " + rq.lang.T("op."+string(app.Operation))
	return u.tpl.render(w, status, u.page(r, rq, name, title, d))
}

// saveStep stores the inputs of one step with Filing.Update (which re-runs
// the checks) and goes where the button said: stay (show the findings),
// next, or add/remove a website. A script's background save (live findings)
// gets the page back instead of a redirect.
func (u *UI) saveStep(w http.ResponseWriter, r *http.Request, rq *request) error {
	app, step, err := u.editable(r, rq)
	if err != nil {
		return err
	}
	c := editCopy(app, true)
	if step == stepWebsites && len(c.Websites) == 0 {
		c.Websites = []form.Website{{}}
	}
	if err := r.ParseForm(); err != nil {
		return &pageError{kind: fault.Malformed, key: "err.bad_form"}
	}
	for _, g := range stepSpecs(u.envOf(app), &c, step, rq.lang) {
		apply(&c, g.specs, r.PostForm)
	}
	tidyServices(&c)
	next := step
	switch act := r.PostFormValue("go"); {
	case act == "next":
		d := u.stepData(rq, app, step)
		if d.Next != "" {
			next = d.Next
		}
	case act == "add" && step == stepWebsites && len(c.Websites) < 20:
		c.Websites = append(c.Websites, form.Website{})
	case strings.HasPrefix(act, "remove-") && step == stepWebsites:
		if i, err := strconv.Atoi(strings.TrimPrefix(act, "remove-")); err == nil && i >= 0 && i < len(c.Websites) {
			c.Websites = append(c.Websites[:i], c.Websites[i+1:]...)
		}
	}
	updated, err := u.save(r.Context(), *rq.user, app, c)
	if err != nil {
		return err
	}
	if r.Header.Get("X-Requested-With") == "fetch" {
		return u.renderStep(w, r, rq, http.StatusOK, updated, step, "")
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d/edit/%s", app.ID, next), http.StatusSeeOther)
	return nil
}

// prefill is the starting content of operation op (not first_filing) on
// the entity numbered entityNum and, for operations on a filed website, the
// website numbered siteNum (the entity number may be left out then). The
// entity and the website are copied from the newest approved application of
// the applicant that issued or changed them, so that the steps show what is
// on file; numbers filed elsewhere start blank and the service's checks say
// what is missing. new_website starts with one empty website.
func (u *UI) prefill(ctx context.Context, user auth.Principal, op operation.Descriptor, entityNum, siteNum string) (form.Content, error) {
	entityNum, siteNum = strings.TrimSpace(entityNum), strings.TrimSpace(siteNum)
	if f, err := icpnum.ParseFiling(siteNum); err == nil && f.Site > 0 {
		siteNum = f.String()
		if entityNum == "" {
			entityNum = f.Entity().String()
		}
	}
	if f, err := icpnum.ParseFiling(entityNum); err == nil {
		entityNum = f.Entity().String()
	}
	c := form.Content{EntityNumber: entityNum}
	var site *form.Website
	if op.NamesFiledServices() {
		site = &form.Website{Number: siteNum}
	}
	apps, err := u.fil.MyApplications(ctx, user)
	if err != nil {
		return c, fmt.Errorf("filed data for %s: %w", entityNum, err)
	}
	gotEntity, gotSite := false, site == nil || siteNum == ""
	for _, a := range apps {
		if a.Status != filing.StatusApproved || a.Content == nil || a.EntityNumber == nil || *a.EntityNumber != entityNum {
			continue
		}
		if !gotEntity {
			c.Entity, gotEntity = a.Content.Entity, true
		}
		for i, n := range a.WebsiteNumbers {
			if !gotSite && n == siteNum && i < len(a.Content.Websites) {
				*site = a.Content.Websites[i]
				site.Number, gotSite = n, true
			}
		}
	}
	switch {
	case site != nil:
		c.Websites = []form.Website{*site}
	case op.HasServices():
		c.Websites = []form.Website{{}}
	}
	return c, nil
}

// uploadIcon stores the icon of service {svc}, an App: the file must pass
// appinfo.ValidateIcon (PNG or JPEG by its bytes, at most 100 KB, sane
// pixel size) before it is kept; it is attached to the application as a
// document and the App block names it. A refused file shows the services
// step again with the reason.
func (u *UI) uploadIcon(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.SetPathValue("step", stepWebsites)
	app, _, err := u.editable(r, rq)
	if err != nil {
		return err
	}
	c := editCopy(app, false)
	i, err := strconv.Atoi(r.PathValue("svc"))
	if err != nil || i < 0 || i >= len(c.Websites) || c.Websites[i].Type() != icpnum.ServiceApp {
		return &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	f, _, err := r.FormFile("icon")
	if err != nil {
		return u.renderStep(w, r, rq, http.StatusUnprocessableEntity, app, stepWebsites, rq.lang.T("err.file_required"))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, appinfo.MaxIconBytes+1))
	if err != nil {
		return fmt.Errorf("read the icon of application %d: %w", app.ID, err)
	}
	if res := appinfo.ValidateIcon(b); !res.Valid {
		msg := ""
		for _, fd := range res.Findings {
			msg = rq.lang.T("err.icon.upload", rq.lang.Pick(fd.MessageZH, fd.MessageEN))
		}
		return u.renderStep(w, r, rq, http.StatusUnprocessableEntity, app, stepWebsites, msg)
	}
	blob, err := u.blobs.Put(r.Context(), bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("store the icon of application %d: %w", app.ID, err)
	}
	doc, err := u.fil.AddDocument(r.Context(), *rq.user, app.ID, iconDocumentKind, blob)
	if err != nil {
		return err
	}
	appOf(&c, i).Icon = docRef(doc.ID)
	tidyServices(&c)
	if _, err := u.save(r.Context(), *rq.user, app, c); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d/edit/%s#%s", app.ID, stepWebsites, fieldID(fmt.Sprintf("websites[%d].app.icon", i))), http.StatusSeeOther)
	return nil
}

// iconDocumentKind is the document kind an App icon is kept under, until
// the filing service has a kind of its own for it.
const iconDocumentKind = "other"

// save stores content c of app with Filing.Update, which re-runs the checks.
func (u *UI) save(ctx context.Context, user auth.Principal, app *filing.Application, c form.Content) (*filing.Application, error) {
	return u.fil.Update(ctx, user, app.ID, filing.CreateRequest{Operation: string(app.Operation), Provider: app.Provider,
		Entity: c.Entity, Websites: c.Websites, EntityNumber: c.EntityNumber, EffectiveDate: c.EffectiveDate})
}
