package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/web/ui"
)

// uiColumns are the callers of the UI matrix, in the order of a row's cells.
var uiColumns = []auth.Role{"", auth.RoleApplicant, auth.RoleProvider, auth.RoleAuthority, auth.RolePSB, auth.RoleAdmin}

// uiStage is the object a page with an {id} acts on.
type uiStage int

const (
	noObject     uiStage = iota
	uiDraft              // an application just created
	uiSubmitted          // in provider review
	uiWithDoc            // in provider review with one scan attached ({doc})
	uiSMSDue             // SMS codes sent
	uiAuthority          // in authority review
	uiFiled              // approved: {id} is the website's
	uiPSBPending         // {id} is the website's pending PSB filing
	uiByDesk             // the decision page: in the review of the caller's desk (authority: authority review, else provider review)
	uiAppDraft           // an application just created with a website and an App ({svc} is the App)
)

// uiRow is one page's row: the object and one cell per column. A cell is
// "STATUS" or "STATUS>LOCATION" (a redirect and where it goes), or two of
// those as "own|other's". In a location, {id} is the object's id, {next}
// the escaped address asked for, {n} any number and {added} the value the
// form created. "PDF" is 200 when a CJK font is installed and 503 (the
// letter cannot be drawn) when not.
type uiRow struct {
	stage uiStage
	cells [6]string
}

const toLogin = "303>/login?next={next}"

