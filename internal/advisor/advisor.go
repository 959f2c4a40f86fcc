// Package advisor answers the first question of every applicant: which of
// the ICP filing (ICP备案), the commercial ICP licence (ICP证) and the
// public-security filing (公安联网备案) a site needs, with the documents for
// the entity type and a dated timeline computed on the Mainland business-day
// calendar. It is pure: the caller gives the start date and the calendar.
//
// Facts and durations come from public sources: Huawei Cloud's filing flow
// (provider review, 管局 review of 1–20 business days)
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案流程咨询.md,
// its SMS page (verification within 24 h)
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案短信核验.md,
// and 《计算机信息网络国际联网安全保护管理办法》 (公安部令第33号) art. 12 for
// the PSB filing within 30 days of going live. The round figures used (provider
// review 2 business days, licence about 60 days) are beian's own planning
// assumptions.
package advisor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
)

// Hosting locations.
const (
	HostingMainland = "mainland"
	HostingHongKong = "hong-kong"
	HostingOverseas = "overseas"
)

// Hostings lists the hosting locations in display order.
var Hostings = []string{HostingMainland, HostingHongKong, HostingOverseas}

// Durations of the timeline (sources in the package comment; provider review
// and licence durations are beian's own planning figures).
const (
	ProviderReviewBusinessDays  = 2  // 接入商初审
	SMSCalendarDays             = 1  // 工信部短信核验, 24 hours
	AuthorityReviewBusinessDays = 20 // 管局审核, at most
	LicenseCalendarDays         = 60 // ICP证, about 60 days after the filing number
	PSBCalendarDays             = 30 // 公安联网备案, within 30 days of going live
)

// ErrInput is wrapped by every error Advise returns for a bad Input.
var ErrInput = errors.New("advisor: bad input")

// Input is what the advisor asks: where the site is hosted, whether it is
// commercial, the entity nature (form.Nature*), whether the entity or person
// is foreign, and the day the applicant starts (submits the filing).
type Input struct {
	Hosting    string        `json:"hosting"`
	Commercial bool          `json:"commercial"`
	Nature     string        `json:"nature"`
	Foreign    bool          `json:"foreign"`
	Start      calendar.Date `json:"start"`
}

// Text is a message in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Need says whether one of the three filings is needed and why. Eligible is
// false when the entity as described cannot obtain it (an individual or a
// foreign-owned company and the licence); Why then says what to do instead.
type Need struct {
	Needed   bool `json:"needed"`
	Eligible bool `json:"eligible"`
	Why      Text `json:"why"`
}

// Stages a Document belongs to.
const (
	StageFiling  = "icp_filing"
	StageLicense = "icp_license"
	StagePSB     = "psb_filing"
)

// Document is one document to prepare. Kind is one of beian's document kinds
// (business_license, entity_principal_id, …, other).
type Document struct {
	Stage string `json:"stage"`
	Kind  string `json:"kind"`
	Name  Text   `json:"name"`
	Note  *Text  `json:"note,omitempty"`
}

// Step is one dated step of the timeline. Deadline marks a limit set by a
// rule (the date is the latest it can happen); otherwise Date is an estimate.
type Step struct {
	Code     string        `json:"code"`
	Date     calendar.Date `json:"date"`
	Deadline bool          `json:"deadline"`
	Title    Text          `json:"title"`
	Basis    Text          `json:"basis"`
}

// Plan is the advisor's answer.
type Plan struct {
	Input     Input      `json:"input"`
	Filing    Need       `json:"icp_filing"`
	License   Need       `json:"icp_license"`
	PSB       Need       `json:"psb_filing"`
	Documents []Document `json:"documents"`
	Caveats   []Text     `json:"caveats"`
	Timeline  []Step     `json:"timeline"`
}

