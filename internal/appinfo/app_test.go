package appinfo

import (
	"slices"
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

// checker is the Checker of the tests: an enterprise in Guangdong, today
// testToday.
func checker() Checker {
	return Checker{Today: testToday, Province: "粤", Nature: form.NatureEnterprise}
}

// principal is a service principal who is not the legal representative.
func principal(t *testing.T) form.Principal {
	no := false
	return form.Principal{Name: "张伟", IDType: form.IDResident, IDNumber: residentID(t, "44030519880612301"),
		IDExpiry: "2036-06-12", Phone: "13800138000", Email: "zhang.wei@example.com",
		EmergencyPhone: "139 0013 9000", IsLegalRepresentative: &no,
		LegalRepresentative: &form.LegalRepresentative{
			Name: "马明", IDType: form.IDResident, IDNumber: residentID(t, "11010519710315002"),
		},
	}
}

// yes is a pointer to true, for IsLegalRepresentative.
func yes() *bool {
	v := true
	return &v
}

// validApp is an App on Android and iOS that passes every check: a
// shopping App with payment, news it is not.
func validApp(t *testing.T) form.Website {
	md5 := opensslFingerprints(t)["md5"]
	sha1 := opensslFingerprints(t)["sha1"]
	cert := readTestdata(t, "android-debug.cert.pem")
	return form.Website{
		ServiceType:  icpnum.ServiceApp,
		Name:         "优选商城",
		ContentTypes: []string{"commerce.own_goods", "tools.utilities"},
		PreApprovals: []form.PreApproval{{Type: "none"}},
		Remarks:      "自营商品销售",
		Domains:      []form.Domain{{Name: "api.youxuan-shop.cn"}, {Name: "img.youxuan-shop.cn"}, {Name: "例子.中国"}},
		Access:       form.Access{IPs: []string{"203.0.113.10", "2001:4860:4860::8888", "8.8.8.8"}},
		Principal:    principal(t),
		App: &form.App{
			Icon:      "doc-7",
			Languages: []string{"zh-Hans", "en"},
			SDKs: []form.SDKUse{{Code: "wechat_open"}, {Code: "alipay"}, {Code: "amap"},
				{Code: "other", Note: "神策数据 SensorsData 分析SDK（统计）"}},
			Platforms: []form.AppPlatform{
				{Platform: "android", ID: "cn.youxuan.shop", PublicKey: cert, Fingerprint: md5},
				{Platform: "ios", ID: "cn.youxuan.Shop", PublicKey: readTestdata(t, "android-debug.modulus.txt"), Fingerprint: sha1},
			},
		},
	}
}

func TestCheckAppValid(t *testing.T) {
	fs := checker().CheckApp(validApp(t))
	if e := errorsOf(fs); len(e) > 0 {
		t.Fatalf("a valid App has errors: %v", e)
	}
	for _, f := range fs {
		checkBilingual(t, f.Code, f.MessageZH, f.MessageEN)
	}
	if fs == nil {
		t.Error("CheckApp returns nil rather than an empty list")
	}
}

// TestCheckApp changes one thing of a valid App at a time.
func TestCheckApp(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *form.Website)
		field  string
		code   string
	}{
		{"no name", func(a *form.Website) { a.Name = " \t" }, "name", "service.name_required"},
		{"name too long", func(a *form.Website) { a.Name = strings.Repeat("商", 65) }, "name", "service.name_too_long"},
		{"zero-width space", func(a *form.Website) { a.Name = "优选\u200b商城" }, "name", "service.name_bad_char"},
		{"no icon", func(a *form.Website) { a.App.Icon = "" }, "app.icon", "icon.required"},
		{"no language", func(a *form.Website) { a.App.Languages = nil }, "app.languages", "language.required"},
		{"unknown language", func(a *form.Website) { a.App.Languages = []string{"zh-Hans", "klingon"} }, "app.languages[1]", "language.unknown"},
		{"language twice", func(a *form.Website) { a.App.Languages = []string{"en", "en"} }, "app.languages[1]", "language.duplicate"},
		{"no content", func(a *form.Website) { a.ContentTypes = nil }, "content_types", "content_type.required"},
		{"free-text content", func(a *form.Website) { a.ContentTypes = []string{"网上购物"} }, "content_types[0]", "content_type.unknown"},
		{"first-level content", func(a *form.Website) { a.ContentTypes = []string{"commerce"} }, "content_types[0]", "content_type.not_leaf"},
		{"content twice", func(a *form.Website) { a.ContentTypes = []string{"tools.utilities", "tools.utilities"} }, "content_types[1]", "content_type.duplicate"},
		{"payment needs finance approval", func(a *form.Website) { a.ContentTypes = append(a.ContentTypes, "finance.payment") },
			"pre_approvals", "preapproval.missing_for_content"},
		{"unknown SDK", func(a *form.Website) { a.App.SDKs[0].Code = "firebase" }, "app.sdks[0].code", "sdk.unknown"},
		{"other SDK without note", func(a *form.Website) { a.App.SDKs[3].Note = " " }, "app.sdks[3].note", "sdk.note_required"},
		{"SDK twice", func(a *form.Website) { a.App.SDKs[1].Code = "wechat_open" }, "app.sdks[1].code", "sdk.duplicate"},
		{"bad domain", func(a *form.Website) { a.Domains[0].Name = "https://api.youxuan-shop.cn/v1" }, "domains[0]", "domain.url"},
		{"domain twice", func(a *form.Website) { a.Domains[1].Name = "API.youxuan-shop.cn." }, "domains[1]", "domain.duplicate"},
		{"unknown TLD", func(a *form.Website) { a.Domains[0].Name = "api.youxuan.notatld" }, "domains[0]", "domain.unknown_tld"},
		{"no platform", func(a *form.Website) { a.App.Platforms = nil }, "app.platforms", "platform.required"},
		{"mini-program platform", func(a *form.Website) { a.App.Platforms[0].Platform = "wechat" }, "app.platforms[0].platform", "platform.unknown"},
		{"platform twice", func(a *form.Website) { a.App.Platforms[1] = a.App.Platforms[0] }, "app.platforms[1].platform", "platform.duplicate"},
		{"bad package name", func(a *form.Website) { a.App.Platforms[0].ID = "cn.youxuan.new" }, "app.platforms[0].id", "package_name.reserved_word"},
		{"iOS ID with underscore", func(a *form.Website) { a.App.Platforms[1].ID = "cn.youxuan_shop" }, "app.platforms[1].id", "bundle_id.bad_char"},
		{"bad MD5", func(a *form.Website) {
			a.App.Platforms[0].Fingerprint = "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5G"
		},
			"app.platforms[0].fingerprint", "fingerprint.format"},
		{"SHA-1 on Android", func(a *form.Website) { a.App.Platforms[0].Fingerprint = opensslFingerprints(t)["sha1"] },
			"app.platforms[0].fingerprint", "fingerprint.algorithm"},
		{"MD5 of another certificate", func(a *form.Website) { a.App.Platforms[0].Fingerprint = "0123456789ABCDEF0123456789ABCDEF" },
			"app.platforms[0].fingerprint", "fingerprint.mismatch"},
		{"no fingerprint", func(a *form.Website) { a.App.Platforms[1].Fingerprint = "" }, "app.platforms[1].fingerprint", "fingerprint.empty"},
		{"no public key", func(a *form.Website) { a.App.Platforms[1].PublicKey = "" }, "app.platforms[1].public_key", "key.empty"},
		{"private key", func(a *form.Website) {
			a.App.Platforms[1].PublicKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
		},
			"app.platforms[1].public_key", "key.private"},
		{"expired pre-approval", func(a *form.Website) {
			a.ContentTypes = []string{"finance.payment"}
			a.PreApprovals = []form.PreApproval{{Type: "finance", Number: "Z2004944000010", IssuingBody: "中国人民银行",
				ValidFrom: "2021-07-01", ValidTo: "2026-06-30", Document: "doc-9"}}
		}, "pre_approvals[0].valid_to", "preapproval.expired"},
		{"no emergency phone", func(a *form.Website) { a.Principal.EmergencyPhone = "" }, "principal.emergency_phone", "principal.emergency_phone_required"},
		{"emergency phone is own", func(a *form.Website) { a.Principal.EmergencyPhone = "+86 138-0013-8000" }, "principal.emergency_phone", "principal.emergency_phone_same"},
		{"landline emergency phone", func(a *form.Website) { a.Principal.EmergencyPhone = "020-12345678" }, "principal.emergency_phone", "phone.format"},
		{"no legal representative", func(a *form.Website) { a.Principal.LegalRepresentative = nil }, "principal.legal_representative", "principal.legal_representative_required"},
		{"legal representative's ID checksum", func(a *form.Website) { a.Principal.LegalRepresentative.IDNumber = "110105197103150020" },
			"principal.legal_representative.id_number", "id.checksum"},
		{"legal representative without name", func(a *form.Website) { a.Principal.LegalRepresentative.Name = "" },
			"principal.legal_representative.name", "legal_representative.name_required"},
		{"legal representative's ID type", func(a *form.Website) { a.Principal.LegalRepresentative.IDType = "driving_licence" },
			"principal.legal_representative.id_type", "id.bad_type"},
		{"remarks too long", func(a *form.Website) { a.Remarks = strings.Repeat("长", 1001) }, "remarks", "remarks.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validApp(t)
			tt.change(&a)
			fs := checker().CheckApp(a)
			if !has(fs, tt.code, tt.field) {
				t.Fatalf("want %s at %s; got %v", tt.code, tt.field, errorsOf(fs))
			}
			if !finding.HasError(fs) {
				t.Errorf("%s should block", tt.code)
			}
			for _, f := range fs {
				checkBilingual(t, f.Code, f.MessageZH, f.MessageEN)
			}
		})
	}
}

