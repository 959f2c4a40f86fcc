package form_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

func TestServiceType(t *testing.T) {
	mini, quick := &form.MiniApp{AppID: "wx1"}, &form.MiniApp{AppID: "com.a.b"}
	tests := []struct {
		w      form.Website
		typ    icpnum.ServiceType
		hosted *form.MiniApp
	}{
		{form.Website{}, icpnum.ServiceWebsite, nil},
		{form.Website{ServiceType: icpnum.ServiceWebsite, MiniProgram: mini}, icpnum.ServiceWebsite, nil},
		{form.Website{ServiceType: icpnum.ServiceApp, App: &form.App{}}, icpnum.ServiceApp, nil},
		{form.Website{ServiceType: icpnum.ServiceMiniProgram, MiniProgram: mini, QuickApp: quick}, icpnum.ServiceMiniProgram, mini},
		{form.Website{ServiceType: icpnum.ServiceQuickApp, MiniProgram: mini, QuickApp: quick}, icpnum.ServiceQuickApp, quick},
		{form.Website{ServiceType: "game"}, "game", nil},
	}
	for _, tt := range tests {
		if got := tt.w.Type(); got != tt.typ {
			t.Errorf("%q: Type() = %q, want %q", tt.w.ServiceType, got, tt.typ)
		}
		if got := tt.w.Hosted(); got != tt.hosted {
			t.Errorf("%q: Hosted() = %v, want %v", tt.w.ServiceType, got, tt.hosted)
		}
	}
}

// TestServiceJSON: the shape clients send decodes with no unknown field
// and a website without service_type still reads as one.
func TestServiceJSON(t *testing.T) {
	body := `{"websites": [
		{"name": "官网", "domains": ["example.cn"], "home_url": "https://example.cn", "content_types": ["企业官网"],
		 "principal": {"name": "张伟", "phone": "13800138000", "emergency_phone": "13900139000", "is_legal_representative": false,
		   "legal_representative": {"name": "马明", "id_type": "resident_id", "id_number": "110105197103150023"}}, "access": {"ips": ["203.0.113.10"]}},
		{"service_type": "app", "name": "优选商城", "domains": ["api.example.cn"], "content_types": ["commerce.own_goods"],
		 "pre_approvals": [{"type": "none"}], "remarks": "自营", "principal": {}, "access": {"ips": []},
		 "app": {"icon": "doc-7", "languages": ["zh-Hans"], "sdks": [{"code": "other", "note": "x"}],
		   "platforms": [{"platform": "android", "id": "cn.a.b", "public_key": "k", "fingerprint": "00"}]}, "number": "京ICP备2026000001号-2A"},
		{"service_type": "quick_app", "name": "天气", "quick_app": {"platform": "huawei_quick_app", "app_id": "com.a.b", "description": "d"},
		 "pre_approvals": [{"type": "news", "number": "1", "issuing_body": "x", "valid_from": "2020-01-01", "valid_to": "长期", "document": "doc-1"}]}
	]}`
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	var c form.Content
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	w, a, q := c.Websites[0], c.Websites[1], c.Websites[2]
	if w.Type() != icpnum.ServiceWebsite || w.Principal.IsLegalRepresentative == nil || *w.Principal.IsLegalRepresentative ||
		w.Principal.LegalRepresentative.Name != "马明" || w.Principal.EmergencyPhone != "13900139000" {
		t.Errorf("website: %+v", w)
	}
	if a.Type() != icpnum.ServiceApp || a.App == nil || a.App.Platforms[0].ID != "cn.a.b" || a.App.SDKs[0].Note != "x" || a.PreApprovals[0].Type != "none" {
		t.Errorf("app: %+v", a)
	}
	if q.Hosted() == nil || q.Hosted().AppID != "com.a.b" || q.PreApprovals[0].ValidTo != "长期" {
		t.Errorf("quick app: %+v", q)
	}
	out, err := json.Marshal(form.Website{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"service_type", "app", "mini_program", "quick_app", "pre_approvals", "emergency_phone", "is_legal_representative"} {
		if bytes.Contains(out, []byte(`"`+absent+`"`)) {
			t.Errorf("a plain website's JSON carries %s: %s", absent, out)
		}
	}
}
