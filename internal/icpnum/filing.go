package icpnum

import (
	"strconv"
	"strings"
)

// Filing is a parsed ICP filing number (ICP备案号): the entity number
// 京ICP备2021000001号, or the number of one of the entity's services when
// Site > 0: a website 京ICP备2021000001号-1, an App 京ICP备2021000001号-2A, a
// mini-program 京ICP备2021000001号-3X or a quick app 京ICP备2021000001号-4K.
type Filing struct {
	// Province is the province the abbreviation stands for.
	Province Province
	// Abbr is the abbreviation as written (蜀 and 川 are both Sichuan and a
	// number keeps the one it was issued with).
	Abbr string
	// Year is the four-digit approval year (2015 for the 8-digit 陇ICP备15000343号).
	Year int
	// Serial is the 6-digit serial within the province and year.
	Serial int
	// Digits is 8 for the older form with a 2-digit year, 10 for the current one.
	Digits int
	// Site is the service index N of "-N", counting from 1; 0 is the entity
	// number. Since 2023 the index counts all the entity's services
	// (websites, Apps, mini-programs, quick apps) together; the name stays
	// from the time when websites were the only ones.
	Site int
	// Service is the type of the service numbered Site: ServiceWebsite for
	// "-N" without a letter, ServiceApp, ServiceMiniProgram or
	// ServiceQuickApp for "-NA", "-NX", "-NK"; "" for the entity number.
	// String treats "" with Site > 0 as a website.
	Service ServiceType
}

// parseNotes records what a parse accepted but a validator should mention.
type parseNotes struct {
	alias       bool // a documented alias abbreviation was used
	missingHao  bool // the trailing 号 was missing
	derivedAbbr bool // PSB: no abbreviation, derived from the county code
	legacy      bool // PSB: an older 12- or 13-digit city number
}

// ParseFiling parses an ICP filing number in any of the forms it is seen in:
// 8 or 10 digits, with or without "-N", with a service type letter after N
// (-1A, -1x, -1Ｋ), with full-width or odd characters (see Normalize), with
// or without the trailing 号.
func ParseFiling(s string) (Filing, error) {
	f, _, err := parseFiling(s)
	return f, err
}

// parseFiling is ParseFiling that also reports what a validator should warn about.
func parseFiling(s string) (Filing, parseNotes, error) {
	var notes parseNotes
	sc := scanner{s: prepare(s)}
	if sc.done() {
		return Filing{}, notes, newError(CodeEmpty, s, "备案号为空", "the filing number is empty")
	}
	abbr := sc.abbr()
	if abbr == "" {
		if strings.HasPrefix(sc.rest(), "ICP") {
			return Filing{}, notes, newError(CodeBadProvince, s, "备案号缺少省份简称（如“京”）", "the province abbreviation (such as 京) is missing")
		}
		return Filing{}, notes, newError(CodeBadFormat, s, "不是 ICP 备案号（应为“京ICP备2021000001号”的形式）", "not an ICP filing number (expected the form 京ICP备2021000001号)")
	}
	idx, use := icpIndex(abbr)
	switch {
	case sc.eat("ICP备"):
	case strings.HasPrefix(sc.rest(), "ICP证"):
		return Filing{}, notes, newError(CodeBadFormat, s, "这是 ICP 许可证号（ICP证），不是备案号", "this is an ICP licence number (ICP证), not a filing number")
	case strings.HasPrefix(sc.rest(), "公网安备"):
		return Filing{}, notes, newError(CodeIsPSB, s, "这是公安联网备案号，不是 ICP 备案号", "this is a PSB number, not an ICP filing number")
	default:
		return Filing{}, notes, newError(CodeBadFormat, s, "不是 ICP 备案号（应为“京ICP备2021000001号”的形式）", "not an ICP filing number (expected the form 京ICP备2021000001号)")
	}
	if idx < 0 {
		return Filing{}, notes, newError(CodeBadProvince, s, "未知的省份简称“"+abbr+"”", "unknown province abbreviation "+strconv.Quote(abbr))
	}
	notes.alias = use == abbrICPAlias
	d := sc.digits()
	f := Filing{Province: provinces[idx].clone(), Abbr: abbr, Digits: len(d)}
	switch len(d) {
	case 8:
		yy := atoi(d[:2])
		f.Year = 2000 + yy
		if yy >= 90 {
			f.Year = 1900 + yy
		}
		f.Serial = atoi(d[2:])
	case 10:
		f.Year = atoi(d[:4])
		f.Serial = atoi(d[4:])
		if f.Year < minYear || f.Year > maxYear {
			return Filing{}, notes, newError(CodeBadYear, s, "备案号前四位“"+d[:4]+"”不是有效年份", "the first four digits "+strconv.Quote(d[:4])+" are not a valid year")
		}
	default:
		return Filing{}, notes, newError(CodeBadDigits, s,
			"备案号应为 8 位（旧）或 10 位数字，实为 "+strconv.Itoa(len(d))+" 位",
			"a filing number has 8 (older) or 10 digits, not "+strconv.Itoa(len(d)))
	}
	if f.Serial == 0 {
		return Filing{}, notes, newError(CodeBadSerial, s, "备案流水号不能为 0", "the serial cannot be 0")
	}
	notes.missingHao = !sc.eat("号")
	site, svc, err := sc.service(s)
	if err != nil {
		return Filing{}, notes, err
	}
	f.Site, f.Service = site, svc
	if !sc.done() {
		return Filing{}, notes, trailing(CodeBadFormat, s, sc.rest())
	}
	return f, notes, nil
}

