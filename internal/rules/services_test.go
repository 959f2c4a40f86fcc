package rules

import (
	"net/netip"
	"regexp"
	"testing"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/operation"
)

// appinfoCodes are the codes package appinfo produces; Check passes them
// through for Apps, mini-programs, quick apps and principals' additions.
var appinfoCodes = regexp.MustCompile(`^(app|app_id|bundle_id|bundle_name|package_name|checker|content_type|description|fingerprint|icon|key|language|legal_representative|mini_program|quick_app|phone|platform|preapproval|remarks|sdk|service\.(name_[a-z_]+|block_mismatch|home_url)|principal\.(emergency_phone_[a-z]+|legal_representative_(required|ignored)|is_legal_representative_required))(\.|$)`)

// withServices is the enterprise base with an App and a mini-program in
// the same order; its entity principal answers what such an order asks.
func withServices() form.Content {
	c := enterprise()
	yes := true
	c.Entity.Principal.EmergencyPhone = "13600136000"
	c.Entity.Principal.IsLegalRepresentative = &yes
	c.Websites = append(c.Websites, fixture.App(1), fixture.MiniProgram(2))
	return c
}

// websitesOnly is a catalogue whose new_website applies to websites only.
var websitesOnly = func() *operation.Catalogue {
	d, _ := operation.Default().Parse(string(operation.NewWebsite))
	d.Name, d.ServiceTypes = "new_website_only", []icpnum.ServiceType{icpnum.ServiceWebsite}
	return operation.New(d)
}()

