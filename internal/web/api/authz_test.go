package api_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
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
	return filingRequestAt(apptest.ProviderCode, c)
}

func filingRequestAt(provider string, c form.Content) map[string]any {
	return map[string]any{"operation": "first_filing", "provider": provider, "entity": c.Entity, "websites": c.Websites}
}

// otherCloud is the second provider: the objects of the "other" side are
// filed there by applicant B, so that they are someone else's for the
// applicant and for the provider desk alike.
const otherCloud = "other-cloud"

// authzWorld is the platform the matrix runs against: applicant A (the
// caller of the applicant column and owner of the "own" objects),
// applicant B (owner of the "other" objects), one operator per role and the
// desk of a second provider.
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
	for _, r := range matrixColumns {
		cl := caller{name: roleName(r), role: r}
		switch r {
		case "":
		case auth.RoleApplicant:
			cl.token = w.owner
		default:
			cl.token = e.Operator(r)
		}
		w.callers = append(w.callers, cl)
	}
	ctx := context.Background()
	if _, err := e.App.Accounts.AddProvider(ctx, otherCloud, "别家云 Other Cloud", []string{"203.0.113.0/24"}); err != nil {
		t.Fatalf("second provider: %v", err)
	}
	if _, err := e.App.Accounts.AddUser(ctx, "desk@other-cloud.test", "operator pass 1", "", auth.RoleProvider, otherCloud); err != nil {
		t.Fatalf("second provider desk: %v", err)
	}
	tok, _, err := e.App.Accounts.IssueToken(ctx, "desk@other-cloud.test", "operator pass 1")
	if err != nil {
		t.Fatalf("second provider token: %v", err)
	}
	w.otherProv = tok
	return w
}

func roleName(r auth.Role) string {
	if r == "" {
		return "anonymous"
	}
	return string(r)
}

// side says whose object a cell acts on.
type side int

const (
	own   side = iota // applicant A's, filed with the provider of the provider column
	other             // applicant B's, filed with the second provider
)

func (s side) String() string { return [...]string{"own", "other's"}[s] }

// stage is how far the object of an {id} route has gone; none marks a
// route without an object.
type stage int

const (
	none         stage = iota
	draft              // an application just created
	submitted          // in provider review
	smsDue             // approved by the provider, SMS codes sent to both principals
	authorityDue       // SMS verified, in authority review
	filed              // approved: the {id} is the website's
	psbPending         // the website's PSB filing is pending: the {id} is the PSB filing's
)

// object is what an {id} cell acts on.
type object struct {
	id      int64 // the path's {id}: an application, a website or a PSB filing
	app     int64
	content form.Content
	owner   string // the owner's token
	st      stage
}

// today is the platform clock's date, the go-live date the cells record.
func (w *authzWorld) today() string { return calendar.DateOf(w.e.Clock.Now()).String() }

// make takes a fresh first filing of side's applicant to stage st through
// the API, as the applicant and the desks of its provider do.
func (w *authzWorld) make(t *testing.T, sd side, st stage) object {
	t.Helper()
	c := fixture.FirstFiling(w.next)
	w.next++
	tok, prov, desk := w.owner, apptest.ProviderCode, w.e.Operator(auth.RoleProvider)
	if sd == other {
		tok, prov, desk = w.stranger, otherCloud, w.otherProv
		// The other cloud's servers are in its own range.
		c.Websites[0].Access.IPs = []string{fmt.Sprintf("203.0.113.%d", 1+w.next%250)}
	}
	e := w.e
	id := e.Do("POST", "/api/v1/applications", tok, filingRequestAt(prov, c)).Must(t, 201).ID()
	o := object{id: id, app: id, content: c, owner: tok, st: st}
	if st == draft {
		return o
	}
	e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	if st == submitted {
		return o
	}
	e.Do("POST", apptest.Path(id, "/provider-review"), desk, map[string]any{"decision": "approve"}).Must(t, 200)
	if st == smsDue {
		return o
	}
	for _, ph := range []string{c.Entity.Principal.Phone, c.Websites[0].Principal.Phone} {
		e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": ph, "code": e.SMSCode(ph)}).Must(t, 200)
	}
	if st == authorityDue {
		return o
	}
	r := e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	number := r.Body["website_numbers"].([]any)[0]
	for _, it := range e.Do("GET", "/api/v1/websites", tok, nil).Must(t, 200).Body["items"].([]any) {
		if ws := it.(map[string]any); ws["number"] == number {
			o.id = int64(ws["id"].(float64))
		}
	}
	if o.id == id {
		t.Fatalf("website %v of application %d is not in its owner's list", number, id)
	}
	if st == filed {
		return o
	}
	o.id = e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", o.id), tok, map[string]any{"go_live": w.today()}).Must(t, 201).ID()
	return o
}