// String returns the normalised number, for example 京ICP备2021000001号-1,
// 京ICP备2026059598号-1X or 陇ICP备15000343号-1 (8-digit numbers keep their
// 2-digit year; the type letter is always upper case).
func (f Filing) String() string {
	b := make([]byte, 0, 40)
	b = append(b, f.Abbr...)
	b = append(b, "ICP备"...)
	if f.Digits == 8 {
		b = appendPadded(b, f.Year%100, 2)
	} else {
		b = appendPadded(b, f.Year, 4)
	}
	b = appendPadded(b, f.Serial, 6)
	b = append(b, "号"...)
	b = appendService(b, f.Site, f.Service)
	return string(b)
}

// Entity returns the entity (主体) number of a service number: f with Site 0
// and no service type.
func (f Filing) Entity() Filing {
	f.Site, f.Service = 0, ""
	return f
}

// IsWebsite reports whether f numbers a website (号-N without a letter), as
// opposed to the entity itself or an App, mini-program or quick app.
func (f Filing) IsWebsite() bool {
	return f.Site > 0 && (f.Service == "" || f.Service == ServiceWebsite)
}

// FormatFiling returns a filing number in the current 10-digit form, as issued
// today: abbr + "ICP备" + 4-digit year + 6-digit serial + "号", plus "-site"
// when site > 0. It does not check its arguments; ParseFiling of the result
// does.
func FormatFiling(abbr string, year, serial, site int) string {
	return Filing{Abbr: abbr, Year: year, Serial: serial, Digits: 10, Site: site}.String()
}

// License is a parsed ICP licence number (ICP经营许可证, "ICP证"), for example
// 京ICP证030173号. Licence holders' service records show it with "-N" and,
// for a service that is not a website, a type letter (-2A).
type License struct {
	Province Province    // the issuing province
	Abbr     string      // the abbreviation as written
	Serial   int         // the 6-digit serial
	Site     int         // the service index N of "-N"; 0 for the licence itself
	Service  ServiceType // the type of service Site; "" for the licence itself
}

// ParseLicense parses an ICP licence number, 京ICP证030173号 or 京ICP证030173号-1,
// with the same tolerance as ParseFiling.
func ParseLicense(s string) (License, error) {
	l, _, err := parseLicense(s)
	return l, err
}

