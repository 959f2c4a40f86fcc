package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
)

// TestBrowserPSBFiling clicks through the PSB filing in both languages: the
// applicant's "My websites" page, the go-live date and an interactive PSB
// filing; the PSB desk's queue and detail, the approval that moves the site
// to the on-site inspection and the one that issues the number; and the
// number back on the applicant's page. Every page passes check (labels, no
// console error, no overflow at 375 px).
func TestBrowserPSBFiling(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			email := fmt.Sprintf("psbweb%d@example.com", i)
			approvedFiling(t, env, email, 90+i)
			s := newSession(t, env, lang, "psb")
			s.login(email, "correct horse 1")
			s.open("/websites")
			s.run(chromedp.WaitVisible(`table.websites`))
			s.check("websites")
			goLive := calendar.DateOf(env.Clock.Now()).AddDays(-2).String()
			s.run(chromedp.SetValue(`form.golive input[name="go_live"]`, goLive))
			s.submit(`form.golive button[type=submit]`)
			s.run(chromedp.WaitVisible(`p.flash`))
			if got := s.text(`table.websites`); !strings.Contains(got, goLive) {
				s.fail("go-live %s not shown: %q", goLive, got)
			}
			s.check("websites-go-live")
			s.run(chromedp.Click(`form.psb input[name="interactive"]`))
			s.submit(`form.psb button[type=submit]`)
			s.run(chromedp.WaitVisible(`.psb-pending`))
			s.check("websites-psb-filed")
			s.logout()

			env.Operator(auth.RolePSB)
			s.login("psb@ops.test", "operator pass 1")
			s.run(chromedp.WaitVisible(`table.psb-queue [data-mark="inspection"]`))
			s.check("psb-queue")
			s.submit(`table.psb-queue a`)
			s.run(chromedp.WaitVisible(`[data-status="pending"]`))
			s.check("psb-detail")
			s.submit(`button[value="approve"]`)
			s.run(chromedp.WaitVisible(`[data-status="inspection"]`))
			s.check("psb-inspection")
			s.fill(map[string]string{"county_code": "110105"})
			s.submit(`button[value="approve"]`)
			s.run(chromedp.WaitVisible(`[data-psb-number]`))
			number := s.text(`dd[data-psb-number]`)
			if !strings.HasPrefix(number, "京公网安备110105") {
				s.fail("PSB number %q", number)
			}
			s.check("psb-approved")
			s.logout()

			s.login(email, "correct horse 1")
			s.open("/websites")
			if got := s.text(`table.websites [data-psb-number]`); got != number {
				s.fail("websites page shows %q, want %s", got, number)
			}
			s.check("websites-number")
		})
	}
}