// Advise builds the plan for in. cal is the business-day calendar (nil means
// calendar.Default()). An unknown hosting or nature is an error wrapping ErrInput.
func Advise(in Input, cal *calendar.Calendar) (Plan, error) {
	in.Hosting = strings.TrimSpace(strings.ToLower(in.Hosting))
	in.Nature = strings.TrimSpace(strings.ToLower(in.Nature))
	if !contains(Hostings, in.Hosting) {
		return Plan{}, fmt.Errorf("%w: hosting %q is not one of %s", ErrInput, in.Hosting, strings.Join(Hostings, ", "))
	}
	if !contains(form.Natures, in.Nature) {
		return Plan{}, fmt.Errorf("%w: nature %q is not one of %s", ErrInput, in.Nature, strings.Join(form.Natures, ", "))
	}
	if in.Start < calendar.Oldest || in.Start > calendar.Newest {
		return Plan{}, fmt.Errorf("%w: start date out of range", ErrInput)
	}
	if cal == nil {
		cal = calendar.Default()
	}
	p := Plan{Input: in, Documents: []Document{}, Caveats: []Text{}, Timeline: []Step{}}
	if in.Hosting != HostingMainland {
		offshore(&p)
		return p, nil
	}
	mainland(&p)
	p.Documents = documents(in, p.License.Needed && p.License.Eligible)
	p.Timeline = timeline(in, cal, p.License.Needed && p.License.Eligible)
	uncovered := map[int]bool{}
	for _, s := range p.Timeline {
		if !cal.Covers(s.Date) && !uncovered[s.Date.Year()] {
			uncovered[s.Date.Year()] = true
			p.Caveats = append(p.Caveats, Text{
				ZH: fmt.Sprintf("节假日表未覆盖%d年（国务院通知每年11月前后发布）：该年的日期只按周一至周五计算工作日", s.Date.Year()),
				EN: fmt.Sprintf("the holiday table does not cover %d (the State Council notice comes out around November): business days in that year count Monday to Friday only", s.Date.Year()),
			})
		}
	}
	return p, nil
}

// offshore is the plan for a site hosted in Hong Kong or overseas.
func offshore(p *Plan) {
	where := Text{"香港", "in Hong Kong"}
	if p.Input.Hosting == HostingOverseas {
		where = Text{"境外", "overseas"}
	}
	no := Text{
		ZH: "网站托管在" + where.ZH + "（中国大陆以外），无需在中国大陆办理",
		EN: "the site is hosted " + where.EN + ", outside the Mainland, so nothing is filed in China",
	}
	p.Filing = Need{Needed: false, Eligible: true, Why: Text{
		ZH: no.ZH + "ICP备案：备案只针对使用中国大陆服务器（或大陆CDN）的网站",
		EN: no.EN + ": the ICP filing is only for sites served from Mainland servers (or a Mainland CDN)"}}
	p.License = Need{Needed: false, Eligible: true, Why: Text{
		ZH: no.ZH + "ICP证：经营许可证以大陆ICP备案为前提",
		EN: no.EN + ": the commercial ICP licence builds on a Mainland ICP filing"}}
	p.PSB = Need{Needed: false, Eligible: true, Why: Text{
		ZH: no.ZH + "公安联网备案",
		EN: no.EN + ": no PSB filing either"}}
	p.Caveats = append(p.Caveats,
		Text{
			ZH: "代价：大陆用户访问需跨境，延迟高、丢包多，且可能被限速或屏蔽而不另行通知；也不能使用大陆云服务器或大陆CDN节点（它们都要求ICP备案号）",
			EN: "the trade-off: Mainland visitors cross the border, with high latency and packet loss, and the site may be throttled or blocked without notice; Mainland clouds and Mainland CDN nodes are not available (they all require an ICP number)",
		},
		Text{
			ZH: "若以后改为大陆托管或使用大陆CDN，须先完成ICP备案（约1–2个月），备案期间域名不能解析到大陆服务器",
			EN: "moving to Mainland hosting or a Mainland CDN later needs an ICP filing first (plan 1–2 months); the domain must not resolve to Mainland servers until it is approved",
		},
		Text{
			ZH: "已备案的域名解析到香港或境外节点可能导致备案被注销（阿里云《ICP备案常见问题》：https://help.aliyun.com/en/dws/faq-about-icp-filing）",
			EN: "a domain that is already filed and then resolved to Hong Kong or overseas nodes may lose its filing (Alibaba Cloud, FAQ about ICP filing: https://help.aliyun.com/en/dws/faq-about-icp-filing)",
		},
		Text{
			ZH: "注意：阿里云的公安备案文档称面向大陆用户的境外网站也需公安联网备案（全国互联网安全管理服务平台 https://beian.mps.gov.cn/）；本工具按产品规格不列为必需，面向大陆用户时请咨询当地公安机关",
			EN: "note: Alibaba Cloud's PSB filing guide says the PSB filing also applies to sites hosted outside the Mainland that serve Mainland users (the PSB's filing portal: https://beian.mps.gov.cn/); this advisor follows the product specification and does not list it as required; ask the local PSB if you target Mainland users",
		},
	)
	p.Timeline = []Step{{
		Code: "go_live", Date: p.Input.Start, Deadline: false,
		Title: Text{"网站可以上线", "the site can go live"},
		Basis: Text{"大陆以外托管无需等待备案", "hosting outside the Mainland waits for no filing"},
	}}
}

