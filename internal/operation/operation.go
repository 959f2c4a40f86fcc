// Package operation is the one place that says what each operation of an
// application means: what its content must carry, which principals verify by
// SMS, whether it can be withdrawn, which registry rows it names and checks
// before review, what the authority's approval does, and which service types
// (website, App, mini-program, quick app) it applies to. Package rules reads
// the content needs, package filing the resolution checks, the SMS rule and
// the effect, the web UI the steps it shows; none of them switches on
// operation names, so a new operation is one Descriptor here plus its
// translations ("op.<name>" in the UI catalogues).
//
// The operations are those of the MIIT filing system as access providers
// expose them (首次备案, 新增网站, 新增接入, 变更主体/网站/接入, 注销主体/网站,
// 取消接入, 认领) plus the commercial ICP licence (ICP证). Sources: the
// operation types and who verifies by SMS, QingCloud's filing docs
// (https://github.com/yunify/qingcloud-docs/blob/master/content/site/record/intro/type.md);
// withdrawal only before the administration's review and never for
// cancellation orders, the WeChat filing API
// (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/record/api_cancelapplyicpfiling.html).
//
// The package is pure: values in, values out.
package operation

import (
	"slices"

	"github.com/beian/beian/internal/icpnum"
)

// Name is an operation's stable name, as it travels in the API.
type Name string

// The operations.
const (
	FirstFiling       Name = "first_filing"
	NewWebsite        Name = "new_website"
	NewAccess         Name = "new_access"
	ChangeEntity      Name = "change_entity"
	ChangeWebsite     Name = "change_website"
	ChangeAccess      Name = "change_access"
	CancelEntity      Name = "cancel_entity"
	CancelWebsite     Name = "cancel_website"
	CancelAccess      Name = "cancel_access"
	Claim             Name = "claim"
	CommercialLicense Name = "commercial_license"
)

// Services says whether and how an operation's content carries services.
type Services int

// The service presences.
const (
	// NoServices: the operation is about the entity only.
	NoServices Services = iota
	// NamedServices: services named by their numbers; other fields optional.
	NamedServices
	// CompleteServices: every service fully described (name, domains,
	// principal …).
	CompleteServices
)

// Needs is what the content must carry; package rules reports what is
// missing as findings.
type Needs struct {
	// Entity: a complete entity (name, certificate, address, principal).
	Entity bool
	// EntityNumber: the entity is already filed and the content names it.
	EntityNumber bool
	// FreshEntity: the entity must not be filed yet.
	FreshEntity bool
	// Services says how services are carried.
	Services Services
	// ServiceNumbers: every service carries its filing number.
	ServiceNumbers bool
	// FreshDomains: the domains must not be filed yet.
	FreshDomains bool
	// AccessIPs: every service lists its access IPs.
	AccessIPs bool
}

// Check is one thing verified against the registry when an application is
// created, updated and submitted (package filing implements each once).
type Check int

// The checks.
const (
	// CheckEntityNumber: the entity number parses.
	CheckEntityNumber Check = iota + 1
	// CheckEntityOwnedIfHere: if the entity is in this registry, it is the
	// applicant's and has the same certificate (it may be filed elsewhere).
	CheckEntityOwnedIfHere
	// CheckEntityOwned: the entity is active here, the applicant's, and the
	// certificate number is unchanged.
	CheckEntityOwned
	// CheckEntityFixedFields: the province does not change and an
	// enterprise does not become an individual.
	CheckEntityFixedFields
	// CheckServicesGiven: at least one service.
	CheckServicesGiven
	// CheckServiceNumbers: every service number parses.
	CheckServiceNumbers
	// CheckServicesOwned: every named service is active under the entity.
	CheckServicesOwned
	// CheckServicesNotHere: no named service is active in this registry.
	CheckServicesNotHere
	// CheckNoAccessHere: no named service already has access at this provider.
	CheckNoAccessHere
	// CheckAccessHere: every named service has access at this provider.
	CheckAccessHere
	// CheckNoNewDomains: a change does not add domains.
	CheckNoNewDomains
	// CheckLicenceEligible: a Mainland enterprise without a licence yet.
	CheckLicenceEligible
	// CheckOwnerProof: the entity or service is on record in this registry
	// and the SMS goes to its principals' phones on record, not to phones
	// the applicant typed (acting on others' filings).
	CheckOwnerProof
)

// Effect is what the authority's approval writes to the registry.
type Effect int