// uiMatrix is what each role may do in the web UI, written from the
// product's rules and not from ui.go: public pages for everyone; the
// applicant's wizard, websites and SMS pages for applicants on their own
// filings; the review desks for the provider (what was filed with it) and
// the authority; the PSB desk for PSB filings; the admin pages for admins.
// An anonymous GET goes to the sign-in page and comes back; an anonymous
// POST is 401. Someone else's object is 404, never 403.
var uiMatrix = map[string]uiRow{
	//                                                     anonymous applicant provider authority psb admin
	"GET /{$}":                            {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"GET /lookup":                         {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"GET /advisor":                        {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"GET /footer-snippet":                 {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"GET /signup":                         {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"POST /signup":                        {noObject, [6]string{"303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard"}},
	"GET /login":                          {noObject, [6]string{"200", "200", "200", "200", "200", "200"}},
	"POST /login":                         {noObject, [6]string{"303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard", "303>/dashboard"}},
	"POST /logout":                        {noObject, [6]string{"303>/", "303>/", "303>/", "303>/", "303>/", "303>/"}},
	"POST /lang":                          {noObject, [6]string{"303>/", "303>/", "303>/", "303>/", "303>/", "303>/"}},
	"GET /dashboard":                      {noObject, [6]string{toLogin, "200", "303>/review", "303>/review", "303>/psb", "303>/admin/providers"}},
	"GET /applications/new":               {noObject, [6]string{toLogin, "200", "403", "403", "403", "403"}},
	"POST /applications/new":              {noObject, [6]string{"401", "303>/applications/{n}/edit/entity", "403", "403", "403", "403"}},
	"GET /applications/{id}":              {uiSubmitted, [6]string{toLogin, "200|404", "200|404", "200", "403", "200"}},
	"GET /applications/{id}/edit/{step}":  {uiDraft, [6]string{toLogin, "200|404", "403", "403", "403", "403"}},
	"POST /applications/{id}/edit/{step}": {uiDraft, [6]string{"401", "303>/applications/{id}/edit/entity|404", "403", "403", "403", "403"}},
	"POST /applications/{id}/documents":   {uiDraft, [6]string{"401", "303>/applications/{id}/edit/documents|404", "403", "403", "403", "403"}},
	"POST /applications/{id}/services/{svc}/icon": {uiAppDraft, [6]string{"401", "303>/applications/{id}/edit/websites#f-websites-1--app-icon|404", "403", "403", "403", "403"}},
	"GET /applications/{id}/documents/{doc}":      {uiWithDoc, [6]string{toLogin, "200|404", "200|404", "200", "403", "200"}},
	"POST /applications/{id}/submit":              {uiDraft, [6]string{"401", "303>/applications/{id}|404", "403", "403", "403", "403"}},
	"POST /applications/{id}/withdraw":            {uiSubmitted, [6]string{"401", "303>/applications/{id}|404", "403", "403", "403", "403"}},
	"GET /applications/{id}/sms":                  {uiSMSDue, [6]string{toLogin, "200|404", "403", "403", "403", "403"}},
	"POST /applications/{id}/sms":                 {uiSMSDue, [6]string{"401", "303>/applications/{id}/sms|404", "403", "403", "403", "403"}},
	"GET /applications/{id}/letters/{kind}":       {uiSubmitted, [6]string{toLogin, "PDF|404", "PDF|404", "PDF", "403", "403"}},
	"POST /applications/{id}/decision":            {uiByDesk, [6]string{"401", "403", "303>/review?done={id}|404", "303>/review?done={id}", "403", "403"}},
	"POST /applications/{id}/void":                {uiSubmitted, [6]string{"401", "403", "303>/applications/{id}|404", "403", "403", "303>/applications/{id}"}},
	"GET /review":                                 {noObject, [6]string{toLogin, "403", "200", "200", "403", "403"}},
	"GET /scan":                                   {noObject, [6]string{toLogin, "403", "200", "403", "403", "403"}},
	"GET /websites":                               {noObject, [6]string{toLogin, "200", "403", "403", "403", "403"}},
	"POST /websites/{id}/go-live":                 {uiFiled, [6]string{"401", "303>/websites?done=go_live|404", "403", "403", "403", "403"}},
	"POST /websites/{id}/psb":                     {uiFiled, [6]string{"401", "303>/websites?done=psb|404", "403", "403", "403", "403"}},
	"GET /psb":                                    {noObject, [6]string{toLogin, "403", "403", "403", "200", "403"}},
	"GET /psb/{id}":                               {uiPSBPending, [6]string{toLogin, "403", "403", "403", "200", "403"}},
	"POST /psb/{id}/decision":                     {uiPSBPending, [6]string{"401", "403", "403", "403", "303>/psb/{id}?done=approved", "403"}},
	"GET /admin/providers":                        {noObject, [6]string{toLogin, "403", "403", "403", "403", "200"}},
	"POST /admin/providers":                       {noObject, [6]string{"401", "403", "403", "403", "403", "303>/admin/providers?added={added}"}},
	"GET /admin/accounts":                         {noObject, [6]string{toLogin, "403", "403", "403", "403", "200"}},
	"POST /admin/accounts":                        {noObject, [6]string{"401", "403", "403", "403", "403", "303>/admin/accounts?added={added}"}},
	"GET /admin/holidays":                         {noObject, [6]string{toLogin, "403", "403", "403", "403", "200"}},
	"POST /admin/holidays":                        {noObject, [6]string{"401", "403", "403", "403", "403", "303>/admin/holidays?saved=1"}},
	"GET /admin/outbox":                           {noObject, [6]string{toLogin, "403", "403", "403", "403", "200"}},
	"/":                                           {noObject, [6]string{"404", "404", "404", "404", "404", "404"}},
}

// uiWant is one cell: the status and, for a redirect, the location pattern.
type uiWant struct {
	status   int
	location string
}

func (r uiRow) want(t *testing.T, pattern string, col int, sd uiSide, font bool) uiWant {
	t.Helper()
	mine, theirs, split := strings.Cut(r.cells[col], "|")
	c := mine
	if split && sd == uiOther {
		c = theirs
	}
	s, loc, _ := strings.Cut(c, ">")
	if s == "PDF" {
		s = "503"
		if font {
			s = "200"
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 || (n == 303) != (loc != "") {
		t.Fatalf("%s: bad cell %q in column %d", pattern, r.cells[col], col)
	}
	return uiWant{status: n, location: loc}
}

// uiSide says whose object a cell acts on.
type uiSide int

const (
	uiOwn   uiSide = iota // applicant A's, filed with the provider of the provider column
	uiOther               // applicant B's, filed with a second provider
)

func (s uiSide) String() string { return [...]string{"own", "other's"}[s] }

// uiRoutes reads the route patterns out of Register in ui.go: the test
// iterates the real table, so that a page added there without a row here
// fails, while the expected answers stay independent of the table's roles.
func uiRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "ui.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "Register" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				return true
			}
			if id, ok := as.Lhs[0].(*ast.Ident); !ok || id.Name != "routes" {
				return true
			}
			for _, el := range as.Rhs[0].(*ast.CompositeLit).Elts {
				lit := el.(*ast.CompositeLit).Elts[0].(*ast.BasicLit)
				p, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, p)
			}
			return false
		})
	}
	if len(out) < 10 {
		t.Fatalf("found %d routes in ui.go's Register: has the table moved? %q", len(out), out)
	}
	return out
}

// uiObject is what an {id} cell acts on.
type uiObject struct {
	id, app, doc int64
	content      form.Content
	owner        auth.Principal
	st           uiStage
}

// uiWorld is the platform of the UI matrix: applicant A (the applicant
// column, owner of the own objects), applicant B at a second provider (owner
// of the other's objects), and a session for each column signed in through
// the login form.
type uiWorld struct {
	e        *apptest.Env
	sessions map[auth.Role]string
	creds    map[auth.Role][2]string
	a, b     auth.Principal
	desks    [2]auth.Principal // provider desks of own and other's objects
	authy    auth.Principal
	admin    auth.Principal
	client   *http.Client
	next     int
}

// csrfValue is the double-submit token every cell sends (any 43 characters do).
var csrfValue = strings.Repeat("c", 43)

func newUIWorld(t *testing.T) *uiWorld {
	t.Helper()
	e := apptest.New(t)
	ctx := context.Background()
	w := &uiWorld{e: e, sessions: map[auth.Role]string{}, creds: map[auth.Role][2]string{}, next: 1,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	principal := func(tok string) auth.Principal {
		t.Helper()
		p, err := e.App.Accounts.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.a, w.b = principal(e.Applicant("owner-a@example.com")), principal(e.Applicant("owner-b@example.com"))
	w.creds[auth.RoleApplicant] = [2]string{"owner-a@example.com", "correct horse 1"}
	for _, r := range uiColumns[2:] {
		e.Operator(r)
		w.creds[r] = [2]string{string(r) + "@ops.test", "operator pass 1"}
	}
	if _, err := e.App.Accounts.AddProvider(ctx, "other-cloud", "别家云 Other Cloud", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Accounts.AddUser(ctx, "desk@other-cloud.test", "operator pass 1", "", auth.RoleProvider, "other-cloud"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.App.Accounts.IssueToken(ctx, "desk@other-cloud.test", "operator pass 1")
	if err != nil {
		t.Fatal(err)
	}
	w.desks = [2]auth.Principal{principal(e.Operator(auth.RoleProvider)), principal(tok)}
	w.authy, w.admin = principal(e.Operator(auth.RoleAuthority)), principal(e.Operator(auth.RoleAdmin))
	for r := range w.creds {
		w.sessions[r] = w.signIn(t, r)
	}
	return w
}

// signIn signs role's account in through the login form and returns the session cookie.
func (w *uiWorld) signIn(t *testing.T, r auth.Role) string {
	t.Helper()
	c := w.creds[r]
	resp := w.send(t, "POST", "/login", "", url.Values{"email": {c[0]}, "password": {c[1]}})
	for _, ck := range resp.Cookies() {
		if ck.Name == ui.SessionCookie && ck.Value != "" {
			return ck.Value
		}
	}
	t.Fatalf("signing %s in: %d, no session cookie", r, resp.StatusCode)
	return ""
}

// send makes one request as a form (url.Values), a multipart upload
// (*multipart.Writer's body in a *bytes.Buffer with its content type) or
// without a body, with the session and the CSRF token, and follows no redirect.
func (w *uiWorld) send(t *testing.T, method, path, session string, body any) *http.Response {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case url.Values:
		b.Set(ui.CSRFField, csrfValue)
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case scanUpload:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField(ui.CSRFField, csrfValue)
		_ = mw.WriteField("kind", "business_license")
		fw, _ := mw.CreateFormFile("file", "scan.pdf")
		_, _ = fw.Write(pdfScan)
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		rd, ct = &buf, mw.FormDataContentType()
	case iconUpload:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField(ui.CSRFField, csrfValue)
		fw, _ := mw.CreateFormFile("icon", "icon.png")
		_, _ = fw.Write(iconPNG(t))
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		rd, ct = &buf, mw.FormDataContentType()
	case nil:
		if method == "POST" {
			rd, ct = strings.NewReader(url.Values{ui.CSRFField: {csrfValue}}.Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequest(method, w.e.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.AddCookie(&http.Cookie{Name: ui.CSRFCookie, Value: csrfValue})
	req.AddCookie(&http.Cookie{Name: ui.LangCookie, Value: "en"})
	if session != "" {
		req.AddCookie(&http.Cookie{Name: ui.SessionCookie, Value: session})
	}
	resp, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// scanUpload is the body of the documents page: one PDF scan.
type scanUpload struct{}

// iconUpload is the body of an App's icon upload: a small PNG.
type iconUpload struct{}

var pdfScan = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func (w *uiWorld) today() string { return calendar.DateOf(w.e.Clock.Now()).String() }

// smsCode is the newest code sent to phone.
func (w *uiWorld) smsCode(t *testing.T, phone string) string {
	t.Helper()
	msgs, err := w.e.App.Filing.Outbox(context.Background(), w.admin, phone)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no SMS to %s: %v", phone, err)
	}
	code, ok := filing.SMSCodeFrom(msgs[len(msgs)-1].Body)
	if !ok {
		t.Fatalf("no code in %q", msgs[len(msgs)-1].Body)
	}
	return code
}

// make takes a fresh first filing of sd's applicant to stage st by calling
// the filing service as the applicant and the desks do.
func (w *uiWorld) make(t *testing.T, sd uiSide, st uiStage) uiObject {
	t.Helper()
	ctx := context.Background()
	svc := w.e.App.Filing
	c := fixture.FirstFiling(w.next)
	if st == uiAppDraft {
		c = fixture.AppFiling(w.next)
	}
	w.next++
	owner, prov := w.a, apptest.ProviderCode
	if sd == uiOther {
		owner, prov = w.b, "other-cloud"
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture %s to %d: %s: %v", c.Websites[0].Domains[0].Name, st, what, err)
		}
	}
	a, err := svc.Create(ctx, owner, filing.CreateRequest{Operation: "first_filing", Provider: prov, Entity: c.Entity, Websites: c.Websites})
	must("create", err)
	o := uiObject{id: a.ID, app: a.ID, content: c, owner: owner, st: st}
	if st == uiDraft || st == uiAppDraft {
		return o
	}
	if st == uiWithDoc {
		blob, err := w.e.App.Blobs.Put(ctx, bytes.NewReader(pdfScan))
		must("blob", err)
		d, err := svc.AddDocument(ctx, owner, a.ID, "business_license", blob)
		must("document", err)
		o.doc = d.ID
	}
	_, err = svc.Submit(ctx, owner, a.ID)
	must("submit", err)
	if st == uiSubmitted || st == uiWithDoc || st == uiByDesk {
		return o
	}
	_, err = svc.ProviderReview(ctx, w.desks[sd], a.ID, filing.Decision{Decision: "approve"})
	must("provider review", err)
	if st == uiSMSDue {
		return o
	}
	for _, ph := range []string{c.Entity.Principal.Phone, c.Websites[0].Principal.Phone} {
		_, err = svc.VerifySMS(ctx, owner, a.ID, ph, w.smsCode(t, ph))
		must("sms", err)
	}
	if st == uiAuthority {
		return o
	}
	a, err = svc.AuthorityReview(ctx, w.authy, a.ID, filing.Decision{Decision: "approve"})
	must("authority review", err)
	sites, err := svc.MyWebsites(ctx, owner)
	must("websites", err)
	for _, ws := range sites {
		if slices.Contains(a.WebsiteNumbers, ws.Number) {
			o.id = ws.ID
		}
	}
	if o.id == a.ID {
		t.Fatalf("the website of application %d is not its owner's", a.ID)
	}
	if st == uiFiled {
		return o
	}
	p, err := svc.FilePSB(ctx, owner, o.id, filing.PSBRequest{GoLive: w.today()})
	must("psb", err)
	o.id = p.ID
	return o
}

// snapshot is the object as its owner sees it.
func (w *uiWorld) snapshot(t *testing.T, o uiObject) string {
	t.Helper()
	ctx := context.Background()
	var v any
	var err error
	switch o.st {
	case uiPSBPending:
		v, err = w.e.App.Filing.GetPSB(ctx, o.owner, o.id)
	case uiFiled:
		v, err = w.e.App.Filing.MyWebsites(ctx, o.owner)
	default:
		v, err = w.e.App.Filing.Get(ctx, o.owner, o.app)
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var uiParamRE = regexp.MustCompile(`\{([^{}]+)\}`)

// request builds the call of pattern on o (id in its path): the path, the
// form that an admitted caller succeeds with, and the value {added} stands for.
func (w *uiWorld) request(t *testing.T, pattern string, id int64, o uiObject, r auth.Role) (string, string, any, string) {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", "/no-such-page"
	}
	path = uiParamRE.ReplaceAllStringFunc(path, func(p string) string {
		switch p {
		case "{id}":
			return strconv.FormatInt(id, 10)
		case "{step}":
			return "entity"
		case "{doc}":
			return strconv.FormatInt(o.doc, 10)
		case "{kind}":
			return "commitment.pdf"
		case "{svc}":
			return "1"
		case "{$}":
			return ""
		}
		t.Fatalf("%s: the matrix has no value for %s; teach authz_test.go", pattern, p)
		return ""
	})
	n := w.next
	w.next++
	var body any
	added := ""
	switch pattern {
	case "POST /signup":
		body = url.Values{"email": {fmt.Sprintf("new%d@example.com", n)}, "password": {"correct horse 1"}, "password2": {"correct horse 1"}}
	case "POST /login":
		body = url.Values{"email": {"owner-a@example.com"}, "password": {"correct horse 1"}}
	case "POST /lang":
		body = url.Values{"lang": {"en"}}
	case "POST /applications/new":
		body = url.Values{"operation": {"first_filing"}, "provider": {apptest.ProviderCode}}
	case "POST /applications/{id}/edit/{step}":
		f := entityForm(o.content)
		f.Set("go", "stay")
		body = f
	case "POST /applications/{id}/documents":
		body = scanUpload{}
	case "POST /applications/{id}/services/{svc}/icon":
		body = iconUpload{}
	case "POST /applications/{id}/sms":
		ph := o.content.Entity.Principal.Phone
		body = url.Values{"phone": {ph}, "code": {w.smsCode(t, ph)}}
	case "POST /applications/{id}/decision":
		body = url.Values{"decision": {"approve"}}
	case "POST /applications/{id}/void":
		body = url.Values{"void_reason": {"filed with the USCC without consent"}}
	case "POST /websites/{id}/go-live":
		body = url.Values{"go_live": {w.today()}}
	case "POST /websites/{id}/psb":
		body = url.Values{"go_live": {w.today()}}
	case "POST /psb/{id}/decision":
		body = url.Values{"decision": {"approve"}, "county_code": {"110105"}}
	case "POST /admin/providers":
		added = fmt.Sprintf("cloud-%d", n)
		body = url.Values{"code": {added}, "name": {"新云 New Cloud"}, "cidrs": {""}}
	case "POST /admin/accounts":
		added = fmt.Sprintf("desk%d@ops.test", n)
		body = url.Values{"email": {added}, "password": {"operator pass 1"}, "name": {"desk"}, "role": {"authority"}}
	case "POST /admin/holidays":
		body = url.Values{"overrides": {""}}
	case "POST /logout", "POST /applications/{id}/submit", "POST /applications/{id}/withdraw":
	default:
		if method == "POST" {
			t.Fatalf("%s: the matrix has no form for this page; teach authz_test.go", pattern)
		}
	}
	return method, path, body, added
}

// stageFor is the object of a row for a column: the decision page acts on
// an application in the review of the caller's desk.
func (r uiRow) stageFor(role auth.Role) uiStage {
	if r.stage != uiByDesk {
		return r.stage
	}
	if role == auth.RoleAuthority {
		return uiAuthority
	}
	return uiSubmitted
}

// TestUIAuthorisationMatrix opens every page of the UI as every role, on
// the caller's own object and on someone else's, and asserts the exact
// status (and, for a redirect, where it goes) of the independent matrix
// above. A refused call changes nothing; signing out ends the session's
// token.
func TestUIAuthorisationMatrix(t *testing.T) {
	if got := append([]auth.Role{""}, auth.Roles()...); !slices.Equal(got, uiColumns) {
		t.Fatalf("roles %q, the matrix has columns %q: give the new role a column", got, uiColumns)
	}
	font := ui.FindFont(t.Context(), os.Getenv("BEIAN_CJK_FONT")) == nil
	w := newUIWorld(t)
	seen := map[string]bool{}
	cells := 0
	for _, pattern := range uiRoutes(t) {
		row, ok := uiMatrix[pattern]
		if !ok {
			t.Errorf("%s has no row in the UI matrix", pattern)
			continue
		}
		seen[pattern] = true
		if (row.stage != noObject) != strings.Contains(pattern, "{id}") {
			t.Errorf("%s: the row's object %d does not fit the pattern", pattern, row.stage)
			continue
		}
		for col, role := range uiColumns {
			sides := []uiSide{uiOwn}
			if row.stage != noObject {
				sides = append(sides, uiOther)
			}
			for _, sd := range sides {
				want := row.want(t, pattern, col, sd, font)
				cells++
				t.Run(fmt.Sprintf("%s as %s on %s", pattern, roleLabel(role), sd), func(t *testing.T) {
					w.cell(t, pattern, row.stageFor(role), role, sd, want)
				})
			}
		}
	}
	for p := range uiMatrix {
		if !seen[p] {
			t.Errorf("the UI matrix has a row for %s, which ui.go does not register", p)
		}
	}
	t.Logf("%d cells asserted (CJK font found: %v)", cells, font)
}

// mainOf is the <main> element of a page with its own address taken out.
func mainOf(page, path string) string {
	i, j := strings.Index(page, "<main"), strings.Index(page, "</main>")
	if i < 0 || j < i {
		return page
	}
	return strings.ReplaceAll(page[i:j], path, "PATH")
}

func roleLabel(r auth.Role) string {
	if r == "" {
		return "anonymous"
	}
	return string(r)
}

func (w *uiWorld) cell(t *testing.T, pattern string, st uiStage, role auth.Role, sd uiSide, want uiWant) {
	var o uiObject
	var before string
	if st != noObject {
		o = w.make(t, sd, st)
		before = w.snapshot(t, o)
	}
	session := w.sessions[role]
	if pattern == "POST /logout" && role != "" {
		session = w.signIn(t, role) // its own session, which the cell ends
	}
	method, path, body, added := w.request(t, pattern, o.id, o, role)
	resp := w.send(t, method, path, session, body)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want.status {
		t.Fatalf("%s %s: status %d, want %d (Location %q)\n%s", method, path, resp.StatusCode, want.status, resp.Header.Get("Location"), snippet(string(page)))
	}
	loc := resp.Header.Get("Location")
	if want.location != "" {
		re := regexp.QuoteMeta(want.location)
		re = strings.NewReplacer(`\{id\}`, strconv.FormatInt(o.id, 10), `\{n\}`, `[0-9]+`,
			`\{next\}`, regexp.QuoteMeta(url.QueryEscape(path)), `\{added\}`, regexp.QuoteMeta(url.QueryEscape(added))).Replace(re)
		if !regexp.MustCompile("^" + re + "$").MatchString(loc) {
			t.Fatalf("%s %s: Location %q, want %s", method, path, loc, want.location)
		}
	}
	if want.status == 404 && st != noObject {
		// Someone else's object answers as one that does not exist.
		mmethod, mpath, mbody, _ := w.request(t, pattern, 1<<40, o, role)
		mresp := w.send(t, mmethod, mpath, session, mbody)
		mpage, _ := io.ReadAll(mresp.Body)
		mresp.Body.Close()
		if mresp.StatusCode != 404 || mainOf(string(mpage), mpath) != mainOf(string(page), path) {
			t.Fatalf("%s: the object's page differs from a missing one's (%d):\n%s\n%s", path, mresp.StatusCode, mainOf(string(page), path), mainOf(string(mpage), mpath))
		}
	}
	if want.status == 200 && resp.Header.Get("Content-Type") == "text/html; charset=utf-8" && strings.Contains(string(page), ui.MissingPrefix) {
		t.Fatalf("%s %s: a translation is missing", method, path)
	}
	if pattern == "POST /logout" && role != "" {
		if _, err := w.e.App.Accounts.Authenticate(context.Background(), session); err == nil {
			t.Fatal("signing out left the session's token valid")
		}
	}
	refused := want.status >= 400 || strings.HasPrefix(loc, "/login")
	if st != noObject && refused {
		if after := w.snapshot(t, o); after != before {
			t.Fatalf("a refused call changed the object:\nbefore %s\nafter  %s", before, after)
		}
	}
}
