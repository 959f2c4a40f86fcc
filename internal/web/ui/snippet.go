package ui

import (
	"html"
	"net/url"
	"strings"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/icpnum"
)

// MIITURL is where an ICP number in a footer must link (《非经营性互联网信息服务备案管理办法》;
// Huawei Cloud, https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案成功后咨询.md).
const MIITURL = "https://beian.miit.gov.cn/"

// DefaultPSBIcon is the icon path the snippet uses when none is given: the
// site owner downloads the police badge from beian.mps.gov.cn and serves it.
const DefaultPSBIcon = "/beian-gongan.png"

// Snippet is the footer HTML for a site's numbers.
type Snippet struct {
	ICP      string // normalised ICP filing or licence number
	PSB      string // normalised PSB number, "" when none
	PSBURL   string // its beian.mps.gov.cn query link
	Icon     string // the icon URL written into the snippet
	HTML     string // what to paste
	Findings []finding.Finding
}

// MakeSnippet builds the footer snippet from the numbers as typed: the ICP
// number (filing with -N, or a licence number) linked to beian.miit.gov.cn,
// and optionally the PSB number with its query link and icon. Input is
// normalised through package icpnum; every value written into the HTML is
// escaped, and the icon must be a relative path or an http(s) URL.
func MakeSnippet(icp, psb, icon string) Snippet {
	var s Snippet
	icp, psb, icon = strings.TrimSpace(icp), strings.TrimSpace(psb), strings.TrimSpace(icon)
	if icp == "" {
		s.Findings = append(s.Findings, withField("icp", finding.Errorf("footer.icp_required",
			"请输入ICP备案号或ICP许可证号", "enter the ICP filing or licence number")))
	} else {
		res := icpnum.Validate(icp)
		s.Findings = append(s.Findings, finding.WithField("icp", res.Findings)...)
		if res.Valid {
			s.ICP = res.Normalized
			if f, err := icpnum.ParseFiling(icp); err == nil && f.Site == 0 && f.Province.Code != "44" {
				s.Findings = append(s.Findings, withField("icp", finding.Warnf("footer.entity_number",
					"广东省以外应显示带“-N”的网站备案号，而不是主体备案号",
					"outside Guangdong the footer shows the website number with its -N suffix, not the entity number")))
			}
		}
	}
	if psb != "" {
		res := icpnum.ValidatePSB(psb)
		s.Findings = append(s.Findings, finding.WithField("psb", res.Findings)...)
		if p, err := icpnum.ParsePSB(psb); err == nil && res.Valid {
			s.PSB, s.PSBURL = p.String(), p.QueryURL()
		}
	}
	if icon == "" {
		icon = DefaultPSBIcon
	}
	if u, err := url.Parse(icon); err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || len(icon) > 500 {
		s.Findings = append(s.Findings, withField("icon", finding.Errorf("footer.bad_icon",
			"图标地址须为相对路径或 http(s) 网址", "the icon must be a relative path or an http(s) URL")))
		icon = DefaultPSBIcon
	}
	s.Icon = icon
	if s.ICP == "" {
		return s
	}
	var b strings.Builder
	b.WriteString("<div class=\"beian\">\n")
	b.WriteString("  <a href=\"" + MIITURL + "\" target=\"_blank\" rel=\"noopener\">" + html.EscapeString(s.ICP) + "</a>\n")
	if s.PSB != "" {
		b.WriteString("  <a href=\"" + html.EscapeString(s.PSBURL) + "\" target=\"_blank\" rel=\"noreferrer\"><img src=\"" +
			html.EscapeString(icon) + "\" alt=\"\" width=\"16\" height=\"16\">" + html.EscapeString(s.PSB) + "</a>\n")
	}
	b.WriteString("</div>\n")
	s.HTML = b.String()
	return s
}

func withField(field string, f finding.Finding) finding.Finding {
	f.Field = field
	return f
}
