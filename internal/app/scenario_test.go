package app_test

import (
	"fmt"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/operation"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

func request(c form.Content) map[string]any {
	return map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode, "entity": c.Entity, "websites": c.Websites}
}

var (
	entityNumRE  = regexp.MustCompile(`^京ICP备2026\d{6}号$`)
	websiteNumRE = regexp.MustCompile(`^京ICP备2026\d{6}号-1$`)
)

// driveToAuthority creates and submits a filing, has the provider approve it
// and passes every SMS code; it returns the application id.
func driveToAuthority(t *testing.T, e *apptest.Env, tok string, c form.Content) int64 {
	t.Helper()
	return e.File(tok, filing.CreateRequest{Operation: string(operation.FirstFiling), Entity: c.Entity, Websites: c.Websites}, filing.StatusAuthorityReview).ID
}

func TestFirstFilingEndToEnd(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("owner@example.com")
	c := fixture.FirstFiling(1)

	r := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201)
	if r.Str("status") != "draft" {
		t.Fatalf("status %q", r.Str("status"))
	}
	for _, f := range r.Body["findings"].([]any) {
		if f.(map[string]any)["severity"] == "error" {
			t.Fatalf("valid fixture has a blocking finding: %v", f)
		}
	}
	id := r.ID()
	r = e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	if r.Str("status") != "provider_review" || r.Str("due_date") != "2026-03-04" {
		t.Fatalf("after submit: status %s due %s (want provider_review due 2026-03-04, two business days after Monday 2026-03-02)", r.Str("status"), r.Str("due_date"))
	}
	prov := e.Operator(auth.RoleProvider)
	q := e.Do("GET", "/api/v1/review/applications", prov, nil).Must(t, 200)
	if items := q.Body["items"].([]any); len(items) != 1 {
		t.Fatalf("provider queue has %d items", len(items))
	}
	r = e.Do("POST", apptest.Path(id, "/provider-review"), prov, map[string]any{"decision": "approve"}).Must(t, 200)
	if r.Str("status") != "sms_verification" {
		t.Fatalf("after provider approval: %s", r.Str("status"))
	}
	e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": e.SMSCode(c.Entity.Principal.Phone)}).Must(t, 200)
	r = e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Websites[0].Principal.Phone, "code": e.SMSCode(c.Websites[0].Principal.Phone)}).Must(t, 200)
	if r.Str("status") != "authority_review" {
		t.Fatalf("after SMS: %s", r.Str("status"))
	}
	authTok := e.Operator(auth.RoleAuthority)
	r = e.Do("POST", apptest.Path(id, "/authority-review"), authTok, map[string]any{"decision": "approve"}).Must(t, 200)
	if r.Str("status") != "approved" {
		t.Fatalf("after authority: %s", r.Str("status"))
	}
	entNum := r.Str("entity_number")
	webNums := r.Body["website_numbers"].([]any)
	if !entityNumRE.MatchString(entNum) || len(webNums) != 1 || !websiteNumRE.MatchString(webNums[0].(string)) || webNums[0] != entNum+"-1" {
		t.Fatalf("numbers %q %v", entNum, webNums)
	}
	hist := r.Body["history"].([]any)
	if len(hist) != 6 { // create, submit, provider_approve, sms_passed, authority_approve + ...
		var acts []string
		for _, h := range hist {
			acts = append(acts, h.(map[string]any)["action"].(string))
		}
		if strings.Join(acts, ",") != "create,submit,provider_approve,sms_passed,authority_approve" {
			t.Fatalf("history %v", acts)
		}
	}

	// The public lookup: by domain, by a host under it, by number, by entity; no personal data.
	for _, q := range []string{"domain=site1-test.cn", "domain=WWW.Site1-Test.CN.", "number=" + webNums[0].(string), "number=" + entNum, "entity=" + c.Entity.Name} {
		r := e.Do("GET", "/api/v1/filings?"+q, "", nil).Must(t, 200)
		items := r.Body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("lookup %s: %d items: %s", q, len(items), r.Raw)
		}
		it := items[0].(map[string]any)
		if it["serviceLicence"] != webNums[0] || it["mainLicence"] != entNum || it["domain"] != "site1-test.cn" || it["natureName"] != "企业" {
			t.Fatalf("lookup %s: %v", q, it)
		}
		for _, pd := range []string{c.Entity.Principal.Phone, c.Entity.Principal.IDNumber, c.Entity.Principal.Email, c.Websites[0].Principal.Phone, c.Entity.CertificateNumber} {
			if strings.Contains(string(r.Raw), pd) {
				t.Fatalf("lookup %s leaks personal data %q", q, pd)
			}
		}
	}
	if items := e.Do("GET", "/api/v1/filings?domain=other-test.cn", "", nil).Must(t, 200).Body["items"].([]any); len(items) != 0 {
		t.Fatalf("unfiled domain found: %v", items)
	}
	// An approved application cannot be withdrawn: 409 with the current state.
	r = e.Do("POST", apptest.Path(id, "/withdraw"), tok, nil).Must(t, 409)
	if r.ErrorCode() != "application.illegal_transition" || r.Body["error"].(map[string]any)["status"] != "approved" {
		t.Fatalf("withdraw approved: %s", r.Raw)
	}
	// A second first filing for the same entity is refused with a finding telling to use new_website.
	c2 := fixture.FirstFiling(2)
	c2.Entity = c.Entity
	r = e.Do("POST", "/api/v1/applications", tok, request(c2)).Must(t, 201)
	id2 := r.ID()
	r = e.Do("POST", apptest.Path(id2, "/submit"), tok, nil).Must(t, 422)
	if r.ErrorCode() != "application.blocking_findings" {
		t.Fatalf("refiling: %s", r.Raw)
	}
}

