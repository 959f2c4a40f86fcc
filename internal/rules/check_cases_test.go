package rules

import (
	"net/netip"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/operation"
)

const (
	E = finding.Error
	W = finding.Warning
)

// checkCases: for each rule a failing case (code set) and, where the rule
// has one, a passing case (notCode set) that differs only in what the rule reads.
var checkCases = []checkCase{
	// required fields
	{name: "entity name missing", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Name = " " },
		code: "required", field: "entity.name", sev: E},
	{name: "principal phone missing", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Principal.Phone = "" },
		code: "required", field: "websites[0].principal.phone", sev: E},
	{name: "no websites", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites = nil },
		code: "required", field: "websites", sev: E},
	{name: "website without domains", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains = nil },
		code: "required", field: "websites[0].domains", sev: E},
	{name: "website number for change", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Operation, f.EntityFiled = string(operation.ChangeWebsite), "京ICP备2026000001号"
	}, code: "required", field: "websites[0].number", sev: E},
	{name: "access ips for change_access", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Operation, f.EntityFiled = string(operation.ChangeAccess), "京ICP备2026000001号"
		c.Websites[0].Number, c.Websites[0].Access.IPs = "京ICP备2026000001号-1", nil
	}, code: "required", field: "websites[0].access.ips", sev: E},
	{name: "cancel needs no entity content", base: func() form.Content { return form.Content{EntityNumber: "京ICP备2026000001号"} },
		edit: func(c *form.Content, f *Facts) { f.Operation = string(operation.CancelEntity) }, notCode: "required"},

	// operations
	{name: "unknown operation", base: enterprise, edit: func(c *form.Content, f *Facts) { f.Operation = "renew" },
		code: "operation.unknown", field: "operation", sev: E},
	{name: "first filing of a filed entity", base: enterprise, edit: func(c *form.Content, f *Facts) { f.EntityFiled = "京ICP备2026000001号" },
		code: "operation.entity_filed", field: "entity.certificate_number", sev: E},
	{name: "new website of a filed entity passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Operation, f.EntityFiled = string(operation.NewWebsite), "京ICP备2026000001号"
	}, notCode: "operation.entity_filed"},
	{name: "new website without a filed entity", base: enterprise, edit: func(c *form.Content, f *Facts) { f.Operation = string(operation.NewWebsite) },
		code: "operation.entity_not_filed", field: "entity_number", sev: E},
	{name: "entity filed elsewhere passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Operation, c.EntityNumber = string(operation.NewWebsite), "京ICP备2020000001号"
	}, notCode: "operation.entity_not_filed"},
	{name: "licence for an individual", base: individual, edit: func(c *form.Content, f *Facts) {
		f.Operation, f.EntityFiled = string(operation.CommercialLicense), "京ICP备2026000002号"
	}, code: "license.enterprise_only", field: "entity.nature", sev: E},
	{name: "licence for an enterprise passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Operation, f.EntityFiled = string(operation.CommercialLicense), "京ICP备2026000002号"
	}, notCode: "license.enterprise_only"},

	// nature and certificate
	{name: "unknown nature", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Nature = "company" },
		code: "nature.unknown", field: "entity.nature", sev: E},
	{name: "individual with business licence", base: individual, edit: func(c *form.Content, f *Facts) { c.Entity.CertificateType = CertUSCC },
		code: "certificate.type_mismatch", field: "entity.certificate_type", sev: E},
	{name: "company with resident id", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.CertificateType = form.IDResident },
		code: "certificate.type_mismatch", field: "entity.certificate_type", sev: E},
	{name: "unknown organisation certificate", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.CertificateType = "licence" },
		code: "certificate.type_unknown", field: "entity.certificate_type", sev: W},
	{name: "uscc checksum passes through", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.CertificateNumber = "91110000600037341N" },
		code: "uscc.checksum", field: "entity.certificate_number", sev: E},
	{name: "non-conforming uscc warns", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.CertificateNumber, c.Entity.Province, c.Entity.Address = "91350100M0001TGQXM", "闽", "福建省福州市鼓楼区1号"
	}, code: "uscc.checksum_exception", field: "entity.certificate_number", sev: W},
	{name: "legacy organisation code", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Nature, c.Entity.CertificateType, c.Entity.CertificateNumber = form.NatureSocialOrganization, CertOrganizationCode, "12345678-0"
	}, code: "org.checksum", field: "entity.certificate_number", sev: E},
	{name: "public institution without uscc", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Nature, c.Entity.CertificateType, c.Entity.CertificateNumber = form.NaturePublicInstitution, CertPublicInstitution, "事证第110000001234号"
	}, code: "certificate.not_uscc", field: "entity.certificate_number", sev: W},

	// province
	{name: "unknown province", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Province = "港" },
		code: "province.unknown", field: "entity.province", sev: E},
	{name: "address in another province", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Address = "上海市浦东新区世纪大道1号" },
		code: "province.address_mismatch", field: "entity.address", sev: E},
	{name: "address names province inside", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Address = "中国 广州市天河区（广东省）体育西路1号"
	},
		code: "province.address_mismatch", field: "entity.address", sev: E},
	{name: "street named after a province passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "粤", "广州市越秀区北京路1号"
	}, notCode: "province.address_mismatch"},
	{name: "qinghai prefecture is not hainan", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "青", "海南藏族自治州共和县1号"
	}, notCode: "province.address_mismatch"},
	{name: "uscc from another province", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "津", "天津市和平区1号"
	}, code: "province.uscc_mismatch", field: "entity.certificate_number", sev: W},
	{name: "individual from another province", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "桂", "广西南宁市青秀区1号"
	}, code: "province.id_mismatch", field: "entity.principal.id_number", sev: E},
	{name: "residence permit province warns", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "沪", "上海市徐汇区1号"
	}, code: "province.residence_permit", field: "entity.principal.id_number", sev: W},
	{name: "residence permit province has no error", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Province, c.Entity.Address = "沪", "上海市徐汇区1号"
	}, notCode: "province.id_mismatch"},

	// individuals
	{name: "individual principal is someone else", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Principal.IDNumber = beijingAdult
	}, code: "individual.principal_not_self", field: "entity.principal.id_number", sev: E},
	{name: "individual principal name differs", base: individual, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.Name = "王六" },
		code: "individual.principal_not_self", field: "entity.principal.name", sev: E},
	{name: "foreign individual in hebei", base: individual, edit: func(c *form.Content, f *Facts) {
		p := form.Principal{Name: "John Smith", IDType: form.IDPassport, IDNumber: "E12345678", IDExpiry: "2031-01-01", Phone: "13700137000", Email: "john@example.net"}
		c.Entity.Principal, c.Websites[0].Principal = p, p
		c.Entity.Name, c.Entity.CertificateType, c.Entity.CertificateNumber = "John Smith", form.IDPassport, "E12345678"
		c.Entity.Province, c.Entity.Address, c.Websites[0].Domains[0].Holder = "冀", "河北省石家庄市长安区1号", "John Smith"
	}, code: "individual.foreign_not_allowed", field: "entity.principal.id_type", sev: E},
	{name: "foreign individual in beijing passes", base: individual, edit: func(c *form.Content, f *Facts) {
		p := form.Principal{Name: "John Smith", IDType: form.IDPassport, IDNumber: "E12345678", IDExpiry: "2031-01-01", Phone: "13700137000", Email: "john@example.net"}
		c.Entity.Principal, c.Websites[0].Principal = p, p
		c.Entity.Name, c.Entity.CertificateType, c.Entity.CertificateNumber = "John Smith", form.IDPassport, "E12345678"
		c.Websites[0].Domains[0].Holder = "John Smith"
	}},
	{name: "minor individual", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Principal.IDNumber, c.Entity.CertificateNumber, c.Websites[0].Principal.IDNumber = beijingMinor, beijingMinor, beijingMinor
	}, code: "principal.underage", field: "entity.principal.id_number", sev: E},
	{name: "seventeen in shandong passes", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Principal.IDNumber, c.Entity.CertificateNumber, c.Websites[0].Principal.IDNumber = shandong17, shandong17, shandong17
		c.Entity.Province, c.Entity.Address = "鲁", "山东省青岛市市南区1号"
	}},
	{name: "seventeen in beijing fails", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Entity.Principal.IDNumber, c.Entity.CertificateNumber, c.Websites[0].Principal.IDNumber = shandong17, shandong17, shandong17
		c.Entity.Address = "北京市朝阳区1号"
		f.Province = DefaultRuleSet().For("京")
	}, code: "principal.underage", field: "websites[0].principal.id_number", sev: E},

	// principals
	{name: "legal representative reminder", base: enterprise, code: "principal.legal_representative", field: "entity.principal.name", sev: W},
	{name: "anhui accepts authorisation", base: enterprise, edit: func(c *form.Content, f *Facts) { f.Province = DefaultRuleSet().For("皖") },
		notCode: "principal.legal_representative"},
	{name: "latin name with resident id", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Principal.Name = "Li Si" },
		code: "principal.name_not_chinese", field: "websites[0].principal.name", sev: E},
	{name: "latin name with passport passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Principal.Name, c.Websites[0].Principal.IDType, c.Websites[0].Principal.IDNumber = "Li Si", form.IDPassport, "E98765432"
	}, notCode: "principal.name_not_chinese"},
	{name: "shandong needs a mainland id", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Principal.IDType, c.Entity.Principal.IDNumber, c.Entity.Principal.Name = form.IDPassport, "E98765432", "Anna Meier"
		f.Province = DefaultRuleSet().For("37")
	}, code: "principal.mainland_id_required", field: "entity.principal.id_type", sev: E},
	{name: "same phone for two people", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Principal.Phone = "138-0013-8000" },
		code: "principal.phone_shared", field: "websites[0].principal.phone", sev: E},
	{name: "same email for two people", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Principal.Email = "Zhang@Example.com" },
		code: "principal.email_shared", field: "websites[0].principal.email", sev: E},
	{name: "same person twice passes", base: individual, notCode: "principal.phone_shared"},
	{name: "bad id type", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Principal.IDType = "driver_licence" },
		code: "id.bad_type", field: "websites[0].principal.id_type", sev: E},
	{name: "id checksum passes through", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDNumber = "110102199101010079" },
		code: "id.checksum", field: "entity.principal.id_number", sev: E},
	{name: "id expiry missing", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "" },
		code: "id.expiry_missing", field: "entity.principal.id_expiry", sev: W},
	{name: "id expiry format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "2035/01/01" },
		code: "id.expiry_format", field: "entity.principal.id_expiry", sev: E},
	{name: "id expired", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "2026-03-02" },
		code: "id.expired", field: "entity.principal.id_expiry", sev: E},
	{name: "id expiring", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "2026-06-02" },
		code: "id.expiring", field: "entity.principal.id_expiry", sev: E},
	{name: "id valid just over 3 months", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "２０２６-06-03" },
		notCode: "id.expiring"},
	{name: "long-term id", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.IDExpiry = "Long-Term" },
		notCode: "id.expiry_format"},
	{name: "phone format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.Phone = "010-12345678" },
		code: "phone.format", field: "entity.principal.phone", sev: E},
	{name: "phone 12 prefix", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.Phone = "12800138000" },
		code: "phone.format", field: "entity.principal.phone", sev: E},
	{name: "hunan in-province mobile", base: individual, edit: func(c *form.Content, f *Facts) { f.Province = DefaultRuleSet().For("湘") },
		code: "phone.in_province", field: "entity.principal.phone", sev: W},
	{name: "email format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.Email = "Zhang San <zhang@example.com>" },
		code: "email.format", field: "entity.principal.email", sev: E},
	{name: "email without dotted domain", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Entity.Principal.Email = "zhang@localhost" },
		code: "email.format", field: "entity.principal.email", sev: E},

	// domains
	{name: "domain syntax passes through", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Name = "exa mple.com" },
		code: "domain.bad_label", field: "websites[0].domains[0]", sev: E},
	{name: "unapproved tld warns", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains[0].Name, c.Websites[0].HomeURL = "example.io", ""
	}, code: "domain.tld_not_approved", field: "websites[0].domains[0]", sev: W},
	{name: "idn domain passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains[0].Name, c.Websites[0].HomeURL = "星河科技.中国", "http://星河科技.中国/"
	}, notCode: "website.home_url_domain"},
	{name: "duplicate domain", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "WWW.Example.com."})
	}, code: "domain.duplicate", field: "websites[0].domains[1]", sev: E},
	{name: "domain already filed", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.FiledDomains = map[string]string{"example.com": "京ICP备2020000001号-1"}
	}, code: "domain.already_filed", field: "websites[0].domains[0]", sev: E},
	{name: "filed domain for new access passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.FiledDomains = map[string]string{"example.com": "京ICP备2020000001号-1"}
		f.Operation, c.EntityNumber, c.Websites[0].Number = string(operation.NewAccess), "京ICP备2020000001号", "京ICP备2020000001号-1"
	}, notCode: "domain.already_filed"},
	{name: "government outside gov.cn", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Nature, c.Entity.CertificateType = form.NatureGovernment, CertUSCC
	}, code: "domain.public_body_suffix", field: "websites[0].domains[0]", sev: W},
	{name: "government under gov.cn passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Nature, c.Websites[0].Domains[0].Name, c.Websites[0].HomeURL = form.NatureGovernment, "haidian.gov.cn", ""
	}, notCode: "domain.public_body_suffix"},
	{name: "holder mismatch", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Holder = "张三" },
		code: "domain.holder_mismatch", field: "websites[0].domains[0].holder", sev: E},
	{name: "holder with full-width brackets passes", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Entity.Name, c.Websites[0].Domains[0].Holder = "星河科技（北京）有限公司", "星河科技(北京)有限公司"
	}, notCode: "domain.holder_mismatch"},
	{name: "holder missing", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Holder = "" },
		code: "domain.holder_unverified", field: "websites[0].domains[0]", sev: W},
	{name: "domain expires format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Expires = "soon" },
		code: "domain.expires_format", field: "websites[0].domains[0].expires", sev: E},
	{name: "domain expired", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Expires = "2026-01-01" },
		code: "domain.expired", field: "websites[0].domains[0].expires", sev: E},
	{name: "domain expiring in zhejiang", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains[0].Expires = "2026-05-01"
		f.Province = DefaultRuleSet().For("浙")
	}, code: "domain.expiring", field: "websites[0].domains[0].expires", sev: E},
	{name: "domain expiring elsewhere warns", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Domains[0].Expires = "2026-05-01" },
		code: "domain.expiring_soon", field: "websites[0].domains[0].expires", sev: W},
	{name: "domain valid long enough", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains[0].Expires = "2026-07-01"
		f.Province = DefaultRuleSet().For("浙")
	}, notCode: "domain.expiring"},

	// website
	{name: "website name rules", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Name = "example.com" },
		code: "sitename.is_domain", field: "websites[0].name", sev: E},
	{name: "home url format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].HomeURL = "ftp://example.com/" },
		code: "website.home_url_format", field: "websites[0].home_url", sev: E},
	{name: "home url elsewhere", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].HomeURL = "https://other.cn/" },
		code: "website.home_url_domain", field: "websites[0].home_url", sev: E},
	{name: "ip format", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Access.IPs = []string{"203.0.113"} },
		code: "access.ip_format", field: "websites[0].access.ips[0]", sev: E},
	{name: "private ip", base: enterprise, edit: func(c *form.Content, f *Facts) { c.Websites[0].Access.IPs = []string{"203.0.113.1", "10.0.0.1"} },
		code: "access.ip_not_public", field: "websites[0].access.ips[1]", sev: E},
	{name: "ip outside the provider's ranges", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Access.IPs = []string{"203.0.113.1", "198.51.100.9"}
		f.ProviderRanges = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	}, code: "access.ip_not_provider", field: "websites[0].access.ips[1]", sev: E},
	{name: "ips inside the provider's ranges pass", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Access.IPs = []string{"203.0.113.1", "2001:db8::7", "::ffff:203.0.113.2"}
		f.ProviderRanges = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	}, notCode: "access.ip_not_provider"},
	{name: "a provider without ranges checks none", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Access.IPs = []string{"198.51.100.9"}
	}, notCode: "access.ip_not_provider"},

	// caps and documents from the province data
	{name: "hunan one website per order", base: twoWebsites, edit: func(c *form.Content, f *Facts) { f.Province = DefaultRuleSet().For("43") },
		code: "order.too_many_websites", field: "websites", sev: E},
	{name: "two websites in beijing pass", base: twoWebsites, notCode: "order.too_many_websites"},
	{name: "hainan individual one domain", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "example.net", Holder: "王五"})
		f.Province = DefaultRuleSet().For("琼")
	}, code: "order.too_many_domains", field: "websites", sev: E},
	{name: "hainan new website not capped", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "example.net", Holder: "王五"})
		f.Province, f.Operation, f.EntityFiled = DefaultRuleSet().For("琼"), string(operation.NewWebsite), "琼ICP备2026000001号"
	}, notCode: "order.too_many_domains"},
	{name: "jiangxi cap after many sites", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "example.net", Holder: "王五"})
		f.Province, f.Operation, f.EntityFiled, f.EntityWebsites = DefaultRuleSet().For("赣"), string(operation.NewWebsite), "赣ICP备2026000001号", 8
	}, code: "order.too_many_domains", field: "websites", sev: E},
	{name: "jiangxi no cap before", base: individual, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "example.net", Holder: "王五"})
		f.Province, f.Operation, f.EntityFiled, f.EntityWebsites = DefaultRuleSet().For("赣"), string(operation.NewWebsite), "赣ICP备2026000001号", 7
	}, notCode: "order.too_many_domains"},
	{name: "xinjiang one domain per website", base: enterprise, edit: func(c *form.Content, f *Facts) {
		c.Websites[0].Domains = append(c.Websites[0].Domains, form.Domain{Name: "example.net", Holder: "北京星河科技有限公司"})
		f.Province = DefaultRuleSet().For("新疆")
	}, code: "website.too_many_domains", field: "websites[0].domains", sev: E},
	{name: "guangdong commitment letter", base: enterprise, edit: func(c *form.Content, f *Facts) { f.Province = DefaultRuleSet().For("粤") },
		code: "document.required", field: "documents", sev: W},
	{name: "guangdong letter uploaded", base: enterprise, edit: func(c *form.Content, f *Facts) {
		f.Province, f.Documents = DefaultRuleSet().For("粤"), []string{"commitment_letter"}
	}, notCode: "document.required"},
}

func twoWebsites() form.Content {
	c := enterprise()
	w := c.Websites[0]
	w.Name, w.HomeURL = "星河科技博客", "https://example.net/"
	w.Domains = []form.Domain{{Name: "example.net", Holder: "北京星河科技有限公司"}}
	c.Websites = append(c.Websites, w)
	return c
}
