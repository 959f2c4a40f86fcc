package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/operation"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/cli"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/store"
)

// filed is an approved first filing and its numbers.
type filed struct {
	tok     string
	content form.Content
	entity  string
	website string
}

// fileFirst drives a first filing to approval.
func fileFirst(t *testing.T, e *apptest.Env, email string, c form.Content) filed {
	t.Helper()
	tok := e.Applicant(email)
	a := e.File(tok, filing.CreateRequest{Operation: string(operation.FirstFiling), Entity: c.Entity, Websites: c.Websites}, filing.StatusApproved)
	return filed{tok: tok, content: c, entity: *a.EntityNumber, website: a.WebsiteNumbers[0]}
}

// opRequest builds an application for op on the filed entity/websites.
func opRequest(op, provider string, c form.Content, entityNumber string, websites ...form.Website) map[string]any {
	return map[string]any{"operation": op, "provider": provider, "entity": c.Entity, "websites": websites, "entity_number": entityNumber}
}

// drive creates, submits, has the provider approve, passes the SMS codes that
// were sent (to the given phones, in order) and has the authority decide.
// It returns the final response and the statuses seen after provider review.
func drive(t *testing.T, e *apptest.Env, tok, provTok string, req map[string]any, phones ...string) (apptest.Response, string) {
	t.Helper()
	id := e.Do("POST", "/api/v1/applications", tok, req).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	r := e.Do("POST", apptest.Path(id, "/provider-review"), provTok, map[string]any{"decision": "approve"}).Must(t, 200)
	afterProvider := r.Str("status")
	if afterProvider == "sms_verification" {
		if got := len(r.Body["sms_pending"].([]any)); got != len(phones) {
			t.Fatalf("%s: %d principals to verify, want %d (%v)", req["operation"], got, len(phones), r.Body["sms_pending"])
		}
		for _, ph := range phones {
			e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": ph, "code": e.SMSCode(ph)}).Must(t, 200)
		}
	} else if len(phones) != 0 {
		t.Fatalf("%s: no SMS step, want codes for %v", req["operation"], phones)
	}
	r = e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	if r.Str("status") != "approved" {
		t.Fatalf("%s: status %s", req["operation"], r.Str("status"))
	}
	return r, afterProvider
}

