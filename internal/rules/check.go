package rules

import (
	"net/netip"
	"strings"
	"time"

	"github.com/beian/beian/internal/appinfo"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/vocab"
)

// DocumentKinds lists beian's document kinds; province documents use them.
var DocumentKinds = []string{"business_license", "entity_principal_id", "website_principal_id",
	"website_principal_photo", "domain_certificate", "commitment_letter", "authorization_letter", "other"}

// Organisation certificate types Check recognises for entity.certificate_type
// (individuals use one of form.IDTypes instead). Others get a warning.
const (
	CertUSCC                   = "uscc"                           // 统一社会信用代码证书 / 营业执照
	CertBusinessLicense        = "business_license"               // 工商营业执照
	CertOrganizationCode       = "organization_code"              // 组织机构代码证书 (legacy)
	CertPublicInstitution      = "public_institution_certificate" // 事业单位法人证书
	CertSocialOrganization     = "social_organization_certificate"
	CertPrivateNonEnterprise   = "private_non_enterprise_certificate"
	CertRepresentativeOffice   = "representative_office_certificate" // 外国企业常驻代表机构登记证
	CertOtherOrganizationProof = "other"
)

// OrgCertificateTypes lists the organisation certificate types.
var OrgCertificateTypes = []string{CertUSCC, CertBusinessLicense, CertOrganizationCode, CertPublicInstitution,
	CertSocialOrganization, CertPrivateNonEnterprise, CertRepresentativeOffice, CertOtherOrganizationProof}

// Facts is what the caller (which has the database) knows about the world
// around an application; the checks themselves stay pure.
type Facts struct {
	// Now is the time the checks run at (ages, ID and domain validity).
	// The caller passes it: a zero Now is refused with the finding
	// facts.no_time rather than read from the wall clock.
	Now time.Time
	// Calendar is the business-day calendar for date rules; nil means
	// calendar.Default(). No current check counts business days.
	Calendar *calendar.Calendar
	// Operation names the application's operation; "" checks only the
	// values present.
	Operation string
	// Operations is the catalogue Operation is looked up in; nil is
	// operation.Default().
	Operations *operation.Catalogue
	// FiledDomains maps a registrable domain already filed in this system to its filing number.
	FiledDomains map[string]string
	// EntityFiled is the entity's filing number if its certificate number is already filed, else "".
	EntityFiled string
	// Province is the rule set of the entity's province; nil means
	// DefaultRuleSet().For(c.Entity.Province).
	Province *ProvinceRules
	// EntityWebsites is how many websites the entity already has filed
	// (for caps and documents that depend on it).
	EntityWebsites int
	// Documents lists the kinds of documents already uploaded; the
	// province's extra documents of other kinds are reported as warnings.
	Documents []string
	// ProviderRanges are the address ranges of the access provider the
	// application is filed with. When there are any, every access IP must
	// lie in one of them: a filing whose servers are elsewhere is an
	// "empty shell" the authority cancels. Empty means the provider has
	// declared no ranges, and the check is not made.
	ProviderRanges []netip.Prefix
	// Vocab is the controlled vocabulary the services are checked
	// against; nil means vocab.Default().
	Vocab *vocab.Vocab
	// Commitments says where "no pre-approval applies" needs a signed
	// commitment; nil means appinfo.DefaultCommitmentRules().
	Commitments *appinfo.CommitmentRules
}

// profile is what an operation needs from the content, in the terms the
// checks below use; it is read from the operation's descriptor.
type profile struct {
	entity         bool // a complete entity
	websites       bool // at least one complete website
	needWebsites   bool // at least one website (numbers only)
	entityNumber   bool // the entity is already filed
	websiteNumbers bool // every website carries its filing number
	freshEntity    bool // the entity must not be filed yet
	freshDomains   bool // the domains must not be filed yet
	access         bool // every website lists its access IPs
	licence        bool // the ICP licence, for Mainland enterprises only
	// places: approval puts the services on this provider's network, so
	// an App's, mini-program's or quick app's server IPs (access.ips) are
	// required.
	places bool
}

func profileOf(d operation.Descriptor) profile {
	n := d.Needs
	return profile{entity: n.Entity, websites: n.Services == operation.CompleteServices,
		needWebsites: n.Services == operation.NamedServices, entityNumber: n.EntityNumber,
		websiteNumbers: n.ServiceNumbers, freshEntity: n.FreshEntity, freshDomains: n.FreshDomains,
		access: n.AccessIPs, licence: d.Has(operation.CheckLicenceEligible),
		places: d.Effect == operation.FileEntity || d.Effect == operation.AddServices || d.Effect == operation.BringServices}
}

// checker carries one run of Check.
type checker struct {
	c form.Content
	f Facts
	p profile
	// desc is the operation's descriptor; nil when Facts names none.
	desc  *operation.Descriptor
	rules *ProvinceRules
	now   time.Time
	out   []finding.Finding
	// people collects the principals for the distinct-contacts rule.
	people []person
}

type person struct {
	path, key, phone, email string
}