// The effects.
const (
	// FileEntity issues the entity number and a number per service.
	FileEntity Effect = iota + 1
	// AddServices issues new service numbers under the entity (which is
	// recorded from the application when it was filed elsewhere).
	AddServices
	// BringServices records services filed elsewhere with their numbers, or
	// adds this provider's access to those already here.
	BringServices
	// ChangeEntityData replaces the entity's data.
	ChangeEntityData
	// ChangeServiceData replaces the services' data (domains may only shrink).
	ChangeServiceData
	// ChangeAccessData replaces the services' access IPs at this provider.
	ChangeAccessData
	// CancelServices cancels the services and their domains.
	CancelServices
	// CancelAccessHere ends this provider's access (a service left with no
	// access is an empty shell).
	CancelAccessHere
	// CancelEntityAll cancels the entity and every service under it.
	CancelEntityAll
	// IssueLicence issues the ICP licence and operating-licence numbers.
	IssueLicence
)

// Review says how long the authority has.
type Review int

// The review clocks.
const (
	// Review20BusinessDays: a filing, 20 business days (《非经营性互联网信息服务备案管理办法》 art. 8).
	Review20BusinessDays Review = iota
	// Review60CalendarDays: the ICP licence, about 60 days (《电信业务经营许可管理办法》 art. 11).
	Review60CalendarDays
)

// SMS says which principals verify by SMS.
type SMS struct {
	Entity  bool
	Service bool
}

// Any reports whether anyone verifies.
func (s SMS) Any() bool { return s.Entity || s.Service }

// Descriptor is everything an operation means.
type Descriptor struct {
	Name Name
	// Needs is what the content must carry.
	Needs Needs
	// SMS says who verifies.
	SMS SMS
	// Cancellation: a cancellation order, which cannot be withdrawn.
	Cancellation bool
	// ChangeNotice: a change filed ahead of its effective date (reminders
	// go out before the last day to file it).
	ChangeNotice bool
	// Resolve lists the registry checks, in order.
	Resolve []Check
	// Effect is what approval writes.
	Effect Effect
	// Review is the authority's clock.
	Review Review
	// ServiceTypes lists the service types the operation applies to; empty
	// when it carries no services.
	ServiceTypes []icpnum.ServiceType
}

// Withdrawable reports whether an application of this operation may be
// withdrawn before the authority's review.
func (d Descriptor) Withdrawable() bool { return !d.Cancellation }

// HasServices reports whether the content carries services at all.
func (d Descriptor) HasServices() bool { return d.Needs.Services != NoServices }

// NamesFiledServices reports whether the services are filed ones, named by
// their numbers (the wizard asks for the number first).
func (d Descriptor) NamesFiledServices() bool { return d.Needs.ServiceNumbers }

// NamesFiledEntity reports whether the entity is a filed one, named by its number.
func (d Descriptor) NamesFiledEntity() bool {
	return d.Needs.EntityNumber || slices.Contains(d.Resolve, CheckEntityOwned)
}

// Accepts reports whether the operation applies to services of type t ("" is
// a website).
func (d Descriptor) Accepts(t icpnum.ServiceType) bool {
	if t == "" {
		t = icpnum.ServiceWebsite
	}
	return slices.Contains(d.ServiceTypes, t)
}

// Has reports whether c is among the resolution checks.
func (d Descriptor) Has(c Check) bool { return slices.Contains(d.Resolve, c) }

// I18nKey is the catalogue key of the operation's name.
func (d Descriptor) I18nKey() string { return "op." + string(d.Name) }

