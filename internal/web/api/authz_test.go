package api_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/web/api"
)

// caller is one column of the authorisation matrix; role "" is anonymous.
type caller struct {
	name  string
	role  auth.Role
	token string
}

func filingRequest(c form.Content) map[string]any {
	return map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode, "entity": c.Entity, "websites": c.Websites}
}

// authzWorld is the platform the matrix runs against: applicant A (the
// owner of every application the cells use), applicant B, one operator
// per role and an operator of a second provider.
type authzWorld struct {
	e         *apptest.Env
	owner     string
	stranger  string
	otherProv string
	callers   []caller
	next      int // fixture number of the next application
}

func newAuthzWorld(t *testing.T) *authzWorld {
	e := apptest.New(t)
	w := &authzWorld{e: e, owner: e.Applicant("owner-a@example.com"), stranger: e.Applicant("stranger-b@example.com"), next: 1}
	w.callers = []caller{{name: "anonymous"}}
	for _, r := range auth.Roles() {
		tok := w.owner
		if r != auth.RoleApplicant {
			tok = e.Operator(r)
		}
		w.callers = append(w.callers, caller{name: string(r), role: r, token: tok})
	}
	ctx := context.Background()
	if _, err := e.App.Accounts.AddProvider(ctx, "other-cloud", "别家云 Other Cloud", []string{"203.0.113.0/24"}); err != nil {
		t.Fatalf("second provider: %v", err)
	}
	if _, err := e.App.Accounts.AddUser(ctx, "desk@other-cloud.test", "operator pass 1", "", auth.RoleProvider, "other-cloud"); err != nil {
		t.Fatalf("second provider desk: %v", err)
	}
	tok, _, err := e.App.Accounts.IssueToken(ctx, "desk@other-cloud.test", "operator pass 1")
	if err != nil {
		t.Fatalf("second provider token: %v", err)
	}
	w.otherProv = tok
	return w
}

// submitted creates a fresh application as A and submits it, so that every
// role admitted on an {id} route can see it (drafts are the owner's only).
func (w *authzWorld) submitted(t *testing.T) (int64, form.Content) {
	t.Helper()
	c := fixture.FirstFiling(w.next)
	w.next++
	id := w.e.Do("POST", "/api/v1/applications", w.owner, filingRequest(c)).Must(t, 201).ID()
	w.e.Do("POST", apptest.Path(id, "/submit"), w.owner, nil).Must(t, 200)
	return id, c
}

var paramRE = regexp.MustCompile(`\{([^{}]+)\}`)

// request builds the minimal call of rt: the path with {id} filled, a
// query and a body that would succeed for an admitted caller.
func (w *authzWorld) request(t *testing.T, rt api.Route, id int64, c form.Content, cell string) (string, any) {
	t.Helper()
	path := paramRE.ReplaceAllStringFunc(rt.Path, func(p string) string {
		if p != "{id}" {
			t.Fatalf("%s %s: the matrix has no value for %s; teach authz_test.go", rt.Method, rt.Path, p)
		}
		return strconv.FormatInt(id, 10)
	})
	query := map[string]string{
		"GET /api/v1/filings":      "?domain=site1-test.cn",
		"GET /api/v1/gate/changes": "?since=0",
		"GET /api/v1/admin/outbox": "?to=13800000001",
	}[rt.Method+" "+rt.Path]
	var body any
	switch rt.Method + " " + rt.Path {
	case "POST /api/v1/signup":
		body = map[string]string{"email": "new-" + cell + "@example.com", "password": "correct horse 1", "name": cell}
	case "POST /api/v1/tokens":
		body = map[string]string{"email": "owner-a@example.com", "password": "correct horse 1"}
	case "POST /api/v1/applications":
		body = filingRequest(fixture.FirstFiling(500 + w.next))
		w.next++
	case "PUT /api/v1/applications/{id}":
		body = filingRequest(c)
	case "POST /api/v1/applications/{id}/provider-review", "POST /api/v1/applications/{id}/authority-review":
		body = map[string]any{"decision": "approve"}
	case "POST /api/v1/applications/{id}/sms":
		body = map[string]string{"phone": c.Entity.Principal.Phone, "code": "000000"}
	}
	return path + query, body
}