func TestRefusals(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("a@example.com")
	other := e.Applicant("b@example.com")

	t.Run("bad ID blocks submit with its finding code", func(t *testing.T) {
		c := fixture.FirstFiling(10)
		c.Entity.Principal.IDNumber = c.Entity.Principal.IDNumber[:17] + map[bool]string{true: "1", false: "2"}[c.Entity.Principal.IDNumber[17] != '1']
		r := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201)
		found := false
		for _, f := range r.Body["findings"].([]any) {
			m := f.(map[string]any)
			if m["code"] == "id.checksum" && m["field"] == "entity.principal.id_number" && m["severity"] == "error" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no id.checksum finding: %s", r.Raw)
		}
		r = e.Do("POST", apptest.Path(r.ID(), "/submit"), tok, nil).Must(t, 422)
		if r.ErrorCode() != "application.blocking_findings" || !strings.Contains(string(r.Raw), "id.checksum") {
			t.Fatalf("submit: %s", r.Raw)
		}
		// Correct it with PUT and the submit goes through.
		c.Entity.Principal.IDNumber = fixture.FirstFiling(10).Entity.Principal.IDNumber
		e.Do("PUT", apptest.Path(r2id(t, e, tok), ""), tok, request(c)).Must(t, 200)
		e.Do("POST", apptest.Path(r2id(t, e, tok), "/submit"), tok, nil).Must(t, 200)
	})
	t.Run("wrong role is 403", func(t *testing.T) {
		e.Do("POST", "/api/v1/applications", e.Operator(auth.RoleProvider), request(fixture.FirstFiling(11))).Must(t, 403)
		e.Do("GET", "/api/v1/review/applications", tok, nil).Must(t, 403)
		e.Do("GET", "/api/v1/admin/outbox", e.Operator(auth.RoleAuthority), nil).Must(t, 403)
		e.Do("POST", "/api/v1/applications", "", request(fixture.FirstFiling(11))).Must(t, 401)
	})
	t.Run("someone else's application is 404", func(t *testing.T) {
		id := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(12))).Must(t, 201).ID()
		e.Do("GET", apptest.Path(id, ""), other, nil).Must(t, 404)
		e.Do("POST", apptest.Path(id, "/submit"), other, nil).Must(t, 404)
		e.Do("PUT", apptest.Path(id, ""), other, request(fixture.FirstFiling(12))).Must(t, 404)
		// A draft is not yet the provider's business either.
		e.Do("GET", apptest.Path(id, ""), e.Operator(auth.RoleProvider), nil).Must(t, 404)
	})
	t.Run("illegal transition is 409 with the current state", func(t *testing.T) {
		id := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(13))).Must(t, 201).ID()
		r := e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "approve"})
		if r.Status != 404 { // drafts are invisible to the provider
			t.Fatalf("provider on draft: %d %s", r.Status, r.Raw)
		}
		e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
		r = e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 409)
		if r.Body["error"].(map[string]any)["status"] != "provider_review" {
			t.Fatalf("409 without state: %s", r.Raw)
		}
		e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 409)
		e.Do("POST", apptest.Path(id, "/withdraw"), tok, nil).Must(t, 200)
	})
	t.Run("second open application for an entity is 409", func(t *testing.T) {
		c := fixture.FirstFiling(14)
		e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201)
		c.Websites[0].Domains[0].Name = "another14-test.cn"
		r := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 409)
		if r.ErrorCode() != "application.open_exists" {
			t.Fatalf("second open: %s", r.Raw)
		}
	})
	t.Run("SMS window expires after 24 hours", func(t *testing.T) {
		c := fixture.FirstFiling(15)
		id := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201).ID()
		e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
		e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "approve"}).Must(t, 200)
		code := e.SMSCode(c.Entity.Principal.Phone)
		e.Clock.Advance(24*time.Hour + time.Second)
		r := e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": code}).Must(t, 410)
		if r.ErrorCode() != "sms.expired" {
			t.Fatalf("expired: %s", r.Raw)
		}
		if st := e.Do("GET", apptest.Path(id, ""), tok, nil).Must(t, 200).Str("status"); st != "expired" {
			t.Fatalf("status %s", st)
		}
		e.Clock.Advance(-24*time.Hour - time.Second)
	})
	t.Run("five wrong codes return the order", func(t *testing.T) {
		c := fixture.FirstFiling(16)
		id := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201).ID()
		e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
		e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "approve"}).Must(t, 200)
		right := e.SMSCode(c.Entity.Principal.Phone)
		wrong := fmt.Sprintf("%06d", (atoi(right)+1)%1000000)
		for i := 1; i <= 4; i++ {
			r := e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": wrong}).Must(t, 422)
			if r.ErrorCode() != "sms.wrong_code" {
				t.Fatalf("try %d: %s", i, r.Raw)
			}
		}
		r := e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": wrong}).Must(t, 409)
		if r.ErrorCode() != "sms.too_many_failures" {
			t.Fatalf("fifth: %s", r.Raw)
		}
		if st := e.Do("GET", apptest.Path(id, ""), tok, nil).Must(t, 200).Str("status"); st != "rejected" {
			t.Fatalf("status %s", st)
		}
		// The right code no longer helps.
		e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": c.Entity.Principal.Phone, "code": right}).Must(t, 409)
	})
	t.Run("rejection and resubmission", func(t *testing.T) {
		c := fixture.FirstFiling(17)
		id := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201).ID()
		e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
		e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "reject"}).Must(t, 422)
		r := e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "reject", "reasons": []string{"网站名称不符"}}).Must(t, 200)
		if r.Str("status") != "rejected" {
			t.Fatalf("status %s", r.Str("status"))
		}
		c.Websites[0].Name = "测试一七科技门户"
		e.Do("PUT", apptest.Path(id, ""), tok, request(c)).Must(t, 200)
		if st := e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200).Str("status"); st != "provider_review" {
			t.Fatalf("resubmit: %s", st)
		}
	})
}