// mainland decides the three needs for a site hosted in the Mainland.
func mainland(p *Plan) {
	in := p.Input
	p.Filing = Need{Needed: true, Eligible: true, Why: Text{
		ZH: "使用中国大陆服务器的网站必须先取得ICP备案号才能开通访问（《非经营性互联网信息服务备案管理办法》），接入商会阻断未备案的域名",
		EN: "a site served from Mainland servers needs an ICP filing number before it may be reached; access providers block unfiled domains",
	}}
	p.PSB = Need{Needed: true, Eligible: true, Why: Text{
		ZH: "网站开通之日起30日内须办理公安联网备案（公安部令第33号第12条），未备案可被警告或停机整顿",
		EN: "a PSB filing is due within 30 days of the site going live (MPS Order No. 33 art. 12); without it the site can be warned or suspended",
	}}
	if !in.Commercial {
		p.License = Need{Needed: false, Eligible: true, Why: Text{
			ZH: "非经营性网站（不收费、不在线交易）只需ICP备案，不需要ICP经营许可证",
			EN: "a non-commercial site (no paid services, no online trade) needs only the ICP filing, not the commercial ICP licence",
		}}
	} else {
		p.License = Need{Needed: true, Eligible: true, Why: Text{
			ZH: "经营性网站（有偿提供信息或服务）须在ICP备案后向省通信管理局申请ICP经营许可证（增值电信业务经营许可证）",
			EN: "a commercial site (paid information or services) needs the commercial ICP licence (value-added telecom business licence) from the provincial communications administration after the filing",
		}}
	}
	switch {
	case in.Commercial && in.Nature == form.NatureIndividual:
		p.License.Eligible = false
		p.License.Why = Text{
			ZH: "个人不能取得ICP经营许可证，也不能开办经营性网站：请先在大陆设立公司，以公司名义备案并申请许可证",
			EN: "an individual cannot hold the commercial ICP licence nor run a commercial site: set up a Mainland company and file and apply in its name",
		}
	case in.Commercial && in.Nature != form.NatureEnterprise:
		p.License.Eligible = false
		p.License.Why = Text{
			ZH: "ICP经营许可证只发给境内企业：非企业单位不能申请，经营业务须由企业承担",
			EN: "the commercial ICP licence is issued only to Mainland enterprises: a non-enterprise body cannot apply; a company must run the commercial business",
		}
	case in.Commercial && in.Foreign:
		p.License.Eligible = false
		p.License.Why = Text{
			ZH: "外资企业不能直接持有ICP经营许可证：许可证只发给内资企业和外资占比低于50%的合资企业（Cloudflare《ICP》说明：https://developers.cloudflare.com/china-network/concepts/icp/）",
			EN: "a foreign-owned company cannot hold the commercial ICP licence directly: it is open only to domestic companies and joint ventures with less than 50% foreign ownership (Cloudflare, ICP: https://developers.cloudflare.com/china-network/concepts/icp/)",
		}
	}
	p.Caveats = append(p.Caveats, caveats(in)...)
}

