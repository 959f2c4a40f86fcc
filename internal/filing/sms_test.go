package filing_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/secret"
)

// storedSMS returns the decrypted bodies of the SMS rows kept in the outbox
// for phone, as they are on disk.
func storedSMS(t *testing.T, e *apptest.Env, phone string) []string {
	t.Helper()
	key, err := secret.LoadKey(apptest.DataKey, "")
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.New(key)
	if err != nil {
		t.Fatal(err)
	}
	idx := box.BlindIndex("sms", phone)
	rows, err := e.App.DB.R().QueryContext(context.Background(), `SELECT body_enc FROM outbox WHERE recipient_index = ? ORDER BY id`, idx)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sealed string
		if err := rows.Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		body, err := box.OpenString(sealed, "outbox:"+idx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, body)
	}
	return out
}

// TestSMSCodesNotInOutbox: the admin outbox shows verification messages
// with the code masked; once delivered, the stored message keeps no code,
// and one never delivered loses its code when it expires. The code still
// reaches the phone and verifies.
func TestSMSCodesNotInOutbox(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	tok := e.Applicant("sms-mask@example.com")
	a := e.File(tok, apptest.FirstFiling(641), filing.StatusSMSVerification)
	phone := a.Content.Entity.Principal.Phone
	admin := e.Principal(e.Operator(auth.RoleAdmin))

	hasCode := func(body string) bool { _, ok := filing.SMSCodeFrom(body); return ok }
	msgs, err := e.App.Filing.Outbox(ctx, admin, phone)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	for _, m := range msgs {
		if hasCode(m.Body) || !strings.Contains(m.Body, "******") {
			t.Fatalf("the admin outbox shows a code: %q", m.Body)
		}
	}
	if r := e.Do("GET", "/api/v1/admin/outbox?to="+phone, e.Operator(auth.RoleAdmin), nil).Must(t, 200); regexp.MustCompile(`核验码为\d|code is \d`).Match(r.Raw) ||
		!strings.Contains(string(r.Raw), "******") {
		t.Fatalf("the API outbox shows a code: %s", r.Raw)
	}
	// Before delivery the code is stored (sealed) for the gateway.
	if stored := storedSMS(t, e, phone); len(stored) == 0 || !hasCode(stored[len(stored)-1]) {
		t.Fatalf("undelivered message lost its code before delivery: %q", stored)
	}
	code := e.SMSCode(phone) // delivers through the built-in gateway
	for _, body := range storedSMS(t, e, phone) {
		if hasCode(body) {
			t.Errorf("a delivered message still stores its code: %q", body)
		}
	}
	if _, err := e.App.Filing.VerifySMS(ctx, e.Principal(tok), a.ID, phone, code); err != nil {
		t.Fatalf("the delivered code does not verify: %v", err)
	}

	// A message that is never delivered (nothing runs the delivery here).
	e2 := apptest.New(t)
	tok2 := e2.Applicant("sms-undelivered@example.com")
	b := e2.File(tok2, apptest.FirstFiling(642), filing.StatusProviderReview)
	if _, err := e2.App.Filing.ProviderReview(ctx, e2.Principal(e2.Operator(auth.RoleProvider)), b.ID, filing.Decision{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	phone2 := b.Content.Entity.Principal.Phone
	if n, err := e2.App.Filing.ScrubSMS(ctx); err != nil || n != 0 {
		t.Fatalf("scrubbed %d (%v) within the code's validity", n, err)
	}
	e2.Clock.Advance(filing.SMSValidity + time.Minute)
	if n, err := e2.App.Filing.ScrubSMS(ctx); err != nil || n == 0 {
		t.Fatalf("scrubbed %d (%v) after expiry", n, err)
	}
	for _, body := range storedSMS(t, e2, phone2) {
		if hasCode(body) {
			t.Errorf("an expired undelivered message still stores its code: %q", body)
		}
	}
	if n, err := e2.App.Filing.ScrubSMS(ctx); err != nil || n != 0 {
		t.Errorf("a second sweep rewrote %d again (%v)", n, err)
	}
}