func TestCheckAppWarnings(t *testing.T) {
	a := validApp(t)
	a.Domains = append(a.Domains, form.Domain{Name: "shop.example.io"}) // a TLD MIIT has not approved
	a.Principal.IsLegalRepresentative = yes()                           // with the block still filled in
	fs := checker().CheckApp(a)
	if e := errorsOf(fs); len(e) > 0 {
		t.Fatalf("warnings only expected, got %v", e)
	}
	for _, want := range []string{"domains[3]: domain.tld_not_approved", "principal.legal_representative: principal.legal_representative_ignored"} {
		if !slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.Field+": "+f.Code == want }) {
			t.Errorf("missing warning %s in %v", want, fs)
		}
	}
	for _, f := range fs {
		if f.Code == "domain.subdomain" {
			t.Errorf("an App's API host is not a website filing: %v", f)
		}
	}
}

func TestCheckAppContext(t *testing.T) {
	a := validApp(t)
	a.Access.IPs = []string{"10.0.0.1"} // the caller's to check
	a.Principal.LegalRepresentative = nil
	c := checker()
	c.Nature = form.NatureIndividual
	if e := errorsOf(c.CheckApp(a)); len(e) > 0 {
		t.Errorf("an individual's App, server IPs left to the caller: %v", e)
	}
	c = checker()
	c.Today = testToday.AddDate(-20, 0, 0) // 2006: the emergency phone and IDs still check out
	if e := errorsOf(c.CheckApp(validApp(t))); len(e) > 0 {
		t.Errorf("an earlier Today: %v", e)
	}
	var zero Checker
	if fs := zero.CheckApp(validApp(t)); !has(fs, "checker.no_date", "") {
		t.Errorf("a Checker without Today must say so: %v", errorsOf(fs))
	}
}
