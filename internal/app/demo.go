package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

// DemoAccount is an account the demo created, with its one-time password.
type DemoAccount struct {
	Role     auth.Role
	Email    string
	Password string
}

// DemoProvider is the provider code the demo seeds.
const DemoProvider = "demo-cloud"

// SeedDemo creates a provider, one account per role with fresh random
// passwords (printed once by the caller) and filings in several states and
// provinces, all through the same service calls the API uses. On a database
// that already has the demo provider it does nothing and returns nil slices.
func (a *App) SeedDemo(ctx context.Context) ([]DemoAccount, error) {
	if _, err := a.Accounts.AddProvider(ctx, DemoProvider, "演示云 Demo Cloud", []string{"203.0.113.0/24", "2001:db8::/32"}); err != nil {
		if fault.Is(err, "provider.exists") {
			return nil, nil
		}
		return nil, err
	}
	var out []DemoAccount
	ids := map[auth.Role]auth.Principal{}
	for _, role := range []auth.Role{auth.RoleApplicant, auth.RoleProvider, auth.RoleAuthority, auth.RolePSB, auth.RoleAdmin} {
		pw, err := randomPassword()
		if err != nil {
			return nil, err
		}
		email := string(role) + "@demo.beian.test"
		prov := ""
		if role == auth.RoleProvider {
			prov = DemoProvider
		}
		acc, err := a.Accounts.AddUser(ctx, email, pw, "Demo "+string(role), role, prov)
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", role, err)
		}
		p := auth.Principal{AccountID: acc.ID, Email: acc.Email, Role: role}
		if role == auth.RoleProvider {
			provs, err := a.Accounts.Providers(ctx)
			if err != nil {
				return nil, err
			}
			for _, pr := range provs {
				if pr.Code == DemoProvider {
					p.ProviderID, p.ProviderCode = pr.ID, pr.Code
				}
			}
		}
		ids[role] = p
		out = append(out, DemoAccount{Role: role, Email: email, Password: pw})
	}
	applicant, provider, authority := ids[auth.RoleApplicant], ids[auth.RoleProvider], ids[auth.RoleAuthority]
	// Each demo entity belongs to its own applicant so that one-open-application-per-entity holds.
	seeds := demoSeeds()
	for i, sd := range seeds {
		owner := applicant
		if i > 0 {
			pw, err := randomPassword()
			if err != nil {
				return nil, err
			}
			acc, err := a.Accounts.Signup(ctx, fmt.Sprintf("applicant%d@demo.beian.test", i+1), pw, sd.req.Entity.Name)
			if err != nil {
				return nil, fmt.Errorf("demo applicant %d: %w", i+1, err)
			}
			owner = auth.Principal{AccountID: acc.ID, Email: acc.Email, Role: auth.RoleApplicant}
		}
		if _, err := a.Drive(ctx, sd.req, sd.until, Desks{Owner: owner, Provider: provider, Authority: authority}); err != nil {
			return nil, fmt.Errorf("demo filing %q: %w", sd.req.Entity.Name, err)
		}
	}
	return out, nil
}

// legalRep gives an entity principal what an order with an App or a
// mini-program asks of it: an emergency phone, and that they are the legal
// representative.
func legalRep(p form.Principal, emergency string) form.Principal {
	yes := true
	p.EmergencyPhone, p.IsLegalRepresentative = emergency, &yes
	return p
}

// demoApp is the demo's App: Android and iOS, on the demo provider's network.
func demoApp() form.Website {
	a := fixture.App(7)
	a.Name = "楚云出行"
	a.Domains = []form.Domain{{Name: "api.chuyun-mobile.cn"}}
	a.Access = form.Access{IPs: []string{"203.0.113.20"}}
	a.App.Platforms[0].ID, a.App.Platforms[1].ID = "cn.chuyun.travel", "cn.chuyun.Travel"
	return a
}

// demoMiniProgram is the demo's WeChat mini-program.
func demoMiniProgram() form.Website {
	m := fixture.MiniProgram(8)
	m.Name = "金陵点单"
	m.Access = form.Access{IPs: []string{"203.0.113.30"}}
	m.MiniProgram.Description = "南京本地餐厅的在线点单、排队取号与会员积分服务，不含外卖配送。"
	return m
}

type demoSeed struct {
	req filing.CreateRequest
	// until is the state the demo drives the application to.
	until filing.Status
}

func randomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func demoSeeds() []demoSeed {
	person := func(name, id, phone, email string) form.Principal {
		return form.Principal{Name: name, IDType: form.IDResident, IDNumber: id, IDExpiry: "2035-06-30", Phone: phone, Email: email}
	}
	ent := func(name, prov, div, addr string, p form.Principal, serial string) form.Entity {
		return form.Entity{Nature: form.NatureEnterprise, Name: name, CertificateType: "uscc", Province: prov, Address: addr,
			CertificateNumber: fixture.USCC("91" + div + fixture.OrgCode(serial)), Principal: p}
	}
	site := func(name, domain string, p form.Principal) form.Website {
		return form.Website{Name: name, Domains: []form.Domain{{Name: domain}}, HomeURL: "https://www." + domain + "/",
			ContentTypes: []string{"综合门户"}, Principal: p, Access: form.Access{IPs: []string{"203.0.113.10"}}}
	}
	mk := func(e form.Entity, ws []form.Website, until filing.Status) demoSeed {
		return demoSeed{req: filing.CreateRequest{Operation: string(operation.FirstFiling), Provider: DemoProvider, Entity: e, Websites: ws}, until: until}
	}
	p1 := person("张伟", fixture.ResidentID("11010519800101123"), "13800138001", "zhangwei@example.com")
	p2 := person("王芳", fixture.ResidentID("31010419850315234"), "13900139002", "wangfang@example.com")
	p3 := person("李娜", fixture.ResidentID("44030519900720345"), "13700137003", "lina@example.com")
	p4 := person("赵磊", fixture.ResidentID("62010219881111456"), "13600136004", "zhaolei@example.com")
	p5 := person("陈静", fixture.ResidentID("51010719920505567"), "13500135005", "chenjing@example.com")
	p6 := person("刘洋", fixture.ResidentID("33010619870909678"), "13300133006", "liuyang@example.com")
	p7 := person("周敏", fixture.ResidentID("42010619830808789"), "13200132007", "zhoumin@example.com")
	p8 := person("吴刚", fixture.ResidentID("32010619860606890"), "13100131008", "wugang@example.com")
	return []demoSeed{
		mk(ent("北京示例科技有限公司", "京", "110105", "北京市朝阳区建国路1号", p1, "MA01AB1C"),
			[]form.Website{site("示例科技官网", "example-tech.cn", p1)}, filing.StatusApproved),
		mk(ent("上海演示信息技术有限公司", "沪", "310104", "上海市徐汇区漕溪北路8号", p2, "MA02CD2E"),
			[]form.Website{site("演示信息服务平台", "demo-info.com.cn", p2)}, filing.StatusAuthorityReview),
		mk(ent("深圳样例网络有限公司", "粤", "440305", "广东省深圳市南山区科技园10号", p3, "MA03EF3G"),
			[]form.Website{site("样例网络商城", "sample-net.cn", p3)}, filing.StatusProviderReview),
		mk(ent("兰州陇原数据有限公司", "甘", "620102", "甘肃省兰州市城关区东岗西路5号", p4, "MA04GH4J"),
			[]form.Website{site("陇原数据服务", "longyuan-data.cn", p4)}, filing.StatusApproved),
		mk(ent("成都蜀道软件有限公司", "川", "510107", "四川省成都市武侯区天府大道3号", p5, "MA05JK5L"),
			[]form.Website{site("蜀道软件官网", "shudao-soft.cn", p5)}, filing.StatusSMSVerification),
		mk(ent("杭州西湖文创有限公司", "浙", "330106", "浙江省杭州市西湖区文三路7号", p6, "MA06LM6N"),
			[]form.Website{site("西湖文创官网", "xihu-wenchuang.cn", p6)}, filing.StatusRejected),
		// An App filed with its website in one order (…号-1 and …号-2A), and
		// a mini-program waiting for the authority.
		mk(ent("武汉楚云移动科技有限公司", "鄂", "420106", "湖北省武汉市武昌区中北路9号", legalRep(p7, "13200132017"), "MA07NP7Q"),
			[]form.Website{site("楚云移动官网", "chuyun-mobile.cn", p7), demoApp()}, filing.StatusApproved),
		mk(ent("南京金陵点单科技有限公司", "苏", "320106", "江苏省南京市鼓楼区中山路2号", legalRep(p8, "13100131018"), "MA08QR8T"),
			[]form.Website{demoMiniProgram()}, filing.StatusAuthorityReview),
	}
}
