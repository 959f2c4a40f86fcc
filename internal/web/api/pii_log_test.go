package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsCarryNoPersonalData runs filings through every desk, with
// refusals, wrong SMS codes, the scheduler and the outbox deliveries, at
// debug level, and greps everything logged for the principals' ID numbers
// and phones: none may appear (logs see masked values only).
func TestLogsCarryNoPersonalData(t *testing.T) {
	var logs syncBuffer
	e := apptest.NewWith(t, func(c *app.Config) {
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	tok := e.Applicant("pii@example.com")
	ctx := context.Background()
	var secrets []string
	for i, until := range []filing.Status{filing.StatusApproved, filing.StatusRejected, filing.StatusSMSVerification} {
		c := fixture.FirstFiling(600 + i)
		secrets = append(secrets, c.Entity.Principal.IDNumber, c.Entity.Principal.Phone)
		for _, w := range c.Websites {
			secrets = append(secrets, w.Principal.IDNumber, w.Principal.Phone)
		}
		a := e.File(tok, apptest.FirstFiling(600+i), until)
		if until == filing.StatusSMSVerification {
			// Wrong codes and a phone that is not due are refused and may be logged.
			e.Do("POST", apptest.Path(a.ID, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": "000000"}).Must(t, 422)
			e.Do("POST", apptest.Path(a.ID, "/sms"), tok, map[string]string{"phone": "13900000000", "code": "000000"}).Must(t, 422)
		}
	}
	// A duplicate first filing for an entity that already has one is refused.
	dup := apptest.FirstFiling(600)
	e.Do("POST", "/api/v1/applications", tok, map[string]any{"operation": dup.Operation, "provider": dup.Provider, "entity": dup.Entity, "websites": dup.Websites})
	e.Do("GET", "/api/v1/admin/outbox?to="+secrets[1], e.Operator(auth.RoleAdmin), nil).Must(t, 200)
	if _, err := e.App.Filing.RunScheduled(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Filing.DeliverSMS(ctx); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			i := strings.Index(out, s)
			t.Errorf("the log holds personal data %q: …%s…", s, out[max(0, i-120):min(len(out), i+40)])
		}
	}
	if n := strings.Count(out, "msg=request "); n < 5 || !strings.Contains(out, "/api/v1/admin/outbox") {
		t.Errorf("the access log has %d lines (want the outbox read among them); the test would grep nothing:\n%s", n, out)
	}
}
