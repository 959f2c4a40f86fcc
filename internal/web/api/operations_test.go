package api_test

import (
	"testing"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	ops "github.com/beian/beian/internal/operation"
)

// TestFileReachesEveryStatus: the one fixture takes an application to each
// state of the lifecycle.
func TestFileReachesEveryStatus(t *testing.T) {
	e := apptest.New(t)
	for i, st := range []filing.Status{filing.StatusDraft, filing.StatusProviderReview, filing.StatusRejected,
		filing.StatusWithdrawn, filing.StatusSMSVerification, filing.StatusAuthorityReview, filing.StatusApproved,
		filing.StatusExpired} {
		tok := e.Applicant("status" + string(st) + "@example.com")
		a := e.File(tok, apptest.FirstFiling(300+i), st)
		r := e.Do("GET", apptest.Path(a.ID, ""), tok, nil).Must(t, 200)
		if r.Str("status") != string(st) {
			t.Errorf("fixture to %s: the API says %s", st, r.Str("status"))
		}
	}
}

// TestOperationIsOneDescriptor adds an operation that exists only in this
// test — one descriptor, no other code — and files it end to end through
// the API: the entity renames itself without SMS, and the registry shows
// the new name.
func TestOperationIsOneDescriptor(t *testing.T) {
	rename := ops.Descriptor{Name: "test_rename_entity", Effect: ops.ChangeEntityData,
		Needs:   ops.Needs{Entity: true, EntityNumber: true},
		Resolve: []ops.Check{ops.CheckEntityOwned, ops.CheckEntityFixedFields}}
	e := apptest.NewWith(t, func(c *app.Config) { c.Operations = ops.New(rename) })
	tok := e.Applicant("rename@example.com")
	first := e.File(tok, apptest.FirstFiling(400), filing.StatusApproved)

	req := apptest.FirstFiling(400)
	req.Operation, req.EntityNumber, req.Websites = string(rename.Name), *first.EntityNumber, nil
	req.Entity.Name = "改名后的公司 Renamed Ltd"
	a := e.File(tok, req, filing.StatusAuthorityReview)
	if len(a.History) == 0 || a.History[len(a.History)-1].From != filing.StatusProviderReview {
		t.Fatalf("an operation without SMS skips sms_verification: %+v", a.History)
	}
	e.Do("POST", apptest.Path(a.ID, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	r := e.Do("GET", "/api/v1/filings?number="+*first.EntityNumber, "", nil).Must(t, 200)
	if items, _ := r.Body["items"].([]any); len(items) == 0 || items[0].(map[string]any)["unitName"] != req.Entity.Name {
		t.Fatalf("lookup after the rename: %s", r.Raw)
	}
	// The default catalogue does not know it.
	r = e.Do("POST", "/api/v1/applications", tok, map[string]any{"operation": "no_such_op", "provider": apptest.ProviderCode})
	if r.Status != 422 || r.ErrorCode() != "application.bad_operation" {
		t.Errorf("unknown operation: %d %s", r.Status, r.Raw)
	}
}