// parseLicense is ParseLicense with notes for the validator.
func parseLicense(s string) (License, parseNotes, error) {
	var notes parseNotes
	sc := scanner{s: prepare(s)}
	if sc.done() {
		return License{}, notes, newError(CodeEmpty, s, "许可证号为空", "the licence number is empty")
	}
	abbr := sc.abbr()
	if abbr == "" {
		if strings.HasPrefix(sc.rest(), "ICP") {
			return License{}, notes, newError(CodeBadProvince, s, "许可证号缺少省份简称（如“京”）", "the province abbreviation (such as 京) is missing")
		}
		return License{}, notes, newError(CodeBadFormat, s, "不是 ICP 许可证号（应为“京ICP证030173号”的形式）", "not an ICP licence number (expected the form 京ICP证030173号)")
	}
	idx, use := icpIndex(abbr)
	if !sc.eat("ICP证") {
		return License{}, notes, newError(CodeBadFormat, s, "不是 ICP 许可证号（应为“京ICP证030173号”的形式）", "not an ICP licence number (expected the form 京ICP证030173号)")
	}
	if idx < 0 {
		return License{}, notes, newError(CodeBadProvince, s, "未知的省份简称“"+abbr+"”", "unknown province abbreviation "+strconv.Quote(abbr))
	}
	notes.alias = use == abbrICPAlias
	d := sc.digits()
	if len(d) != 6 {
		return License{}, notes, newError(CodeBadDigits, s,
			"许可证号应为 6 位数字，实为 "+strconv.Itoa(len(d))+" 位",
			"a licence number has 6 digits, not "+strconv.Itoa(len(d)))
	}
	l := License{Province: provinces[idx].clone(), Abbr: abbr, Serial: atoi(d)}
	if l.Serial == 0 {
		return License{}, notes, newError(CodeBadSerial, s, "许可证流水号不能为 0", "the serial cannot be 0")
	}
	notes.missingHao = !sc.eat("号")
	site, svc, err := sc.service(s)
	if err != nil {
		return License{}, notes, err
	}
	l.Site, l.Service = site, svc
	if !sc.done() {
		return License{}, notes, trailing(CodeBadFormat, s, sc.rest())
	}
	return l, notes, nil
}

// String returns the normalised licence number, 京ICP证030173号 or 京ICP证030173号-1.
func (l License) String() string {
	b := make([]byte, 0, 32)
	b = append(b, l.Abbr...)
	b = append(b, "ICP证"...)
	b = appendPadded(b, l.Serial, 6)
	b = append(b, "号"...)
	b = appendService(b, l.Site, l.Service)
	return string(b)
}

// FormatLicense returns abbr + "ICP证" + 6-digit serial + "号".
func FormatLicense(abbr string, serial int) string {
	return License{Abbr: abbr, Serial: serial}.String()
}

// OperatingLicense is a value-added telecom operating licence number
// (增值电信业务经营许可证), for example 京B2-20212732. Without a province prefix
// (B2-20080207) it is, by common understanding, a cross-regional licence issued
// by MIIT itself (no public MIIT text was found to say so); so is the licence
// of a foreign-invested company, whose prefix is 合字 (合字B1.B2-20130004).
type OperatingLicense struct {
	// Province is the issuing province; zero (IsZero) when there is no
	// prefix or the prefix is 合字.
	Province Province
	// Abbr is the prefix as written: a province abbreviation, 合字, or "".
	Abbr string
	// Category is the service category: A1, A2, B1 or B2 (B2 covers ICP and
	// EDI), or several of them joined by "." when one licence covers them
	// all (B1.B2).
	Category string
	// Year is the 4-digit year and Serial the 4-digit serial of the 8 digits.
	Year, Serial int
	// Site is the service index of a "-N" suffix, which licence holders'
	// websites show (浙B2-20080101-4) and their Apps and mini-programs too,
	// with a type letter (粤B2-20090059-1626X); 0 when there is none.
	Site int
	// Service is the type of service Site (ServiceWebsite without a
	// letter); "" when there is no suffix.
	Service ServiceType
}

// prefixJoint is the prefix of licences issued to foreign-invested companies.
const prefixJoint = "合字"

