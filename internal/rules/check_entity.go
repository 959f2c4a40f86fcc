package rules

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/ident"
)

// idValidityMonths is how long an ID must stay valid (more than 3 months: Huawei Cloud's rejection FAQ, https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/faq/备案驳回咨询.md).
const idValidityMonths = 3

func (k *checker) entity() {
	e := k.c.Entity
	req := k.p.entity
	need := func(field, v string) bool {
		if strings.TrimSpace(v) == "" {
			if req {
				k.required(field)
			}
			return false
		}
		return true
	}
	nature := k.nature()
	if need("entity.nature", nature) && !knownNature(nature) {
		k.add("entity.nature", finding.Errorf("nature.unknown",
			"未知的主办单位性质："+quote(nature)+"（可选："+strings.Join(form.Natures, "、")+"）",
			"unknown entity nature "+quote(nature)+" (one of "+strings.Join(form.Natures, ", ")+")"))
	}
	need("entity.name", e.Name)
	k.certificate(need)
	if need("entity.province", e.Province) {
		k.province()
	}
	need("entity.address", e.Address)
	k.principal("entity.principal", e.Principal, req, true)
	k.principalAdditions("entity.principal", e.Principal, req && k.hasServices())
	if k.individual() {
		k.individualSelf()
	}
	if req && nature != "" && !k.individual() && knownNature(nature) && k.rules.EntityPrincipalLegalRep.Value &&
		e.Principal.IsLegalRepresentative != nil && !*e.Principal.IsLegalRepresentative {
		k.add("entity.principal.is_legal_representative", finding.Errorf("principal.legal_representative_province",
			"本省要求主体负责人为单位的法定代表人，请由法定代表人担任主体负责人",
			"this province requires the entity principal to be the legal representative: make the legal representative the entity principal"))
	} else if req && nature != "" && !k.individual() && knownNature(nature) && k.rules.EntityPrincipalLegalRep.Value {
		k.add("entity.principal.name", finding.Warnf("principal.legal_representative",
			"本省要求主体负责人为单位的法定代表人：审核员须与单位证件核对",
			"this province requires the entity principal to be the legal representative: the reviewer compares it with the entity's certificate"))
	}
}

// certificate checks the entity's certificate type and number against its nature.
func (k *checker) certificate(need func(field, v string) bool) {
	e := k.c.Entity
	ct := strings.TrimSpace(e.CertificateType)
	num := strings.TrimSpace(e.CertificateNumber)
	hasType := need("entity.certificate_type", ct)
	hasNum := need("entity.certificate_number", num)
	nature := k.nature()
	if hasType && knownNature(nature) {
		personal := contains(form.IDTypes, ct)
		switch {
		case nature == form.NatureIndividual && !personal:
			k.add("entity.certificate_type", finding.Errorf("certificate.type_mismatch",
				"个人主体的证件类型必须是身份证件（"+strings.Join(form.IDTypes, "、")+"），不能是"+quote(ct),
				"an individual's certificate must be a personal ID ("+strings.Join(form.IDTypes, ", ")+"), not "+quote(ct)))
		case nature != form.NatureIndividual && personal:
			k.add("entity.certificate_type", finding.Errorf("certificate.type_mismatch",
				"单位主体不能使用个人身份证件"+quote(ct)+"作为主办单位证件",
				"an organisation cannot use the personal ID "+quote(ct)+" as its certificate"))
		case nature != form.NatureIndividual && !contains(OrgCertificateTypes, ct):
			k.add("entity.certificate_type", finding.Warnf("certificate.type_unknown",
				"未识别的单位证件类型"+quote(ct)+"，审核员将核对证件",
				"unrecognised organisation certificate type "+quote(ct)+"; the reviewer checks the certificate"))
		}
	}
	if !hasNum {
		return
	}
	switch {
	case nature == form.NatureIndividual:
		// The certificate is the principal's ID; individualSelf compares them
		// and the principal check validates the number.
		if contains(form.IDTypes, ct) && !samePersonID(num, k.c.Entity.Principal.IDNumber) {
			k.addAll("entity.certificate_number", ident.Validate(ct, num, k.now).Findings)
		}
	case nature == form.NatureEnterprise || len([]rune(num)) == 18:
		r := ident.ValidateUSCC(num)
		k.addAll("entity.certificate_number", r.Findings)
		k.usccProvince(r)
	case ct == CertOrganizationCode:
		k.addAll("entity.certificate_number", ident.ValidateOrgCode(num).Findings)
	case knownNature(nature):
		k.add("entity.certificate_number", finding.Warnf("certificate.not_uscc",
			"证件号码不是18位统一社会信用代码，审核员将核对证件",
			"the certificate number is not an 18-character unified social credit code; the reviewer checks the certificate"))
	}
}

