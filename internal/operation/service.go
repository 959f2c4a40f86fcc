package operation

import "github.com/beian/beian/internal/icpnum"

// ServiceKind describes what the platform does with a service type.
type ServiceKind struct {
	Type icpnum.ServiceType
	// Domains: the service is reached through domains of its own, which the
	// gate admits and the scanner fetches. An App's or mini-program's
	// domains are the hosts it calls, filed but not a site to fetch.
	Domains bool
	// HomeURL: the service has a home page a visitor opens (websites only).
	HomeURL bool
}

// Letter is the letter after the service index in the number (none for a
// website, A, X, K).
func (k ServiceKind) Letter() string { return k.Type.Letter() }

// I18nKey is the catalogue key of the type's name.
func (k ServiceKind) I18nKey() string { return "service." + string(k.Type) }

func kinds() []ServiceKind {
	return []ServiceKind{
		{Type: icpnum.ServiceWebsite, Domains: true, HomeURL: true},
		{Type: icpnum.ServiceApp},
		{Type: icpnum.ServiceMiniProgram},
		{Type: icpnum.ServiceQuickApp},
	}
}

// ServiceKinds lists every service type the platform files.
func ServiceKinds() []ServiceKind { return kinds() }

// Kind returns the description of t; "" is a website.
func Kind(t icpnum.ServiceType) (ServiceKind, bool) {
	if t == "" {
		t = icpnum.ServiceWebsite
	}
	for _, k := range kinds() {
		if k.Type == t {
			return k, true
		}
	}
	return ServiceKind{}, false
}

// ServiceTypes lists the service types the platform files.
func ServiceTypes() []icpnum.ServiceType {
	out := make([]icpnum.ServiceType, 0, len(kinds()))
	for _, k := range kinds() {
		out = append(out, k.Type)
	}
	return out
}
