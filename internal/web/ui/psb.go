package ui

import (
	"fmt"
	"github.com/beian/beian/internal/fault"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
)

// psbStatuses are the filters of the PSB desk's queue.
func psbStatuses() []string { return []string{"pending", "inspection", "approved", "rejected"} }

// formErr is a service refusal shown next to the input it names: Form is
// the form it came from ("golive" or "psb"), Field the input ("go_live",
// "county_code", "reasons", or "" for the form as a whole).
type formErr struct {
	Site  int64
	Form  string
	Field string
	Msg   string
}

// siteRow is one filed website on the applicant's "My websites" page.
type siteRow struct {
	filing.Website
	// DaysLeft counts business days to the PSB due date (negative when
	// overdue); nil when no go-live date is recorded or the number is issued.
	DaysLeft  *int
	CanGoLive bool
	CanFile   bool
	Err       *formErr
	// Values typed in the forms, kept when a form comes back with an error.
	GoLive      string
	Interactive bool
}

type websitesData struct {
	Sites []siteRow
	Today string
	Err   *formErr
}

// websites is the applicant's "My websites" page: every filed website with
// its go-live date, its PSB due date and the PSB filing's progress, and the
// forms to record the go-live date and to file with the PSB.
func (u *UI) websites(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.renderWebsites(w, r, rq, http.StatusOK, nil)
}

func (u *UI) renderWebsites(w http.ResponseWriter, r *http.Request, rq *request, status int, fe *formErr) error {
	sites, err := u.fil.MyWebsites(r.Context(), *rq.user)
	if err != nil {
		return err
	}
	today := calendar.DateOf(u.fil.Now())
	d := websitesData{Today: today.String()}
	for _, ws := range sites {
		row := siteRow{Website: ws, CanGoLive: ws.Status == "active"}
		row.CanFile = row.CanGoLive && (ws.PSBStatus == nil || *ws.PSBStatus == "rejected")
		if ws.GoLive != nil {
			row.GoLive = *ws.GoLive
		}
		if ws.PSBDue != nil && ws.PSBNumber == nil {
			if due, err := calendar.ParseDate(*ws.PSBDue); err == nil {
				n := u.fil.Calendar().BusinessDaysLeft(today, due)
				row.DaysLeft = &n
			}
		}
		if fe != nil && fe.Site == ws.ID {
			row.Err = fe
			if v := strings.TrimSpace(r.PostFormValue("go_live")); v != "" {
				row.GoLive = v
			}
			row.Interactive = r.PostFormValue("interactive") != ""
		}
		d.Sites = append(d.Sites, row)
	}
	p := u.page(r, rq, "websites", rq.lang.T("websites.title"), d)
	switch r.URL.Query().Get("done") {
	case "go_live":
		p.Flash = rq.lang.T("websites.go_live_saved")
	case "psb":
		p.Flash = rq.lang.T("websites.psb_filed")
	}
	return u.tpl.render(w, status, p)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	return id, nil
}

// websiteRefusal shows a refused form again on the websites page with the
// message next to its field; a missing or foreign website stays a 404 page.
func (u *UI) websiteRefusal(w http.ResponseWriter, r *http.Request, rq *request, id int64, form string, err error) error {
	status, msg := u.describe(rq.lang, err)
	fe, ok := fault.As(err)
	if !ok || (status != http.StatusUnprocessableEntity && status != http.StatusConflict) {
		return err
	}
	return u.renderWebsites(w, r, rq, status, &formErr{Site: id, Form: form, Field: fe.Field, Msg: msg})
}

// goLive records the day a filed website went live.
func (u *UI) goLive(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.fil.SetGoLive(r.Context(), *rq.user, id, r.PostFormValue("go_live")); err != nil {
		return u.websiteRefusal(w, r, rq, id, "golive", err)
	}
	http.Redirect(w, r, "/websites?done=go_live", http.StatusSeeOther)
	return nil
}

// filePSB opens the PSB filing of a website (recording the go-live date
// given with it).
func (u *UI) filePSB(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	req := filing.PSBRequest{GoLive: r.PostFormValue("go_live"), Interactive: r.PostFormValue("interactive") != ""}
	if _, err := u.fil.FilePSB(r.Context(), *rq.user, id, req); err != nil {
		return u.websiteRefusal(w, r, rq, id, "psb", err)
	}
	http.Redirect(w, r, "/websites?done=psb", http.StatusSeeOther)
	return nil
}

