package ui_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
)

// TestAdminEditsHolidayOverrides: a bad line is refused on the page with its
// line number and changes nothing; good text is saved and the calendar in
// force covers the new year at once; an applicant cannot post the form.
func TestAdminEditsHolidayOverrides(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			admin := signIn(t, env, auth.RoleAdmin, lang)
			p := admin.get("/admin/holidays").must(t, 200)
			if !strings.Contains(p.Body, `<textarea id="overrides"`) {
				t.Fatalf("no override form: %s", snippet(p.Body))
			}
			p = admin.post("/admin/holidays", url.Values{"overrides": {"year 2027\r\n2027-13-01 off 元旦\r\n"}}).must(t, 422)
			if !strings.Contains(p.Body, "line 2") {
				t.Fatalf("refusal without the line: %s", snippet(p.Body))
			}
			if _, last := env.App.Filing.Calendar().Years(); last != 2026 {
				t.Fatalf("bad text changed the calendar: last year %d", last)
			}
			p = admin.post("/admin/holidays", url.Values{"overrides": {"year 2027\r\n2027-01-01 off 元旦\r\n2027-01-04 off 测试假日\r\n"}}).must(t, 200)
			if !strings.Contains(p.Body, "2027-01-04 off") || p.URL != "/admin/holidays" {
				t.Fatalf("after saving: %s %s", p.URL, snippet(p.Body))
			}
			d, _ := calendar.ParseDate("2027-01-01")
			if got := env.App.Filing.Calendar().AddBusinessDays(d, 1).String(); got != "2027-01-05" {
				t.Fatalf("calendar in force: %s", got)
			}
			applicant := newBrowser(t, env, lang)
			applicant.post("/signup", url.Values{"email": {"h-" + lang + "@example.com"}, "password": {"correct horse 1"}, "name": {"H"}})
			if p := applicant.post("/admin/holidays", url.Values{"overrides": {"year 2028\n"}}); p.Status == 200 && strings.Contains(p.Body, "2028") {
				t.Fatalf("an applicant saved overrides: %d", p.Status)
			}
			if _, last := env.App.Filing.Calendar().Years(); last != 2027 {
				t.Fatalf("applicant changed the calendar: last year %d", last)
			}
		})
	}
}

func TestAdminAccountsPageListsAccounts(t *testing.T) {
	env := apptest.New(t)
	env.Operator(auth.RoleProvider)
	admin := signIn(t, env, auth.RoleAdmin, "en")
	p := admin.get("/admin/accounts").must(t, 200)
	for _, want := range []string{"provider@ops.test", "admin@ops.test", apptest.ProviderCode} {
		if !strings.Contains(p.Body, want) {
			t.Fatalf("accounts page lacks %q: %s", want, snippet(p.Body))
		}
	}
}
