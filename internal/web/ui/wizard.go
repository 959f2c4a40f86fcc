package ui

import (
	"context"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
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
	Error    string
}

func appID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	return id, nil
}

// stepSpecs returns the sections of inputs of an editing step.
func stepSpecs(op operation.Descriptor, c *form.Content, step string, l Lang) (titles []string, groups [][]spec, index []int) {
	switch step {
	case stepEntity:
		nums, ent, pr := entitySpecs(op)
		if nums != nil {
			titles, groups, index = append(titles, l.T("wizard.section.numbers")), append(groups, nums), append(index, -1)
		}
		titles = append(titles, l.T("wizard.section.entity"), l.T("wizard.section.entity_principal"))
		groups = append(groups, ent, pr)
		index = append(index, -1, -1)
	case stepWebsites:
		for i := range c.Websites {
			site, pr := websiteSpecs(op, i)
			titles = append(titles, l.T("wizard.section.website", i+1), l.T("wizard.section.website_principal", i+1))
			groups = append(groups, site, pr)
			index = append(index, i, -1)
		}
	}
	return titles, groups, index
}

// stepData builds the page of one step from the stored application.
func (u *UI) stepData(rq *request, app *filing.Application, step string) stepData {
	d := stepData{App: app, Step: step}
	c := &form.Content{}
	if app.Content != nil {
		cp := *app.Content
		c = &cp
	}
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
	titles, groups, index := stepSpecs(u.op(app.Operation), c, step, rq.lang)
	for i, g := range groups {
		d.Sections = append(d.Sections, section{Title: titles[i], Index: index[i], Fields: fields(g, c, rq.lang, &rest)})
	}
	for _, f := range rest {
		if step == stepReview || stepOf(f.Field) == step {
			d.Other = append(d.Other, f)
		}
	}
	if step == stepDocuments {
		for _, k := range filing.DocumentKinds() {
			d.DocKinds = append(d.DocKinds, Option{Value: k, Label: rq.lang.T("doc." + k)})
		}
	}
	if step == stepReview {
		for _, s := range steps(u.op(app.Operation)) {
			t, g, ix := stepSpecs(u.op(app.Operation), c, s, rq.lang)
			none := []finding.Finding{}
			for i := range g {
				d.Summary = append(d.Summary, section{Title: t[i], Index: ix[i], Fields: fields(g[i], c, rq.lang, &none)})
			}
		}
	}
	return d
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
	c := form.Content{}
	if app.Content != nil {
		c = *app.Content
	}
	if step == stepWebsites && len(c.Websites) == 0 {
		c.Websites = []form.Website{{}}
	}
	_, groups, _ := stepSpecs(u.op(app.Operation), &c, step, rq.lang)
	for _, g := range groups {
		apply(&c, g, r.PostFormValue)
	}
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
	updated, err := u.fil.Update(r.Context(), *rq.user, app.ID, filing.CreateRequest{Operation: string(app.Operation), Provider: app.Provider,
		Entity: c.Entity, Websites: c.Websites, EntityNumber: c.EntityNumber, EffectiveDate: c.EffectiveDate})
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