func lookup(t *testing.T, e *apptest.Env, q string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range e.Do("GET", "/api/v1/filings?"+q, "", nil).Must(t, 200).Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// otherProvider adds a second provider and returns a token of its desk.
func otherProvider(t *testing.T, e *apptest.Env, code string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.App.Accounts.AddProvider(ctx, code, "另一家云 "+code, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Accounts.AddUser(ctx, "desk@"+code+".test", "operator pass 1", "", auth.RoleProvider, code); err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.App.Accounts.IssueToken(ctx, "desk@"+code+".test", "operator pass 1")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestNewWebsite(t *testing.T) {
	e := apptest.New(t)
	f := fileFirst(t, e, "nw@example.com", fixture.FirstFiling(201))
	w := fixture.FirstFiling(202).Websites[0]
	w.Name = "测试二零一科技商城"
	w.Principal = f.content.Websites[0].Principal
	r, _ := drive(t, e, f.tok, e.Operator(auth.RoleProvider), opRequest("new_website", apptest.ProviderCode, f.content, f.entity, w),
		f.content.Entity.Principal.Phone, w.Principal.Phone)
	if got := r.Body["website_numbers"].([]any); len(got) != 1 || got[0] != f.entity+"-2" {
		t.Fatalf("new website number %v, want %s-2", got, f.entity)
	}
	if items := lookup(t, e, "domain=site202-test.cn"); len(items) != 1 || items[0]["serviceLicence"] != f.entity+"-2" {
		t.Fatalf("lookup: %v", items)
	}
	// Refusals: someone else's entity; an entity number that is not a number.
	other := e.Applicant("intruder@example.com")
	r = e.Do("POST", "/api/v1/applications", other, opRequest("new_website", apptest.ProviderCode, f.content, f.entity, w)).Must(t, 422)
	if r.ErrorCode() != "entity.not_yours" {
		t.Fatalf("other's entity: %s", r.Raw)
	}
	e.Do("POST", "/api/v1/applications", f.tok, opRequest("new_website", apptest.ProviderCode, f.content, "not a number", w)).Must(t, 422)
}

func TestNewAccessAndClaim(t *testing.T) {
	e := apptest.New(t)
	f := fileFirst(t, e, "na@example.com", fixture.FirstFiling(211))
	other := otherProvider(t, e, "other-cloud")
	w := f.content.Websites[0]
	w.Number = f.website
	w.Access.IPs = []string{"192.0.2.10"}
	// New access at the other provider: only the website principal verifies; the number is unchanged.
	r, _ := drive(t, e, f.tok, other, opRequest("new_access", "other-cloud", f.content, f.entity, w), w.Principal.Phone)
	if got := r.Body["website_numbers"].([]any); got[0] != f.website {
		t.Fatalf("number changed: %v", got)
	}
	snap := e.Do("GET", "/api/v1/gate/snapshot", other, nil).Must(t, 200)
	if !strings.Contains(string(snap.Raw), `"domain":"site211-test.cn"`) {
		t.Fatalf("other provider's gate lacks the domain: %s", snap.Raw)
	}
	// Asking again is refused: the access exists.
	r = e.Do("POST", "/api/v1/applications", f.tok, opRequest("new_access", "other-cloud", f.content, f.entity, w)).Must(t, 409)
	if r.ErrorCode() != "access.exists" {
		t.Fatalf("second access: %s", r.Raw)
	}

	// A site filed entirely elsewhere comes in by new access with its own number.
	c := fixture.FirstFiling(212)
	c.Entity.Province, c.Entity.Address = "沪", "上海市徐汇区漕溪北路8号"
	c.Entity.CertificateNumber = fixture.USCC("91310104" + fixture.OrgCode("MA000212"))
	ext := c.Websites[0]
	ext.Number = "沪ICP备2019012345号-3"
	tok := e.Applicant("ext@example.com")
	drive(t, e, tok, e.Operator(auth.RoleProvider), opRequest("new_access", apptest.ProviderCode, c, "沪ICP备2019012345号", ext), ext.Principal.Phone)
	if items := lookup(t, e, "number=沪ICP备2019012345号-3"); len(items) != 1 || items[0]["domain"] != "site212-test.cn" {
		t.Fatalf("external site: %v", items)
	}

	// Claim of a filing made elsewhere: number plus verification of both principals.
	c = fixture.FirstFiling(213)
	c.Entity.CertificateNumber = fixture.USCC("91110105" + fixture.OrgCode("MA000999"))
	cw := c.Websites[0]
	cw.Number = "京ICP备17029130号-1"
	ctok := e.Applicant("claim@example.com")
	drive(t, e, ctok, e.Operator(auth.RoleProvider), opRequest("claim", apptest.ProviderCode, c, "京ICP备17029130号", cw),
		c.Entity.Principal.Phone, cw.Principal.Phone)
	if items := lookup(t, e, "domain=www.site213-test.cn"); len(items) != 1 || items[0]["mainLicence"] != "京ICP备17029130号" {
		t.Fatalf("claimed filing: %v", items)
	}
	r = e.Do("POST", "/api/v1/applications", e.Applicant("claim2@example.com"), opRequest("claim", apptest.ProviderCode, fixture.FirstFiling(214), "京ICP备17029130号", cw)).Must(t, 409)
	if r.ErrorCode() != "claim.already_here" {
		t.Fatalf("second claim: %s", r.Raw)
	}
}

func TestChanges(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	f := fileFirst(t, e, "ch@example.com", fixture.FirstFiling(221))

	// Change entity: the name and address; only the entity principal verifies.
	c := f.content
	c.Entity.Name = "北京测试改名科技有限公司"
	c.Entity.Address = "北京市海淀区中关村大街1号"
	req := opRequest("change_entity", apptest.ProviderCode, c, f.entity)
	req["effective_date"] = "2026-05-01"
	r := e.Do("POST", "/api/v1/applications", f.tok, req).Must(t, 201)
	if r.Str("change_file_by") != "2026-04-01" {
		t.Fatalf("change_file_by %q, want 2026-04-01 (30 days before 2026-05-01)", r.Str("change_file_by"))
	}
	e.Do("POST", apptest.Path(r.ID(), "/withdraw"), f.tok, nil).Must(t, 200)
	drive(t, e, f.tok, prov, req, c.Entity.Principal.Phone)
	if items := lookup(t, e, "number="+f.website); len(items) != 1 || items[0]["unitName"] != c.Entity.Name {
		t.Fatalf("after change: %v", items)
	}
	// What may not change is refused with a reason.
	bad := c
	bad.Entity.Province, bad.Entity.Address = "沪", "上海市徐汇区漕溪北路8号"
	if r := e.Do("POST", "/api/v1/applications", f.tok, opRequest("change_entity", apptest.ProviderCode, bad, f.entity)).Must(t, 422); r.ErrorCode() != "change.province" {
		t.Fatalf("province change: %s", r.Raw)
	}
	bad = c
	bad.Entity.CertificateNumber = fixture.USCC("91110105" + fixture.OrgCode("MA777777"))
	if r := e.Do("POST", "/api/v1/applications", f.tok, opRequest("change_entity", apptest.ProviderCode, bad, f.entity)).Must(t, 422); r.ErrorCode() != "change.certificate_number" {
		t.Fatalf("certificate change: %s", r.Raw)
	}

	// Change website: a new name; adding a domain is refused.
	w := f.content.Websites[0]
	w.Number = f.website
	w.Name = "测试改名科技门户"
	drive(t, e, f.tok, prov, opRequest("change_website", apptest.ProviderCode, c, f.entity, w), w.Principal.Phone)
	if items := lookup(t, e, "number="+f.website); items[0]["serviceName"] != "测试改名科技门户" {
		t.Fatalf("after website change: %v", items)
	}
	w2 := w
	w2.Domains = append([]form.Domain{}, w.Domains...)
	w2.Domains = append(w2.Domains, form.Domain{Name: "added-test.cn"})
	if r := e.Do("POST", "/api/v1/applications", f.tok, opRequest("change_website", apptest.ProviderCode, c, f.entity, w2)).Must(t, 422); r.ErrorCode() != "change.domain" {
		t.Fatalf("domain change: %s", r.Raw)
	}

	// Change access: no SMS, straight to the authority. The new address
	// is in the provider's range (198.51.100.0/24).
	w.Access.IPs = []string{"198.51.100.99"}
	if _, after := drive(t, e, f.tok, prov, opRequest("change_access", apptest.ProviderCode, c, f.entity, w)); after != "authority_review" {
		t.Fatalf("change_access after provider: %s", after)
	}
}

func TestCancellations(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	f := fileFirst(t, e, "cx@example.com", fixture.FirstFiling(231))
	// A second website under the same entity.
	w2 := fixture.FirstFiling(232).Websites[0]
	w2.Principal = f.content.Websites[0].Principal
	r, _ := drive(t, e, f.tok, prov, opRequest("new_website", apptest.ProviderCode, f.content, f.entity, w2), f.content.Entity.Principal.Phone, w2.Principal.Phone)
	site2 := r.Body["website_numbers"].([]any)[0].(string)
	w2.Number = site2

	// Cancel website: cannot be withdrawn; after approval the site is gone.
	id := e.Do("POST", "/api/v1/applications", f.tok, opRequest("cancel_website", apptest.ProviderCode, f.content, f.entity, w2)).Must(t, 201).ID()
	if r := e.Do("POST", apptest.Path(id, "/withdraw"), f.tok, nil).Must(t, 409); r.ErrorCode() != "application.cancellation_not_withdrawable" {
		t.Fatalf("withdraw cancellation: %s", r.Raw)
	}
	e.Do("POST", apptest.Path(id, "/submit"), f.tok, nil).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/provider-review"), prov, map[string]any{"decision": "approve"}).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/sms"), f.tok, map[string]string{"phone": w2.Principal.Phone, "code": e.SMSCode(w2.Principal.Phone)}).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	if items := lookup(t, e, "number="+site2); len(items) != 0 {
		t.Fatalf("cancelled site still found: %v", items)
	}
	if items := lookup(t, e, "number="+f.website); len(items) != 1 {
		t.Fatalf("the other site went too: %v", items)
	}

	// Cancel entity: every website goes with it, and the entity can file again later.
	drive(t, e, f.tok, prov, opRequest("cancel_entity", apptest.ProviderCode, f.content, f.entity), f.content.Entity.Principal.Phone)
	if items := lookup(t, e, "entity="+f.content.Entity.Name); len(items) != 0 {
		t.Fatalf("cancelled entity still found: %v", items)
	}
	if r := e.Do("POST", "/api/v1/applications", f.tok, opRequest("change_entity", apptest.ProviderCode, f.content, f.entity)).Must(t, 422); r.ErrorCode() != "entity.not_found" {
		t.Fatalf("change after cancel: %s", r.Raw)
	}
	r = e.Do("POST", "/api/v1/applications", f.tok, request(f.content)).Must(t, 201)
	for _, fd := range r.Body["findings"].([]any) {
		if fd.(map[string]any)["severity"] == "error" {
			t.Fatalf("re-filing after cancellation blocked: %v", fd)
		}
	}
}

func TestCancelAccessMakesAnEmptyShellThatIsSwept(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	f := fileFirst(t, e, "ca@example.com", fixture.FirstFiling(241))
	w := f.content.Websites[0]
	w.Number = f.website
	if _, after := drive(t, e, f.tok, prov, opRequest("cancel_access", apptest.ProviderCode, f.content, f.entity, w)); after != "authority_review" {
		t.Fatalf("cancel_access skips SMS; after provider: %s", after)
	}
	ws := e.Do("GET", "/api/v1/websites", f.tok, nil).Must(t, 200).Body["items"].([]any)
	if ws[0].(map[string]any)["shell_since"] == nil {
		t.Fatalf("not flagged as empty shell: %v", ws)
	}
	if strings.Contains(string(e.Do("GET", "/api/v1/gate/snapshot", prov, nil).Must(t, 200).Raw), "site241-test.cn") {
		t.Fatal("gate still allows the domain")
	}
	// The clock: approved on Monday 2026-03-02; 5 business days later is Monday 2026-03-09.
	ctx := context.Background()
	for day := 1; day <= 7; day++ {
		e.Clock.Advance(24 * 60 * 60 * 1e9)
		n, err := e.App.Filing.SweepShells(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := e.Clock.Now().Add(8 * 60 * 60 * 1e9).Format("2006-01-02")
		want := 0
		if today == "2026-03-09" {
			want = 1
		}
		if n != want {
			t.Fatalf("%s: swept %d, want %d", today, n, want)
		}
	}
	if items := lookup(t, e, "number="+f.website); len(items) != 0 {
		t.Fatalf("shell not cancelled: %v", items)
	}
}

var licenceRE = regexp.MustCompile(`^京ICP证\d{6}号$`)
var b2RE = regexp.MustCompile(`^京B2-2026\d{4}$`)

func TestCommercialLicence(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	f := fileFirst(t, e, "lic@example.com", fixture.FirstFiling(251))
	id := e.Do("POST", "/api/v1/applications", f.tok, opRequest("commercial_license", apptest.ProviderCode, f.content, f.entity)).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id, "/submit"), f.tok, nil).Must(t, 200)
	if st := e.Do("POST", apptest.Path(id, "/provider-review"), prov, map[string]any{"decision": "approve"}).Must(t, 200).Str("status"); st != "sms_verification" {
		t.Fatalf("licence after provider review: %s", st)
	}
	r := e.Do("POST", apptest.Path(id, "/sms"), f.tok, map[string]string{"phone": f.content.Entity.Principal.Phone, "code": e.SMSCode(f.content.Entity.Principal.Phone)}).Must(t, 200)
	if r.Str("due_date") != "2026-05-01" {
		t.Fatalf("licence due %s, want 2026-05-01 (about 60 days)", r.Str("due_date"))
	}
	r = e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	lic := r.Body["licence_numbers"].(map[string]any)
	if !licenceRE.MatchString(lic["icp_license"].(string)) || !b2RE.MatchString(lic["operating_license"].(string)) {
		t.Fatalf("licence numbers %v", lic)
	}
	if items := lookup(t, e, "number="+f.website); items[0]["mainLicence"] != lic["icp_license"] {
		t.Fatalf("the site does not show the licence: %v", items)
	}
	if r := e.Do("POST", "/api/v1/applications", f.tok, opRequest("commercial_license", apptest.ProviderCode, f.content, f.entity)).Must(t, 409); r.ErrorCode() != "licence.exists" {
		t.Fatalf("second licence: %s", r.Raw)
	}
	// An individual cannot hold a licence.
	ind := fixture.Individual(252)
	itok := e.Applicant("person@example.com")
	iid := driveToAuthority(t, e, itok, ind)
	ir := e.Do("POST", apptest.Path(iid, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	if r := e.Do("POST", "/api/v1/applications", itok, opRequest("commercial_license", apptest.ProviderCode, ind, ir.Str("entity_number"))).Must(t, 422); r.ErrorCode() != "licence.not_enterprise" {
		t.Fatalf("individual licence: %s", r.Raw)
	}
}

var psbRE = regexp.MustCompile(`^京公网安备11010502\d{6}号$`)

func TestPSBFiling(t *testing.T) {
	e := apptest.New(t)
	psb := e.Operator(auth.RolePSB)
	f := fileFirst(t, e, "psb@example.com", fixture.FirstFiling(261))
	ws := e.Do("GET", "/api/v1/websites", f.tok, nil).Must(t, 200).Body["items"].([]any)
	wid := int64(ws[0].(map[string]any)["id"].(float64))
	// Before approval there is no website to file for: an unknown or foreign id is 404.
	other := e.Applicant("nosite@example.com")
	e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", wid), other, map[string]any{"go_live": "2026-03-01"}).Must(t, 404)
	e.Do("POST", "/api/v1/websites/99999/psb", f.tok, map[string]any{"go_live": "2026-03-01"}).Must(t, 404)
	e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", wid), f.tok, map[string]any{}).Must(t, 422)
	r := e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", wid), f.tok, map[string]any{"go_live": "2026-03-01", "interactive": true}).Must(t, 201)
	if r.Str("due_date") != "2026-03-31" || r.Str("status") != "pending" || r.Body["inspection_required"] != true {
		t.Fatalf("psb filing: %s", r.Raw)
	}
	pid := r.ID()
	q := e.Do("GET", "/api/v1/psb/filings", psb, nil).Must(t, 200)
	if len(q.Body["items"].([]any)) != 1 {
		t.Fatalf("psb queue: %s", q.Raw)
	}
	e.Do("GET", "/api/v1/psb/filings", f.tok, nil).Must(t, 403)
	// Interactive: the first approval is the on-site inspection step.
	r = e.Do("POST", fmt.Sprintf("/api/v1/psb/filings/%d/review", pid), psb, map[string]any{"decision": "approve", "county_code": "110105"}).Must(t, 200)
	if r.Str("status") != "inspection" {
		t.Fatalf("interactive site: %s", r.Raw)
	}
	e.Do("POST", fmt.Sprintf("/api/v1/psb/filings/%d/review", pid), psb, map[string]any{"decision": "approve", "county_code": "12345"}).Must(t, 422)
	r = e.Do("POST", fmt.Sprintf("/api/v1/psb/filings/%d/review", pid), psb, map[string]any{"decision": "approve", "county_code": "110105"}).Must(t, 200)
	if r.Str("status") != "approved" || !psbRE.MatchString(r.Str("number")) {
		t.Fatalf("psb number: %s", r.Raw)
	}
	e.Do("POST", fmt.Sprintf("/api/v1/psb/filings/%d/review", pid), psb, map[string]any{"decision": "approve", "county_code": "110105"}).Must(t, 409)
	ws = e.Do("GET", "/api/v1/websites", f.tok, nil).Must(t, 200).Body["items"].([]any)
	if ws[0].(map[string]any)["psb_number"] != r.Str("number") {
		t.Fatalf("website lacks its PSB number: %v", ws[0])
	}
}

func TestAuditVerify(t *testing.T) {
	e := apptest.New(t)
	fileFirst(t, e, "audit@example.com", fixture.FirstFiling(271))
	admin := e.Operator(auth.RoleAdmin)
	r := e.Do("GET", "/api/v1/audit/verify", admin, nil).Must(t, 200)
	if r.Body["ok"] != true || r.Body["rows"].(float64) < 5 {
		t.Fatalf("verify after a full run: %s", r.Raw)
	}
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := e.App.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, tamper, undo string
	}{
		{"changed row", `UPDATE audit_log SET actor_role = 'admin' WHERE id = 3`, `UPDATE audit_log SET actor_role = (SELECT actor_role FROM audit_log WHERE id = 2) WHERE id = 3`},
		{"deleted row", `DELETE FROM audit_log WHERE id = 4`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exec(tc.tamper)
			r := e.Do("GET", "/api/v1/audit/verify", admin, nil).Must(t, 200)
			if r.Body["ok"] != false || r.Str("problem") == "" {
				t.Fatalf("tampering not detected: %s", r.Raw)
			}
		})
	}
}