// all is every descriptor, in the order the UI lists them.
func all() []Descriptor {
	services := ServiceTypes()
	return []Descriptor{
		{Name: FirstFiling, Effect: FileEntity, SMS: SMS{true, true}, ServiceTypes: services,
			Needs: Needs{Entity: true, Services: CompleteServices, FreshEntity: true, FreshDomains: true}},
		{Name: NewWebsite, Effect: AddServices, SMS: SMS{true, true}, ServiceTypes: services,
			Needs:   Needs{Entity: true, Services: CompleteServices, EntityNumber: true, FreshDomains: true},
			Resolve: []Check{CheckEntityNumber, CheckEntityOwnedIfHere, CheckServicesGiven}},
		{Name: NewAccess, Effect: BringServices, SMS: SMS{false, true}, ServiceTypes: services,
			Needs:   Needs{Entity: true, Services: CompleteServices, EntityNumber: true, ServiceNumbers: true},
			Resolve: []Check{CheckEntityNumber, CheckServicesGiven, CheckServiceNumbers, CheckOwnerProof, CheckNoAccessHere}},
		{Name: ChangeEntity, Effect: ChangeEntityData, SMS: SMS{true, false}, ChangeNotice: true,
			Needs:   Needs{Entity: true, EntityNumber: true},
			Resolve: []Check{CheckEntityOwned, CheckEntityFixedFields}},
		{Name: ChangeWebsite, Effect: ChangeServiceData, SMS: SMS{false, true}, ChangeNotice: true, ServiceTypes: services,
			Needs:   Needs{Services: CompleteServices, EntityNumber: true, ServiceNumbers: true},
			Resolve: []Check{CheckEntityOwned, CheckServicesOwned, CheckNoNewDomains}},
		{Name: ChangeAccess, Effect: ChangeAccessData, ChangeNotice: true, ServiceTypes: services,
			Needs:   Needs{Services: NamedServices, EntityNumber: true, ServiceNumbers: true, AccessIPs: true},
			Resolve: []Check{CheckEntityOwned, CheckServicesOwned, CheckAccessHere}},
		{Name: CancelEntity, Effect: CancelEntityAll, SMS: SMS{true, false}, Cancellation: true,
			Needs:   Needs{EntityNumber: true},
			Resolve: []Check{CheckEntityOwned}},
		{Name: CancelWebsite, Effect: CancelServices, SMS: SMS{false, true}, Cancellation: true, ServiceTypes: services,
			Needs:   Needs{Services: NamedServices, EntityNumber: true, ServiceNumbers: true},
			Resolve: []Check{CheckEntityOwned, CheckServicesOwned}},
		{Name: CancelAccess, Effect: CancelAccessHere, Cancellation: true, ServiceTypes: services,
			Needs:   Needs{Services: NamedServices, ServiceNumbers: true},
			Resolve: []Check{CheckEntityOwned, CheckServicesOwned, CheckAccessHere}},
		{Name: Claim, Effect: BringServices, SMS: SMS{true, true}, ServiceTypes: services,
			Needs:   Needs{EntityNumber: true, Services: NamedServices, ServiceNumbers: true},
			Resolve: []Check{CheckEntityNumber, CheckServicesGiven, CheckServiceNumbers, CheckServicesNotHere}},
		{Name: CommercialLicense, Effect: IssueLicence, SMS: SMS{true, false}, Review: Review60CalendarDays,
			Needs:   Needs{EntityNumber: true},
			Resolve: []Check{CheckEntityOwned, CheckLicenceEligible}},
	}
}

// Catalogue holds the descriptors; build it with New. It is immutable and
// safe to share.
type Catalogue struct {
	list  []Descriptor
	index map[Name]int
}

// New builds the catalogue of every operation, plus extra descriptors
// (tests add operations this way; a later release adds its own here).
func New(extra ...Descriptor) *Catalogue {
	c := &Catalogue{list: append(all(), extra...), index: map[Name]int{}}
	for i, d := range c.list {
		c.index[d.Name] = i
	}
	return c
}

// Default is the catalogue of the operations above.
func Default() *Catalogue { return New() }

// List returns every descriptor in display order.
func (c *Catalogue) List() []Descriptor { return slices.Clone(c.list) }

// Names returns every operation name in display order.
func (c *Catalogue) Names() []Name {
	out := make([]Name, len(c.list))
	for i, d := range c.list {
		out[i] = d.Name
	}
	return out
}

// Strings returns every operation name as a string, in display order (for
// messages that list the valid names).
func (c *Catalogue) Strings() []string {
	out := make([]string, len(c.list))
	for i, d := range c.list {
		out[i] = string(d.Name)
	}
	return out
}

// Get returns the descriptor of name.
func (c *Catalogue) Get(name Name) (Descriptor, bool) {
	i, ok := c.index[name]
	if !ok {
		return Descriptor{}, false
	}
	return c.list[i], true
}

// Parse returns the descriptor of the operation named s.
func (c *Catalogue) Parse(s string) (Descriptor, bool) { return c.Get(Name(s)) }

// With returns the names of the operations whose descriptor satisfies keep.
func (c *Catalogue) With(keep func(Descriptor) bool) []Name {
	var out []Name
	for _, d := range c.list {
		if keep(d) {
			out = append(out, d.Name)
		}
	}
	return out
}