// psbRow is one PSB filing in the desk's queue.
type psbRow struct {
	*filing.PSBFiling
	DaysLeft int
	Late     int // business days past the due date, when DaysLeft < 0
}

func (u *UI) psbRowOf(p *filing.PSBFiling, today calendar.Date) psbRow {
	row := psbRow{PSBFiling: p}
	if due, err := calendar.ParseDate(p.DueDate); err == nil {
		row.DaysLeft = u.fil.Calendar().BusinessDaysLeft(today, due)
		row.Late = max(0, -row.DaysLeft)
	}
	return row
}

type psbQueueData struct {
	Status   string
	Statuses []Option
	Items    []psbRow
}

// psbQueue is the PSB desk's list, earliest due date first, with the
// business days left and the interactive and inspection marks.
func (u *UI) psbQueue(w http.ResponseWriter, r *http.Request, rq *request) error {
	st := r.URL.Query().Get("status")
	valid := false
	for _, s := range psbStatuses() {
		valid = valid || s == st
	}
	if !valid {
		st = "pending"
	}
	items, err := u.fil.PSBQueue(r.Context(), *rq.user, st)
	if err != nil {
		return err
	}
	today := calendar.DateOf(u.fil.Now())
	d := psbQueueData{Status: st}
	for _, s := range psbStatuses() {
		d.Statuses = append(d.Statuses, Option{Value: s, Label: rq.lang.T("psb.status." + s), Selected: s == st})
	}
	for _, p := range items {
		d.Items = append(d.Items, u.psbRowOf(p, today))
	}
	return u.show(w, r, rq, "psb_queue", d)
}

type psbDetailData struct {
	P         psbRow
	CanDecide bool
	// FirstOfTwo is set when approving now moves an interactive site to
	// the on-site inspection instead of issuing the number.
	FirstOfTwo bool
	County     string
	Note       string
	Err        *formErr
}

func (u *UI) psbDetailData(rq *request, p *filing.PSBFiling) psbDetailData {
	d := psbDetailData{P: u.psbRowOf(p, calendar.DateOf(u.fil.Now()))}
	d.CanDecide = p.Status == "pending" || p.Status == "inspection"
	d.FirstOfTwo = p.Status == "pending" && p.InspectionRequired
	return d
}

func (u *UI) renderPSB(w http.ResponseWriter, r *http.Request, rq *request, status int, d psbDetailData) error {
	p := u.page(r, rq, "psb", rq.lang.T("psb.title", d.P.ID), d)
	switch r.URL.Query().Get("done") {
	case "inspection":
		p.Flash = rq.lang.T("psb.moved_inspection")
	case "approved":
		p.Flash = rq.lang.T("psb.issued", d.P.Number)
	case "rejected":
		p.Flash = rq.lang.T("psb.rejected")
	}
	return u.tpl.render(w, status, p)
}

// psbDetail shows one PSB filing to the desk with the approve and reject
// forms while it is open.
func (u *UI) psbDetail(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.fil.GetPSB(r.Context(), *rq.user, id)
	if err != nil {
		return err
	}
	return u.renderPSB(w, r, rq, http.StatusOK, u.psbDetailData(rq, p))
}

// psbDecide records the desk's decision: approve with the accepting
// county's 6-digit code (an interactive site's first approval moves it to
// the on-site inspection), or reject with reasons, one a line.
func (u *UI) psbDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	dec := filing.PSBDecision{Decision: r.PostFormValue("decision"), CountyCode: strings.TrimSpace(r.PostFormValue("county_code"))}
	note := r.PostFormValue("reasons")
	if dec.Decision == "reject" {
		for _, line := range strings.Split(note, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				dec.Reasons = append(dec.Reasons, line)
			}
		}
	}
	p, err := u.fil.ReviewPSB(r.Context(), *rq.user, id, dec)
	if err != nil {
		status, msg := u.describe(rq.lang, err)
		fe, ok := fault.As(err)
		if !ok || (status != http.StatusUnprocessableEntity && status != http.StatusConflict) {
			return err
		}
		cur, gerr := u.fil.GetPSB(r.Context(), *rq.user, id)
		if gerr != nil {
			return gerr
		}
		d := u.psbDetailData(rq, cur)
		d.County, d.Note = dec.CountyCode, note
		d.Err = &formErr{Site: id, Form: dec.Decision, Field: fe.Field, Msg: msg}
		return u.renderPSB(w, r, rq, status, d)
	}
	http.Redirect(w, r, fmt.Sprintf("/psb/%d?done=%s", id, p.Status), http.StatusSeeOther)
	return nil
}
