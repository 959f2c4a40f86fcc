package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/secret"
)

// filedService is one row of GET /api/v1/websites.
type filedService struct {
	id                        int64
	number, typ, name, status string
	domains                   []string
}

func myServices(t *testing.T, e *apptest.Env, tok string) map[string]filedService {
	t.Helper()
	out := map[string]filedService{}
	for _, it := range e.Do("GET", "/api/v1/websites", tok, nil).Must(t, 200).Body["items"].([]any) {
		m := it.(map[string]any)
		s := filedService{id: int64(m["id"].(float64)), number: m["number"].(string), typ: m["service_type"].(string),
			name: m["name"].(string), status: m["status"].(string)}
		for _, d := range m["domains"].([]any) {
			s.domains = append(s.domains, d.(string))
		}
		out[s.number] = s
	}
	return out
}

// sealedService opens the registry's sealed copy of a filed service.
func sealedService(t *testing.T, e *apptest.Env, s filedService) form.Website {
	t.Helper()
	key, err := secret.LoadKey(apptest.DataKey, filepath.Join(t.TempDir(), "unused.key"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.New(key)
	if err != nil {
		t.Fatal(err)
	}
	var enc string
	if err := e.App.DB.R().QueryRowContext(context.Background(), `SELECT data_enc FROM websites WHERE id = ?`, s.id).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	plain, err := box.OpenString(enc, fmt.Sprintf("website:%d", s.id))
	if err != nil {
		t.Fatal(err)
	}
	var w form.Website
	if err := json.Unmarshal([]byte(plain), &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// refused creates the application and expects its submission to be
// blocked with code at field; it withdraws the draft.
func refused(t *testing.T, e *apptest.Env, tok string, req map[string]any, code, field string) {
	t.Helper()
	id := e.Do("POST", "/api/v1/applications", tok, req).Must(t, 201).ID()
	defer func() { e.Do("POST", apptest.Path(id, "/withdraw"), tok, nil).Must(t, 200) }()
	r := e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 422)
	if r.ErrorCode() != "application.blocking_findings" {
		t.Fatalf("submit: %s", r.Raw)
	}
	for _, f := range r.Body["error"].(map[string]any)["findings"].([]any) {
		m := f.(map[string]any)
		if m["code"] == code && m["field"] == field {
			if m["message_zh"] == "" || m["message_en"] == "" {
				t.Errorf("%s lacks a message: %v", code, m)
			}
			return
		}
	}
	t.Fatalf("want %s at %s, got %s", code, field, r.Raw)
}

// TestServiceTypesScenario: an entity files a website and an App in one
// order, adds a mini-program later, changes the App's platforms, cancels
// the mini-program; the numbers share one counter, carry the type letter
// and are never reused. Bad App data is refused with its code. It runs on
// SQLite, and on PostgreSQL when BEIAN_TEST_POSTGRES is set.
func TestServiceTypesScenario(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("apps@example.com")
	prov := e.Operator(auth.RoleProvider)
	c := fixture.AppFiling(141)
	web, app := c.Websites[0], c.Websites[1]

	// Refusals first: nothing is filed by them.
	bad := fixture.AppFiling(141)
	bad.Websites[1].App.Platforms[0].Fingerprint = "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5G"
	refused(t, e, tok, request(bad), "fingerprint.format", "websites[1].app.platforms[0].fingerprint")
	bad = fixture.AppFiling(141)
	bad.Websites[1].App.Platforms[0].ID = "cn.youxuan.new"
	refused(t, e, tok, request(bad), "package_name.reserved_word", "websites[1].app.platforms[0].id")
	bad = fixture.AppFiling(141)
	bad.Websites[1].ContentTypes = []string{"news.general"}
	bad.Websites[1].PreApprovals = []form.PreApproval{{Type: "news", Number: "11120180003", IssuingBody: "北京市互联网信息办公室",
		ValidFrom: "2020-01-01", ValidTo: "2025-12-31", Document: "doc-3"}}
	refused(t, e, tok, request(bad), "preapproval.expired", "websites[1].pre_approvals[0].valid_to")

	// A website and an App in one order: …号-1 and …号-2A.
	r, _ := drive(t, e, tok, prov, request(c), c.Entity.Principal.Phone, web.Principal.Phone, app.Principal.Phone)
	entity := r.Str("entity_number")
	nums := r.Body["website_numbers"].([]any)
	if len(nums) != 2 || nums[0] != entity+"-1" || nums[1] != entity+"-2A" {
		t.Fatalf("numbers %s %v, want -1 and -2A", entity, nums)
	}
	got := myServices(t, e, tok)
	if s := got[entity+"-2A"]; s.typ != "app" || s.name != app.Name || len(s.domains) != 0 {
		t.Fatalf("the App's row: %+v (its hosts are not registry domains)", s)
	}
	if s := got[entity+"-1"]; s.typ != "website" || len(s.domains) != 1 {
		t.Fatalf("the website's row: %+v", s)
	}
	// The gate admits the website's domain, not the host the App calls.
	snap := string(e.Do("GET", "/api/v1/gate/snapshot", prov, nil).Must(t, 200).Raw)
	if !strings.Contains(snap, `"domain":"site141-test.cn"`) || strings.Contains(snap, "app141-test.cn") {
		t.Fatalf("gate snapshot: %s", snap)
	}

	// A mini-program later: the shared counter gives …号-3X.
	mini := fixture.MiniProgram(142)
	r, _ = drive(t, e, tok, prov, opRequest("new_website", apptest.ProviderCode, c, entity, mini), c.Entity.Principal.Phone, mini.Principal.Phone)
	if nums := r.Body["website_numbers"].([]any); len(nums) != 1 || nums[0] != entity+"-3X" {
		t.Fatalf("mini-program number %v, want %s-3X", nums, entity)
	}
	mini.Number = entity + "-3X"

	// Change the App's platforms: HarmonyOS replaces iOS.
	app.Number = entity + "-2A"
	changed := app
	changed.App = &form.App{Icon: app.App.Icon, Languages: app.App.Languages, SDKs: app.App.SDKs,
		Platforms: []form.AppPlatform{app.App.Platforms[0],
			{Platform: "harmonyos", ID: "cn.youxuan.harmony", PublicKey: app.App.Platforms[0].PublicKey, Fingerprint: fixture.SigningCert(141).SHA256}}}
	drive(t, e, tok, prov, opRequest("change_website", apptest.ProviderCode, c, entity, changed), changed.Principal.Phone)
	sealed := sealedService(t, e, myServices(t, e, tok)[entity+"-2A"])
	if sealed.App == nil || len(sealed.App.Platforms) != 2 || sealed.App.Platforms[1].Platform != "harmonyos" {
		t.Fatalf("the App after the change: %+v", sealed.App)
	}

	// An App's number on a change that says "website" is refused.
	wrong := changed
	wrong.ServiceType = "website"
	if r := e.Do("POST", "/api/v1/applications", tok, opRequest("change_website", apptest.ProviderCode, c, entity, wrong)); r.Status != 422 || r.ErrorCode() != "service.type_number_mismatch" {
		t.Fatalf("a website change naming an App's number: %d %s", r.Status, r.Raw)
	}

	// Cancel the mini-program; its number is not given out again.
	drive(t, e, tok, prov, opRequest("cancel_website", apptest.ProviderCode, c, entity, mini), mini.Principal.Phone)
	got = myServices(t, e, tok)
	if s := got[entity+"-3X"]; s.status != "cancelled" {
		t.Fatalf("cancelled mini-program: %+v", s)
	}
	quick := fixture.MiniProgram(143)
	quick.ServiceType, quick.MiniProgram, quick.QuickApp = "quick_app", nil, &form.MiniApp{Platform: "quick_app_alliance",
		AppID: "com.youxuan.quick", Description: "自营商品的快应用商城，提供商品浏览、下单、支付与订单查询服务。"}
	r, _ = drive(t, e, tok, prov, opRequest("new_website", apptest.ProviderCode, c, entity, quick), c.Entity.Principal.Phone, quick.Principal.Phone)
	if nums := r.Body["website_numbers"].([]any); len(nums) != 1 || nums[0] != entity+"-4K" {
		t.Fatalf("after a cancellation the next number is %v, want %s-4K", nums, entity)
	}
	got = myServices(t, e, tok)
	var all []string
	for n, s := range got {
		all = append(all, n+" "+s.typ+" "+s.status)
	}
	slices.Sort(all)
	want := []string{entity + "-1 website active", entity + "-2A app active", entity + "-3X mini_program cancelled", entity + "-4K quick_app active"}
	if !slices.Equal(all, want) {
		t.Fatalf("registry %v, want %v", all, want)
	}

	// The public lookup finds each service by its type, and the App by its
	// name; the cancelled mini-program is gone from it.
	byType := func(typ string) []string {
		t.Helper()
		var nums []string
		for _, it := range lookup(t, e, "entity="+url.QueryEscape(c.Entity.Name)+"&serviceType="+typ) {
			if it["serviceType"] != typ {
				t.Errorf("serviceType=%s answered a %v", typ, it["serviceType"])
			}
			nums = append(nums, it["serviceLicence"].(string))
		}
		return nums
	}
	for typ, want := range map[string][]string{"website": {entity + "-1"}, "app": {entity + "-2A"}, "mini_program": nil, "quick_app": {entity + "-4K"}} {
		if got := byType(typ); !slices.Equal(got, want) {
			t.Errorf("lookup serviceType=%s: %v, want %v", typ, got, want)
		}
	}
	prefix := string([]rune(app.Name)[:3])
	if items := lookup(t, e, "name="+url.QueryEscape(prefix)+"&serviceType=app"); len(items) != 1 || items[0]["serviceLicence"] != entity+"-2A" || items[0]["serviceName"] != app.Name {
		t.Errorf("lookup of the App by the name prefix %q: %v", prefix, items)
	}

	// The PSB filing takes an App, which has no home page.
	p := e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", got[entity+"-2A"].id), tok, map[string]any{"go_live": "2026-03-02"}).Must(t, 201)
	if p.Str("service_type") != "app" || p.Str("website_name") != app.Name {
		t.Fatalf("PSB filing of the App: %s", p.Raw)
	}
}

// TestDemoSeedsServices: the demo data files an App next to its website
// (…号-1, …号-2A) and leaves a mini-program with the authority.
func TestDemoSeedsServices(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	if _, err := e.App.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	var number, typ string
	if err := e.App.DB.R().QueryRowContext(ctx, `SELECT w.number, w.service_type FROM websites w JOIN entities e ON e.id = w.entity_id
		WHERE e.name = '武汉楚云移动科技有限公司' AND w.name = '楚云出行'`).Scan(&number, &typ); err != nil {
		t.Fatalf("the demo App: %v", err)
	}
	if typ != "app" || !strings.HasPrefix(number, "鄂ICP备") || !strings.HasSuffix(number, "号-2A") {
		t.Errorf("the demo App is %s (%s)", number, typ)
	}
	var status string
	if err := e.App.DB.R().QueryRowContext(ctx, `SELECT status FROM applications WHERE entity_name = '南京金陵点单科技有限公司'`).Scan(&status); err != nil {
		t.Fatalf("the demo mini-program: %v", err)
	}
	if status != "authority_review" {
		t.Errorf("the demo mini-program is %s", status)
	}
}

// TestAppFiledElsewhereComesIn: an App filed at another provider comes in
// by new access with its own number (…号-2A); the entity's counter goes on
// from it, so the next service is …号-3X, and an App's number cannot be
// claimed as a website's.
func TestAppFiledElsewhereComesIn(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	tok := e.Applicant("elsewhere@example.com")
	c := fixture.AppFiling(151)
	c.Entity.Province, c.Entity.Address = "沪", "上海市徐汇区漕溪北路8号"
	c.Entity.CertificateNumber = fixture.USCC("91310104" + fixture.OrgCode("MA000151"))
	app := c.Websites[1]
	app.Number = "沪ICP备2019054321号-2A"

	wrong := app
	wrong.ServiceType = ""
	if r := e.Do("POST", "/api/v1/applications", tok, opRequest("new_access", apptest.ProviderCode, c, "沪ICP备2019054321号", wrong)); r.Status != 422 || r.ErrorCode() != "service.type_number_mismatch" {
		t.Fatalf("an App's number as a website: %d %s", r.Status, r.Raw)
	}
	drive(t, e, tok, prov, opRequest("new_access", apptest.ProviderCode, c, "沪ICP备2019054321号", app), app.Principal.Phone)
	if s := myServices(t, e, tok)["沪ICP备2019054321号-2A"]; s.typ != "app" || s.status != "active" || len(s.domains) != 0 {
		t.Fatalf("the App brought in: %+v", s)
	}
	mini := fixture.MiniProgram(152)
	r, _ := drive(t, e, tok, prov, opRequest("new_website", apptest.ProviderCode, c, "沪ICP备2019054321号", mini), c.Entity.Principal.Phone, mini.Principal.Phone)
	if nums := r.Body["website_numbers"].([]any); len(nums) != 1 || nums[0] != "沪ICP备2019054321号-3X" {
		t.Fatalf("next number %v, want 沪ICP备2019054321号-3X", nums)
	}
}

// TestLicenceHolderServices: once the entity holds an operating licence,
// its new services hang off the B2 number (…B2-20260001-3X), still on the
// entity's one counter, and operations name them by that number.
func TestLicenceHolderServices(t *testing.T) {
	e := apptest.New(t)
	prov := e.Operator(auth.RoleProvider)
	tok := e.Applicant("licence@example.com")
	c := fixture.AppFiling(161)
	r, _ := drive(t, e, tok, prov, request(c), c.Entity.Principal.Phone, c.Websites[0].Principal.Phone, c.Websites[1].Principal.Phone)
	entity := r.Str("entity_number")
	drive(t, e, tok, prov, opRequest("commercial_license", apptest.ProviderCode, c, entity), c.Entity.Principal.Phone)
	var b2 string
	if err := e.App.DB.R().QueryRowContext(context.Background(), `SELECT operating_licence FROM entities WHERE number = ?`, entity).Scan(&b2); err != nil || b2 == "" {
		t.Fatalf("operating licence of %s: %q %v", entity, b2, err)
	}
	mini := fixture.MiniProgram(162)
	r, _ = drive(t, e, tok, prov, opRequest("new_website", apptest.ProviderCode, c, entity, mini), c.Entity.Principal.Phone, mini.Principal.Phone)
	if nums := r.Body["website_numbers"].([]any); len(nums) != 1 || nums[0] != b2+"-3X" {
		t.Fatalf("a licence holder's mini-program got %v, want %s-3X", nums, b2)
	}
	if items := lookup(t, e, "number="+b2+"-3X"); len(items) != 1 || items[0]["serviceLicence"] != b2+"-3X" {
		t.Fatalf("public lookup of %s-3X: %v", b2, items)
	}
	mini.Number = b2 + "-3X"
	drive(t, e, tok, prov, opRequest("cancel_website", apptest.ProviderCode, c, entity, mini), mini.Principal.Phone)
	got := myServices(t, e, tok)
	if got[b2+"-3X"].status != "cancelled" || got[entity+"-1"].status != "active" || got[entity+"-2A"].status != "active" {
		t.Fatalf("after cancelling %s-3X: %+v", b2, got)
	}
}
