package ui

import (
	"github.com/beian/beian/internal/fault"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
)

type providersData struct {
	Providers        []account.Provider
	Code, Name, CIDR string
	Error, Done      string
}

func (u *UI) adminProviders(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.renderProviders(w, r, rq, http.StatusOK, providersData{Done: r.URL.Query().Get("added")})
}

func (u *UI) renderProviders(w http.ResponseWriter, r *http.Request, rq *request, status int, d providersData) error {
	ps, err := u.acc.Providers(r.Context())
	if err != nil {
		return err
	}
	d.Providers = ps
	return u.tpl.render(w, status, u.page(r, rq, "admin_providers", rq.lang.T("admin_providers.title"), d))
}

// addProvider creates a provider with its IP ranges (one CIDR a line).
func (u *UI) addProvider(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := providersData{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), CIDR: r.PostFormValue("cidrs")}
	if _, err := u.acc.AddProviderAs(r.Context(), *rq.user, d.Code, d.Name, splitList(d.CIDR, true)); err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		d.Error = msg
		return u.renderProviders(w, r, rq, status, d)
	}
	http.Redirect(w, r, "/admin/providers?added="+url.QueryEscape(d.Code), http.StatusSeeOther)
	return nil
}

type accountsData struct {
	Roles     []Option
	Providers []Option
	Email     string
	Name      string
	Error     string
	Done      string
	// Accounts lists the existing accounts (operators first).
	Accounts []account.Account
}

func (u *UI) accountsData(r *http.Request, rq *request, role, prov string) (accountsData, error) {
	var d accountsData
	accs, err := u.acc.Accounts(r.Context(), 500)
	if err != nil {
		return d, err
	}
	d.Accounts = accs
	for _, ro := range auth.Roles() {
		d.Roles = append(d.Roles, Option{Value: string(ro), Label: rq.lang.T("role." + string(ro)), Selected: string(ro) == role})
	}
	ps, err := u.acc.Providers(r.Context())
	if err != nil {
		return d, err
	}
	d.Providers = []Option{{Value: "", Label: rq.lang.T("admin.no_provider")}}
	for _, p := range ps {
		d.Providers = append(d.Providers, Option{Value: p.Code, Label: p.Code + " " + p.Name, Selected: p.Code == prov})
	}
	return d, nil
}

func (u *UI) adminAccounts(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := u.accountsData(r, rq, string(auth.RoleProvider), "")
	if err != nil {
		return err
	}
	d.Done = r.URL.Query().Get("added")
	return u.show(w, r, rq, "admin_accounts", d)
}

// addAccount creates an account of any role (operators cannot sign up).
func (u *UI) addAccount(w http.ResponseWriter, r *http.Request, rq *request) error {
	role, prov := r.PostFormValue("role"), r.PostFormValue("provider")
	ro, err := auth.ParseRole(role)
	if err == nil {
		_, err = u.acc.AddUserAs(r.Context(), *rq.user, r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("name"), ro, prov)
	} else {
		err = &pageError{kind: fault.Invalid, key: "err.bad_form"}
	}
	if err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		d, derr := u.accountsData(r, rq, role, prov)
		if derr != nil {
			return derr
		}
		d.Email, d.Name, d.Error = r.PostFormValue("email"), r.PostFormValue("name"), msg
		return u.tpl.render(w, status, u.page(r, rq, "admin_accounts", rq.lang.T("admin_accounts.title"), d))
	}
	http.Redirect(w, r, "/admin/accounts?added="+url.QueryEscape(r.PostFormValue("email")), http.StatusSeeOther)
	return nil
}

type holidayDay struct {
	Date calendar.Date
	Kind string
	Name string
}

type holidaysData struct {
	Year        int
	Years       []int
	Days        []holidayDay
	Covered     bool
	First, Last int
	// Overrides is the override text an admin saved; Error a refusal of it.
	Overrides string
	Error     string
	Saved     bool
}

// adminHolidays shows the calendar in force for a year (holidays and make-up
// workdays) and the overrides an admin saved, with a form to change them.
func (u *UI) adminHolidays(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := u.holidaysData(r)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	return u.show(w, r, rq, "admin_holidays", d)
}

// saveHolidays replaces the holiday overrides; a refusal names the line.
func (u *UI) saveHolidays(w http.ResponseWriter, r *http.Request, rq *request) error {
	text := strings.ReplaceAll(r.PostFormValue("overrides"), "\r\n", "\n")
	if _, err := u.fil.SetHolidayOverrides(r.Context(), *rq.user, text); err != nil {
		status, msg := u.describe(rq.lang, err)
		if status >= 500 {
			return err
		}
		d, derr := u.holidaysData(r)
		if derr != nil {
			return derr
		}
		d.Overrides, d.Error = text, msg+" — "+err.Error()
		return u.tpl.render(w, status, u.page(r, rq, "admin_holidays", rq.lang.T("admin_holidays.title"), d))
	}
	http.Redirect(w, r, "/admin/holidays?saved=1", http.StatusSeeOther)
	return nil
}

func (u *UI) holidaysData(r *http.Request) (holidaysData, error) {
	cal := u.fil.Calendar()
	d := holidaysData{Year: calendar.DateOf(u.fil.Now()).Year(), Years: cal.CoveredYears()}
	text, err := u.fil.HolidayOverrides(r.Context())
	if err != nil {
		return d, err
	}
	d.Overrides = text
	d.First, d.Last = cal.Years()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		d.Year = y
	}
	start := calendar.NewDate(d.Year, 1, 1)
	d.Covered = cal.Covers(start)
	for day := start; day.Year() == d.Year; day = day.AddDays(1) {
		info := cal.Day(day)
		if info.Kind == calendar.Holiday || info.Kind == calendar.MakeupWorkday {
			d.Days = append(d.Days, holidayDay{Date: day, Kind: info.Kind.String(), Name: info.Name})
		}
	}
	return d, nil
}

type outboxData struct {
	To       string
	Messages []filing.Message
}

// adminOutbox lists what the built-in SMS/e-mail gateway kept (sandbox).
func (u *UI) adminOutbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := outboxData{To: r.URL.Query().Get("to")}
	msgs, err := u.fil.Outbox(r.Context(), *rq.user, d.To)
	if err != nil {
		return err
	}
	d.Messages = msgs
	return u.show(w, r, rq, "admin_outbox", d)
}
