package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/beian/beian/internal/advisor"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/lookup"
)

func (u *UI) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.show(w, r, rq, "home", nil)
}

// Searcher is the public lookup the page asks (lookup.Handler): the same
// answers as GET /api/v1/filings, under the same per-client rate limit.
type Searcher interface {
	SearchFor(ctx context.Context, r *http.Request, q lookup.Query) (lookup.Page, error)
}

// lookupData is the lookup page: the query, how it was read, the rows and
// the link to the next page.
type lookupData struct {
	Q, By, Type string
	Asked       bool
	Error       string
	Results     []lookup.Record
	Next        string // URL of the next page, "" on the last
	Types       []string
}

// serviceTypes are the values of the page's service-type filter.
var serviceTypes = []string{string(icpnum.ServiceWebsite), string(icpnum.ServiceApp), string(icpnum.ServiceMiniProgram), string(icpnum.ServiceQuickApp)}

// lookup is the public query page over the lookup package: no personal
// data, paginated by the lookup's cursor.
func (u *UI) lookup(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := r.URL.Query()
	d := lookupData{Q: strings.TrimSpace(v.Get("q")), By: v.Get("by"), Type: v.Get("type"), Types: serviceTypes}
	if d.Q == "" {
		return u.show(w, r, rq, "lookup", d)
	}
	d.Asked = true
	var q lookup.Query
	q, d.By = lookup.FreeText(d.Q, d.By, d.Type, v.Get("cursor"))
	if u.search == nil {
		return errors.New("ui: no lookup configured")
	}
	page, err := u.search.SearchFor(r.Context(), r, q)
	var le *lookup.Error
	switch {
	case errors.As(err, &le):
		d.Error = rq.lang.Pick(le.ZH, le.EN)
	case err != nil:
		return err
	}
	d.Results = page.Items
	if page.Next != "" {
		next := url.Values{"q": {d.Q}, "by": {d.By}, "cursor": {page.Next}}
		if d.Type != "" {
			next.Set("type", d.Type)
		}
		d.Next = "/lookup?" + next.Encode()
	}
	return u.show(w, r, rq, "lookup", d)
}

// advisorData is one step of the advisor, with the answers so far.
type advisorData struct {
	Step       int
	Hosting    string
	Commercial string
	Nature     string
	Foreign    string
	Start      string
	Hostings   []string
	Natures    []string
	Error      string
	Plan       *advisor.Plan
	Timeline   template.HTML
}

// advisor walks the four questions of advisor.Advise one page at a time
// (answers carried in the query, so it works without JavaScript and can be
// bookmarked) and then shows the plan with its dated timeline.
func (u *UI) advisor(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	today := calendar.DateOf(u.fil.Now())
	d := advisorData{Hosting: q.Get("hosting"), Commercial: q.Get("commercial"), Nature: q.Get("nature"),
		Foreign: q.Get("foreign"), Start: q.Get("start"), Hostings: advisor.Hostings, Natures: form.Natures}
	if d.Start == "" {
		d.Start = today.String()
	}
	d.Step = 1
	switch {
	case d.Hosting == "":
	case d.Hosting != advisor.HostingMainland:
		d.Step = 5 // offshore: nothing else matters
		d.Nature, d.Commercial = form.NatureEnterprise, "no"
	case d.Commercial == "":
		d.Step = 2
	case d.Nature == "":
		d.Step = 3
	case q.Get("step") != "5":
		d.Step = 4
	default:
		d.Step = 5
	}
	if d.Step < 5 {
		return u.show(w, r, rq, "advisor", d)
	}
	start, err := calendar.ParseDate(d.Start)
	if err != nil {
		d.Step, d.Error = 4, rq.lang.T("advisor.bad_date")
		return u.show(w, r, rq, "advisor", d)
	}
	plan, err := advisor.Advise(advisor.Input{Hosting: d.Hosting, Commercial: d.Commercial == "yes", Nature: d.Nature,
		Foreign: d.Foreign == "yes", Start: start}, u.fil.Calendar())
	if err != nil {
		d.Step, d.Hosting, d.Error = 1, "", rq.lang.T("advisor.bad_input")
		return u.show(w, r, rq, "advisor", d)
	}
	d.Plan = &plan
	var evs []tlEvent
	for _, s := range plan.Timeline {
		evs = append(evs, tlEvent{Date: s.Date, Label: rq.lang.Pick(s.Title.ZH, s.Title.EN), Deadline: s.Deadline})
	}
	d.Timeline = timelineSVG(evs, today, rq.lang)
	return u.show(w, r, rq, "advisor", d)
}

// footerData is the footer-snippet generator page.
type footerData struct {
	ICP, PSB, Icon string
	Asked          bool
	Snippet        Snippet
	Preview        template.HTML
}

// footerSnippet turns the numbers into the footer HTML to paste, with a
// preview drawn from the same snippet (the icon replaced by the embedded
// badge, so the preview loads nothing from elsewhere).
func (u *UI) footerSnippet(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := footerData{ICP: q.Get("icp"), PSB: q.Get("psb"), Icon: q.Get("icon")}
	if d.Icon == "" {
		d.Icon = DefaultPSBIcon
	}
	if q.Has("icp") {
		d.Asked = true
		d.Snippet = MakeSnippet(d.ICP, d.PSB, d.Icon)
		if d.Snippet.HTML != "" {
			prev := MakeSnippet(d.ICP, d.PSB, u.assets.url("psb-badge.svg"))
			// The snippet is built by MakeSnippet from normalised numbers with
			// every value escaped; it is safe to show as markup.
			d.Preview = template.HTML(prev.HTML)
		}
	}
	return u.show(w, r, rq, "footer", d)
}
