package ui

import (
	"fmt"
	"github.com/beian/beian/internal/fault"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/secret"
)

// numbered is an approved filing as the dashboard lists it.
type numbered struct {
	AppID    int64
	Entity   string
	Number   string
	Websites []numberedSite
	Approved calendar.Date
	PSBDue   calendar.Date
	// PSBRecorded is set when PSBDue comes from a recorded go-live date, not the approval day.
	PSBRecorded bool
}

// numberedSite is one filed service: its number (…号-1, …号-2A), type
// (a service type code; the page shows its name) and name.
type numberedSite struct{ Number, Type, Name, Domains string }

// servicesOf lists the services of an application with their numbers
// (those approval issued, or those an operation on filed services names),
// types (a service type code; pages show its name), names and a website's
// domains.
func servicesOf(a *filing.Application) []numberedSite {
	var sites []form.Website
	if a.Content != nil {
		sites = a.Content.Websites
	}
	var out []numberedSite
	for i := 0; i < max(len(a.WebsiteNumbers), len(sites)); i++ {
		s := numberedSite{Type: string(icpnum.ServiceWebsite)}
		if i < len(sites) {
			ws := sites[i]
			s.Number, s.Name, s.Type = ws.Number, ws.Name, string(ws.Type())
			for j, dm := range ws.Domains {
				if j > 0 {
					s.Domains += ", "
				}
				s.Domains += dm.Name
			}
		}
		if i < len(a.WebsiteNumbers) {
			s.Number = a.WebsiteNumbers[i]
		}
		// The issued number's letter says the type, whatever the content.
		if f, err := icpnum.ParseFiling(s.Number); err == nil && f.Service != "" {
			s.Type = string(f.Service)
		}
		out = append(out, s)
	}
	return out
}

type dashboardData struct {
	Numbers   []numbered
	Open      []*filing.Application
	Closed    []*filing.Application
	Deadlines template.HTML
}

// approvedOn returns the day an application was approved, from its history.
func approvedOn(a *filing.Application) (calendar.Date, bool) {
	for _, h := range a.History {
		if h.To == filing.StatusApproved {
			return calendar.DateOf(h.At), true
		}
	}
	return 0, false
}

// dashboard is the applicant's home: numbers, open applications and the
// deadlines ahead. Operators land on their own desk instead.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user.Role != auth.RoleApplicant {
		http.Redirect(w, r, home(rq.user.Role), http.StatusSeeOther)
		return nil
	}
	apps, err := u.fil.MyApplications(r.Context(), *rq.user)
	if err != nil {
		return err
	}
	today := calendar.DateOf(u.fil.Now())
	// Websites whose go-live is recorded have a real PSB due date.
	sites, err := u.fil.MyWebsites(r.Context(), *rq.user)
	if err != nil {
		return err
	}
	recorded := map[string]calendar.Date{}
	for _, ws := range sites {
		if ws.PSBDue == nil || ws.PSBNumber != nil {
			continue
		}
		if due, err := calendar.ParseDate(*ws.PSBDue); err == nil {
			if cur, ok := recorded[ws.EntityNumber]; !ok || due < cur {
				recorded[ws.EntityNumber] = due
			}
		}
	}
	var d dashboardData
	var evs []tlEvent
	for _, a := range apps {
		switch {
		case a.Status == filing.StatusApproved && a.EntityNumber != nil:
			n := numbered{AppID: a.ID, Entity: a.EntityName, Number: *a.EntityNumber}
			if day, ok := approvedOn(a); ok {
				n.Approved, n.PSBDue = day, day.AddDays(filing.PSBDays)
				if due, ok := recorded[n.Number]; ok {
					n.PSBDue, n.PSBRecorded = due, true
				}
				if n.PSBDue >= today {
					evs = append(evs, tlEvent{Date: n.PSBDue, Deadline: true, Label: rq.lang.T("dash.psb_due", n.Number)})
				}
			}
			n.Websites = servicesOf(a)
			d.Numbers = append(d.Numbers, n)
		case a.Status.Open() || a.Status == filing.StatusRejected:
			d.Open = append(d.Open, a)
			if a.DueDate != nil {
				if due, err := calendar.ParseDate(*a.DueDate); err == nil {
					evs = append(evs, tlEvent{Date: due, Deadline: true, Alert: due < today,
						Label: rq.lang.T("dash.review_due", a.ID, rq.lang.T("status."+string(a.Status)))})
				}
			}
			if a.SMSExpiresAt != nil {
				evs = append(evs, tlEvent{Date: calendar.DateOf(*a.SMSExpiresAt), Deadline: true, Label: rq.lang.T("dash.sms_due", a.ID)})
			}
		default:
			d.Closed = append(d.Closed, a)
		}
	}
	d.Deadlines = timelineSVG(evs, today, rq.lang)
	return u.show(w, r, rq, "dashboard", d)
}