// Check runs every pre-review check of this package over an application's
// content. Field is a JSON path such as "entity.principal.id_number" or
// "websites[0].domains[1]"; codes do not depend on the position. Error
// findings block submission; warnings reach the reviewer.
func Check(c form.Content, f Facts) []finding.Finding {
	k := &checker{c: c, f: f, now: f.Now, rules: f.Province}
	if k.now.IsZero() {
		f := finding.Errorf("facts.no_time", "未提供检查时间", "the checks need the current time (Facts.Now)")
		f.Field = "facts.now"
		return []finding.Finding{f}
	}
	if k.rules == nil {
		k.rules = DefaultRuleSet().For(c.Entity.Province)
	}
	k.operation()
	k.entity()
	k.websites()
	k.contacts()
	k.caps()
	k.documents()
	if k.out == nil {
		return []finding.Finding{}
	}
	return k.out
}

// apps is the checker of the services that are not websites and of the
// principals' additions, set up from this run's facts.
func (k *checker) apps() appinfo.Checker {
	return appinfo.Checker{Vocab: k.f.Vocab, Commitments: k.f.Commitments, Today: k.now, Province: k.c.Entity.Province,
		Nature: k.nature()}
}

// hasServices reports whether the content carries a service that is not a
// website (an App, mini-program or quick app).
func (k *checker) hasServices() bool {
	for _, w := range k.c.Websites {
		if w.Type() != icpnum.ServiceWebsite {
			return true
		}
	}
	return false
}

func (k *checker) add(field string, f finding.Finding) {
	f.Field = field
	k.out = append(k.out, f)
}

func (k *checker) addAll(field string, fs []finding.Finding) {
	k.out = append(k.out, finding.WithField(field, fs)...)
}

// required reports a missing field.
func (k *checker) required(field string) {
	label := fieldLabel(field)
	k.add(field, finding.Errorf("required",
		"缺少必填项："+label.zh+"（"+field+"）",
		"required field missing: "+label.en+" ("+field+")"))
}

func (k *checker) nature() string { return strings.TrimSpace(k.c.Entity.Nature) }

func (k *checker) individual() bool { return k.nature() == form.NatureIndividual }

func (k *checker) operation() {
	op := k.f.Operation
	if op == "" {
		return
	}
	cat := k.f.Operations
	if cat == nil {
		cat = operation.Default()
	}
	d, ok := cat.Parse(op)
	if !ok {
		k.add("operation", finding.Errorf("operation.unknown",
			"未知的备案类型："+quote(op),
			"unknown operation "+quote(op)+" (one of "+strings.Join(cat.Strings(), ", ")+")"))
		return
	}
	p := profileOf(d)
	k.p = p
	k.desc = &d
	filed := k.f.EntityFiled
	if filed == "" {
		filed = strings.TrimSpace(k.c.EntityNumber)
	}
	if p.freshEntity && filed != "" {
		k.add("entity.certificate_number", finding.Errorf("operation.entity_filed",
			"该主体已有备案号"+filed+"，不能首次备案：新增网站请使用 "+string(operation.NewWebsite)+"，其他接入商已备案的网站请使用 "+string(operation.NewAccess)+"",
			"this entity is already filed as "+filed+", so it cannot make a first filing: use "+string(operation.NewWebsite)+" for a new site, or "+string(operation.NewAccess)+" for a site filed at another provider"))
	}
	if p.entityNumber && filed == "" {
		k.add("entity_number", finding.Errorf("operation.entity_not_filed",
			"该操作需要已备案的主体：请填写主体备案号，未备案的主体请使用首次备案（"+string(operation.FirstFiling)+"）",
			"this operation needs a filed entity: give entity_number, or use "+string(operation.FirstFiling)+" for an entity without a filing"))
	}
	if p.licence && k.nature() != "" && k.nature() != form.NatureEnterprise {
		k.add("entity.nature", finding.Errorf("license.enterprise_only",
			"经营性许可证（ICP证）只能由境内企业申请",
			"only a Mainland enterprise can apply for a commercial ICP licence"))
	}
}

// label is the Chinese and English name of a field for messages.
type label struct{ zh, en string }

var fieldLabels = map[string]label{
	"nature":             {"主办单位性质", "entity nature"},
	"name":               {"名称", "name"},
	"certificate_type":   {"证件类型", "certificate type"},
	"certificate_number": {"证件号码", "certificate number"},
	"province":           {"省份", "province"},
	"address":            {"地址", "address"},
	"id_type":            {"证件类型", "ID type"},
	"id_number":          {"证件号码", "ID number"},
	"phone":              {"手机号码", "mobile phone"},
	"email":              {"电子邮箱", "e-mail"},
	"websites":           {"网站", "websites"},
	"domains":            {"域名", "domains"},
	"number":             {"网站备案号", "website filing number"},
	"entity_number":      {"主体备案号", "entity filing number"},
	"ips":                {"接入IP地址", "access IP addresses"},
}

// fieldLabel names the last element of a JSON path ("websites[0].domains" → 域名).
func fieldLabel(path string) label {
	last := path
	if i := strings.LastIndexByte(last, '.'); i >= 0 {
		last = last[i+1:]
	}
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	if l, ok := fieldLabels[last]; ok {
		if strings.HasSuffix(path, "principal.name") {
			return label{"负责人姓名", "principal's name"}
		}
		if path == "entity.name" {
			return label{"主办单位名称", "entity name"}
		}
		if strings.HasSuffix(path, "].name") {
			return label{"网站名称", "website name"}
		}
		return l
	}
	return label{last, last}
}