// usccProvince compares the registration region inside a valid USCC
// (characters 3–4) with the entity province. A company that moved keeps its
// code, so this only warns.
func (k *checker) usccProvince(r finding.Result) {
	code := r.Normalized
	if !r.Valid || len(code) != 18 {
		return
	}
	region := code[2:4]
	if region < "11" || region > "65" || region[0] < '1' || region[1] < '0' || region[1] > '9' {
		return // 10: registered nationally; letters: not a region
	}
	want, ok := k.entityProvince()
	if !ok || want.key == region {
		return
	}
	k.add("entity.certificate_number", finding.Warnf("province.uscc_mismatch",
		"统一社会信用代码的登记机关不在所选省份（"+want.name+"）：单位须在注册地备案，审核员将核对",
		"the unified social credit code was issued outside the chosen province ("+want.name+"): organisations file where they are registered; the reviewer checks"))
}

// provinceRef is a resolved entity province.
type provinceRef struct{ key, name string }

func (k *checker) entityProvince() (provinceRef, bool) {
	p, ok := icpnum.LookupProvince(strings.TrimSpace(k.c.Entity.Province))
	if !ok {
		return provinceRef{}, false
	}
	return provinceRef{key: provinceKey(p.Code), name: p.NameZH}, true
}

// province checks that the entity province is known and follows the address
// (and, for individuals, the ID).
func (k *checker) province() {
	want, ok := k.entityProvince()
	if !ok {
		k.add("entity.province", finding.Errorf("province.unknown",
			"未知的省份"+quote(k.c.Entity.Province)+"：请填写省份简称（如“京”）或行政区划代码",
			"unknown province "+quote(k.c.Entity.Province)+": give its abbreviation (such as 京) or its GB/T 2260 code"))
		return
	}
	if key, name, ok := addressProvince(k.c.Entity.Address); ok && key != want.key {
		k.add("entity.address", finding.Errorf("province.address_mismatch",
			"地址位于"+name+"，与备案省份"+want.name+"不一致：主体须在注册地（个人为身份证地址或居住地）备案",
			"the address is in "+name+", not in the filing province "+want.name+": an entity files where it is registered (an individual where the ID or residence permit is)"))
	}
	if !k.individual() {
		return
	}
	pr := k.c.Entity.Principal
	id := strings.TrimSpace(pr.IDNumber)
	if pr.IDType != form.IDResident || len(id) < 2 || !isDigit(id[0]) || !isDigit(id[1]) || id[:2] == want.key {
		return
	}
	if k.rules.ResidencePermit.Value {
		k.add("entity.principal.id_number", finding.Warnf("province.residence_permit",
			"身份证不是"+want.name+"签发：本省接受居住证跨省备案，请上传居住证，审核员将核对",
			"the resident ID is not from "+want.name+": this province accepts a residence permit, so upload it for the reviewer"))
		return
	}
	k.add("entity.principal.id_number", finding.Errorf("province.id_mismatch",
		"身份证不是"+want.name+"签发，本省不接受跨省个人备案：请在身份证所在省份备案",
		"the resident ID is not from "+want.name+" and this province does not accept individuals from other provinces: file in the province of the ID"))
}

