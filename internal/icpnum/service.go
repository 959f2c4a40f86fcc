package icpnum

import "strconv"

// ServiceType is the kind of Internet service a filing number covers. Since
// 2023 Apps, mini-programs and quick apps are filed like websites: an entity
// has one counter shared by all its services, and the number of a service
// that is not a website carries a type letter after its index (号-2A for an
// App, 号-3X for a mini-program, 号-4K for a quick app). Licence holders'
// services hang off the operating-licence number the same way
// (粤B2-20090059-1626X). The values appear in JSON.
type ServiceType string

// The service types MIIT files, with the letters their numbers carry.
const (
	ServiceWebsite     ServiceType = "website"      // no letter: 京ICP备2021000001号-1
	ServiceApp         ServiceType = "app"          // A: 陕ICP备2024026116号-1A
	ServiceMiniProgram ServiceType = "mini_program" // X: 京ICP备2026059598号-1X
	ServiceQuickApp    ServiceType = "quick_app"    // K: 京ICP备2021000001号-4K
)

// serviceTypes lists the types in a fixed order with their letter and names.
var serviceTypes = [...]struct {
	t      ServiceType
	letter byte
	zh, en string
}{
	{ServiceWebsite, 0, "网站", "website"},
	{ServiceApp, 'A', "App", "App"},
	{ServiceMiniProgram, 'X', "小程序", "mini-program"},
	{ServiceQuickApp, 'K', "快应用", "quick app"},
}

// ServiceTypes returns the four service types, websites first.
func ServiceTypes() []ServiceType {
	out := make([]ServiceType, len(serviceTypes))
	for i, s := range serviceTypes {
		out[i] = s.t
	}
	return out
}

// serviceIndex returns the row of t in serviceTypes; "" counts as a website
// so that a Filing built by hand with only Site set prints like one.
func serviceIndex(t ServiceType) int {
	if t == "" {
		return 0
	}
	for i, s := range serviceTypes {
		if s.t == t {
			return i
		}
	}
	return -1
}

// Letter returns the letter a number of this type carries after its index:
// "" for a website, "A", "X" or "K"; "" for an unknown type.
func (t ServiceType) Letter() string {
	i := serviceIndex(t)
	if i <= 0 {
		return ""
	}
	return string(serviceTypes[i].letter)
}

// NameZH returns the Chinese name of the type (网站, App, 小程序, 快应用).
func (t ServiceType) NameZH() string {
	if i := serviceIndex(t); i >= 0 {
		return serviceTypes[i].zh
	}
	return string(t)
}

// NameEN returns the English name of the type (website, App, mini-program,
// quick app).
func (t ServiceType) NameEN() string {
	if i := serviceIndex(t); i >= 0 {
		return serviceTypes[i].en
	}
	return string(t)
}

// Valid reports whether t is one of the four types.
func (t ServiceType) Valid() bool { return t != "" && serviceIndex(t) >= 0 }

// ServiceTypeByLetter returns the type of a number's letter (A, X, K, either
// case; full-width letters are folded by the parsers before they get here).
func ServiceTypeByLetter(letter byte) (ServiceType, bool) {
	if letter >= 'a' && letter <= 'z' {
		letter -= 'a' - 'A'
	}
	for _, s := range serviceTypes[1:] {
		if s.letter == letter {
			return s.t, true
		}
	}
	return "", false
}

// ParseServiceType accepts a type by its value ("app"), its letter ("X") or
// its English or Chinese name ("mini-program", "小程序"), for forms and flags.
func ParseServiceType(s string) (ServiceType, bool) {
	n := prepare(s)
	if len(n) == 1 {
		return ServiceTypeByLetter(n[0])
	}
	for _, st := range serviceTypes {
		if n == prepare(string(st.t)) || n == prepare(st.en) || n == st.zh || n == prepare(st.zh) {
			return st.t, true
		}
	}
	return "", false
}

// DescribeService returns how `beian validate` names a service number, in
// English and Chinese: "mini-program, service 1" and "小程序, 第1个服务".
// index 0 (an entity number) gives "entity" and "主体".
func DescribeService(t ServiceType, index int) (en, zh string) {
	if index <= 0 {
		return "entity", "主体"
	}
	n := strconv.Itoa(index)
	return t.NameEN() + ", service " + n, t.NameZH() + ", 第" + n + "个服务"
}

// FormatService returns the number of an entity's service as issued today:
// abbr + "ICP备" + 4-digit year + 6-digit serial + "号-" + index + the type
// letter (none for a website). index counts all the entity's services from
// 1, whatever their type. It does not check its arguments; ParseFiling of
// the result does.
func FormatService(abbr string, year, serial, index int, t ServiceType) string {
	return Filing{Abbr: abbr, Year: year, Serial: serial, Digits: 10, Site: index, Service: t}.String()
}

// service parses an optional "-N" service index with its optional type
// letter (-1, -2A, -3X, -4K; lower case too). It returns 0 and "" when there
// is none, and ServiceWebsite for an index without a letter.
func (sc *scanner) service(input string) (int, ServiceType, error) {
	n, err := sc.site(input)
	if err != nil || n == 0 {
		return n, "", err
	}
	if sc.done() {
		return n, ServiceWebsite, nil
	}
	c := sc.s[sc.i]
	if c < 'A' || c > 'Z' {
		return n, ServiceWebsite, nil
	}
	t, ok := ServiceTypeByLetter(c)
	if !ok {
		return 0, "", newError(CodeBadService, input,
			"未知的服务类型字母“"+string(c)+"”（App 为 A，小程序为 X，快应用为 K）",
			"unknown service type letter "+strconv.Quote(string(c))+" (A for an App, X for a mini-program, K for a quick app)")
	}
	sc.i++
	return n, t, nil
}

// appendService appends "-N" and the type letter when n > 0.
func appendService(b []byte, n int, t ServiceType) []byte {
	b = appendSite(b, n)
	if n > 0 {
		b = append(b, t.Letter()...)
	}
	return b
}

// ParseServiceNumber reads the number of one filed service, in either of
// the forms it is issued in: an ICP filing number with its index
// (京ICP备2026000001号-2A) or, for a licence holder's services, the
// operating licence number with one (粤B2-20090059-1626X). It returns the
// normalised number, the index and the type (ServiceWebsite without a
// letter). A number without an index is refused: it names an entity.
func ParseServiceNumber(s string) (number string, index int, t ServiceType, err error) {
	f, ferr := ParseFiling(s)
	if ferr == nil {
		if f.Site == 0 {
			return "", 0, "", newError(CodeBadFormat, s, "这是主体备案号，服务备案号以“-序号”结尾", "this is an entity number; a service number ends in -N")
		}
		return f.String(), f.Site, f.Service, nil
	}
	o, oerr := ParseOperatingLicense(s)
	if oerr != nil {
		return "", 0, "", ferr
	}
	if o.Site == 0 {
		return "", 0, "", newError(CodeBadFormat, s, "这是经营许可证号，服务编号以“-序号”结尾", "this is a licence number; a service number ends in -N")
	}
	return o.String(), o.Site, o.Service, nil
}
