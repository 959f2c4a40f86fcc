// Package form holds the content of an application as the applicant fills it
// in: the entity, its principals, the websites and their domains. It is the
// JSON body of POST /api/v1/applications and the input of the pure checks in
// package rules; the lifecycle (package filing) stores it as the payload.
package form

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Natures of a filing entity (主办单位性质).
const (
	NatureEnterprise         = "enterprise"
	NatureIndividual         = "individual"
	NatureGovernment         = "government"
	NaturePublicInstitution  = "public_institution"
	NatureSocialOrganization = "social_organization"
	NatureOther              = "other"
)

// Natures lists every nature in display order.
var Natures = []string{NatureEnterprise, NatureIndividual, NatureGovernment, NaturePublicInstitution, NatureSocialOrganization, NatureOther}

// NatureName is the label the MIIT public query prints for a nature
// (主办单位性质): 企业, 个人, 政府机关, 事业单位, 社会团体, and 其他 for any other
// value. The PDF letters, the lookup, export and import all use it.
func NatureName(nature string) string {
	switch nature {
	case NatureEnterprise:
		return "企业"
	case NatureIndividual:
		return "个人"
	case NatureGovernment:
		return "政府机关"
	case NaturePublicInstitution:
		return "事业单位"
	case NatureSocialOrganization:
		return "社会团体"
	}
	return "其他"
}

// ID types of a principal.
const (
	IDResident         = "resident_id"
	IDHKMacaoPermit    = "hk_macao_permit"
	IDTaiwanPermit     = "taiwan_permit"
	IDPassport         = "passport"
	IDForeignPermanent = "foreign_permanent_resident_id"
)

// IDTypes lists every principal ID type.
var IDTypes = []string{IDResident, IDHKMacaoPermit, IDTaiwanPermit, IDPassport, IDForeignPermanent}

// Principal is a responsible person (负责人) of the entity or of a website.
type Principal struct {
	Name     string `json:"name"`
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	IDExpiry string `json:"id_expiry,omitempty"` // YYYY-MM-DD, or "长期"/"long-term"
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

// Entity is the filing entity (主办单位 / 主体).
type Entity struct {
	Nature            string    `json:"nature"`
	Name              string    `json:"name"`
	CertificateType   string    `json:"certificate_type"`
	CertificateNumber string    `json:"certificate_number"`
	Province          string    `json:"province"` // abbreviation such as 京, or its GB/T 2260 code
	Address           string    `json:"address"`
	Principal         Principal `json:"principal"`
}

// Domain is one domain of a website. In JSON it is either a plain string or
// an object {name, holder, registrar, expires}.
type Domain struct {
	Name      string `json:"name"`
	Holder    string `json:"holder,omitempty"`
	Registrar string `json:"registrar,omitempty"`
	Expires   string `json:"expires,omitempty"`
}

// UnmarshalJSON accepts a string or an object.
func (d *Domain) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return fmt.Errorf("domain: %w", err)
		}
		*d = Domain{Name: name}
		return nil
	}
	type plain Domain
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("domain: %w", err)
	}
	*d = Domain(p)
	return nil
}

// Access says where the website is hosted at the provider.
type Access struct {
	IPs []string `json:"ips"`
}

// Website is one website (网站 / 互联网信息服务) of the entity.
type Website struct {
	Name         string    `json:"name"`
	Domains      []Domain  `json:"domains"`
	HomeURL      string    `json:"home_url"`
	ContentTypes []string  `json:"content_types"`
	Principal    Principal `json:"principal"`
	Access       Access    `json:"access"`
	// Number is the website's filing number, for operations on an existing
	// website (change, cancel, new access, claim).
	Number string `json:"number,omitempty"`
}

// Content is the whole content of an application.
type Content struct {
	Entity   Entity    `json:"entity"`
	Websites []Website `json:"websites"`
	// EntityNumber is the entity's filing number, for operations on an existing entity.
	EntityNumber string `json:"entity_number,omitempty"`
	// EffectiveDate is when a change takes effect (YYYY-MM-DD); changes are to
	// be filed 30 days ahead of it.
	EffectiveDate string `json:"effective_date,omitempty"`
}
