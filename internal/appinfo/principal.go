package appinfo

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/ident"
)

// Principal is a service's principal (App / 小程序负责人): the fields every
// principal has (form.Principal, checked by package rules like any other
// principal) and the additions of the App filings, flattened into one JSON
// object.
type Principal struct {
	form.Principal
	PrincipalAdditions
}

// PrincipalAdditions are the principal fields the App filings brought in,
// which the filing system asks of every principal: an emergency contact
// phone, and whether the principal is the entity's legal representative.
type PrincipalAdditions struct {
	// EmergencyPhone (应急联系电话) is a Mainland mobile number other than
	// the principal's own: "应急电话填写您常用的手机号码，不可与互联网信息服务
	// 负责人的手机号码相同" (https://www.volcengine.com/docs/6428/68745).
	EmergencyPhone string `json:"emergency_phone"`
	// IsLegalRepresentative: the principal is the entity's legal
	// representative (法定代表人). When not, and the entity has one, the
	// LegalRepresentative block is required: provinces then ask for the
	// legal representative's authorisation of the principal
	// (https://finclip.com/mop/document/operate/city-guidelines/gansu.html:
	// "主体负责人如不是法定代表人，须提供主体负责人授权书").
	IsLegalRepresentative bool                 `json:"is_legal_representative"`
	LegalRepresentative   *LegalRepresentative `json:"legal_representative,omitempty"`
}

// LegalRepresentative names the entity's legal representative when the
// principal is someone else.
type LegalRepresentative struct {
	Name     string `json:"name"`
	IDType   string `json:"id_type"` // form.ID*
	IDNumber string `json:"id_number"`
}

// ParseMobile normalises a Mainland mobile number as people type it (spaces,
// hyphens, brackets, full-width digits, a +86 / 0086 / 86 prefix) to its 11
// digits, and checks the shape every Mainland mobile number has: 1, then
// 3–9, then nine digits. The filing system texts a code to it, so a shape
// check is all a form can do; the SMS step proves the rest.
func ParseMobile(s string) (string, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return "", fail("phone.empty", "未填写手机号码", "the mobile number is empty")
	}
	var b strings.Builder
	for _, r := range norm.NFKC.String(raw) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' && b.Len() == 0:
			if r == '+' {
				b.WriteByte('+')
			}
		default:
			return "", badMobile(raw)
		}
	}
	d := b.String()
	for _, p := range []string{"+86", "0086"} {
		d = strings.TrimPrefix(d, p)
	}
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return "", badMobile(raw)
	}
	return d, nil
}

func badMobile(s string) *Error {
	return fail("phone.format",
		"手机号码"+quote(s)+"不是有效的中国大陆手机号（11位，以13–19开头）",
		"the phone "+quote(s)+" is not a Mainland mobile number (11 digits starting 13 to 19)")
}

// CheckPrincipal validates the additions of any principal — the entity's
// or a website's as much as a service's: the emergency phone and the
// legal-representative block. The form.Principal fields are package rules'
// to check. Fields are relative ("emergency_phone",
// "legal_representative.id_number").
func (c Checker) CheckPrincipal(p Principal) []finding.Finding {
	r := c.start()
	c.principal(r, "", p)
	return r.list()
}

// principal checks a principal's additions under field ("" for none).
func (c Checker) principal(r *report, field string, p Principal) {
	c.emergencyPhone(r, join(field, "emergency_phone"), p.EmergencyPhone, p.Phone)
	c.legalRepresentative(r, field, p.PrincipalAdditions)
}

// join appends a field name to a path that may be empty.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// emergencyPhone checks the emergency phone: present, a mobile number, not
// the principal's own phone.
func (c Checker) emergencyPhone(r *report, field, v, own string) {
	if strings.TrimSpace(v) == "" {
		r.errorf(field, "principal.emergency_phone_required", "未填写应急联系电话", "the emergency contact phone is empty")
		return
	}
	n, err := ParseMobile(v)
	if err != nil {
		r.add(field, asFinding(err))
		return
	}
	if o, err := ParseMobile(own); err == nil && o == n {
		r.errorf(field, "principal.emergency_phone_same",
			"应急联系电话不能与负责人手机号码相同", "the emergency contact phone must differ from the principal's own mobile number")
	}
}

// legalRepresentative checks the legal-representative block against the
// entity's nature.
func (c Checker) legalRepresentative(r *report, field string, a PrincipalAdditions) {
	at := join(field, "legal_representative")
	individual := strings.TrimSpace(c.Nature) == form.NatureIndividual
	switch {
	case individual || a.IsLegalRepresentative:
		if a.LegalRepresentative != nil {
			r.warnf(at, "principal.legal_representative_ignored",
				"负责人本人即法定代表人（或为个人备案），所填的法定代表人信息将不被使用",
				"the principal is the legal representative (or the filing is an individual's), so the legal-representative block is not used")
		}
		return
	case a.LegalRepresentative == nil:
		r.errorf(at, "principal.legal_representative_required",
			"负责人不是法定代表人时，须填写法定代表人的姓名和证件号码",
			"when the principal is not the legal representative, give the legal representative's name and ID number")
		return
	}
	lr := a.LegalRepresentative
	if strings.TrimSpace(lr.Name) == "" {
		r.errorf(at+".name", "legal_representative.name_required", "未填写法定代表人姓名", "the legal representative's name is empty")
	}
	idType := strings.TrimSpace(lr.IDType)
	if idType == "" {
		r.errorf(at+".id_type", "legal_representative.id_type_required", "未选择法定代表人的证件类型", "the legal representative's ID type is empty")
		return
	}
	if strings.TrimSpace(lr.IDNumber) == "" {
		r.errorf(at+".id_number", "legal_representative.id_number_required", "未填写法定代表人的证件号码", "the legal representative's ID number is empty")
		return
	}
	res := ident.Validate(idType, lr.IDNumber, c.Today)
	for _, f := range res.Findings {
		if f.Code == "id.bad_type" {
			r.add(at+".id_type", f)
			continue
		}
		r.add(at+".id_number", f)
	}
}