func init() {
	checkCases = append(checkCases, []checkCase{
		{name: "services pass", base: withServices, notCode: "fingerprint.format"},
		{name: "bad MD5 of an App", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[1].App.Platforms[0].Fingerprint = "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5G"
		}, code: "fingerprint.format", field: "websites[1].app.platforms[0].fingerprint", sev: E},
		{name: "bad package name", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[1].App.Platforms[0].ID = "cn.youxuan.new"
		}, code: "package_name.reserved_word", field: "websites[1].app.platforms[0].id", sev: E},
		{name: "expired pre-approval", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[2].ContentTypes = []string{"news.general"}
			c.Websites[2].PreApprovals = []form.PreApproval{{Type: "news", Number: "11120180003", IssuingBody: "北京市互联网信息办公室",
				ValidFrom: "2020-01-01", ValidTo: "2025-12-31", Document: "doc-3"}}
		}, code: "preapproval.expired", field: "websites[2].pre_approvals[0].valid_to", sev: E},
		{name: "mini-program app id", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[2].MiniProgram.AppID = "wx123"
		}, code: "app_id.format", field: "websites[2].mini_program.app_id", sev: E},
		{name: "service principal's ID is checked as any", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[1].Principal.IDNumber = "110106199203010010"
		}, code: "id.checksum", field: "websites[1].principal.id_number", sev: E},
		{name: "entity principal of an App order needs an emergency phone", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Entity.Principal.EmergencyPhone = ""
		}, code: "principal.emergency_phone_required", field: "entity.principal.emergency_phone", sev: E},
		{name: "App server IPs required on a first filing", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[1].Access.IPs = nil
		}, code: "required", field: "websites[1].access.ips", sev: E},
		{name: "App server IP outside the provider's ranges", base: withServices, edit: func(c *form.Content, f *Facts) {
			f.ProviderRanges = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
			c.Websites[0].Access.IPs = []string{"203.0.113.10"}
			c.Websites[2].Access.IPs = []string{"203.0.113.11"}
		}, code: "access.ip_not_provider", field: "websites[1].access.ips[0]", sev: E},
		{name: "App server IP private", base: withServices, edit: func(c *form.Content, f *Facts) {
			c.Websites[1].Access.IPs = []string{"10.1.2.3"}
		}, code: "access.ip_not_public", field: "websites[1].access.ips[0]", sev: E},
		{name: "website-only order asks no emergency phone", base: enterprise, notCode: "principal.emergency_phone_required"},
		{name: "website principal's emergency phone checked when given", base: enterprise, edit: func(c *form.Content, f *Facts) {
			c.Websites[0].Principal.EmergencyPhone = c.Websites[0].Principal.Phone
		}, code: "principal.emergency_phone_same", field: "websites[0].principal.emergency_phone", sev: E},
		{name: "unknown service type", base: withServices, edit: func(c *form.Content, f *Facts) { c.Websites[1].ServiceType = "game" },
			code: "service.type_unknown", field: "websites[1].service_type", sev: E},
		{name: "type not accepted", base: withServices, edit: func(c *form.Content, f *Facts) {
			f.Operations, f.Operation, f.EntityFiled = websitesOnly, "new_website_only", "京ICP备2026000001号"
		}, code: "service.type_not_accepted", field: "websites[1].service_type", sev: E},
		{name: "type accepted", base: enterprise, edit: func(c *form.Content, f *Facts) {
			f.Operations, f.Operation, f.EntityFiled = websitesOnly, "new_website_only", "京ICP备2026000001号"
		}, notCode: "service.type_not_accepted"},
		{name: "App named by a website's number", base: withServices, edit: func(c *form.Content, f *Facts) {
			f.Operation, f.EntityFiled = string(operation.CancelWebsite), "京ICP备2026000001号"
			c.Websites[0].Number, c.Websites[1].Number, c.Websites[2].Number = "京ICP备2026000001号-1", "京ICP备2026000001号-2", "京ICP备2026000001号-3X"
		}, code: "service.type_number_mismatch", field: "websites[1].service_type", sev: E},
		{name: "numbers with their letters", base: withServices, edit: func(c *form.Content, f *Facts) {
			f.Operation, f.EntityFiled = string(operation.CancelWebsite), "京ICP备2026000001号"
			c.Websites[0].Number, c.Websites[1].Number, c.Websites[2].Number = "京ICP备2026000001号-1", "京ICP备2026000001号-2A", "京ICP备2026000001号-3X"
		}, notCode: "service.type_number_mismatch"},
		{name: "entity principal not the legal representative in Beijing", base: withServices, edit: func(c *form.Content, f *Facts) {
			no := false
			c.Entity.Principal.IsLegalRepresentative = &no
			c.Entity.Principal.LegalRepresentative = &form.LegalRepresentative{Name: "赵强", IDType: form.IDResident, IDNumber: beijingAdult}
		}, code: "principal.legal_representative_province", field: "entity.principal.is_legal_representative", sev: E},
		{name: "entity principal not the legal representative in Anhui", base: withServices, edit: func(c *form.Content, f *Facts) {
			no := false
			c.Entity.Principal.IsLegalRepresentative = &no
			c.Entity.Principal.LegalRepresentative = &form.LegalRepresentative{Name: "赵强", IDType: form.IDResident, IDNumber: beijingAdult}
			f.Province = DefaultRuleSet().For("皖")
		}, notCode: "principal.legal_representative_province"},
	}...)
}

// TestServicesClean: an order with a website, an App and a mini-program has
// no error, and the App's hosts are not website domains (no holder or
// filed-domain findings on them).
func TestServicesClean(t *testing.T) {
	c := withServices()
	fs := Check(c, Facts{Now: testNow, Operation: string(operation.FirstFiling),
		FiledDomains: map[string]string{"app1-test.cn": "京ICP备2026000009号-1"}})
	for _, f := range fs {
		if f.Severity == finding.Error {
			t.Errorf("error %s at %s: %s", f.Code, f.Field, f.MessageEN)
		}
		if f.Field == "websites[1].domains[0]" {
			t.Errorf("an App's host got a website domain finding: %+v", f)
		}
	}
	// A cancellation names the services by number only.
	named := form.Content{EntityNumber: "京ICP备2026000001号", Websites: []form.Website{
		{ServiceType: icpnum.ServiceApp, Number: "京ICP备2026000001号-2A"}, {ServiceType: icpnum.ServiceMiniProgram, Number: "京ICP备2026000001号-3X"}}}
	for _, f := range Check(named, Facts{Now: testNow, Operation: string(operation.CancelWebsite), EntityFiled: "京ICP备2026000001号"}) {
		if f.Severity == finding.Error {
			t.Errorf("cancelling by number: %s at %s", f.Code, f.Field)
		}
	}
}
