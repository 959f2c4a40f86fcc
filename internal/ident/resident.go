package ident

import (
	"fmt"
	"time"

	"github.com/beian/beian/internal/finding"
)

// ResidentID is what a valid PRC resident ID number (公民身份号码, GB 11643-1999)
// says about its holder. The fields are plain values so that ParseResidentID
// does not allocate.
type ResidentID struct {
	// County is the six-digit address code (the holder's household
	// registration when the number was assigned); a substring of the input.
	County string
	// BirthYear, BirthMonth and BirthDay are the birth date; Birth returns
	// it as a time.Time. Plain ints keep the parser free of time.Date.
	BirthYear, BirthMonth, BirthDay int
	// Age is the age in whole years on the day of the now given to the parser.
	Age int
	// Male is true for an odd sequence digit (position 17).
	Male bool
	// CountyKnown reports whether County is a GB/T 2260 code of any year.
	CountyKnown bool
}

// Birth returns the birth date at midnight UTC.
func (r ResidentID) Birth() time.Time {
	return date{r.BirthYear, r.BirthMonth, r.BirthDay}.time()
}

// gb11643Weights are 2^(17-i) mod 11 for positions 1–17 (ISO 7064 MOD 11-2).
var gb11643Weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// gb11643Check maps the weighted sum mod 11 to the check character.
const gb11643Check = "10X98765432"

// minBirthYear is the earliest birth year accepted: nobody alive was born before.
const minBirthYear = 1800

// date is a calendar date without a time zone.
type date struct{ y, m, d int }

func (a date) before(b date) bool {
	if a.y != b.y {
		return a.y < b.y
	}
	if a.m != b.m {
		return a.m < b.m
	}
	return a.d < b.d
}

func (a date) valid() bool {
	if a.m < 1 || a.m > 12 || a.d < 1 {
		return false
	}
	return a.d <= daysIn(a.y, a.m)
}

// ageOn returns how many whole years old someone born on a is on day t.
func (a date) ageOn(t date) int {
	age := t.y - a.y
	if t.m < a.m || (t.m == a.m && t.d < a.d) {
		age--
	}
	return age
}

// time returns midnight UTC of a. It counts the days itself (the civil-from-days
// algorithm of H. Hinnant) because time.Date normalises every field and is
// several times slower; TestDateTime checks the two agree.
func (a date) time() time.Time {
	y, m := a.y, a.m
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + a.d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return time.Unix(int64(days)*86400, 0).UTC()
}