// individualSelf checks that an individual's entity principal is the person themself.
func (k *checker) individualSelf() {
	e := k.c.Entity
	if e.CertificateNumber != "" && e.Principal.IDNumber != "" && !samePersonID(e.CertificateNumber, e.Principal.IDNumber) {
		k.add("entity.principal.id_number", finding.Errorf("individual.principal_not_self",
			"个人备案的主体负责人必须是本人：负责人证件号码与主办者证件号码不一致",
			"an individual's entity principal is the person themself: the principal's ID number differs from the certificate number"))
	} else if e.Name != "" && e.Principal.Name != "" && normalizePersonName(e.Name) != normalizePersonName(e.Principal.Name) {
		k.add("entity.principal.name", finding.Errorf("individual.principal_not_self",
			"个人备案的主体负责人必须是本人：负责人姓名与主办者名称不一致",
			"an individual's entity principal is the person themself: the principal's name differs from the entity name"))
	}
	switch e.Principal.IDType {
	case form.IDPassport, form.IDForeignPermanent:
		if !k.rules.ForeignIndividuals.Value {
			k.add("entity.principal.id_type", finding.Errorf("individual.foreign_not_allowed",
				"本省不接受外国人以个人身份备案", "this province does not accept foreigners filing as individuals"))
		}
	}
}

// principal checks one responsible person. entity says whether it is the
// entity principal (for the Mainland-ID rule).
// principalAdditions checks the emergency phone and the legal-representative
// answer of a principal with package appinfo; required: they must be given
// (principals of an order with Apps, mini-programs or quick apps).
func (k *checker) principalAdditions(path string, p form.Principal, required bool) {
	k.addAll(path, k.apps().CheckPrincipal(p, required))
}

func (k *checker) principal(path string, p form.Principal, req, entity bool) {
	need := func(field, v string) bool {
		if strings.TrimSpace(v) == "" {
			if req {
				k.required(path + "." + field)
			}
			return false
		}
		return true
	}
	name := strings.TrimSpace(p.Name)
	idType := strings.TrimSpace(p.IDType)
	idNum := strings.TrimSpace(p.IDNumber)
	hasName := need("name", name)
	typeOK := false
	if need("id_type", idType) {
		typeOK = contains(form.IDTypes, idType)
		if !typeOK {
			k.add(path+".id_type", finding.Errorf("id.bad_type",
				"未知的证件类型"+quote(idType)+"（可选："+strings.Join(form.IDTypes, "、")+"）",
				"unknown ID type "+quote(idType)+" (one of "+strings.Join(form.IDTypes, ", ")+")"))
		}
	}
	if need("id_number", idNum) && typeOK {
		r := ident.Validate(idType, idNum, k.now)
		k.addAll(path+".id_number", r.Findings)
		if age, ok := intInfo(r.Info, "age"); ok && k.individual() && r.Valid && age < k.rules.MinAge.Value {
			k.add(path+".id_number", finding.Errorf("principal.underage",
				fmt.Sprintf("个人备案须年满%d周岁（当前%d周岁）", k.rules.MinAge.Value, age),
				fmt.Sprintf("an individual must be at least %d years old to file (the principal is %d)", k.rules.MinAge.Value, age)))
		}
	}
	if hasName && idType == form.IDResident && !chineseName(name) {
		k.add(path+".name", finding.Errorf("principal.name_not_chinese",
			"持居民身份证的负责人姓名须为汉字，与身份证一致",
			"the name of a principal with a PRC resident ID must be written in Chinese characters, as on the ID"))
	}
	if entity && typeOK && idType != form.IDResident && k.rules.EntityPrincipalMainlandID.Value {
		k.add(path+".id_type", finding.Errorf("principal.mainland_id_required",
			"本省要求主体负责人持有居民身份证：境外负责人须授权持居民身份证的人员担任",
			"this province requires the entity principal to hold a PRC resident ID: a foreign or HK/Macao/Taiwan legal representative authorises a holder of one"))
	}
	if typeOK && (req || p.IDExpiry != "") {
		k.idExpiry(path+".id_expiry", p.IDExpiry)
	}
	phone, email := "", ""
	if need("phone", p.Phone) {
		var ok bool
		phone, ok = normalizePhone(p.Phone)
		if !ok {
			k.add(path+".phone", finding.Errorf("phone.format",
				"手机号码"+quote(p.Phone)+"不是有效的中国大陆手机号（11位，1开头）",
				"the phone "+quote(p.Phone)+" is not a Mainland mobile number (11 digits starting with 1)"))
			phone = ""
		} else if k.individual() && k.rules.InProvinceMobile.Value {
			k.add(path+".phone", finding.Warnf("phone.in_province",
				"本省要求个人使用本省号段的手机号码，审核员将核对",
				"this province requires individuals to use a mobile number registered in the province; the reviewer checks"))
		}
	}
	if need("email", p.Email) {
		var ok bool
		email, ok = normalizeEmail(p.Email)
		if !ok {
			k.add(path+".email", finding.Errorf("email.format",
				"电子邮箱"+quote(p.Email)+"格式不正确", "the e-mail address "+quote(p.Email)+" is not valid"))
			email = ""
		}
	}
	key := ""
	switch {
	case idNum != "":
		key = "id:" + normalizeID(idNum)
	case name != "":
		key = "name:" + normalizePersonName(name)
	}
	if key != "" {
		k.people = append(k.people, person{path: path, key: key, phone: phone, email: email})
	}
}

