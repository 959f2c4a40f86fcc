package operation

// ServiceType is what a filed service is: the filing system files websites
// and, since the MIIT notice of 2023-08 (《工业和信息化部关于开展移动互联网应用
// 程序备案工作的通知》, 2023-08; in force 2023-09-01), Apps, mini-programs and quick apps, all under the entity's one number.
type ServiceType string

// The service types.
const (
	Website     ServiceType = "website"
	App         ServiceType = "app"
	MiniProgram ServiceType = "mini_program"
	QuickApp    ServiceType = "quick_app"
)

// ServiceKind describes a service type.
type ServiceKind struct {
	Type ServiceType
	// Letter follows the service index in the number: …号-1 for a website,
	// …号-2A an App, …号-3X a mini-program, …号-4K a quick app (Huawei Cloud's
	// published rule, https://support.huaweicloud.com/icp/).
	Letter string
	// Domains: the service is reached through domains of its own, which the
	// gate admits and the scanner fetches.
	Domains bool
	// Enabled: the platform files this type. Types not enabled yet are known
	// (their numbers parse and print) but refused by the operations.
	Enabled bool
}

// I18nKey is the catalogue key of the type's name.
func (k ServiceKind) I18nKey() string { return "service." + string(k.Type) }

func kinds() []ServiceKind {
	return []ServiceKind{
		{Type: Website, Domains: true, Enabled: true},
		{Type: App, Letter: "A"},
		{Type: MiniProgram, Letter: "X"},
		{Type: QuickApp, Letter: "K"},
	}
}

// ServiceKinds lists every known service type.
func ServiceKinds() []ServiceKind { return kinds() }

// Kind returns the description of t.
func Kind(t ServiceType) (ServiceKind, bool) {
	for _, k := range kinds() {
		if k.Type == t {
			return k, true
		}
	}
	return ServiceKind{}, false
}

// ServiceTypes lists the enabled service types.
func ServiceTypes() []ServiceType {
	var out []ServiceType
	for _, k := range kinds() {
		if k.Enabled {
			out = append(out, k.Type)
		}
	}
	return out
}
