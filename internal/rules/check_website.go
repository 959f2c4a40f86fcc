package rules

import (
	"fmt"
	"github.com/beian/beian/internal/operation"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
)

// domainWarnMonths: below this many months of registration left, a domain
// gets a warning even where the province sets no rule (several administrations ask for more than 3 months:
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/topics/备案管局咨询.md).
const domainWarnMonths = 3

func (k *checker) websites() {
	ws := k.c.Websites
	if len(ws) == 0 {
		if k.p.websites || k.p.needWebsites {
			k.required("websites")
		}
		return
	}
	seen := map[string]string{} // registrable domain -> field that listed it first
	for i, w := range ws {
		path := fmt.Sprintf("websites[%d]", i)
		if k.p.websiteNumbers && strings.TrimSpace(w.Number) == "" {
			k.required(path + ".number")
		}
		if !k.serviceType(path, w) {
			continue
		}
		if w.Type() != icpnum.ServiceWebsite {
			k.service(path, w)
			continue
		}
		var names []string
		for j, d := range w.Domains {
			if n := k.domain(fmt.Sprintf("%s.domains[%d]", path, j), d, seen); n != "" {
				names = append(names, n)
			}
		}
		if len(w.Domains) == 0 && k.p.websites {
			k.required(path + ".domains")
		}
		if strings.TrimSpace(w.Name) == "" {
			if k.p.websites {
				k.required(path + ".name")
			}
		} else {
			_, fs := siteName(w.Name, k.nature(), names)
			k.addAll(path+".name", fs)
		}
		if strings.TrimSpace(w.HomeURL) != "" {
			k.homeURL(path+".home_url", w.HomeURL, names)
		}
		if k.p.websites || w.Principal != (form.Principal{}) {
			k.principal(path+".principal", w.Principal, k.p.websites, false)
			k.principalAdditions(path+".principal", w.Principal, false)
		}
		k.access(path+".access.ips", w.Access.IPs, k.p.access)
	}
}

// serviceType checks the service's type: a known one, one the operation
// applies to, and the one its filing number's letter says. It reports
// whether the service can be checked further.
func (k *checker) serviceType(path string, w form.Website) bool {
	t := w.Type()
	if !t.Valid() {
		k.add(path+".service_type", finding.Errorf("service.type_unknown",
			"未知的服务类型"+quote(string(w.ServiceType))+"（可选：website、app、mini_program、quick_app）",
			"unknown service type "+quote(string(w.ServiceType))+" (one of website, app, mini_program, quick_app)"))
		return false
	}
	if k.desc != nil && !k.desc.Accepts(t) {
		k.add(path+".service_type", finding.Errorf("service.type_not_accepted",
			"该备案类型不适用于"+t.NameZH(), "this operation does not apply to a "+t.NameEN()))
		return false
	}
	if n := strings.TrimSpace(w.Number); n != "" {
		if num, _, nt, err := icpnum.ParseServiceNumber(n); err == nil && nt != t {
			k.add(path+".service_type", finding.Errorf("service.type_number_mismatch",
				"备案号"+num+"是"+nt.NameZH()+"的备案号，与服务类型"+t.NameZH()+"不符",
				"the number "+num+" is a "+nt.NameEN()+"'s, not a "+t.NameEN()+"'s"))
			return false
		}
	}
	return true
}

// service checks an App, mini-program or quick app with package appinfo
// (its own fields, the shared ones and its principal's additions) and
// with the principal checks every principal gets. An operation that only
// names the service by its number checks what is given.
func (k *checker) service(path string, w form.Website) {
	if k.p.websites {
		k.principal(path+".principal", w.Principal, true, false)
		k.addAll(path, k.apps().CheckService(w))
		// Its servers are placed on the provider's network like a
		// website: required when approval puts them there.
		k.access(path+".access.ips", w.Access.IPs, k.p.access || k.p.places)
		return
	}
	if w.Principal != (form.Principal{}) {
		k.principal(path+".principal", w.Principal, false, false)
		k.principalAdditions(path+".principal", w.Principal, false)
	}
	k.access(path+".access.ips", w.Access.IPs, k.p.access)
}

// domain checks one domain and returns its registrable form ("" if invalid).
func (k *checker) domain(field string, d form.Domain, seen map[string]string) string {
	raw := strings.TrimSpace(d.Name)
	if raw == "" {
		k.required(field)
		return ""
	}
	// hostname.Validate gives the same findings as `beian validate domain`:
	// syntax errors, an unknown TLD (error), a TLD missing from the dated
	// MIIT list, a private suffix and a subdomain (warnings).
	r := hostname.Validate(raw)
	k.addAll(field, r.Findings)
	if !r.Valid {
		return ""
	}
	h, err := hostname.Parse(raw)
	if err != nil {
		return ""
	}
	reg := h.Registrable
	if first, dup := seen[reg]; dup {
		k.add(field, finding.Errorf("domain.duplicate",
			"域名"+reg+"在本申请中重复（已在"+first+"中填写）",
			"the domain "+reg+" appears twice in this application (first at "+first+")"))
	} else {
		seen[reg] = field
	}
	if n, ok := k.f.FiledDomains[reg]; ok && k.p.freshDomains {
		k.add(field, finding.Errorf("domain.already_filed",
			"域名"+reg+"已备案（"+n+"）：已备案的网站请使用新增接入（"+string(operation.NewAccess)+"）或变更网站（"+string(operation.ChangeWebsite)+"）",
			"the domain "+reg+" is already filed ("+n+"): use "+string(operation.NewAccess)+" (or "+string(operation.ChangeWebsite)+") for a site that is already filed"))
	}
	k.publicBodySuffix(field, reg)
	k.holder(field, d.Holder)
	if strings.TrimSpace(d.Expires) != "" {
		k.domainExpiry(field+".expires", d.Expires)
	}
	return reg
}

