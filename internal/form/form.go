// Package form holds the content of an application as the applicant fills it
// in: the entity, its principals, the services (websites, Apps,
// mini-programs, quick apps) and their domains. It is the
// JSON body of POST /api/v1/applications and the input of the pure checks in
// package rules; the lifecycle (package filing) stores it as the payload.
package form

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beian/beian/internal/icpnum"
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

// Principal is a responsible person (负责人) of the entity or of a service.
type Principal struct {
	Name     string `json:"name"`
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	IDExpiry string `json:"id_expiry,omitempty"` // YYYY-MM-DD, or "长期"/"long-term"
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	// EmergencyPhone (应急联系电话) is a Mainland mobile number other than
	// Phone, which the administration calls when the principal cannot be
	// reached. The App filings brought it in; it is asked of every
	// principal of a service that is not a website and checked wherever
	// it is given.
	EmergencyPhone string `json:"emergency_phone,omitempty"`
	// IsLegalRepresentative says whether the principal is the entity's
	// legal representative (法定代表人); nil when the applicant has not
	// said. When false and the entity is not an individual, the
	// LegalRepresentative block is required, since provinces then ask for
	// the legal representative's authorisation of the principal.
	IsLegalRepresentative *bool                `json:"is_legal_representative,omitempty"`
	LegalRepresentative   *LegalRepresentative `json:"legal_representative,omitempty"`
}

// LegalRepresentative names the entity's legal representative when the
// principal is someone else.
type LegalRepresentative struct {
	Name     string `json:"name"`
	IDType   string `json:"id_type"` // ID*
	IDNumber string `json:"id_number"`
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

// Access says where the service is hosted at the provider: the IP
// addresses of the website, or of the servers an App, mini-program or
// quick app talks to.
type Access struct {
	IPs []string `json:"ips"`
}

// Website is one service (互联网信息服务) of the entity: a website, an App,
// a mini-program or a quick app, told apart by ServiceType. Every operation
// (first filing, new service, change, cancel, new access, claim) carries
// its services as this one type, so a service type is a field of the
// filing model rather than a copy of it: the fields every service has stay
// here and the fields of one type sit in its block (App, MiniProgram,
// QuickApp), present exactly when ServiceType says so.
type Website struct {
	// ServiceType is "" or icpnum.ServiceWebsite for a website, or
	// icpnum.ServiceApp, ServiceMiniProgram, ServiceQuickApp.
	ServiceType icpnum.ServiceType `json:"service_type,omitempty"`
	// Name is the website's name, the App's name, the mini-program's name.
	Name string `json:"name"`
	// Domains are the website's domains, or the hosts an App,
	// mini-program or quick app calls (optional for those).
	Domains []Domain `json:"domains"`
	// HomeURL is a website's home page; empty for the other types.
	HomeURL string `json:"home_url"`
	// ContentTypes: a website's content as the applicant words it; for the
	// other types second-level codes of the vocab content vocabulary.
	ContentTypes []string `json:"content_types"`
	// PreApprovals are the pre-approvals (前置审批) the service's content
	// needs, or one entry of type "none" saying none applies.
	PreApprovals []PreApproval `json:"pre_approvals,omitempty"`
	Remarks      string        `json:"remarks,omitempty"`
	Principal    Principal     `json:"principal"`
	Access       Access        `json:"access"`
	// App holds the App-only fields; set exactly when ServiceType is app.
	App *App `json:"app,omitempty"`
	// MiniProgram holds a mini-program's fields; set exactly when
	// ServiceType is mini_program.
	MiniProgram *MiniApp `json:"mini_program,omitempty"`
	// QuickApp holds a quick app's fields; set exactly when ServiceType is
	// quick_app.
	QuickApp *MiniApp `json:"quick_app,omitempty"`
	// Number is the service's filing number, for operations on an existing
	// service (change, cancel, new access, claim).
	Number string `json:"number,omitempty"`
}

// Type returns the service type, "" read as a website.
func (w Website) Type() icpnum.ServiceType {
	if w.ServiceType == "" {
		return icpnum.ServiceWebsite
	}
	return w.ServiceType
}

// Hosted returns the block of a mini-program or quick app (the one its
// type names), or nil.
func (w Website) Hosted() *MiniApp {
	switch w.Type() {
	case icpnum.ServiceMiniProgram:
		return w.MiniProgram
	case icpnum.ServiceQuickApp:
		return w.QuickApp
	}
	return nil
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
