package appinfo

import (
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
)

// validMiniProgram is a WeChat mini-program of a coffee chain.
func validMiniProgram(t *testing.T) MiniApp {
	return MiniApp{
		Name:         "星野咖啡点单",
		Platform:     "wechat",
		AppID:        "wx4f4bc4dec97d474b",
		Description:  "门店咖啡饮品在线点单、到店自取与会员积分查询服务，不含外卖配送。",
		ContentTypes: []string{"life.catering"},
		PreApprovals: []PreApproval{{Type: "none"}},
		Principal:    principal(t),
	}
}

func TestCheckMiniProgram(t *testing.T) {
	if e := errorsOf(checker().CheckMiniProgram(validMiniProgram(t))); len(e) > 0 {
		t.Fatalf("a valid mini-program has errors: %v", e)
	}
	tests := []struct {
		name   string
		change func(m *MiniApp)
		field  string
		code   string
	}{
		{"no name", func(m *MiniApp) { m.Name = "" }, "name", "service.name_required"},
		{"no platform", func(m *MiniApp) { m.Platform = "" }, "platform", "platform.empty"},
		{"an App platform", func(m *MiniApp) { m.Platform = "android" }, "platform", "platform.unknown"},
		{"a quick-app platform", func(m *MiniApp) { m.Platform = "quick_app_alliance" }, "platform", "platform.unknown"},
		{"Alipay ID on WeChat", func(m *MiniApp) { m.AppID = "2021001234567890" }, "app_id", "app_id.format"},
		{"no app ID", func(m *MiniApp) { m.AppID = " " }, "app_id", "app_id.empty"},
		{"Douyin ID", func(m *MiniApp) { m.Platform, m.AppID = "douyin", "tt07e3715e98c9aac" }, "app_id", "app_id.format"},
		{"no description", func(m *MiniApp) { m.Description = "" }, "description", "description.required"},
		{"short description", func(m *MiniApp) { m.Description = "咖啡点单小程序" }, "description", "description.length"},
		{"long description", func(m *MiniApp) { m.Description = strings.Repeat("咖啡点单服务。", 29) }, "description", "description.length"},
		{"control in description", func(m *MiniApp) { m.Description += "\u202e" }, "description", "description.bad_char"},
		{"no content", func(m *MiniApp) { m.ContentTypes = []string{} }, "content_types", "content_type.required"},
		{"no pre-approval answer", func(m *MiniApp) { m.PreApprovals = nil }, "pre_approvals", "preapproval.required"},
		{"news without licence", func(m *MiniApp) { m.ContentTypes = []string{"news.general"} }, "pre_approvals", "preapproval.missing_for_content"},
		{"no emergency phone", func(m *MiniApp) { m.Principal.EmergencyPhone = "" }, "principal.emergency_phone", "principal.emergency_phone_required"},
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
		m.Description = tt.desc
		if got := !has(checker().CheckMiniProgram(m), "description.length", "description"); got != tt.ok {
			t.Errorf("description of %d bytes: ok = %v, want %v", len(tt.desc), got, tt.ok)
		}
	}
}

func TestCheckQuickApp(t *testing.T) {
	q := MiniApp{
		Name:         "天气快查",
		Platform:     "huawei_quick_app",
		AppID:        "com.tianqi.kuaicha",
		Description:  "提供全国城市天气预报、空气质量与生活指数查询的快应用，无需安装即可使用。",
		ContentTypes: []string{"tools.lookup"},
		PreApprovals: []PreApproval{{Type: "none"}},
		Principal:    principal(t),
	}
	if e := errorsOf(checker().CheckQuickApp(q)); len(e) > 0 {
		t.Fatalf("a valid quick app has errors: %v", e)
	}
	q.AppID = "tianqi"
	if fs := checker().CheckQuickApp(q); !has(fs, "package_name.segments", "app_id") {
		t.Errorf("a quick app's package name needs dots: %v", errorsOf(fs))
	}
	q.Platform = "wechat"
	if fs := checker().CheckQuickApp(q); !has(fs, "platform.unknown", "platform") {
		t.Errorf("WeChat is no quick-app platform: %v", errorsOf(fs))
	}
	if fs := checker().CheckQuickApp(q); !strings.Contains(fs[0].MessageEN, "quick app") {
		t.Errorf("the message names the kind of service: %q", fs[0].MessageEN)
	}
}

func TestBaiduAppIDWarns(t *testing.T) {
	m := validMiniProgram(t)
	m.Platform, m.AppID = "baidu", "swan-demo"
	fs := checker().CheckMiniProgram(m)
	if e := errorsOf(fs); len(e) > 0 || !has(fs, "app_id.format", "app_id") {
		t.Errorf("an odd Baidu app ID only warns: %v", fs)
	}
}