// TestAuthorisationMatrix calls every route as every role: a role the route
// does not admit gets 401 (no token) or 403; an admitted role and every
// caller of a public route never do; nothing answers 5xx.
func TestAuthorisationMatrix(t *testing.T) {
	w := newAuthzWorld(t)
	for _, rt := range (&api.API{}).Routes() {
		for _, cl := range w.callers {
			name := rt.Method + " " + rt.Path + " as " + cl.name
			t.Run(name, func(t *testing.T) {
				var id int64
				var c form.Content
				if strings.Contains(rt.Path, "{") {
					id, c = w.submitted(t)
				}
				path, body := w.request(t, rt, id, c, strings.NewReplacer("/", "-", " ", "-", "{", "", "}", "").Replace(name))
				r := w.e.Do(rt.Method, path, cl.token, body)
				admitted := len(rt.Roles) == 0 || slices.Contains(rt.Roles, cl.role)
				switch {
				case r.Status >= 500:
					t.Fatalf("%d: %s", r.Status, r.Raw)
				case admitted && (r.Status == 401 || r.Status == 403):
					t.Fatalf("admitted caller refused: %d %s", r.Status, r.Raw)
				case !admitted && cl.role == "":
					if r.Status != 401 || r.ErrorCode() != "auth.required" || r.Header.Get("WWW-Authenticate") == "" {
						t.Fatalf("anonymous: %d %q WWW-Authenticate %q, want 401 auth.required with a challenge: %s",
							r.Status, r.ErrorCode(), r.Header.Get("WWW-Authenticate"), r.Raw)
					}
				case !admitted:
					if r.Status != 403 || r.ErrorCode() != "auth.forbidden" {
						t.Fatalf("role %s: %d %q, want 403 auth.forbidden: %s", cl.role, r.Status, r.ErrorCode(), r.Raw)
					}
				}
			})
		}
	}
}

// TestOwnership: an applicant who does not own an application, and the desk
// of a provider it was not filed with, get exactly the answer a missing id
// gets on every /applications/{id} route their role may call; nothing they
// do changes the application; B's list never shows A's applications.
func TestOwnership(t *testing.T) {
	w := newAuthzWorld(t)
	strangers := []caller{
		{name: "applicant B", role: auth.RoleApplicant, token: w.stranger},
		{name: "other provider", role: auth.RoleProvider, token: w.otherProv},
	}
	ownerTok := w.owner
	var seen []int64
	for _, rt := range (&api.API{}).Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/applications/{id}") {
			continue
		}
		for _, cl := range strangers {
			t.Run(rt.Method+" "+rt.Path+" as "+cl.name, func(t *testing.T) {
				id, c := w.submitted(t)
				seen = append(seen, id)
				before := w.e.Do("GET", apptest.Path(id, ""), ownerTok, nil).Must(t, 200)
				path, body := w.request(t, rt, id, c, "ownership")
				r := w.e.Do(rt.Method, path, cl.token, body)
				if !slices.Contains(rt.Roles, cl.role) {
					if r.Status != 403 {
						t.Fatalf("role %s not admitted: %d, want 403: %s", cl.role, r.Status, r.Raw)
					}
					return
				}
				if r.Status != 404 || r.ErrorCode() != "application.not_found" {
					t.Fatalf("%d %q, want 404 application.not_found: %s", r.Status, r.ErrorCode(), r.Raw)
				}
				// The same call on an id that does not exist answers the same: ids reveal nothing.
				missing, _ := w.request(t, rt, 1<<40, c, "ownership-missing")
				m := w.e.Do(rt.Method, missing, cl.token, body)
				if m.Status != r.Status || m.ErrorCode() != r.ErrorCode() || fmt.Sprint(withoutRequestID(m.Body)) != fmt.Sprint(withoutRequestID(r.Body)) {
					t.Fatalf("someone else's id answers %d %s, a missing id %d %s", r.Status, r.Raw, m.Status, m.Raw)
				}
				after := w.e.Do("GET", apptest.Path(id, ""), ownerTok, nil).Must(t, 200)
				if after.Str("status") != before.Str("status") || fmt.Sprint(after.Body["history"]) != fmt.Sprint(before.Body["history"]) {
					t.Fatalf("stranger changed the application: %s -> %s", before.Raw, after.Raw)
				}
			})
		}
	}
	if len(seen) == 0 {
		t.Fatal("Routes has no /api/v1/applications/{id} route")
	}
	items, _ := w.e.Do("GET", "/api/v1/applications", w.stranger, nil).Must(t, 200).Body["items"].([]any)
	for _, it := range items {
		if id := int64(it.(map[string]any)["id"].(float64)); slices.Contains(seen, id) {
			t.Fatalf("applicant B lists A's application %d", id)
		}
	}
	// A's own list has them all, so the empty list above is not an accident.
	mine, _ := w.e.Do("GET", "/api/v1/applications", ownerTok, nil).Must(t, 200).Body["items"].([]any)
	if len(mine) < len(seen) {
		t.Fatalf("owner lists %d applications, want at least %d", len(mine), len(seen))
	}
}

// withoutRequestID drops the per-request ID from an error body, the one
// field that must differ between two answers.
func withoutRequestID(body map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		if e, ok := v.(map[string]any); ok && k == "error" {
			c := map[string]any{}
			for ek, ev := range e {
				if ek != "request_id" {
					c[ek] = ev
				}
			}
			v = c
		}
		out[k] = v
	}
	return out
}