func (a date) String() string { return fmt.Sprintf("%04d-%02d-%02d", a.y, a.m, a.d) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// today is the calendar date of now in now's own location; callers pass a
// now in Asia/Shanghai when they want the Mainland day.
func today(now time.Time) date {
	y, m, d := now.Date()
	return date{y, int(m), d}
}

// digitsDate reads YYYYMMDD, or YYMMDD (year without century), from s, which
// must be ASCII digits.
func digitsDate(s string) date {
	d2 := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if len(s) == 6 {
		return date{d2(0), d2(2), d2(4)}
	}
	return date{d2(0)*100 + d2(2), d2(4), d2(6)}
}

// gb11643 holds the parts of an 18-character GB 11643 number.
type gb11643 struct {
	birth date
	male  bool
}

// parseGB11643 checks an 18-character number laid out as GB 11643: 17 digits
// (6 address, 8 birth date, 3 sequence) and a MOD 11-2 check character. The
// same layout serves the resident ID, the HK/Macao/Taiwan residence permits
// and the 2023 foreign permanent-residence ID; the caller checks the length
// and picks the error codes (badDate, future, checksum).
func parseGB11643(s string, today date, charset, badDate, future, checksum *Error) (gb11643, *Error) {
	var g gb11643
	_ = s[17]
	sum := 0
	for i := 0; i < 17; i++ {
		d := s[i] - '0' // a byte: anything below '0' wraps above 9
		if d > 9 {
			return g, charset
		}
		sum += int(d) * gb11643Weights[i]
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if (last < '0' || last > '9') && last != 'X' {
		return g, charset
	}
	g.birth = digitsDate(s[6:14])
	if !g.birth.valid() || g.birth.y < minBirthYear {
		return g, badDate
	}
	if today.before(g.birth) {
		return g, future
	}
	if gb11643Check[sum%11] != last {
		return g, checksum
	}
	g.male = (s[16]-'0')%2 == 1
	return g, nil
}

// ParseResidentID checks an 18-character PRC resident ID number: digits,
// a real birth date that is not after now, and the GB 11643 check character.
// s must already be normalised (see Normalize) except that a lower-case x is
// accepted; ValidateResidentID does that for raw input. A 15-digit
// first-generation number is refused with id.legacy_15. The error is always an
// *Error; the county code is only reported (CountyKnown), never an error.
// ParseResidentID does not allocate.
func ParseResidentID(s string, now time.Time) (ResidentID, error) {
	var r ResidentID
	if len(s) != 18 {
		switch {
		case len(s) == 0:
			return r, errEmpty
		case len(s) == 15 && allDigits(s):
			return r, errIDLegacy15
		}
		return r, errIDLength
	}
	day := today(now)
	g, err := parseGB11643(s, day, errIDCharset, errIDBadDate, errIDFuture, errIDChecksum)
	if err != nil {
		return r, err
	}
	r.County = s[:6]
	r.BirthYear, r.BirthMonth, r.BirthDay = g.birth.y, g.birth.m, g.birth.d
	r.Age = g.birth.ageOn(day)
	r.Male = g.male
	r.CountyKnown = countyKnownDigits(r.County)
	return r, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// sexName is the Info value for the sex digit.
func sexName(male bool) string {
	if male {
		return "male"
	}
	return "female"
}

// ValidateResidentID validates a PRC resident ID number as typed by a user and
// returns the CLI/API shape. Info holds birth_date (YYYY-MM-DD), age (whole
// years on now's day; an age under 18 is not an error here), sex, county_code,
// county_known, province_code (xx0000) and province. An unknown county code is
// the warning id.county_unknown; a number that is really a HK/Macao/Taiwan
// residence permit or a 2023 foreign permanent-residence ID gets the warning
// id.type_mismatch instead.
func ValidateResidentID(s string, now time.Time) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	r, err := ParseResidentID(n, now)
	if err != nil {
		res.Findings = []finding.Finding{errFinding(err)}
		return res.Finish()
	}
	res.Info = map[string]any{
		"birth_date":    r.Birth().Format(time.DateOnly),
		"age":           r.Age,
		"sex":           sexName(r.Male),
		"county_code":   r.County,
		"county_known":  r.CountyKnown,
		"province_code": r.County[:2] + "0000",
		"province":      ProvinceName(r.County),
	}
	switch {
	case r.County == "810000" || r.County == "820000":
		res.Findings = append(res.Findings, mismatch(warnTypeMismatch, "港澳居民居住证", "a residence permit for Hong Kong and Macao residents (hk_macao_permit)"))
	case r.County == "830000":
		res.Findings = append(res.Findings, mismatch(warnTypeMismatch, "台湾居民居住证", "a residence permit for Taiwan residents (taiwan_permit)"))
	case n[0] == '9':
		res.Findings = append(res.Findings, mismatch(warnTypeMismatch, "外国人永久居留身份证", "a foreign permanent-residence ID (foreign_permanent_resident_id)"))
	}
	if !r.CountyKnown && r.County != "830000" {
		f := warnCountyUnknown.warning()
		f.MessageZH = fmt.Sprintf("身份证号码前6位%s不是已知的行政区划代码，请人工核对", r.County)
		f.MessageEN = fmt.Sprintf("%s is not a known administrative-division code; a reviewer should check the card", r.County)
		res.Findings = append(res.Findings, f)
	}
	return res.Finish()
}

// mismatch is the id.type_mismatch warning naming the type the number looks like.
func mismatch(w *Error, zh, en string) finding.Finding {
	f := w.warning()
	f.MessageZH = "号码格式像是" + zh + "，与所选证件类型不符，请人工核对"
	f.MessageEN = "the number looks like " + en + ", not the ID type chosen; a reviewer should check"
	return f
}