// reasonTemplate is a canned rejection reason. The reason recorded is the
// Chinese text: the data stays in Chinese as the authority requires.
type reasonTemplate struct{ Code, ZH, EN string }

// reasonTemplates are the reviewers' usual reasons, after Huawei Cloud's
// rejection FAQ (https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/faq/备案驳回咨询.md).
func reasonTemplates() []reasonTemplate {
	return []reasonTemplate{
		{"photo", "证件照片不清晰或不完整，请上传原件彩色扫描件", "ID photo unclear or incomplete: upload a colour scan of the original"},
		{"documents", "缺少必要材料（如域名证书、承诺书），请补充上传", "required documents missing (e.g. domain certificate, commitment letter): upload them"},
		{"sitename", "网站名称不符合要求，请修改（不得使用域名、纯英文或敏感词）", "website name not acceptable: change it (no domain, Latin-only or sensitive words)"},
		{"holder", "域名持有者与主办单位名称不一致", "the domain holder differs from the entity name"},
		{"address", "通信地址与证件地址或所在省份不一致", "the address does not match the certificate or the province"},
		{"unreachable", "审核电话无法联系到负责人，请保持电话畅通", "the reviewer could not reach the principal by phone: keep the phone reachable"},
		{"content", "网站内容涉及前置审批，请提供相关审批文件", "the site content needs a pre-approval: provide the approval"},
	}
}

type docView struct {
	filing.Document
	URL   string
	Image bool
}

type fixItem struct {
	Finding finding.Finding
	URL     string
}

type detailData struct {
	App         *filing.Application
	Timeline    template.HTML
	Owner       bool
	CanEdit     bool
	CanWithdraw bool
	CanSMS      bool
	CanDecide   bool
	CanVoid     bool
	Desk        string
	Reasons     []reasonTemplate
	Rejection   *filing.History
	Fix         []fixItem
	Docs        []docView
	// Services are the numbered services of an approved application;
	// Summary is the whole content, labelled as the wizard shows it.
	Services []numberedSite
	Summary  []section
	Error    string
}

// maskIDs masks the personal ID numbers of a summary, as the letters do
// for everyone but the owner: the desks check the scans, and a page is
// easily copied.
func maskIDs(secs []section) {
	for i := range secs {
		for j := range secs[i].Fields {
			if f := &secs[i].Fields[j]; strings.HasSuffix(f.Name, ".id_number") && f.Display != "" {
				f.Display = secret.MaskID(f.Display)
			}
		}
	}
}

// application loads the application of the {id} path value as the signed-in user may see it.
func (u *UI) application(r *http.Request, rq *request) (*filing.Application, error) {
	id, err := appID(r)
	if err != nil {
		return nil, err
	}
	return u.fil.Get(r.Context(), *rq.user, id)
}

// detail shows one application to whoever may see it, with the actions
// that role has in the current state.
func (u *UI) detail(w http.ResponseWriter, r *http.Request, rq *request) error {
	app, err := u.application(r, rq)
	if err != nil {
		return err
	}
	return u.tpl.render(w, http.StatusOK, u.page(r, rq, "application", rq.lang.T("application.title", app.ID), u.detailData(rq, app)))
}