// caveats are the notes for a Mainland-hosted site.
func caveats(in Input) []Text {
	var cs []Text
	if in.Nature == form.NatureIndividual {
		cs = append(cs,
			Text{
				ZH: "个人在身份证所在省份备案；上海、浙江、江西、山东等省份接受居住证跨省备案",
				EN: "individuals file in the province of their ID card; Shanghai, Zhejiang, Jiangxi, Shandong and some others accept a residence permit instead",
			},
			Text{
				ZH: "个人网站只能是非经营性的（博客/个人空间等），名称不能含有公司、商城、论坛、社区等字样，不能开办论坛或社区",
				EN: "an individual's site is non-commercial only (blog, personal space); its name must not contain words such as 公司, 商城, 论坛 or 社区, and it cannot run a forum or community",
			})
		if in.Foreign {
			cs = append(cs, Text{
				ZH: "外国人可凭护照或外国人永久居留身份证以个人身份备案，但河北等省份不接受",
				EN: "a foreigner can file as an individual with a passport or a foreigner's permanent-residence ID, but some provinces (Hebei) refuse",
			})
		}
	} else {
		cs = append(cs, Text{
			ZH: "单位在注册地（营业执照登记地）所在省份备案，不能跨省备案；主体负责人一般须为法定代表人",
			EN: "organisations file in the province where they are registered (no cross-province filing); the entity principal is normally the legal representative",
		})
		if in.Foreign {
			cs = append(cs, Text{
				ZH: "外国公司不能以境外主体直接备案，须使用中国政府颁发的证件：大陆子公司（外商独资企业WFOE或合资企业）的营业执照，或外国企业常驻代表机构登记证",
				EN: "a foreign company cannot file in its own name: it needs a document issued by the Chinese government, the business licence of a Mainland subsidiary (WFOE or joint venture) or a foreign enterprise representative office registration certificate",
			})
		}
	}
	if in.Foreign && in.Commercial {
		cs = append(cs, Text{
			ZH: "本工具不评估自贸区政策和VIE协议控制等结构，请咨询律师",
			EN: "this advisor does not assess free-trade-zone rules or VIE structures; take legal advice",
		})
	}
	cs = append(cs,
		Text{
			ZH: "域名须在工信部批准的顶级域下、由境内有资质的注册商注册，并完成实名认证（持有者须为主办者）；实名信息同步到管局需3–5个工作日",
			EN: "the domain must be under an MIIT-approved TLD at a licensed domestic registrar and real-name verified in the entity's name; the real-name data takes 3–5 business days to reach the administration",
		},
		Text{
			ZH: "首次备案或新增网站期间，未备案的域名不能解析（会有停机）",
			EN: "during a first filing or a new website the unfiled domain must not resolve (plan for downtime)",
		},
		Text{
			ZH: "管局审核1–20个工作日：时间表按最长时间计算",
			EN: "the administration takes 1 to 20 business days: the timeline shows the latest date",
		},
		Text{
			ZH: "备案通过后须在首页底部中间显示备案号并链接到 https://beian.miit.gov.cn/ ，否则可被罚款5,000–10,000元",
			EN: "once approved, the filing number goes in the middle of the home-page footer, linked to https://beian.miit.gov.cn/; otherwise fines of 5,000–10,000 CNY",
		},
		Text{
			ZH: "部分省份另有要求，例如广东须提交手写签名的《互联网信息服务备案承诺书》",
			EN: "some provinces ask for more, such as Guangdong's hand-signed Internet information service filing commitment letter",
		},
	)
	return cs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
