package ui_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
)

// fillAll sets the inputs named in v as typing and clicking would, without
// events: text inputs, selects and textareas get the values one a line,
// checkboxes are checked exactly when their value is listed. It returns the
// names no input has (rows the step does not show yet).
func (s *session) fillAll(v url.Values) []string {
	s.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	js := `((vals) => { const missing = []; for (const [name, vs] of Object.entries(vals)) {
  const els = document.querySelectorAll('form.wizard [name="' + CSS.escape(name) + '"]');
  if (!els.length) { missing.push(name); continue; }
  els.forEach(el => { if (el.type === "checkbox") { el.checked = vs.includes(el.value); } else { el.value = vs.join("\n"); } }); }
  return missing; })(` + string(b) + `)`
	return s.eval(js)
}

// iconFile writes the test icon to a file for the upload input.
func iconFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "icon.png")
	if err := os.WriteFile(p, iconPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserAppFiling files a website and an App in one first filing in
// the browser, in zh and in en (separate runs): sign-up, the entity with
// the principal's emergency phone, the website, a second service switched
// to App (the script shows the App's inputs), a wrong fingerprint whose
// finding shows live next to its input and goes once corrected, two
// platforms, the icon upload with its preview, a document, submit, the
// provider's approval on a desk that lists the App, the SMS codes of every
// principal, the authority's approval, and the App's …号-2A number with
// its type name on the dashboard.
func TestBrowserAppFiling(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			s := newSession(t, env, lang, "app")
			c := fixture.AppFiling(92 + i)
			email := fmt.Sprintf("app-browser%d@example.com", i)
			s.open("/signup")
			s.fill(map[string]string{"name": "李娜", "email": email, "password": "correct horse 1", "password2": "correct horse 1"})
			s.submit(`form[action="/signup"] button[type=submit]`)
			s.open("/applications/new")
			s.submit(`form[action="/applications/new"] button[type=submit]`)

			s.fillAll(entityServicesForm(c))
			s.check("app-entity")
			s.submit(`button[value="next"]`)
			s.fillAll(websiteForm(c))
			s.submit(`button[value="add"]`)
			s.run(chromedp.WaitVisible(`[name="websites[1].service_type"]`))
			// One change event, as choosing does: the script saves and shows
			// the step again.
			s.eval(`(() => { const el = document.querySelector('[name="websites[1].service_type"]'); el.value = "app";
  el.dispatchEvent(new Event("change", {bubbles: true})); return []; })()`)
			fp := `[name="websites[1].app.platforms[0].fingerprint"]`
			s.run(chromedp.WaitVisible(fp))
			if home := s.eval(`[...document.querySelectorAll('[name="websites[1].home_url"]')].map(e => e.name)`); len(home) > 0 {
				s.fail("an App has a home URL input")
			}

			bad := fixture.AppFiling(92 + i)
			bad.Websites[1].App.Platforms[0].Fingerprint = strings.Repeat("0", 31)
			s.fillAll(serviceForm(bad, 1))
			s.changed("websites[1].app.platforms[0].fingerprint")
			finding := `[data-for="websites[1].app.platforms[0].fingerprint"] .finding.error`
			s.run(chromedp.WaitVisible(finding))
			s.check("app-fingerprint-error")
			s.fillAll(serviceForm(c, 1))
			s.changed("websites[1].app.platforms[0].fingerprint")
			s.run(chromedp.WaitNotPresent(finding))

			// Saving shows a row for the next platform: the iOS build.
			s.submit(`button[value="stay"]`)
			s.run(chromedp.WaitVisible(`[name="websites[1].app.platforms[1].fingerprint"]`))
			if missing := s.fillAll(serviceForm(c, 1)); len(missing) > 0 {
				s.fail("inputs missing: %q", missing)
			}
			s.submit(`button[value="stay"]`)
			s.run(chromedp.SetUploadFiles(`#f-websites-1--app-icon`, []string{iconFile(t)}))
			s.submit(`button[form="icon-1"]`)
			s.run(chromedp.WaitVisible(`img.app-icon`))
			if errs := s.eval(`[...document.querySelectorAll('form.wizard .finding.error')].map(e => e.parentElement.closest("[data-for]").getAttribute("data-for") + ": " + e.textContent)`); len(errs) > 0 {
				s.fail("findings left: %q", errs)
			}
			s.check("app-services")
			s.submit(`button[value="next"]`)
			s.run(chromedp.SetValue(`#kind`, "business_license"), chromedp.SetUploadFiles(`#file`, []string{scanPNG(t)}))
			s.submit(`form[enctype] button[type=submit]`)
			s.run(chromedp.WaitVisible(`ul.docs li`))
			s.submit(`p.actions a.button`)
			if got := s.text(`main`); !strings.Contains(got, c.Websites[1].App.Platforms[1].ID) {
				s.fail("review summary lacks the iOS bundle ID")
			}
			s.check("app-review")
			s.submit(`form[action$="/submit"] button[type=submit]`)
			s.run(chromedp.WaitVisible(`.status-provider_review`))
			loc, _ := chromedp.Run(s.ctx, chromedp.Location())
			id := loc[strings.LastIndex(loc, "/")+1:]
			s.logout()

			env.Operator(auth.RoleProvider)
			s.login("provider@ops.test", "operator pass 1")
			if got := s.text(`table.queue`); !strings.Contains(got, c.Websites[1].Name) || !strings.Contains(got, "App") {
				s.fail("provider queue lacks the App: %q", got)
			}
			s.check("app-queue-provider")
			s.open("/applications/" + id)
			if got := s.text(`main`); !strings.Contains(got, c.Websites[1].App.Platforms[0].Fingerprint) {
				s.fail("provider desk lacks the App's fingerprint")
			}
			s.check("app-review-provider")
			s.submit(`button[value="approve"]`)
			s.run(chromedp.WaitVisible(`p.flash`))
			s.logout()

			s.login(email, "correct horse 1")
			s.open("/applications/" + id + "/sms")
			for _, phone := range smsPhones(c) {
				s.fill(map[string]string{"phone": phone, "code": env.SMSCode(phone)})
				s.submit(`form[action$="/sms"] button[type=submit]`)
			}
			s.run(chromedp.WaitVisible(`.status-authority_review`))
			s.logout()

			env.Operator(auth.RoleAuthority)
			s.login("authority@ops.test", "operator pass 1")
			s.check("app-queue-authority")
			s.open("/applications/" + id)
			s.check("app-review-authority")
			s.submit(`button[value="approve"]`)
			s.logout()

			s.login(email, "correct horse 1")
			number := s.text(`.filed [data-service-type="app"] [data-service-number]`)
			if !strings.HasPrefix(number, "京ICP备2026") || !strings.HasSuffix(number, "号-2A") {
				s.fail("dashboard App number %q", number)
			}
			want := map[string]string{"zh": "App", "en": "App"}[lang]
			if got := s.text(`.filed [data-service-type="app"] .svc-type`); got != want {
				s.fail("App type name %q, want %q", got, want)
			}
			site := map[string]string{"zh": "网站", "en": "Website"}[lang]
			if got := s.text(`.filed [data-service-type="website"] .svc-type`); got != site {
				s.fail("website type name %q, want %q", got, site)
			}
			s.check("app-dashboard-number")
		})
	}
}