func (u *UI) detailData(rq *request, app *filing.Application) detailData {
	d := detailData{App: app, Owner: rq.user.Role == auth.RoleApplicant}
	st := app.Status
	if d.Owner {
		d.CanEdit = st.Editable()
		d.CanWithdraw = u.op(app.Operation).Withdrawable() && (st.Editable() || st == filing.StatusProviderReview || st == filing.StatusSMSVerification)
		d.CanSMS = st == filing.StatusSMSVerification
	}
	switch {
	case rq.user.Role == auth.RoleProvider && st == filing.StatusProviderReview:
		d.CanDecide, d.Desk = true, "provider"
	case rq.user.Role == auth.RoleAuthority && st == filing.StatusAuthorityReview:
		d.CanDecide, d.Desk = true, "authority"
	}
	if d.CanDecide {
		d.Reasons = reasonTemplates()
	}
	d.CanVoid = (rq.user.Role == auth.RoleProvider || rq.user.Role == auth.RoleAdmin) &&
		(st == filing.StatusProviderReview || st == filing.StatusSMSVerification || st == filing.StatusAuthorityReview)
	for i := len(app.History) - 1; i >= 0; i-- {
		if app.History[i].To == filing.StatusRejected {
			h := app.History[i]
			d.Rejection = &h
			break
		}
	}
	d.Summary = u.summary(rq.lang, app)
	if d.Owner && d.CanEdit {
		for _, f := range app.Findings {
			step := stepOf(f.Field)
			if step == stepWebsites && !u.op(app.Operation).HasServices() {
				step = stepReview
			}
			anchor := fieldID(f.Field)
			if fd := fieldUnder(d.Summary, f.Field); fd != nil {
				anchor = fd.ID
			}
			d.Fix = append(d.Fix, fixItem{Finding: f, URL: fmt.Sprintf("/applications/%d/edit/%s#%s", app.ID, step, anchor)})
		}
	}
	for _, doc := range app.Documents {
		d.Docs = append(d.Docs, docView{Document: doc, URL: fmt.Sprintf("/applications/%d/documents/%d", app.ID, doc.ID),
			Image: doc.ContentType == "image/jpeg" || doc.ContentType == "image/png"})
	}
	d.Services = servicesOf(app)
	if !d.Owner {
		maskIDs(d.Summary)
	}
	d.Timeline = timelineSVG(appEvents(app, rq.lang, calendar.DateOf(u.fil.Now())), calendar.DateOf(u.fil.Now()), rq.lang)
	return d
}

// appEvents are the dated points of an application: every recorded
// transition, the deadline of the current review step, the SMS window, and
// the PSB filing due 30 days after approval.
func appEvents(app *filing.Application, l Lang, today calendar.Date) []tlEvent {
	var evs []tlEvent
	for _, h := range app.History {
		label := l.Known("action.", h.Action)
		if h.To != "" && h.To != h.From {
			label += " → " + l.T("status."+string(h.To))
		}
		evs = append(evs, tlEvent{Date: calendar.DateOf(h.At), Label: label, Done: true, Alert: h.To == filing.StatusRejected})
	}
	if app.DueDate != nil {
		if due, err := calendar.ParseDate(*app.DueDate); err == nil {
			evs = append(evs, tlEvent{Date: due, Deadline: true, Alert: due < today, Label: l.T("deadline."+string(app.Status), due.String())})
		}
	}
	if app.SMSExpiresAt != nil {
		evs = append(evs, tlEvent{Date: calendar.DateOf(*app.SMSExpiresAt), Deadline: true, Label: l.T("deadline.sms")})
	}
	if day, ok := approvedOn(app); ok {
		evs = append(evs, tlEvent{Date: day.AddDays(filing.PSBDays), Deadline: true, Label: l.T("deadline.psb")})
	}
	return evs
}