// snapshot is the object as its owner sees it, to show that a refused call
// changed nothing.
func (w *authzWorld) snapshot(t *testing.T, o object) string {
	t.Helper()
	switch o.st {
	case psbPending:
		return string(w.e.Do("GET", fmt.Sprintf("/api/v1/psb/filings/%d", o.id), o.owner, nil).Must(t, 200).Raw)
	case filed:
		return string(w.e.Do("GET", "/api/v1/websites", o.owner, nil).Must(t, 200).Raw)
	}
	return string(w.e.Do("GET", apptest.Path(o.app, ""), o.owner, nil).Must(t, 200).Raw)
}

var paramRE = regexp.MustCompile(`\{([^{}]+)\}`)

// upload is a multipart body for the documents route.
type upload struct{}

// request builds the call of route key on object o (id in its path): the
// query and body with which an admitted caller succeeds.
func (w *authzWorld) request(t *testing.T, key string, id int64, o object, cell string) (string, any) {
	t.Helper()
	method, pattern, _ := strings.Cut(key, " ")
	path := paramRE.ReplaceAllStringFunc(pattern, func(p string) string {
		if p != "{id}" {
			t.Fatalf("%s: the matrix has no value for %s; teach authz_test.go", key, p)
		}
		return strconv.FormatInt(id, 10)
	})
	query := map[string]string{
		"GET /api/v1/filings":      "?domain=site1-test.cn",
		"GET /api/v1/gate/changes": "?since=0",
		"GET /api/v1/admin/outbox": "?to=13800000001",
	}[key]
	var body any
	switch key {
	case "POST /api/v1/signup":
		body = map[string]string{"email": "new-" + cell + "@example.com", "password": "correct horse 1", "name": cell}
	case "POST /api/v1/tokens":
		body = map[string]string{"email": "owner-a@example.com", "password": "correct horse 1"}
	case "POST /api/v1/applications":
		body = filingRequest(fixture.FirstFiling(w.next))
		w.next++
	case "PUT /api/v1/applications/{id}":
		c := o.content
		c.Entity.Address = "北京市朝阳区建国路88号"
		body = filingRequest(c)
	case "POST /api/v1/applications/{id}/documents":
		body = upload{}
	case "POST /api/v1/applications/{id}/provider-review", "POST /api/v1/applications/{id}/authority-review":
		body = map[string]any{"decision": "approve"}
	case "POST /api/v1/applications/{id}/void":
		body = map[string]string{"reason": "filed by an account with no right to the entity"}
	case "POST /api/v1/applications/{id}/sms":
		ph := o.content.Entity.Principal.Phone
		body = map[string]string{"phone": ph, "code": w.e.SMSCode(ph)}
	case "POST /api/v1/websites/{id}/go-live":
		body = map[string]string{"date": w.today()}
	case "POST /api/v1/websites/{id}/psb":
		body = map[string]any{"go_live": w.today(), "interactive": false}
	case "POST /api/v1/psb/filings/{id}/review":
		body = map[string]any{"decision": "approve", "county_code": "110105"}
	case "PUT /api/v1/admin/holidays":
		body = map[string]string{"overrides": ""}
	case "POST /api/v1/applications/{id}/submit", "POST /api/v1/applications/{id}/withdraw":
		// No body.
	default:
		if method != "GET" && strings.Contains(pattern, "{id}") {
			t.Fatalf("%s: the matrix has no body for this route; teach authz_test.go", key)
		}
	}
	return path + query, body
}