// holder compares the domain's real-name holder with the entity name.
func (k *checker) holder(field, holder string) {
	entity := strings.TrimSpace(k.c.Entity.Name)
	if strings.TrimSpace(holder) == "" {
		if k.p.websites {
			k.add(field, finding.Warnf("domain.holder_unverified",
				"未填写域名持有者：审核员将核对域名证书，持有者须与主办单位名称一致",
				"no domain holder given: the reviewer checks the domain certificate; the holder must equal the entity name"))
		}
		return
	}
	if entity != "" && normalizeOrgName(holder) != normalizeOrgName(entity) {
		k.add(field+".holder", finding.Errorf("domain.holder_mismatch",
			"域名持有者"+quote(holder)+"与主办单位名称"+quote(entity)+"不一致：请先将域名过户给主办单位",
			"the domain holder "+quote(holder)+" differs from the entity name "+quote(entity)+": transfer the domain to the entity first"))
	}
}

// normalizeOrgName folds width and spaces so that 某某（北京）有限公司 equals 某某(北京)有限公司.
func normalizeOrgName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
}

func (k *checker) domainExpiry(field, v string) {
	t, ok := parseDate(v)
	if !ok {
		k.add(field, finding.Errorf("domain.expires_format",
			"域名到期日"+quote(v)+"格式不正确：请填写YYYY-MM-DD",
			"the domain expiry "+quote(v)+" is not a date YYYY-MM-DD"))
		return
	}
	today := dateOnly(k.now)
	months := k.rules.DomainExpiryMonths.Value
	switch {
	case !t.After(today):
		k.add(field, finding.Errorf("domain.expired", "域名已到期（"+v+"）", "the domain has expired ("+v+")"))
	case months > 0 && !t.After(today.AddDate(0, months, 0)):
		k.add(field, finding.Errorf("domain.expiring",
			fmt.Sprintf("本省要求域名有效期超过%d个月（到期日%s）：请先续费", months, v),
			fmt.Sprintf("this province requires the domain to stay registered for more than %d months (it expires on %s): renew it first", months, v)))
	case months == 0 && !t.After(today.AddDate(0, domainWarnMonths, 0)):
		k.add(field, finding.Warnf("domain.expiring_soon",
			"域名将在3个月内到期（"+v+"），建议先续费",
			"the domain expires within 3 months ("+v+"); renew it before filing"))
	}
}

// homeURL checks that the home URL is http(s) on one of the website's domains.
func (k *checker) homeURL(field, raw string, domains []string) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		k.add(field, finding.Errorf("website.home_url_format",
			"首页网址"+quote(raw)+"不是有效的http(s)网址",
			"the home URL "+quote(raw)+" is not a valid http(s) URL"))
		return
	}
	if len(domains) == 0 {
		return
	}
	h, err := hostname.Parse(u.Hostname())
	reg := ""
	if err == nil {
		reg = h.Registrable
		if reg == "" {
			reg = h.Name
		}
	}
	if !contains(domains, reg) {
		k.add(field, finding.Errorf("website.home_url_domain",
			"首页网址"+quote(raw)+"不在本网站的域名下",
			"the home URL "+quote(raw)+" is not under one of this website's domains"))
	}
}

// access checks the access IP addresses: public unicast addresses, inside
// the provider's ranges when it has declared any.
func (k *checker) access(field string, ips []string, required bool) {
	if len(ips) == 0 {
		if required {
			k.required(field)
		}
		return
	}
	for i, s := range ips {
		f := fmt.Sprintf("%s[%d]", field, i)
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			k.add(f, finding.Errorf("access.ip_format",
				"接入IP地址"+quote(s)+"格式不正确", "the access IP address "+quote(s)+" is not valid"))
			continue
		}
		if !a.IsGlobalUnicast() || a.IsPrivate() {
			k.add(f, finding.Errorf("access.ip_not_public",
				"接入IP地址"+a.String()+"不是公网地址", "the access IP address "+a.String()+" is not a public address"))
			continue
		}
		if r := k.f.ProviderRanges; len(r) > 0 && !inRanges(a.Unmap(), r) {
			k.add(f, finding.Errorf("access.ip_not_provider",
				"接入IP地址"+a.String()+"不在接入商的地址段内（"+joinPrefixes(r)+"）",
				"the access IP address "+a.String()+" is not in the provider's address ranges ("+joinPrefixes(r)+")"))
		}
	}
}

