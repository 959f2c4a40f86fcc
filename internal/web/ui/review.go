package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/gate"
)

type queueData struct {
	Status   string
	Statuses []Option
	Items    []queueRow
	Desk     string
	Charts   []template.HTML
	Gate     *gate.Snapshot
	Pending  int
}

// queueRow is an application in a desk's list with its services (type,
// name, number once issued).
type queueRow struct {
	*filing.Application
	Services []numberedSite
}

// queueStatuses are the filters of the queue page.
func queueStatuses() []string {
	return []string{"provider_review", "sms_verification", "authority_review", "approved", "rejected", "withdrawn", "expired", "voided", "all"}
}

// queue is a review desk's list, oldest deadline first with the business
// days left; the provider's desk also gets its charts and the gate status.
func (u *UI) queue(w http.ResponseWriter, r *http.Request, rq *request) error {
	st := r.URL.Query().Get("status")
	valid := false
	for _, s := range queueStatuses() {
		valid = valid || s == st
	}
	if !valid {
		st = string(filing.StatusProviderReview)
		if rq.user.Role == auth.RoleAuthority {
			st = string(filing.StatusAuthorityReview)
		}
	}
	items, err := u.fil.Queue(r.Context(), *rq.user, st, 200)
	if err != nil {
		return err
	}
	d := queueData{Status: st, Desk: string(rq.user.Role)}
	for _, a := range items {
		d.Items = append(d.Items, queueRow{Application: a, Services: servicesOf(a)})
	}
	for _, s := range queueStatuses() {
		label := rq.lang.T("queue.all")
		if s != "all" {
			label = rq.lang.T("status." + s)
		}
		d.Statuses = append(d.Statuses, Option{Value: s, Label: label, Selected: s == st})
	}
	if rq.user.Role == auth.RoleProvider {
		all, err := u.fil.Queue(r.Context(), *rq.user, "all", 500)
		if err != nil {
			return err
		}
		today := calendar.DateOf(u.fil.Now())
		series := queueSeries(all, u.fil.Calendar(), today, 14)
		var size, breach []bar
		for _, p := range series {
			lbl := p.Day.String()[5:]
			size = append(size, bar{Label: lbl, Value: p.Waiting - p.Overdue, Alert: p.Overdue})
			breach = append(breach, bar{Label: lbl, Value: p.OnTime, Alert: p.Late})
		}
		d.Charts = []template.HTML{
			barChart(rq.lang.T("chart.queue"), size, rq.lang.T("chart.waiting"), rq.lang.T("chart.overdue")),
			barChart(rq.lang.T("chart.decisions"), breach, rq.lang.T("chart.on_time"), rq.lang.T("chart.late")),
		}
		snap, err := u.fil.Snapshot(r.Context(), *rq.user)
		if err != nil {
			return err
		}
		d.Gate = &snap
		for _, e := range snap.Entries {
			if e.Status != gate.FeedApproved {
				d.Pending++
			}
		}
	}
	p := u.page(r, rq, "queue", rq.lang.T("queue.title"), d)
	if done, err := strconv.ParseInt(r.URL.Query().Get("done"), 10, 64); err == nil && done > 0 {
		p.Flash = rq.lang.T("queue.decided", done)
	}
	return u.tpl.render(w, http.StatusOK, p)
}

// decide records a desk's decision: the provider's or the authority's by
// the role. Reasons are the chosen templates' Chinese texts plus the note.
func (u *UI) decide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	d := filing.Decision{Decision: r.PostFormValue("decision")}
	chosen := map[string]bool{}
	for _, c := range r.PostForm["reason"] {
		chosen[c] = true
	}
	for _, t := range reasonTemplates() {
		if chosen[t.Code] {
			d.Reasons = append(d.Reasons, t.ZH)
		}
	}
	if note := strings.TrimSpace(r.PostFormValue("note")); note != "" {
		d.Reasons = append(d.Reasons, note)
	}
	if d.Decision == "approve" {
		d.Reasons = nil
		if note := strings.TrimSpace(r.PostFormValue("note")); note != "" {
			d.Reasons = []string{note}
		}
	}
	if rq.user.Role == auth.RoleProvider {
		_, err = u.fil.ProviderReview(r.Context(), *rq.user, id, d)
	} else {
		_, err = u.fil.AuthorityReview(r.Context(), *rq.user, id, d)
	}
	if err != nil {
		return u.refused(w, r, rq, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/review?done=%d", id), http.StatusSeeOther)
	return nil
}

// refused shows application id again with the refusal err of an operator's
// action on it; a server error is returned as such.
func (u *UI) refused(w http.ResponseWriter, r *http.Request, rq *request, id int64, err error) error {
	status, msg := u.describe(rq.lang, err)
	if status >= 500 {
		return err
	}
	cur, gerr := u.fil.Get(r.Context(), *rq.user, id)
	if gerr != nil {
		return err
	}
	dd := u.detailData(rq, cur)
	dd.Error = msg
	return u.tpl.render(w, status, u.page(r, rq, "application", rq.lang.T("application.title", id), dd))
}

// void ends a submitted application that blocks its entity (the provider
// desk for what was filed with it, the admin for any), with the reason the
// operator typed; a refusal re-renders the page with the message.
func (u *UI) void(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	if _, err := u.fil.Void(r.Context(), *rq.user, id, r.PostFormValue("void_reason")); err != nil {
		return u.refused(w, r, rq, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d", id), http.StatusSeeOther)
	return nil
}

// dayPoint is the provider desk on one business day: applications waiting
// at the end of it (and how many of them past their deadline), and the
// decisions made that day on time or late.
type dayPoint struct {
	Day              calendar.Date
	Waiting, Overdue int
	OnTime, Late     int
}

// queueSeries rebuilds the provider queue of the last n business days from
// the applications' histories: an application waits from its submission to
// the provider's decision (or its withdrawal); its deadline is 2 business
// days after submission, as the lifecycle computes it.
func queueSeries(apps []*filing.Application, cal *calendar.Calendar, today calendar.Date, n int) []dayPoint {
	days := make([]calendar.Date, 0, n)
	for d := cal.OnOrAfter(today); len(days) < n; d = d.AddDays(-1) {
		if cal.IsWorkday(d) {
			days = append(days, d)
		}
		if d < today.AddDays(-10*n) {
			break
		}
	}
	out := make([]dayPoint, len(days))
	for i := range days {
		out[i].Day = days[len(days)-1-i]
	}
	for _, a := range apps {
		for _, iv := range waits(a, cal) {
			for i := range out {
				d := out[i].Day
				if d >= iv.from && (iv.open || d < iv.to) && d <= today {
					out[i].Waiting++
					if d > iv.due {
						out[i].Overdue++
					}
				}
				if !iv.open && d == iv.to {
					if iv.to > iv.due {
						out[i].Late++
					} else {
						out[i].OnTime++
					}
				}
			}
		}
	}
	return out
}

type wait struct {
	from, to, due calendar.Date
	open          bool
}

// waits lists the spans an application spent in provider review.
func waits(a *filing.Application, cal *calendar.Calendar) []wait {
	var out []wait
	var cur *wait
	for _, h := range a.History {
		day := calendar.DateOf(h.At)
		if h.To == filing.StatusProviderReview {
			cur = &wait{from: day, due: cal.AddBusinessDays(day, filing.ProviderReviewDays), open: true}
			continue
		}
		if cur != nil && h.From == filing.StatusProviderReview {
			cur.to, cur.open = day, false
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}
