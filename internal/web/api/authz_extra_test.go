package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
)

func TestPublicRoutesIgnoreStaleTokensAndWrongMethodsAre405(t *testing.T) {
	e := apptest.New(t)
	e.Do("GET", "/api/v1/filings?domain=x-test.cn", "bn_stale", nil).Must(t, http.StatusOK)
	e.Do("GET", "/api/v1/applications", "bn_stale", nil).Must(t, http.StatusUnauthorized)
	r := e.Do("DELETE", "/api/v1/me", "", nil).Must(t, http.StatusMethodNotAllowed)
	if r.Header.Get("Allow") != "GET" || r.ErrorCode() != "route.method_not_allowed" {
		t.Fatalf("405: Allow %q, %s", r.Header.Get("Allow"), r.Raw)
	}
	if r := e.Do("PATCH", "/api/v1/applications/7", "", nil).Must(t, http.StatusMethodNotAllowed); r.Header.Get("Allow") != "GET, PUT" {
		t.Fatalf("Allow %q", r.Header.Get("Allow"))
	}
	e.Do("GET", "/api/v1/nothing-here", "", nil).Must(t, http.StatusNotFound)
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("revoke@example.com")
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, http.StatusOK)
	if err := e.App.Accounts.RevokeToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, http.StatusUnauthorized)
}

// TestServiceRefusesWrongRoles calls the filing service directly, under the
// HTTP guard, so that a route table that admits a role by mistake still
// meets a refusal: each method is called with the principal of the role it
// serves with only the role changed (same account, same provider) and must
// answer fault.Forbidden; the unchanged principal then succeeds, so the
// refusal is the role's and not the object's. Which roles a method serves
// is written here, not read from the routes.
func TestServiceRefusesWrongRoles(t *testing.T) {
	w := newAuthzWorld(t)
	ctx := t.Context()
	svc := w.e.App.Filing
	principal := func(token string) auth.Principal {
		t.Helper()
		p, err := w.e.App.Accounts.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	app, prov := principal(w.owner), principal(w.e.Operator(auth.RoleProvider))
	authy, psb, admin := principal(w.e.Operator(auth.RoleAuthority)), principal(w.e.Operator(auth.RolePSB)), principal(w.e.Operator(auth.RoleAdmin))
	blob, err := w.e.App.Blobs.Put(ctx, strings.NewReader("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	approve := filing.Decision{Decision: "approve"}
	cases := []struct {
		method string
		as     []auth.Principal // the roles served; the first one is the one that calls
		st     stage            // the object the call acts on (none: no object)
		call   func(p auth.Principal, o object) error
	}{
		{"Create", []auth.Principal{app}, none, func(p auth.Principal, _ object) error {
			c := fixture.FirstFiling(900)
			_, err := svc.Create(ctx, p, filing.CreateRequest{Operation: "first_filing", Provider: apptest.ProviderCode, Entity: c.Entity, Websites: c.Websites})
			return err
		}},
		{"AddDocument", []auth.Principal{app}, draft, func(p auth.Principal, o object) error {
			_, err := svc.AddDocument(ctx, p, o.app, "business_license", blob)
			return err
		}},
		{"Submit", []auth.Principal{app}, draft, func(p auth.Principal, o object) error { _, err := svc.Submit(ctx, p, o.app); return err }},
		{"Withdraw", []auth.Principal{app}, submitted, func(p auth.Principal, o object) error { _, err := svc.Withdraw(ctx, p, o.app); return err }},
		{"VerifySMS", []auth.Principal{app}, smsDue, func(p auth.Principal, o object) error {
			ph := o.content.Entity.Principal.Phone
			_, err := svc.VerifySMS(ctx, p, o.app, ph, w.e.SMSCode(ph))
			return err
		}},
		{"ProviderReview", []auth.Principal{prov}, submitted, func(p auth.Principal, o object) error {
			_, err := svc.ProviderReview(ctx, p, o.app, approve)
			return err
		}},
		{"Void", []auth.Principal{prov, admin}, submitted, func(p auth.Principal, o object) error {
			_, err := svc.Void(ctx, p, o.app, "filed by an account with no right to the entity")
			return err
		}},
		{"AuthorityReview", []auth.Principal{authy}, authorityDue, func(p auth.Principal, o object) error {
			_, err := svc.AuthorityReview(ctx, p, o.app, approve)
			return err
		}},
		{"Queue", []auth.Principal{prov, authy}, none, func(p auth.Principal, _ object) error { _, err := svc.Queue(ctx, p, "", 10); return err }},
		{"MyApplications", []auth.Principal{app}, none, func(p auth.Principal, _ object) error { _, err := svc.MyApplications(ctx, p); return err }},
		{"MyWebsites", []auth.Principal{app}, none, func(p auth.Principal, _ object) error { _, err := svc.MyWebsites(ctx, p); return err }},
		{"SetGoLive", []auth.Principal{app}, filed, func(p auth.Principal, o object) error { return svc.SetGoLive(ctx, p, o.id, w.today()) }},
		{"FilePSB", []auth.Principal{app}, filed, func(p auth.Principal, o object) error {
			_, err := svc.FilePSB(ctx, p, o.id, filing.PSBRequest{GoLive: w.today()})
			return err
		}},
		{"PSBQueue", []auth.Principal{psb}, none, func(p auth.Principal, _ object) error { _, err := svc.PSBQueue(ctx, p, ""); return err }},
		{"ReviewPSB", []auth.Principal{psb}, psbPending, func(p auth.Principal, o object) error {
			_, err := svc.ReviewPSB(ctx, p, o.id, filing.PSBDecision{Decision: "approve", CountyCode: "110105"})
			return err
		}},
		{"Outbox", []auth.Principal{admin}, none, func(p auth.Principal, _ object) error { _, err := svc.Outbox(ctx, p, ""); return err }},
		{"SetHolidayOverrides", []auth.Principal{admin}, none, func(p auth.Principal, _ object) error {
			_, err := svc.SetHolidayOverrides(ctx, p, "")
			return err
		}},
		{"Snapshot", []auth.Principal{prov}, none, func(p auth.Principal, _ object) error { _, err := svc.Snapshot(ctx, p); return err }},
		{"Changes", []auth.Principal{prov}, none, func(p auth.Principal, _ object) error { _, err := svc.Changes(ctx, p, 0); return err }},
	}
	refusals := 0
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			var o object
			if c.st != none {
				o = w.make(t, own, c.st)
			}
			served := map[auth.Role]bool{}
			for _, p := range c.as {
				served[p.Role] = true
			}
			for _, r := range append(auth.Roles(), "", "system") {
				if served[r] {
					continue
				}
				p := c.as[0]
				p.Role = r
				err := c.call(p, o)
				if fe, ok := fault.As(err); !ok || fe.Kind != fault.Forbidden || fe.Code != "auth.forbidden" {
					t.Errorf("as role %q: %v, want fault.Forbidden auth.forbidden", r, err)
				}
				refusals++
			}
			if err := c.call(c.as[0], o); err != nil {
				t.Fatalf("as %s: %v", c.as[0].Role, err)
			}
		})
	}
	t.Logf("%d wrong-role calls refused across %d service methods", refusals, len(cases))
}
