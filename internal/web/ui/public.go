package ui

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/beian/beian/internal/advisor"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

func (u *UI) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.show(w, r, rq, "home", nil)
}

// lookupData is the lookup page: the query, how it was read, the rows.
type lookupData struct {
	Q, By   string
	Asked   bool
	Error   string
	Results []filing.PublicFiling
}

// lookupKind decides what a free-text query is: a filing number, a domain
// (anything with a dot), or an entity name.
func lookupKind(q string) string {
	if _, err := icpnum.ParseFiling(q); err == nil {
		return "number"
	}
	if strings.Contains(q, ".") && !strings.ContainsAny(q, " \t") {
		return "domain"
	}
	return "entity"
}

// lookup is the public query over Filing.Lookup: no personal data.
func (u *UI) lookup(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := lookupData{Q: strings.TrimSpace(r.URL.Query().Get("q")), By: r.URL.Query().Get("by")}
	if d.Q != "" {
		d.Asked = true
		if d.By != "domain" && d.By != "number" && d.By != "entity" {
			d.By = lookupKind(d.Q)
		}
		var domain, number, entity string
		switch d.By {
		case "domain":
			domain = d.Q
		case "number":
			number = d.Q
		default:
			entity = d.Q
		}
		res, err := u.fil.Lookup(r.Context(), domain, number, entity)
		if err != nil {
			status, msg := u.describe(rq.lang, err)
			if status >= 500 {
				return err
			}
			d.Error = msg
		}
		d.Results = res
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
