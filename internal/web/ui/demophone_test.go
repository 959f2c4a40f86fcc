package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/filing"
)

// TestDemoPhoneOnlyInTheDemo: with serve --demo (Config.DemoPhone) the SMS
// page shows the code the built-in gateway delivered to each principal's
// phone, so the demo can be finished by hand; without it (every real
// deployment) the page carries no code.
func TestDemoPhoneOnlyInTheDemo(t *testing.T) {
	for _, demo := range []bool{true, false} {
		t.Run(fmt.Sprintf("demo=%v", demo), func(t *testing.T) {
			env := apptest.NewWith(t, func(c *app.Config) { c.DemoPhone = demo })
			email := fmt.Sprintf("demo-phone-%v@example.com", demo)
			req := apptest.FirstFiling(720)
			a := env.File(env.Applicant(email), req, filing.StatusSMSVerification)
			if _, err := env.App.Filing.DeliverSMS(context.Background()); err != nil { // serve's scheduler does this every minute
				t.Fatal(err)
			}
			body, ok := env.App.SMSInbox.Latest(req.Entity.Principal.Phone, fmt.Sprintf("（编号%d）", a.ID))
			code, found := filing.SMSCodeFrom(body)
			if !ok || !found {
				t.Fatalf("no code delivered to %s: %q", req.Entity.Principal.Phone, body)
			}
			b, _ := signInAs(t, env, "en", email, "correct horse 1")
			p := b.get(fmt.Sprintf("/applications/%d/sms", a.ID)).must(t, 200)
			shown := strings.Contains(p.Body, code) && strings.Contains(p.Body, "Demo phone")
			if shown != demo {
				t.Errorf("demo=%v: code shown %v:\n%s", demo, shown, snippet(p.Body))
			}
		})
	}
}