// TestAuditVerifyCommandOnTamperedCopy runs `beian audit verify` on an SQLite
// database after a full filing, then on a copy with one audit row changed.
func TestAuditVerifyCommandOnTamperedCopy(t *testing.T) {
	dir := t.TempDir()
	db := dir + "/beian.db"
	e := apptest.NewWith(t, func(c *app.Config) { c.DB = db })
	fileFirst(t, e, "cli-audit@example.com", fixture.FirstFiling(281))
	key := ""
	run := func(path string) (int, string) {
		var out, errb bytes.Buffer
		getenv := func(name string) string {
			if name == "BEIAN_DATA_KEY" {
				return key
			}
			return ""
		}
		code := cli.Run(&cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv, Now: time.Now},
			[]string{"audit", "verify", "--db", path, "--data-dir", dir + "/no-key-here"})
		return code, out.String() + errb.String()
	}
	// The chain is keyed from the data key: without it, verify cannot vouch for it.
	if code, out := run(db); code == 0 || !strings.Contains(out, "data.key") {
		t.Fatalf("verify without the data key: exit %d: %s", code, out)
	}
	key = apptest.DataKey
	if code, out := run(db); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("clean database: exit %d: %s", code, out)
	}
	copyPath := dir + "/tampered.db"
	orig, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orig.Exec(`VACUUM INTO '` + copyPath + `'`); err != nil {
		t.Fatalf("copy database: %v", err)
	}
	orig.Close()
	tampered, err := sql.Open("sqlite", copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tampered.Exec(`UPDATE audit_log SET subject = 'application:999' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	tampered.Close()
	if code, out := run(copyPath); code != 1 || !strings.Contains(out, "row 2") {
		t.Fatalf("tampered copy: exit %d: %s", code, out)
	}
	if code, _ := run(db); code != 0 {
		t.Fatal("the original stopped verifying")
	}
}

// TestGateFeedFollowsApplications: a submitted application's domain shows as
// pending in the provider's feed changes, becomes approved on approval, and
// a withdrawn application's domain leaves the feed.
func TestGateFeedFollowsApplications(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	changes := func(since float64) (float64, []map[string]any) {
		r := e.Do("GET", fmt.Sprintf("/api/v1/gate/changes?since=%d", int64(since)), prov, nil).Must(t, 200)
		var out []map[string]any
		for _, c := range r.Body["changes"].([]any) {
			out = append(out, c.(map[string]any))
		}
		return r.Body["version"].(float64), out
	}
	v0, _ := changes(0)
	tok := e.Applicant("feed@example.com")
	c := fixture.FirstFiling(601)
	id := driveToAuthority(t, e, tok, c)
	v1, ch := changes(v0)
	if len(ch) != 1 || ch[0]["op"] != "upsert" || ch[0]["status"] != "pending" || ch[0]["domain"] != "site601-test.cn" {
		t.Fatalf("after submit: %v", ch)
	}
	if snap := e.Do("GET", "/api/v1/gate/snapshot", prov, nil).Must(t, 200); !strings.Contains(string(snap.Raw), `{"domain":"site601-test.cn","status":"pending"}`) {
		t.Fatalf("snapshot: %s", snap.Raw)
	}
	e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	v2, ch := changes(v1)
	if len(ch) != 1 || ch[0]["status"] != "approved" || ch[0]["op"] != "upsert" {
		t.Fatalf("after approval: %v", ch)
	}
	tok2 := e.Applicant("feed2@example.com")
	c2 := fixture.FirstFiling(602)
	id2 := e.Do("POST", "/api/v1/applications", tok2, request(c2)).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id2, "/submit"), tok2, nil).Must(t, 200)
	e.Do("POST", apptest.Path(id2, "/withdraw"), tok2, nil).Must(t, 200)
	_, ch = changes(v2)
	if len(ch) != 2 || ch[0]["status"] != "pending" || ch[1]["op"] != "delete" || ch[1]["domain"] != "site602-test.cn" {
		t.Fatalf("after withdrawal: %v", ch)
	}
}