// ParseOperatingLicense parses 京B2-20212732, B2-20080207 (no prefix),
// 合字B1.B2-20130004, and the footer forms with a service suffix,
// 浙B2-20080101-4 and 粤B2-20090059-1626X.
func ParseOperatingLicense(s string) (OperatingLicense, error) {
	sc := scanner{s: prepare(s)}
	if sc.done() {
		return OperatingLicense{}, newError(CodeEmpty, s, "经营许可证号为空", "the operating licence number is empty")
	}
	var o OperatingLicense
	if sc.eat(prefixJoint) {
		o.Abbr = prefixJoint
	} else if abbr := sc.abbr(); abbr != "" {
		p, ok := ProvinceByAbbr(abbr)
		if !ok {
			return OperatingLicense{}, newError(CodeBadProvince, s, "未知的省份简称“"+abbr+"”", "unknown province abbreviation "+strconv.Quote(abbr))
		}
		o.Province, o.Abbr = p, abbr
	}
	cat, err := sc.categories(s)
	if err != nil {
		return OperatingLicense{}, err
	}
	o.Category = cat
	d := sc.digits()
	if len(d) != 8 {
		return OperatingLicense{}, newError(CodeBadDigits, s,
			"经营许可证号应为 8 位数字（4 位年份 + 4 位序号），实为 "+strconv.Itoa(len(d))+" 位",
			"an operating licence number has 8 digits (4-digit year + 4-digit serial), not "+strconv.Itoa(len(d)))
	}
	o.Year, o.Serial = atoi(d[:4]), atoi(d[4:])
	if o.Year < minYear || o.Year > maxYear {
		return OperatingLicense{}, newError(CodeBadYear, s, "前四位“"+d[:4]+"”不是有效年份", "the first four digits "+strconv.Quote(d[:4])+" are not a valid year")
	}
	if o.Serial == 0 {
		return OperatingLicense{}, newError(CodeBadSerial, s, "许可证序号不能为 0", "the serial cannot be 0")
	}
	site, svc, err := sc.service(s)
	if err != nil {
		return OperatingLicense{}, err
	}
	o.Site, o.Service = site, svc
	if !sc.done() {
		return OperatingLicense{}, trailing(CodeBadFormat, s, sc.rest())
	}
	return o, nil
}

// categories reads one or more service categories (B2, B1.B2, B1、B2) and
// the "-" after them, and returns them joined by ".".
func (sc *scanner) categories(input string) (string, error) {
	var cats []byte
	for {
		r := sc.rest()
		if len(r) < 3 || r[0] < 'A' || r[0] > 'Z' || r[1] < '0' || r[1] > '9' {
			return "", newError(CodeBadFormat, input, "不是经营许可证号（应为“京B2-20212732”的形式）", "not an operating licence number (expected the form 京B2-20212732)")
		}
		switch cat := r[:2]; cat {
		case "A1", "A2", "B1", "B2":
			if len(cats) > 0 {
				cats = append(cats, '.')
			}
			cats = append(cats, cat...)
		default:
			return "", newError(CodeBadCategory, input, "未知的业务类别“"+cat+"”（应为 A1、A2、B1 或 B2）", "unknown service category "+strconv.Quote(cat)+" (expected A1, A2, B1 or B2)")
		}
		sc.i += 2
		switch {
		case sc.eat("-"):
			return string(cats), nil
		case len(cats) < 12 && (sc.eat(".") || sc.eat("、") || sc.eat("/") || sc.eat("，") || sc.eat(",")):
			continue
		}
		return "", newError(CodeBadFormat, input, "不是经营许可证号（应为“京B2-20212732”的形式）", "not an operating licence number (expected the form 京B2-20212732)")
	}
}

// String returns the normalised number: 京B2-20212732, B2-20080207,
// 合字B1.B2-20130004, 粤B2-20090059-1626X.
func (o OperatingLicense) String() string {
	b := make([]byte, 0, 32)
	b = append(b, o.Abbr...)
	b = append(b, o.Category...)
	b = append(b, '-')
	b = appendPadded(b, o.Year, 4)
	b = appendPadded(b, o.Serial, 4)
	b = appendService(b, o.Site, o.Service)
	return string(b)
}

// Licence returns the licence number itself, without a service suffix.
func (o OperatingLicense) Licence() OperatingLicense {
	o.Site, o.Service = 0, ""
	return o
}

// FormatOperatingLicense returns a B2 licence number: abbr + "B2-" + 4-digit
// year + 4-digit serial; abbr "" gives the cross-regional form.
func FormatOperatingLicense(abbr string, year, serial int) string {
	return OperatingLicense{Abbr: abbr, Category: "B2", Year: year, Serial: serial}.String()
}
