package filing_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

func createBody(c form.Content) map[string]any {
	return map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode, "entity": c.Entity, "websites": c.Websites}
}

// errorMessage is the message of an error answer.
func errorMessage(r apptest.Response) string {
	m, _ := r.Body["error"].(map[string]any)
	s, _ := m["message"].(string)
	return s
}

// TestDraftsDoNotLockEntity: a squatter's draft with a company's public
// USCC blocks nobody and is not disclosed; a submitted one makes the
// company's submission fail with a neutral answer (no id, no state, not
// the same words as the applicant's own duplicate); the provider voids it
// and the company files.
func TestDraftsDoNotLockEntity(t *testing.T) {
	e := apptest.New(t)
	squatter, company := e.Applicant("squatter@example.com"), e.Applicant("company@example.com")
	desk := e.Operator(auth.RoleProvider)
	c := fixture.FirstFiling(611)

	squat := e.Do("POST", "/api/v1/applications", squatter, createBody(c)).Must(t, 201).ID()
	// The company's draft neither fails nor learns of the squatter's.
	mine := e.Do("POST", "/api/v1/applications", company, createBody(c)).Must(t, 201).ID()
	// Its own second draft is refused, and that may be said.
	if r := e.Do("POST", "/api/v1/applications", company, createBody(c)).Must(t, 409); r.ErrorCode() != "application.open_exists" {
		t.Fatalf("own duplicate draft: %s", r.Raw)
	}
	// The squatter submits first: the entity is locked from submission on.
	e.Do("POST", apptest.Path(squat, "/submit"), squatter, nil).Must(t, 200)
	// A new account's draft is still accepted without a word.
	late := e.Applicant("late@example.com")
	e.Do("POST", "/api/v1/applications", late, createBody(c)).Must(t, 201)

	r := e.Do("POST", apptest.Path(mine, "/submit"), company, nil).Must(t, 409)
	msg := errorMessage(r)
	if r.ErrorCode() != "application.entity_unavailable" || !strings.Contains(msg, "联系接入商") || !strings.Contains(msg, "contact your provider") {
		t.Fatalf("submission blocked by another account: %s", r.Raw)
	}
	errBody := r.Body["error"].(map[string]any)
	if strings.ContainsAny(msg, "0123456789") {
		t.Errorf("the refusal carries a number (an id?): %s", msg)
	}
	for _, leak := range []string{"provider_review", "squatter", "open application", "进行中"} {
		if strings.Contains(string(r.Raw), leak) {
			t.Errorf("the refusal discloses %q: %s", leak, r.Raw)
		}
	}
	if st, ok := errBody["status"]; ok && st != "" && st != nil {
		t.Errorf("the refusal names a state: %s", r.Raw)
	}

	// The desk voids the squatter's application (a reason is required).
	if r := e.Do("POST", apptest.Path(squat, "/void"), desk, map[string]string{"reason": " "}).Must(t, 422); r.Body["error"].(map[string]any)["field"] != "reason" {
		t.Fatalf("void without reason: %s", r.Raw)
	}
	e.Do("POST", apptest.Path(squat, "/void"), squatter, map[string]string{"reason": "x"}).Must(t, 403)
	v := e.Do("POST", apptest.Path(squat, "/void"), desk, map[string]string{"reason": "USCC used without the company's consent"}).Must(t, 200)
	if v.Str("status") != "voided" {
		t.Fatalf("void: %s", v.Raw)
	}
	var audited int
	if err := e.App.DB.R().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'application.void' AND subject = ?`,
		"application:"+itoa(squat)).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("void audited %d times (%v), want 1", audited, err)
	}
	e.Do("POST", apptest.Path(squat, "/void"), desk, map[string]string{"reason": "again"}).Must(t, 409)
	e.Do("POST", apptest.Path(mine, "/submit"), company, nil).Must(t, 200)
}

// TestOwnDuplicateSubmitSaysSo: the applicant's own application under
// review is named when it submits a second one for the same entity.
func TestOwnDuplicateSubmitSaysSo(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("twice@example.com")
	desk := e.Operator(auth.RoleProvider)
	c := fixture.FirstFiling(612)
	first := e.Do("POST", "/api/v1/applications", tok, createBody(c)).Must(t, 201).ID()
	e.Do("POST", apptest.Path(first, "/submit"), tok, nil).Must(t, 200)
	e.Do("POST", apptest.Path(first, "/provider-review"), desk, map[string]any{"decision": "reject", "reasons": []string{"blurred scan"}}).Must(t, 200)
	// Returned, the first no longer holds the entity: a second may start.
	second := e.Do("POST", "/api/v1/applications", tok, createBody(c)).Must(t, 201).ID()
	e.Do("POST", apptest.Path(first, "/submit"), tok, nil).Must(t, 200)
	r := e.Do("POST", apptest.Path(second, "/submit"), tok, nil).Must(t, 409)
	if r.ErrorCode() != "application.open_exists" || !strings.Contains(errorMessage(r), itoa(first)) {
		t.Fatalf("own duplicate at submit: %s", r.Raw)
	}
}

// TestIdleDraftsExpire: a draft untouched for the configured age expires
// on the scheduler's run; an edit restarts its clock; submitted
// applications are not touched.
func TestIdleDraftsExpire(t *testing.T) {
	const age = 10 * 24 * time.Hour
	e := apptest.NewWith(t, func(c *app.Config) { c.DraftMaxAge = age })
	tok := e.Applicant("idle@example.com")
	c := fixture.FirstFiling(613)
	idle := e.Do("POST", "/api/v1/applications", tok, createBody(c)).Must(t, 201).ID()
	edited := e.Do("POST", "/api/v1/applications", tok, createBody(fixture.FirstFiling(614))).Must(t, 201).ID()
	sent := e.Do("POST", "/api/v1/applications", tok, createBody(fixture.FirstFiling(615))).Must(t, 201).ID()
	e.Do("POST", apptest.Path(sent, "/submit"), tok, nil).Must(t, 200)
	run := func() int {
		t.Helper()
		n, err := e.App.Filing.ExpireDrafts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	e.Clock.Advance(age - time.Hour)
	if n := run(); n != 0 {
		t.Fatalf("%d drafts expired before their age", n)
	}
	e.Do("PUT", apptest.Path(edited, ""), tok, createBody(fixture.FirstFiling(614))).Must(t, 200)
	e.Clock.Advance(2 * time.Hour)
	if n := run(); n != 1 {
		t.Fatalf("%d drafts expired, want the idle one", n)
	}
	if r := e.Do("GET", apptest.Path(idle, ""), tok, nil).Must(t, 200); r.Str("status") != "expired" {
		t.Fatalf("idle draft: %s", r.Raw)
	}
	for _, id := range []int64{edited, sent} {
		if r := e.Do("GET", apptest.Path(id, ""), tok, nil).Must(t, 200); r.Str("status") == "expired" {
			t.Errorf("application %d expired: %s", id, r.Raw)
		}
	}
	if n := run(); n != 0 {
		t.Errorf("a second run expired %d more", n)
	}
	// The expired draft no longer counts as the applicant's open one.
	e.Do("POST", "/api/v1/applications", tok, createBody(c)).Must(t, 201)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