// r2id returns the id of the applicant's newest application.
func r2id(t *testing.T, e *apptest.Env, tok string) int64 {
	t.Helper()
	items := e.Do("GET", "/api/v1/applications", tok, nil).Must(t, 200).Body["items"].([]any)
	return int64(items[0].(map[string]any)["id"].(float64))
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestConcurrentApprovals approves 50 applications at once: every number is distinct.
func TestConcurrentApprovals(t *testing.T) {
	e := apptest.New(t)
	const n = 50
	ids := make([]int64, n)
	for i := 0; i < n; i++ {
		tok := e.Applicant(fmt.Sprintf("c%d@example.com", i))
		ids[i] = driveToAuthority(t, e, tok, fixture.FirstFiling(100+i))
	}
	authTok := e.Operator(auth.RoleAuthority)
	nums := make([]string, n)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := e.Do("POST", apptest.Path(ids[i], "/authority-review"), authTok, map[string]any{"decision": "approve"})
			if r.Status != 200 {
				t.Errorf("approve %d: %d %s", ids[i], r.Status, r.Raw)
				return
			}
			nums[i] = r.Str("entity_number")
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, num := range nums {
		if !entityNumRE.MatchString(num) {
			t.Fatalf("bad number %q", num)
		}
		if seen[num] {
			t.Fatalf("number %s issued twice", num)
		}
		seen[num] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct numbers, want %d", len(seen), n)
	}
}
