package ui_test

import (
	"fmt"
	"github.com/beian/beian/internal/filing"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
)

// approvedFiling takes a first filing through the API to approval (provider,
// SMS codes, authority) and returns the application id; the applicant's
// password is "correct horse 1".
func approvedFiling(t *testing.T, env *apptest.Env, email string, n int) int64 {
	t.Helper()
	return env.File(env.Applicant(email), apptest.FirstFiling(n), filing.StatusApproved).ID
}

// signInAs signs a person in through the login form and returns the page
// the sign-in lands on.
func signInAs(t *testing.T, env *apptest.Env, lang, email, password string) (*browser, page) {
	t.Helper()
	b := newBrowser(t, env, lang)
	p := b.post("/login", url.Values{"email": {email}, "password": {password}}).must(t, 200)
	return b, p
}

var (
	goLiveForm = regexp.MustCompile(`action="/websites/(\d+)/go-live"`)
	psbLink    = regexp.MustCompile(`href="/psb/(\d+)"`)
	psbNumber  = regexp.MustCompile(`data-psb-number="([^"]+)"`)
)

// TestPSBFilingWithoutJavaScript walks the PSB filing through plain form
// posts in both languages: the applicant of an approved filing records the
// go-live date (a future date is refused next to the field), files an
// interactive PSB filing; the PSB desk lands on its queue, sees the filing
// with its due date and marks, approves it once (on-site inspection), is
// refused a bad county code, approves again with 110105; the applicant's
// page shows the 京公网安备 number. Another applicant gets 404 on the forms.
func TestPSBFilingWithoutJavaScript(t *testing.T) {
	msgs := map[string]struct{ future, county, inspection string }{
		"zh": {"开通日期不能晚于今天", "6位行政区划代码", "现场检查"},
		"en": {"cannot be in the future", "6-digit GB/T 2260 code", "on-site inspection"},
	}
	for i, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			email := fmt.Sprintf("psb%d@example.com", i)
			approvedFiling(t, env, email, 50+i)
			b, _ := signInAs(t, env, lang, email, "correct horse 1")

			w := b.get("/websites").must(t, 200)
			m := goLiveForm.FindStringSubmatch(w.Body)
			if m == nil {
				t.Fatalf("no go-live form:\n%s", snippet(w.Body))
			}
			site := m[1]
			if !strings.Contains(w.Body, `action="/websites/`+site+`/psb"`) || !strings.Contains(w.Body, `name="csrf"`) {
				t.Fatalf("no PSB form with CSRF:\n%s", snippet(w.Body))
			}
			today := calendar.DateOf(env.Clock.Now())

			// A future go-live date is refused next to its field, in the chosen language.
			p := b.post("/websites/"+site+"/go-live", url.Values{"go_live": {today.AddDays(1).String()}}).must(t, 422)
			if !strings.Contains(p.Body, `data-field-error="go_live"`) || !strings.Contains(p.Body, msgs[lang].future) {
				t.Fatalf("future go-live not refused by field:\n%s", snippet(p.Body))
			}
			// Without CSRF the form is refused.
			if p := b.post("/websites/"+site+"/go-live", url.Values{"go_live": {today.String()}, "csrf": {"x"}}); p.Status != 403 {
				t.Fatalf("go-live without CSRF: %d", p.Status)
			}

			goLive := today.AddDays(-3)
			p = b.post("/websites/"+site+"/go-live", url.Values{"go_live": {goLive.String()}}).must(t, 200)
			due := goLive.AddDays(30).String()
			if p.URL != "/websites" || !strings.Contains(p.Body, goLive.String()) || !strings.Contains(p.Body, due) {
				t.Fatalf("go-live %s / due %s not shown:\n%s", goLive, due, snippet(p.Body))
			}

			// Another applicant may not touch the website.
			approvedFiling(t, env, "other"+email, 60+i)
			other, _ := signInAs(t, env, lang, "other"+email, "correct horse 1")
			other.post("/websites/"+site+"/go-live", url.Values{"go_live": {goLive.String()}}).must(t, 404)
			other.post("/websites/"+site+"/psb", url.Values{"go_live": {goLive.String()}, "interactive": {"1"}}).must(t, 404)

			p = b.post("/websites/"+site+"/psb", url.Values{"go_live": {goLive.String()}, "interactive": {"1"}}).must(t, 200)
			if !strings.Contains(p.Body, "psb-pending") {
				t.Fatalf("PSB filing not pending:\n%s", snippet(p.Body))
			}
			// A second filing of the same website is refused.
			b.post("/websites/"+site+"/psb", url.Values{"go_live": {goLive.String()}}).must(t, 409)

			env.Operator(auth.RolePSB)
			desk, land := signInAs(t, env, lang, "psb@ops.test", "operator pass 1")
			if land.URL != "/psb" {
				t.Fatalf("PSB desk landed on %s", land.URL)
			}
			pm := psbLink.FindStringSubmatch(land.Body)
			if pm == nil || !strings.Contains(land.Body, due) || !strings.Contains(land.Body, `data-mark="interactive"`) ||
				!strings.Contains(land.Body, `data-mark="inspection"`) {
				t.Fatalf("queue lacks the filing, its due date or marks:\n%s", snippet(land.Body))
			}
			id := pm[1]
			desk.get("/psb/"+id).must(t, 200)
			p = desk.post("/psb/"+id+"/decision", url.Values{"decision": {"approve"}, "county_code": {"110105"}}).must(t, 200)
			if !strings.Contains(p.Body, `data-status="inspection"`) || !strings.Contains(p.Body, msgs[lang].inspection) {
				t.Fatalf("first approval did not move to inspection:\n%s", snippet(p.Body))
			}
			q := desk.get("/psb?status=inspection").must(t, 200)
			if !strings.Contains(q.Body, `href="/psb/`+id+`"`) {
				t.Fatalf("inspection queue lacks #%s:\n%s", id, snippet(q.Body))
			}
			for _, bad := range []string{"11010", "999999", "abcdef"} {
				p = desk.post("/psb/"+id+"/decision", url.Values{"decision": {"approve"}, "county_code": {bad}}).must(t, 422)
				if !strings.Contains(p.Body, `data-field-error="county_code"`) || !strings.Contains(p.Body, msgs[lang].county) {
					t.Fatalf("county %q not refused by field:\n%s", bad, snippet(p.Body))
				}
			}
			desk.post("/psb/"+id+"/decision", url.Values{"decision": {"reject"}}).must(t, 422)
			p = desk.post("/psb/"+id+"/decision", url.Values{"decision": {"approve"}, "county_code": {"110105"}}).must(t, 200)
			num := psbNumber.FindStringSubmatch(p.Body)
			if num == nil || !regexp.MustCompile(`^京公网安备110105\d{8}号$`).MatchString(num[1]) {
				t.Fatalf("no PSB number after the second approval:\n%s", snippet(p.Body))
			}
			// Only the PSB desk sees its pages.
			if p := b.get("/psb"); p.Status != 403 {
				t.Fatalf("applicant on /psb: %d", p.Status)
			}

			w = b.get("/websites").must(t, 200)
			got := psbNumber.FindStringSubmatch(w.Body)
			if got == nil || got[1] != num[1] {
				t.Fatalf("websites page shows %v, want %s:\n%s", got, num[1], snippet(w.Body))
			}
			if strings.Contains(w.Body, `action="/websites/`+site+`/psb"`) {
				t.Fatalf("PSB form still offered after approval")
			}
		})
	}
}