// inRanges reports whether a lies in one of the ranges.
func inRanges(a netip.Addr, ranges []netip.Prefix) bool {
	for _, p := range ranges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// joinPrefixes lists at most four ranges for a message, then "…".
func joinPrefixes(ranges []netip.Prefix) string {
	var b strings.Builder
	for i, p := range ranges {
		if i == 4 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// scopeMatches reports whether a rule scoped to natures and operations applies.
func (k *checker) scopeMatches(natures, ops []string) bool {
	if len(natures) > 0 && !contains(natures, k.nature()) {
		return false
	}
	if len(ops) > 0 && !contains(ops, k.f.Operation) {
		return false
	}
	return true
}

// caps applies the province's per-order limits to orders that add websites or domains.
func (k *checker) caps() {
	if !k.p.websites {
		return
	}
	// The caps count websites and their domains: an App's or
	// mini-program's hosts are not domains filed for a site.
	var sites []form.Website
	total := 0
	for _, w := range k.c.Websites {
		if w.Type() == icpnum.ServiceWebsite {
			sites = append(sites, w)
			total += len(w.Domains)
		}
	}
	where := k.rules.NameZH
	if where == "" {
		where = "本接入商"
	}
	for _, c := range k.rules.Caps {
		if !k.scopeMatches(c.Natures, c.Operations) || k.f.EntityWebsites < c.MinFiledWebsites {
			continue
		}
		switch c.Limit {
		case CapWebsitesPerOrder:
			if len(sites) > c.Max {
				k.add("websites", finding.Errorf("order.too_many_websites",
					fmt.Sprintf("%s规定每次最多提交%d个网站（本次%d个）", where, c.Max, len(sites)),
					fmt.Sprintf("at most %d websites per order here (%s); this order has %d", c.Max, c.Source, len(sites))))
			}
		case CapDomainsPerOrder:
			if total > c.Max {
				k.add("websites", finding.Errorf("order.too_many_domains",
					fmt.Sprintf("%s规定每次最多提交%d个域名（本次%d个）", where, c.Max, total),
					fmt.Sprintf("at most %d domains per order here (%s); this order has %d", c.Max, c.Source, total)))
			}
		case CapDomainsPerWebsite:
			for i, w := range k.c.Websites {
				if w.Type() == icpnum.ServiceWebsite && len(w.Domains) > c.Max {
					k.add(fmt.Sprintf("websites[%d].domains", i), finding.Errorf("website.too_many_domains",
						fmt.Sprintf("%s规定每个网站最多%d个域名（本网站%d个）", where, c.Max, len(w.Domains)),
						fmt.Sprintf("at most %d domains per website here (%s); this website has %d", c.Max, c.Source, len(w.Domains))))
				}
			}
		}
	}
}

// documents reports the province's extra documents not uploaded yet.
func (k *checker) documents() {
	if !k.p.entity && !k.p.websites {
		return
	}
	sites := k.f.EntityWebsites + len(k.c.Websites)
	for _, d := range k.rules.Documents {
		if !k.scopeMatches(d.Natures, d.Operations) || sites < d.MinWebsites || contains(k.f.Documents, d.Kind) {
			continue
		}
		zh, en := "需提交《"+d.NameZH+"》", "the "+d.NameEN+" is required"
		if d.NoteZH != "" {
			zh += "（" + d.NoteZH + "）"
		}
		if d.NoteEN != "" {
			en += " (" + d.NoteEN + ")"
		}
		k.add("documents", finding.Warnf("document.required", zh+"，审核员将核对", en+"; the reviewer checks it"))
	}
}

// publicBodySuffix warns when a government body or public institution files a
// domain outside the suffixes 《互联网政务应用安全管理规定》 gives them
// (Huawei Cloud https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md): .gov.cn / .政务 for party and government bodies,
// .cn / .公益 for public institutions.
func (k *checker) publicBodySuffix(field, reg string) {
	var ok bool
	var zh, en string
	switch k.nature() {
	case form.NatureGovernment:
		ok = strings.HasSuffix(reg, ".gov.cn") || strings.HasSuffix(reg, ".xn--zfr164b")
		zh, en = "党政机关网站应使用 .gov.cn 或 .政务 域名", "party and government bodies should use a .gov.cn or .政务 domain"
	case form.NaturePublicInstitution:
		ok = strings.HasSuffix(reg, ".cn") || strings.HasSuffix(reg, ".xn--55qw42g")
		zh, en = "事业单位网站应使用 .cn 或 .公益 域名", "public institutions should use a .cn or .公益 domain"
	default:
		return
	}
	if !ok {
		k.add(field, finding.Warnf("domain.public_body_suffix",
			zh+"（《互联网政务应用安全管理规定》），审核员将核对", en+" (Internet government application security rules); the reviewer checks"))
	}
}
