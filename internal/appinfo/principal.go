package appinfo

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/ident"
)

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
// or a website's as much as a service's: the emergency phone (when given;
// required demands it) and the legal-representative block. The other
// fields are package rules' to check. Fields are relative
// ("emergency_phone", "legal_representative.id_number").
func (c Checker) CheckPrincipal(p form.Principal, required bool) []finding.Finding {
	r := c.start()
	c.principal(r, "", p, required)
	return r.list()
}

// principal checks a principal's additions under field ("" for none).
// required: the principal is one of a service that is not a website, so
// the emergency phone and the legal-representative answer must be given.
func (c Checker) principal(r *report, field string, p form.Principal, required bool) {
	if required || strings.TrimSpace(p.EmergencyPhone) != "" {
		c.emergencyPhone(r, join(field, "emergency_phone"), p.EmergencyPhone, p.Phone)
	}
	c.legalRepresentative(r, field, p, required)
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
// entity's nature. An unanswered is_legal_representative is an error only
// where required; a principal who says they are not the legal
// representative must always name them.
func (c Checker) legalRepresentative(r *report, field string, p form.Principal, required bool) {
	at := join(field, "legal_representative")
	individual := strings.TrimSpace(c.Nature) == form.NatureIndividual
	switch {
	case individual || p.IsLegalRepresentative != nil && *p.IsLegalRepresentative:
		if p.LegalRepresentative != nil {
			r.warnf(at, "principal.legal_representative_ignored",
				"负责人本人即法定代表人（或为个人备案），所填的法定代表人信息将不被使用",
				"the principal is the legal representative (or the filing is an individual's), so the legal-representative block is not used")
		}
		return
	case p.IsLegalRepresentative == nil && p.LegalRepresentative == nil:
		if required {
			r.errorf(join(field, "is_legal_representative"), "principal.is_legal_representative_required",
				"请说明负责人是否为单位的法定代表人", "say whether the principal is the entity's legal representative")
		}
		return
	case p.LegalRepresentative == nil:
		r.errorf(at, "principal.legal_representative_required",
			"负责人不是法定代表人时，须填写法定代表人的姓名和证件号码",
			"when the principal is not the legal representative, give the legal representative's name and ID number")
		return
	}
	lr := p.LegalRepresentative
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