func (u *UI) submit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	if _, err := u.fil.Submit(r.Context(), *rq.user, id); err != nil {
		if fault.KindOf(err) != fault.Blocked {
			return err
		}
		app, gerr := u.fil.Get(r.Context(), *rq.user, id)
		if gerr != nil {
			return gerr
		}
		_, msg := u.describe(rq.lang, err)
		return u.renderStep(w, r, rq, http.StatusUnprocessableEntity, app, stepReview, msg)
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d", id), http.StatusSeeOther)
	return nil
}

func (u *UI) withdraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	if _, err := u.fil.Withdraw(r.Context(), *rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d", id), http.StatusSeeOther)
	return nil
}

type smsData struct {
	App   *filing.Application
	Phone string
	Error string
	// Demo holds what the demo's built-in gateway delivered for this
	// application (Config.DemoPhone); empty outside the demo.
	Demo []filing.DeliveredSMS
}

// demoMessages are the demo phone's messages for application id.
func (u *UI) demoMessages(id int64) []filing.DeliveredSMS {
	if u.phone == nil {
		return nil
	}
	return u.phone.Sent(filing.SMSMarker(id))
}

func (u *UI) smsForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	app, err := u.application(r, rq)
	if err != nil {
		return err
	}
	id := app.ID
	if app.Status != filing.StatusSMSVerification {
		http.Redirect(w, r, fmt.Sprintf("/applications/%d", id), http.StatusSeeOther)
		return nil
	}
	return u.show(w, r, rq, "sms", smsData{App: app, Demo: u.demoMessages(id)})
}

// sms verifies one principal's code; a wrong code shows the form again with
// the tries left.
func (u *UI) sms(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	phone := r.PostFormValue("phone")
	app, err := u.fil.VerifySMS(r.Context(), *rq.user, id, phone, r.PostFormValue("code"))
	if err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		cur, gerr := u.fil.Get(r.Context(), *rq.user, id)
		if gerr != nil {
			return gerr
		}
		if cur.Status != filing.StatusSMSVerification {
			return err
		}
		return u.tpl.render(w, status, u.page(r, rq, "sms", rq.lang.T("sms.title"), smsData{App: cur, Phone: phone, Error: msg, Demo: u.demoMessages(id)}))
	}
	if app.Status == filing.StatusSMSVerification {
		http.Redirect(w, r, fmt.Sprintf("/applications/%d/sms", id), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d", id), http.StatusSeeOther)
	return nil
}

// upload stores a scan through the blob store and attaches it.
func (u *UI) upload(w http.ResponseWriter, r *http.Request, rq *request) error {
	app, err := u.application(r, rq)
	if err != nil {
		return err
	}
	id := app.ID
	f, _, err := r.FormFile("file")
	if err != nil {
		return u.renderStep(w, r, rq, http.StatusUnprocessableEntity, app, stepDocuments, rq.lang.T("err.file_required"))
	}
	defer f.Close()
	blob, err := u.blobs.Put(r.Context(), f)
	if err == nil {
		_, err = u.fil.AddDocument(r.Context(), *rq.user, id, r.PostFormValue("kind"), blob)
	}
	if err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		return u.renderStep(w, r, rq, status, app, stepDocuments, msg)
	}
	http.Redirect(w, r, fmt.Sprintf("/applications/%d/edit/%s", id, stepDocuments), http.StatusSeeOther)
	return nil
}

// document serves an attached scan to those who may see the application,
// sandboxed so that a PDF cannot run anything on this origin.
func (u *UI) document(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	docID, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil {
		return &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	app, err := u.fil.Get(r.Context(), *rq.user, id)
	if err != nil {
		return err
	}
	for _, d := range app.Documents {
		if d.ID != docID {
			continue
		}
		rc, _, err := u.blobs.Open(r.Context(), d.SHA256)
		if err != nil {
			return err
		}
		defer rc.Close()
		w.Header().Set("Content-Type", d.ContentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=\"%s-%d%s\"", d.Kind, d.ID, extOf(d.ContentType)))
		w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
		w.Header().Set("Cache-Control", "private, no-store")
		_, err = io.Copy(w, rc)
		return err
	}
	return &pageError{kind: fault.NotFound, key: "err.not_found"}
}

func extOf(ct string) string {
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}
