package api_test

import (
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/ratelimit"
)

// tight is a policy small enough to reach in a test; the real one is
// ratelimit.DefaultPolicy (its numbers are tested in package ratelimit).
func tight() *ratelimit.Policy {
	p := apptest.Unlimited()
	p.SignUp = ratelimit.Rate{Events: 3, Per: time.Hour, Burst: 3}
	p.SMS = ratelimit.Rate{Events: 4, Per: time.Hour, Burst: 4}
	p.Login.Account = ratelimit.Backoff{Free: 3, Base: time.Minute, Max: time.Hour, Forget: 2 * time.Hour}
	return p
}

func wantLimited(t *testing.T, r apptest.Response, what string) {
	t.Helper()
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("%s: %d (Retry-After %q) %s, want 429 with Retry-After", what, r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
}

// TestSignInBackoff: after the free failures an account's next attempt is
// refused with 429 and Retry-After — even with the right password — until
// the wait is over; another account from the same address is not held up.
func TestSignInBackoff(t *testing.T) {
	e := apptest.NewWith(t, func(c *app.Config) { c.Policy = tight() })
	e.Applicant("victim@example.com")
	e.Applicant("bystander@example.com")
	bad := map[string]string{"email": "victim@example.com", "password": "wrong password 1"}
	for i := 0; i < 3; i++ {
		if r := e.Do("POST", "/api/v1/tokens", "", bad); r.Status != 401 || r.ErrorCode() != "auth.bad_credentials" {
			t.Fatalf("wrong password %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	good := map[string]string{"email": "victim@example.com", "password": "correct horse 1"}
	wantLimited(t, e.Do("POST", "/api/v1/tokens", "", good), "the right password during the backoff")
	e.Do("POST", "/api/v1/tokens", "", map[string]string{"email": "bystander@example.com", "password": "correct horse 1"}).Must(t, 201)
	// An unknown e-mail is held up the same way, so the answer tells nothing.
	ghost := map[string]string{"email": "ghost@example.com", "password": "wrong password 1"}
	for i := 0; i < 3; i++ {
		e.Do("POST", "/api/v1/tokens", "", ghost).Must(t, 401)
	}
	wantLimited(t, e.Do("POST", "/api/v1/tokens", "", ghost), "an unknown account during the backoff")
	e.Clock.Advance(2 * time.Minute)
	e.Do("POST", "/api/v1/tokens", "", good).Must(t, 201)
}

// TestSignUpLimitPerAddress: the fourth sign-up from one address within
// the hour is refused; the limit is per client address.
func TestSignUpLimitPerAddress(t *testing.T) {
	e := apptest.NewWith(t, func(c *app.Config) { c.Policy = tight() })
	for _, m := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		e.Do("POST", "/api/v1/signup", "", map[string]string{"email": m, "password": "correct horse 1"}).Must(t, 201)
	}
	wantLimited(t, e.Do("POST", "/api/v1/signup", "", map[string]string{"email": "d@example.com", "password": "correct horse 1"}), "fourth sign-up")
}

// TestSMSAttemptLimit: beyond the per-address SMS attempts the API answers
// 429 before looking at the code, so a client cannot cycle codes across
// applications.
func TestSMSAttemptLimit(t *testing.T) {
	e := apptest.NewWith(t, func(c *app.Config) { c.Policy = tight() })
	tok := e.Applicant("sms@example.com")
	a := e.File(tok, apptest.FirstFiling(500), filing.StatusSMSVerification)
	phone := a.Content.Entity.Principal.Phone
	for i := 0; i < 4; i++ {
		r := e.Do("POST", apptest.Path(a.ID, "/sms"), tok, map[string]string{"phone": phone, "code": "000000"})
		if r.Status == 429 {
			t.Fatalf("attempt %d limited already: %s", i+1, r.Raw)
		}
	}
	wantLimited(t, e.Do("POST", apptest.Path(a.ID, "/sms"), tok, map[string]string{"phone": phone, "code": e.SMSCode(phone)}), "fifth SMS attempt")
}
