package filing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/secret"
)

func opBody(op string, c form.Content, entityNumber string, websites ...form.Website) map[string]any {
	return map[string]any{"operation": op, "provider": apptest.ProviderCode, "entity": c.Entity, "websites": websites, "entity_number": entityNumber}
}

// TestClaimChecksOwnership: a claim naming an entity on record here under
// another account is refused, with no application created.
func TestClaimChecksOwnership(t *testing.T) {
	e := apptest.New(t)
	owner := e.Applicant("owner@example.com")
	a := e.File(owner, apptest.FirstFiling(651), filing.StatusApproved)
	c := *a.Content
	w := c.Websites[0]
	// A service number under the owner's entity that is not on record yet.
	w.Number = strings.TrimSuffix(*a.EntityNumber, "号") + "号-7"
	w.Domains = []form.Domain{{Name: "claimed651-test.cn"}}
	thief := e.Applicant("thief@example.com")
	r := e.Do("POST", "/api/v1/applications", thief, opBody("claim", c, *a.EntityNumber, w)).Must(t, 422)
	if r.ErrorCode() != "entity.not_yours" {
		t.Fatalf("claim of another account's entity: %s", r.Raw)
	}
	if list := e.Do("GET", "/api/v1/applications", thief, nil).Must(t, 200).Body["items"].([]any); len(list) != 0 {
		t.Fatalf("the refused claim left applications: %v", list)
	}
}

// TestSMSGoesToPhonesOnRecord: an operation on an existing filing sends
// its codes to the principals' phones on record; the phones typed into
// the form get nothing, and their codes would not verify.
func TestSMSGoesToPhonesOnRecord(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("record@example.com")
	a := e.File(tok, apptest.FirstFiling(652), filing.StatusApproved)
	onRecord := a.Content.Entity.Principal.Phone
	siteOnRecord := a.Content.Websites[0].Principal.Phone
	c := *a.Content
	c.Entity.Address = "北京市海淀区中关村大街2号"
	const typed, typedSite = "13911116520", "13722226521"
	c.Entity.Principal.Phone = typed
	w := c.Websites[0]
	w.Number = a.WebsiteNumbers[0]
	w.Name = "测试改名网站"
	w.Principal.Phone = typedSite
	desk := e.Operator(auth.RoleProvider)
	for _, req := range []map[string]any{opBody("change_entity", c, *a.EntityNumber), opBody("change_website", c, *a.EntityNumber, w)} {
		id := e.Do("POST", "/api/v1/applications", tok, req).Must(t, 201).ID()
		e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
		r := e.Do("POST", apptest.Path(id, "/provider-review"), desk, map[string]any{"decision": "approve"}).Must(t, 200)
		if _, err := e.App.Filing.DeliverSMS(t.Context()); err != nil {
			t.Fatal(err)
		}
		marker := fmt.Sprintf("（编号%d）", id)
		for _, ph := range []string{typed, typedSite} {
			if body, ok := e.App.SMSInbox.Latest(ph, marker); ok {
				t.Errorf("%s: the typed phone %s received the code: %q", req["operation"], ph, body)
			}
		}
		want := onRecord
		if req["operation"] == "change_website" {
			want = siteOnRecord
		}
		if _, ok := e.App.SMSInbox.Latest(want, marker); !ok {
			t.Fatalf("%s: the phone on record %s got no code", req["operation"], want)
		}
		pending := fmt.Sprint(r.Body["sms_pending"])
		if pending != fmt.Sprint([]any{secret.MaskPhone(want)}) {
			t.Errorf("%s: sms_pending %s, want the phone on record", req["operation"], pending)
		}
		// The typed phone is not a phone this application verifies.
		if rr := e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": typed, "code": "000000"}).Must(t, 422); rr.ErrorCode() != "sms.unknown_phone" {
			t.Errorf("verify with the typed phone: %s", rr.Raw)
		}
		e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": want, "code": e.SMSCode(want)}).Must(t, 200)
		e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	}
}
