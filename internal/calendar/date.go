package calendar

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Date is a Mainland civil date counted in days since 1970-01-01. It carries no
// clock and no zone, so two dates compare with == and < and differ by plain
// subtraction; Date(0) is 1970-01-01.
type Date int32

// Oldest and Newest bound the dates ParseDate accepts and String prints with a
// four-digit year; date arithmetic saturates at the int32 range instead.
const (
	Oldest Date = -719162 // 0001-01-01
	Newest Date = 2932896 // 9999-12-31
)

// ErrDate is wrapped by every error ParseDate returns, for errors.Is; the
// message reads "bad date \"2026-13-01\": month 13 out of range".
var ErrDate = errors.New("bad date")

// utc8 is the fixed UTC+8 zone of Mainland civil time. It is never modified;
// using a fixed offset keeps the package independent of the host's zoneinfo.
var utc8 = time.FixedZone("UTC+8", 8*60*60)

// Zone returns the fixed UTC+8 zone in which Date.Time expresses midnight.
// Mainland China has kept UTC+8 without daylight saving since 1991.
func Zone() *time.Location { return utc8 }

// NewDate returns the date y-m-d. Like time.Date it normalises out-of-range
// months and days (2026-02-30 is 2026-03-02), so callers can step by months.
func NewDate(y int, m time.Month, d int) Date {
	// Far beyond the int32 day range either way: clamp first so that the
	// arithmetic below cannot overflow and the result saturates.
	const lim = 1 << 32
	yy, mm, dd := clamp64(int64(y), lim), clamp64(int64(m), lim), clamp64(int64(d), lim*400)
	mm--
	yy += floorDiv(mm, 12)
	mm = mm - floorDiv(mm, 12)*12 + 1
	return clampDate(daysFromCivil(yy, mm, 1) + dd - 1)
}

// ParseDate parses an ISO 8601 calendar date "YYYY-MM-DD" with a year from
// 0001 to 9999. It is strict (no spaces, no other separators, real days only)
// because a silently misread date would shift a legal deadline.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%w %q: want YYYY-MM-DD with ASCII digits", ErrDate, s)
	}
	if y < 1 {
		return 0, fmt.Errorf("%w %q: year 0000 does not exist", ErrDate, s)
	}
	if m < 1 || m > 12 {
		return 0, fmt.Errorf("%w %q: month %02d out of range", ErrDate, s, m)
	}
	if d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%w %q: %s %d has %d days", ErrDate, s, time.Month(m), y, daysIn(y, m))
	}
	return Date(daysFromCivil(int64(y), int64(m), int64(d))), nil
}

// DateOf returns the Mainland (UTC+8) civil date of the instant t, whatever
// zone t carries: 2026-01-01T23:30:00Z is already 2026-01-02 in Beijing.
func DateOf(t time.Time) Date {
	return clampDate(floorDiv(clamp64(t.Unix(), 1<<50)+8*60*60, 86400))
}

// Time returns midnight at the start of d in UTC+8.
func (d Date) Time() time.Time {
	return time.Unix(int64(d)*86400-8*60*60, 0).In(utc8)
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d))
	return int(y), time.Month(m), int(dd)
}

// Year returns the year of d.
func (d Date) Year() int {
	y, _, _ := civilFromDays(int64(d))
	return int(y)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(int64(d)+4, 7))
}

// AddDays returns the date n calendar days after d (before, if n < 0),
// saturating at the int32 range.
func (d Date) AddDays(n int) Date { return clampDate(int64(d) + clamp64(int64(n), 1<<40)) }

// String formats d as "YYYY-MM-DD", the form ParseDate reads. Years outside
// 0001–9999 print with a sign or more digits, as time.Time does.
func (d Date) String() string {
	y, m, dd := civilFromDays(int64(d))
	if y < 1 || y > 9999 {
		return fmt.Sprintf("%d-%02d-%02d", y, m, dd)
	}
	var b [10]byte
	put := func(i int, v int64, n int) {
		for k := n - 1; k >= 0; k-- {
			b[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, m, 2)
	b[7] = '-'
	put(8, dd, 2)
	return string(b[:])
}

// MarshalText implements encoding.TextMarshaler so that JSON carries "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDate's rules.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func digits(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays are Howard Hinnant's proleptic Gregorian
// algorithms (https://howardhinnant.github.io/date_algorithms.html).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func clamp64(v, lim int64) int64 { return max(-lim, min(lim, v)) }

func clampDate(v int64) Date {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	if v < math.MinInt32 {
		return math.MinInt32
	}
	return Date(v)
}
