package appinfo

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

// validMiniProgram is a WeChat mini-program of a coffee chain.
func validMiniProgram(t *testing.T) form.Website {
	return form.Website{
		ServiceType: icpnum.ServiceMiniProgram,
		Name:        "星野咖啡点单",
		MiniProgram: &form.MiniApp{
			Platform:    "wechat",
			AppID:       "wx4f4bc4dec97d474b",
			Description: "门店咖啡饮品在线点单、到店自取与会员积分查询服务，不含外卖配送。",
		},
		ContentTypes: []string{"life.catering"},
		PreApprovals: []form.PreApproval{{Type: "none"}},
		Access:       form.Access{IPs: []string{"203.0.113.20"}},
		Principal:    principal(t),
	}
}

func TestCheckMiniProgram(t *testing.T) {
	if e := errorsOf(checker().CheckMiniProgram(validMiniProgram(t))); len(e) > 0 {
		t.Fatalf("a valid mini-program has errors: %v", e)
	}
	tests := []struct {
		name   string
		change func(m *form.Website)
		field  string
		code   string
	}{
		{"no name", func(m *form.Website) { m.Name = "" }, "name", "service.name_required"},
		{"no platform", func(m *form.Website) { m.MiniProgram.Platform = "" }, "mini_program.platform", "platform.empty"},
		{"an App platform", func(m *form.Website) { m.MiniProgram.Platform = "android" }, "mini_program.platform", "platform.unknown"},
		{"a quick-app platform", func(m *form.Website) { m.MiniProgram.Platform = "quick_app_alliance" }, "mini_program.platform", "platform.unknown"},
		{"Alipay ID on WeChat", func(m *form.Website) { m.MiniProgram.AppID = "2021001234567890" }, "mini_program.app_id", "app_id.format"},
		{"no app ID", func(m *form.Website) { m.MiniProgram.AppID = " " }, "mini_program.app_id", "app_id.empty"},
		{"Douyin ID", func(m *form.Website) { m.MiniProgram.Platform, m.MiniProgram.AppID = "douyin", "tt07e3715e98c9aac" }, "mini_program.app_id", "app_id.format"},
		{"no description", func(m *form.Website) { m.MiniProgram.Description = "" }, "mini_program.description", "description.required"},
		{"short description", func(m *form.Website) { m.MiniProgram.Description = "咖啡点单小程序" }, "mini_program.description", "description.length"},
		{"long description", func(m *form.Website) { m.MiniProgram.Description = strings.Repeat("咖啡点单服务。", 29) }, "mini_program.description", "description.length"},
		{"control in description", func(m *form.Website) { m.MiniProgram.Description += "\u202e" }, "mini_program.description", "description.bad_char"},
		{"no content", func(m *form.Website) { m.ContentTypes = []string{} }, "content_types", "content_type.required"},
		{"no pre-approval answer", func(m *form.Website) { m.PreApprovals = nil }, "pre_approvals", "preapproval.required"},
		{"news without licence", func(m *form.Website) { m.ContentTypes = []string{"news.general"} }, "pre_approvals", "preapproval.missing_for_content"},
		{"no emergency phone", func(m *form.Website) { m.Principal.EmergencyPhone = "" }, "principal.emergency_phone", "principal.emergency_phone_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMiniProgram(t)
			tt.change(&m)
			fs := checker().CheckMiniProgram(m)
			if !has(fs, tt.code, tt.field) || !finding.HasError(fs) {
				t.Fatalf("want error %s at %s; got %v", tt.code, tt.field, errorsOf(fs))
			}
			for _, f := range fs {
				checkBilingual(t, f.Code, f.MessageZH, f.MessageEN)
			}
		})
	}
}

func TestDescriptionLengthInCharacters(t *testing.T) {
	for _, tt := range []struct {
		desc string
		ok   bool
	}{
		{strings.Repeat("字", 20), true},
		{strings.Repeat("字", 19), false},
		{strings.Repeat("字", 200), true},
		{strings.Repeat("字", 201), false},
		{"  " + strings.Repeat("字", 10) + "     " + strings.Repeat("字", 9) + "  ", true}, // 19 + one space
		{strings.Repeat("ａ", 20), true},                                                  // full-width letters count once each
	} {
		m := validMiniProgram(t)
		m.MiniProgram.Description = tt.desc
		if got := !has(checker().CheckMiniProgram(m), "description.length", "mini_program.description"); got != tt.ok {
			t.Errorf("description of %d bytes: ok = %v, want %v", len(tt.desc), got, tt.ok)
		}
	}
}

func TestCheckQuickApp(t *testing.T) {
	q := form.Website{
		ServiceType: icpnum.ServiceQuickApp,
		Name:        "天气快查",
		QuickApp: &form.MiniApp{
			Platform:    "huawei_quick_app",
			AppID:       "com.tianqi.kuaicha",
			Description: "提供全国城市天气预报、空气质量与生活指数查询的快应用，无需安装即可使用。",
		},
		ContentTypes: []string{"tools.lookup"},
		PreApprovals: []form.PreApproval{{Type: "none"}},
		Access:       form.Access{IPs: []string{"203.0.113.20"}},
		Principal:    principal(t),
	}
	if e := errorsOf(checker().CheckQuickApp(q)); len(e) > 0 {
		t.Fatalf("a valid quick app has errors: %v", e)
	}
	q.QuickApp.AppID = "tianqi"
	if fs := checker().CheckQuickApp(q); !has(fs, "package_name.segments", "quick_app.app_id") {
		t.Errorf("a quick app's package name needs dots: %v", errorsOf(fs))
	}
	q.QuickApp.Platform = "wechat"
	if fs := checker().CheckQuickApp(q); !has(fs, "platform.unknown", "quick_app.platform") {
		t.Errorf("WeChat is no quick-app platform: %v", errorsOf(fs))
	}
	if fs := checker().CheckQuickApp(q); !strings.Contains(fs[0].MessageEN, "quick app") {
		t.Errorf("the message names the kind of service: %q", fs[0].MessageEN)
	}
}

func TestBaiduAppIDWarns(t *testing.T) {
	m := validMiniProgram(t)
	m.MiniProgram.Platform, m.MiniProgram.AppID = "baidu", "swan-demo"
	fs := checker().CheckMiniProgram(m)
	if e := errorsOf(fs); len(e) > 0 || !has(fs, "app_id.format", "mini_program.app_id") {
		t.Errorf("an odd Baidu app ID only warns: %v", fs)
	}
}
