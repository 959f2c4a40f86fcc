package appinfo

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/operation"
)

// MiniApp is the filing data of a mini-program (小程序) or a quick app
// (快应用): a service that runs inside a host platform, which issues its
// identifier. Both are filed since 2023-09-01 under the MIIT notice
// (https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2023/art_920db564162e4312916a01bed6540ad8.html).
type MiniApp struct {
	Name string `json:"name"`
	// Platform is a vocab platform code of the service type (wechat,
	// alipay, douyin, baidu … for a mini-program; quick_app_alliance,
	// huawei_quick_app … for a quick app).
	Platform string `json:"platform"`
	// AppID is the identifier the platform issued (a WeChat AppID, an
	// Alipay APPID) or a quick app's package name.
	AppID string `json:"app_id"`
	// Description says what the service actually does, in
	// MinDescriptionRunes to MaxDescriptionRunes characters.
	Description  string        `json:"description"`
	ContentTypes []string      `json:"content_types"`
	PreApprovals []PreApproval `json:"pre_approvals"`
	Remarks      string        `json:"remarks,omitempty"`
	Principal    Principal     `json:"principal"`
}

// The length of a mini-program's or quick app's service description in
// characters (runes, after trimming and collapsing spaces): long enough to
// say what the service does, as reviewers refuse one-word descriptions.
const (
	MinDescriptionRunes = 20
	MaxDescriptionRunes = 200
)

// CheckMiniProgram validates a mini-program. Findings name their field
// relative to it ("app_id"); the caller prefixes its own path.
func (c Checker) CheckMiniProgram(m MiniApp) []finding.Finding {
	return c.checkMiniApp(operation.MiniProgram, m, "小程序", "mini-program")
}

// CheckQuickApp validates a quick app, like CheckMiniProgram.
func (c Checker) CheckQuickApp(m MiniApp) []finding.Finding {
	return c.checkMiniApp(operation.QuickApp, m, "快应用", "quick app")
}

func (c Checker) checkMiniApp(service operation.ServiceType, m MiniApp, whatZH, whatEN string) []finding.Finding {
	r := c.start()
	c.name(r, "name", m.Name, whatZH, whatEN)
	code := strings.TrimSpace(m.Platform)
	pl, ok := c.vocab().Platform(code)
	switch {
	case code == "":
		r.errorf("platform", "platform.empty", "未选择"+whatZH+"所在平台", "the "+whatEN+"'s platform is empty")
	case !ok || pl.Service != service:
		r.errorf("platform", "platform.unknown", "未知的"+whatZH+"平台"+quote(code), "unknown "+whatEN+" platform "+quote(code))
	default:
		if _, err := ParseAppID(pl, m.AppID); err != nil {
			r.add("app_id", asFinding(err))
		}
	}
	c.description(r, "description", m.Description, whatZH, whatEN)
	content := c.contentTypes(r, "content_types", m.ContentTypes)
	c.preApprovals(r, "pre_approvals", m.PreApprovals, content)
	c.remarks(r, "remarks", m.Remarks)
	c.principal(r, "principal", m.Principal)
	return r.list()
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
