package app_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/notify"
)

// beijing returns 10:00 Beijing time on the given date.
func beijing(date string) time.Time {
	t, err := time.Parse("2006-01-02 15:04 -0700", date+" 10:00 +0800")
	if err != nil {
		panic(err)
	}
	return t
}

func day(c *apptest.Clock) string {
	return c.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
}

func TestScheduledSMSExpiryHappensOnce(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("exp@example.com")
	c := fixture.FirstFiling(301)
	id := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "approve"}).Must(t, 200)
	ctx := context.Background()
	e.Clock.Advance(24*time.Hour - time.Second)
	if n, err := e.App.Filing.RunScheduled(ctx); err != nil || n["sms_expired"] != 0 {
		t.Fatalf("before 24 h: %v %v", n, err)
	}
	e.Clock.Advance(time.Second)
	if n, err := e.App.Filing.RunScheduled(ctx); err != nil || n["sms_expired"] != 1 {
		t.Fatalf("at 24 h: %v %v", n, err)
	}
	if n, err := e.App.Filing.RunScheduled(ctx); err != nil || n["sms_expired"] != 0 {
		t.Fatalf("second run: %v %v", n, err)
	}
	r := e.Do("GET", apptest.Path(id, ""), tok, nil).Must(t, 200)
	if r.Str("status") != "expired" {
		t.Fatalf("status %s", r.Str("status"))
	}
}

// TestOverdueFlaggedOnTheRightBusinessDay submits on Wednesday 2026-09-30,
// before the National Day holiday (2026-10-01…07): the provider's two business
// days are 10-08 and 10-09, so the review is overdue from 10-10 (a make-up
// Saturday), not before.
func TestOverdueFlaggedOnTheRightBusinessDay(t *testing.T) {
	e := apptest.New(t)
	e.Clock.Set(beijing("2026-09-30"))
	tok := e.Applicant("od@example.com")
	id := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(302))).Must(t, 201).ID()
	r := e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	if r.Str("due_date") != "2026-10-09" {
		t.Fatalf("due %s, want 2026-10-09", r.Str("due_date"))
	}
	ctx := context.Background()
	flagged := ""
	for i := 0; i < 14; i++ {
		n, err := e.App.Filing.RunScheduled(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n["overdue_flagged"] > 0 {
			if flagged != "" {
				t.Fatalf("flagged again on %s (first %s)", day(e.Clock), flagged)
			}
			flagged = day(e.Clock)
		}
		e.Clock.Advance(24 * time.Hour)
	}
	if flagged != "2026-10-10" {
		t.Fatalf("flagged on %q, want 2026-10-10", flagged)
	}
	r = e.Do("GET", apptest.Path(id, ""), e.Operator(auth.RoleProvider), nil).Must(t, 200)
	if r.Body["overdue_at"] == nil || r.Body["business_days_left"].(float64) >= 0 {
		t.Fatalf("overdue not visible: overdue_at %v, business_days_left %v", r.Body["overdue_at"], r.Body["business_days_left"])
	}
}

// fakeSMTP is a minimal SMTP listener that records the messages it accepts.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	wg   sync.WaitGroup
}

func startSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 fake ESMTP\r\n")
	var data strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			fmt.Fprint(c, "250 fake\r\n")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			data.WriteString(line)
			fmt.Fprint(c, "250 ok\r\n")
		case cmd == "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, data.String())
			s.mu.Unlock()
			data.Reset()
			fmt.Fprint(c, "250 queued\r\n")
		case cmd == "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 unknown\r\n")
		}
	}
}

func (s *fakeSMTP) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.msgs) }

// TestPSBRemindersOnTheRightBusinessDays: a site live since 2026-09-15 owes its
// PSB filing by 2026-10-15. Seven business days before, counting back over
// the National Day holiday and the make-up Saturday 10-10, is 2026-09-30; one
// business day before is 10-14. Each reminder goes out once, by SMS (outbox)
// and by e-mail through a local SMTP listener.
func TestPSBRemindersOnTheRightBusinessDays(t *testing.T) {
	smtp := startSMTP(t)
	e := apptest.NewWith(t, func(c *app.Config) {
		c.SMTP = notify.SMTP{Addr: smtp.ln.Addr().String(), From: "beian@test.invalid", Timeout: 5 * time.Second}
	})
	e.Clock.Set(beijing("2026-09-15"))
	f := fileFirst(t, e, "rem@example.com", fixture.FirstFiling(303))
	ws := e.Do("GET", "/api/v1/websites", f.tok, nil).Must(t, 200).Body["items"].([]any)
	wid := int64(ws[0].(map[string]any)["id"].(float64))
	e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/go-live", wid), f.tok, map[string]string{"date": "2026-09-15"}).Must(t, 204)
	ws = e.Do("GET", "/api/v1/websites", f.tok, nil).Must(t, 200).Body["items"].([]any)
	if due := ws[0].(map[string]any)["psb_due"]; due != "2026-10-15" {
		t.Fatalf("psb_due %v", due)
	}
	phone := f.content.Websites[0].Principal.Phone
	e.Operator(auth.RoleAdmin)
	countPSB := func() int {
		// Tokens live 30 days and the clock moves 40: sign in afresh.
		admin, _, err := e.App.Accounts.IssueToken(context.Background(), "admin@ops.test", "operator pass 1")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range e.Do("GET", "/api/v1/admin/outbox?to="+phone, admin, nil).Must(t, 200).Body["items"].([]any) {
			if strings.Contains(m.(map[string]any)["body"].(string), "公安联网备案") {
				n++
			}
		}
		return n
	}
	ctx := context.Background()
	var days []string
	before := countPSB()
	for i := 0; i < 40; i++ {
		e.Clock.Advance(24 * time.Hour)
		for run := 0; run < 2; run++ { // a second run the same day sends nothing more
			if _, err := e.App.Filing.RunScheduled(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := countPSB(); n != before {
			if n != before+1 {
				t.Fatalf("%s: %d reminders at once", day(e.Clock), n-before)
			}
			days = append(days, day(e.Clock))
			before = n
		}
	}
	if strings.Join(days, ",") != "2026-09-30,2026-10-14" {
		t.Fatalf("reminders on %v, want 2026-09-30 and 2026-10-14", days)
	}
	if smtp.count() != 2 {
		t.Fatalf("%d e-mails delivered, want 2", smtp.count())
	}
	smtp.mu.Lock()
	defer smtp.mu.Unlock()
	if !strings.Contains(smtp.msgs[0], "RCPT TO:<rem@example.com>") {
		t.Fatalf("e-mail to the wrong address: %q", smtp.msgs[0])
	}
}