// idExpiry checks that an ID stays valid for more than idValidityMonths.
func (k *checker) idExpiry(field, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		k.add(field, finding.Warnf("id.expiry_missing",
			"未填写证件有效期，审核员将根据证件核对（须超过3个月）",
			"the ID's expiry date is missing; the reviewer checks it on the document (it must be more than 3 months away)"))
		return
	}
	if longTerm(v) {
		return
	}
	t, ok := parseDate(v)
	if !ok {
		k.add(field, finding.Errorf("id.expiry_format",
			"证件有效期"+quote(v)+"格式不正确：请填写YYYY-MM-DD或“长期”",
			"the ID expiry "+quote(v)+" is not a date YYYY-MM-DD or “long-term”"))
		return
	}
	today := dateOnly(k.now)
	switch {
	case !t.After(today):
		k.add(field, finding.Errorf("id.expired", "证件已过期（"+v+"）", "the ID has expired ("+v+")"))
	case !t.After(today.AddDate(0, idValidityMonths, 0)):
		k.add(field, finding.Errorf("id.expiring",
			"证件有效期须超过3个月（"+v+"）", "the ID must stay valid for more than 3 months ("+v+")"))
	}
}

// contacts reports phones and e-mails shared by different principals.
func (k *checker) contacts() {
	for i, a := range k.people {
		for _, b := range k.people[:i] {
			if a.key == b.key {
				continue
			}
			if a.phone != "" && a.phone == b.phone {
				k.add(a.path+".phone", finding.Errorf("principal.phone_shared",
					"不同负责人的手机号码不能相同（与"+b.path+"重复）",
					"different principals must have different mobile numbers (same as "+b.path+")"))
			}
			if a.email != "" && a.email == b.email {
				k.add(a.path+".email", finding.Errorf("principal.email_shared",
					"不同负责人的电子邮箱不能相同（与"+b.path+"重复）",
					"different principals must have different e-mail addresses (same as "+b.path+")"))
			}
		}
	}
}

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// normalizePhone strips separators and a +86 prefix and checks the Mainland mobile pattern.
func normalizePhone(s string) (string, bool) {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\t':
			return -1
		}
		return r
	}, s)
	for _, p := range []string{"+86", "0086"} {
		s = strings.TrimPrefix(s, p)
	}
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	return s, mobileRE.MatchString(s)
}

// normalizeEmail checks a bare address with a dotted domain and lowercases it.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return "", false
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.ContainsAny(domain, "[]") {
		return "", false
	}
	return strings.ToLower(s), true
}

// chineseName reports whether a name is Chinese characters, with the middle
// dots of transliterated minority names.
func chineseName(s string) bool {
	han := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r == '·' || r == '•' || r == '・' || r == '．':
		default:
			return false
		}
	}
	return han >= 1
}

func normalizeID(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func samePersonID(a, b string) bool { return normalizeID(a) == normalizeID(b) }

func normalizePersonName(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), "")
}

func longTerm(v string) bool {
	switch strings.ToLower(strings.Join(strings.Fields(v), "")) {
	case "长期", "長期", "long-term", "longterm", "permanent", "长期有效":
		return true
	}
	return false
}

// parseDate reads YYYY-MM-DD (full-width digits allowed) or an RFC 3339 time.
func parseDate(v string) (time.Time, bool) {
	v = norm.NFKC.String(strings.TrimSpace(v))
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return dateOnly(t), true
	}
	return time.Time{}, false
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// intInfo reads an integer from a Result's Info.
func intInfo(info map[string]any, key string) (int, bool) {
	switch v := info[key].(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		return int(v), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}