// call sends one request; an upload body becomes a one-page PDF scan.
func (w *authzWorld) call(t *testing.T, method, path, token string, body any) apptest.Response {
	t.Helper()
	if _, ok := body.(upload); !ok {
		return w.e.Do(method, path, token, body)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("kind", "business_license")
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, w.e.Server.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return w.e.Send(req)
}

// TestAuthorisationMatrix calls every route of the API as every role, on
// the caller's own object and on someone else's, and asserts the exact
// status the independent matrix of authz_expect_test.go gives. Beyond the
// status: 401 is auth.required with a challenge, 403 is auth.forbidden, a
// 404 on someone else's object is byte for byte the answer for an id that
// does not exist, and no refused call changes the object.
func TestAuthorisationMatrix(t *testing.T) {
	if got := append([]auth.Role{""}, auth.Roles()...); !slices.Equal(got, matrixColumns) {
		t.Fatalf("roles %q, the matrix has columns %q: give the new role a column", got, matrixColumns)
	}
	w := newAuthzWorld(t)
	seen := map[string]bool{}
	cells := 0
	for _, rt := range (&api.API{}).Routes() {
		key := rt.Method + " " + rt.Path
		row, ok := apiMatrix[key]
		if !ok {
			t.Errorf("%s has no row in the expected matrix (authz_expect_test.go)", key)
			continue
		}
		seen[key] = true
		if (row.stage != none) != strings.Contains(rt.Path, "{id}") {
			t.Errorf("%s: the row's object stage %d does not fit the path", key, row.stage)
			continue
		}
		for col, cl := range w.callers {
			sides := []side{own}
			if row.stage != none {
				sides = append(sides, other)
			}
			for _, sd := range sides {
				want := row.want(t, key, col, sd)
				name := fmt.Sprintf("%s as %s on %s", key, cl.name, sd)
				cells++
				t.Run(name, func(t *testing.T) { w.cell(t, key, row.stage, cl, sd, want) })
			}
		}
	}
	for key := range apiMatrix {
		if !seen[key] {
			t.Errorf("the expected matrix has a row for %s, which is not a route", key)
		}
	}
	t.Logf("%d cells asserted", cells)
}

// cell runs one cell of the matrix.
func (w *authzWorld) cell(t *testing.T, key string, st stage, cl caller, sd side, want int) {
	var o object
	var before string
	if st != none {
		o = w.make(t, sd, st)
		before = w.snapshot(t, o)
	}
	label := strings.NewReplacer("/", "-", " ", "-", "{", "", "}", "").Replace(key + "-" + cl.name + "-" + sd.String())
	path, body := w.request(t, key, o.id, o, label)
	method, _, _ := strings.Cut(key, " ")
	r := w.call(t, method, path, cl.token, body)
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Raw)
	}
	switch want {
	case 401:
		if r.ErrorCode() != "auth.required" || r.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("401 %q WWW-Authenticate %q, want auth.required with a challenge: %s", r.ErrorCode(), r.Header.Get("WWW-Authenticate"), r.Raw)
		}
	case 403:
		if r.ErrorCode() != "auth.forbidden" {
			t.Fatalf("403 %q, want auth.forbidden: %s", r.ErrorCode(), r.Raw)
		}
	case 404:
		// Someone else's id answers as an id that does not exist: ids reveal nothing.
		missing, mbody := w.request(t, key, 1<<40, o, label+"-missing")
		m := w.call(t, method, missing, cl.token, mbody)
		if m.Status != r.Status || m.ErrorCode() != r.ErrorCode() || fmt.Sprint(withoutRequestID(m.Body)) != fmt.Sprint(withoutRequestID(r.Body)) {
			t.Fatalf("the object answers %d %s, a missing id %d %s", r.Status, r.Raw, m.Status, m.Raw)
		}
	}
	if st != none && want >= 400 {
		if after := w.snapshot(t, o); after != before {
			t.Fatalf("a refused call changed the object:\nbefore %s\nafter  %s", before, after)
		}
	}
}

// TestListsShowOnlyOwnObjects: the applicant's lists and the provider's
// queue hold the caller's objects and never someone else's.
func TestListsShowOnlyOwnObjects(t *testing.T) {
	w := newAuthzWorld(t)
	mine, theirs := w.make(t, own, submitted), w.make(t, other, submitted)
	mySite, theirSite := w.make(t, own, filed), w.make(t, other, filed)
	ids := func(path, token string) []int64 {
		t.Helper()
		var out []int64
		for _, it := range w.e.Do("GET", path, token, nil).Must(t, 200).Body["items"].([]any) {
			out = append(out, int64(it.(map[string]any)["id"].(float64)))
		}
		return out
	}
	for _, c := range []struct {
		name, path, token string
		has, lacks        int64
	}{
		{"A's applications", "/api/v1/applications", w.owner, mine.app, theirs.app},
		{"B's applications", "/api/v1/applications", w.stranger, theirs.app, mine.app},
		{"A's websites", "/api/v1/websites", w.owner, mySite.id, theirSite.id},
		{"B's websites", "/api/v1/websites", w.stranger, theirSite.id, mySite.id},
		{"test-cloud's queue", "/api/v1/review/applications", w.e.Operator(auth.RoleProvider), mine.app, theirs.app},
		{"other-cloud's queue", "/api/v1/review/applications", w.otherProv, theirs.app, mine.app},
	} {
		got := ids(c.path, c.token)
		if !slices.Contains(got, c.has) || slices.Contains(got, c.lacks) {
			t.Errorf("%s: %v, want %d in it and not %d", c.name, got, c.has, c.lacks)
		}
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
