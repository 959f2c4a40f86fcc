package appinfo

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
)

// The length of a mini-program's or quick app's service description in
// characters (runes, after trimming and collapsing spaces): long enough to
// say what the service does, as reviewers refuse one-word descriptions.
const (
	MinDescriptionRunes = 20
	MaxDescriptionRunes = 200
)

// CheckMiniProgram validates a service of type mini-program (小程序), filed
// since 2023-09-01 under the MIIT notice
// (https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2023/art_920db564162e4312916a01bed6540ad8.html).
// Findings name their field relative to the service
// ("mini_program.app_id"); the caller prefixes its own path.
func (c Checker) CheckMiniProgram(s form.Website) []finding.Finding {
	return c.checkMiniApp(icpnum.ServiceMiniProgram, s, "mini_program", s.MiniProgram)
}

// CheckQuickApp validates a service of type quick app (快应用), like
// CheckMiniProgram; its block is "quick_app".
func (c Checker) CheckQuickApp(s form.Website) []finding.Finding {
	return c.checkMiniApp(icpnum.ServiceQuickApp, s, "quick_app", s.QuickApp)
}

func (c Checker) checkMiniApp(service icpnum.ServiceType, s form.Website, block string, m *form.MiniApp) []finding.Finding {
	whatZH, whatEN := service.NameZH(), service.NameEN()
	r := c.shared(service, s)
	if m == nil {
		r.errorf(block, block+".required", "未填写"+whatZH+"信息（所在平台、AppID、服务内容描述）",
			"the "+whatEN+" block (platform, app ID, description) is missing")
		return r.list()
	}
	code := strings.TrimSpace(m.Platform)
	pl, ok := c.vocab().Platform(code)
	switch {
	case code == "":
		r.errorf(block+".platform", "platform.empty", "未选择"+whatZH+"所在平台", "the "+whatEN+"'s platform is empty")
	case !ok || pl.Service != service:
		r.errorf(block+".platform", "platform.unknown", "未知的"+whatZH+"平台"+quote(code), "unknown "+whatEN+" platform "+quote(code))
	default:
		if _, err := ParseAppID(pl, m.AppID); err != nil {
			r.add(block+".app_id", asFinding(err))
		}
	}
	c.description(r, block+".description", m.Description, whatZH, whatEN)
	return r.list()
}

// CheckService validates a service that is not a website by its type, and
// returns nil for a website (package rules checks those) or an unknown
// type (reported by the caller, which knows the field).
func (c Checker) CheckService(s form.Website) []finding.Finding {
	switch s.Type() {
	case icpnum.ServiceApp:
		return c.CheckApp(s)
	case icpnum.ServiceMiniProgram:
		return c.CheckMiniProgram(s)
	case icpnum.ServiceQuickApp:
		return c.CheckQuickApp(s)
	}
	return nil
}

// description checks the service description's length.
func (c Checker) description(r *report, field, v, whatZH, whatEN string) {
	v = cleanText(v)
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0:
		r.errorf(field, "description.required", "未填写"+whatZH+"的服务内容描述", "the "+whatEN+"'s service description is empty")
	case hasControl(v):
		r.errorf(field, "description.bad_char", "服务内容描述含有控制字符或不可见字符", "the service description contains a control or invisible character")
	case n < MinDescriptionRunes || n > MaxDescriptionRunes:
		r.errorf(field, "description.length",
			fmt.Sprintf("服务内容描述须为%d–%d个字符，现为%d个", MinDescriptionRunes, MaxDescriptionRunes, n),
			fmt.Sprintf("the service description must have %d to %d characters; it has %d", MinDescriptionRunes, MaxDescriptionRunes, n))
	}
}
