package calendar

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed holidays.txt
var embeddedTable string

// Kind classifies a day of the Mainland calendar.
type Kind uint8

// The kinds of day. Workday and MakeupWorkday are business days.
const (
	Workday       Kind = iota // an ordinary Monday–Friday
	Weekend                   // an ordinary Saturday or Sunday
	Holiday                   // a statutory holiday or a day moved next to one (放假)
	MakeupWorkday             // a Saturday or Sunday worked in exchange (调休上班)
)

// String returns workday, weekend, holiday or makeup_workday, the names used in JSON.
func (k Kind) String() string {
	switch k {
	case Workday:
		return "workday"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case MakeupWorkday:
		return "makeup_workday"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Day describes one date: whether people work, why, and whether the table
// knows its year (when it does not, Kind is only Workday or Weekend).
type Day struct {
	Date    Date
	Kind    Kind
	Name    string // the holiday, for Holiday and MakeupWorkday days: e.g. 春节
	Covered bool   // the year is in the table
}

// IsWorkday reports whether the day is a business day.
func (d Day) IsWorkday() bool { return d.Kind == Workday || d.Kind == MakeupWorkday }

// entry is one listed day; src is the year of the notice block that listed it,
// so that a `year` block in an override file replaces exactly that notice.
type entry struct {
	off  bool
	name string
	src  int
}

// Calendar answers business-day questions for Mainland China. It is immutable
// after construction and safe for concurrent use.
//
// Days listed in the table follow the table. Every other day, including every
// day of a year the table does not cover, follows Monday–Friday work and
// Saturday–Sunday rest; callers warn about uncovered years with Covers. The
// zero Calendar has no table at all (Monday–Friday everywhere).
type Calendar struct {
	entries map[Date]entry
	years   []int // covered years, sorted

	// Precomputed over [lo, lo+len(kinds)): the kind and name of each day,
	// prefix[i] = business days in [lo, lo+i), and pos[k] = offset from lo of
	// the (k+1)-th business day. Together they make the arithmetic O(1).
	lo     Date
	kinds  []Kind
	names  []uint32
	dict   []string
	prefix []int32
	pos    []int32
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := build(nil, strings.NewReader(embeddedTable))
	if err != nil {
		// The embedded table is checked by the tests; this is a build defect.
		panic("calendar: embedded holidays.txt: " + err.Error())
	}
	return c
})

// Default returns the calendar built from the embedded table of State Council
// notices, 2007–2026. It is built once and shared.
func Default() *Calendar { return defaultCalendar() }

// WithOverrides returns base with the holiday file r applied on top (the
// format is in the package documentation): a `year YYYY` block replaces what
// base knew from the notice for YYYY and makes the year covered; an
// `amend YYYY` block changes single days of a covered year. Errors give the
// line number. base is not modified; a nil base means Default().
func WithOverrides(base *Calendar, r io.Reader) (*Calendar, error) {
	if base == nil {
		base = Default()
	}
	return build(base, r)
}

// Load returns Default() with the holiday file at overridePath applied, or
// Default() itself when overridePath is "". Errors name the file.
func Load(overridePath string) (*Calendar, error) {
	if overridePath == "" {
		return Default(), nil
	}
	f, err := os.Open(overridePath)
	if err != nil {
		return nil, fmt.Errorf("holidays file: %w", err)
	}
	defer f.Close()
	c, err := WithOverrides(Default(), f)
	if err != nil {
		return nil, fmt.Errorf("holidays file %s: %w", overridePath, err)
	}
	return c, nil
}

// build applies the holiday file r to a copy of base (nil: an empty calendar).
func build(base *Calendar, r io.Reader) (*Calendar, error) {
	blocks, err := parseFile(r)
	if err != nil {
		return nil, err
	}
	entries := map[Date]entry{}
	covered := map[int]bool{}
	if base != nil {
		for d, e := range base.entries {
			entries[d] = e
		}
		for _, y := range base.years {
			covered[y] = true
		}
	}
	for _, b := range blocks {
		switch b.kind {
		case blockYear:
			for d, e := range entries {
				if e.src == b.year {
					delete(entries, d)
				}
			}
			covered[b.year] = true
		case blockAmend:
			if !covered[b.year] {
				return nil, &LineError{b.line, fmt.Errorf("amend %d: the table has no year %d to amend (start it with \"year %d\")", b.year, b.year, b.year)}
			}
		}
		for _, dl := range b.days {
			for d := dl.from; d <= dl.to; d++ {
				entries[d] = entry{off: dl.off, name: dl.name, src: b.year}
			}
		}
	}
	c := &Calendar{entries: entries}
	for y := range covered {
		c.years = append(c.years, y)
	}
	slices.Sort(c.years)
	c.precompute()
	return c, nil
}

// precompute fills the per-day tables over the covered years and every listed day.
func (c *Calendar) precompute() {
	if len(c.years) == 0 && len(c.entries) == 0 {
		c.prefix = []int32{0}
		return
	}
	lo, hi := Date(1<<31-1), Date(-1<<31)
	if len(c.years) > 0 {
		lo, hi = NewDate(c.years[0], 1, 1), NewDate(c.years[len(c.years)-1], 12, 31)
	}
	for d := range c.entries {
		lo, hi = min(lo, d), max(hi, d)
	}
	n := int(hi-lo) + 1
	c.lo = lo
	c.kinds = make([]Kind, n)
	c.names = make([]uint32, n)
	c.dict = []string{""}
	index := map[string]uint32{"": 0}
	c.prefix = make([]int32, n+1)
	c.pos = make([]int32, 0, n*5/7+1)
	for i := range n {
		d := lo + Date(i)
		k := weekdayKind(d)
		if e, ok := c.entries[d]; ok {
			switch {
			case e.off:
				k = Holiday
			case k == Weekend:
				k = MakeupWorkday
			}
			if k != Workday { // a "work" line on a weekday only cancels
				id, seen := index[e.name]
				if !seen {
					id = uint32(len(c.dict))
					index[e.name] = id
					c.dict = append(c.dict, e.name)
				}
				c.names[i] = id
			}
		}
		c.kinds[i] = k
		c.prefix[i+1] = c.prefix[i]
		if k == Workday || k == MakeupWorkday {
			c.prefix[i+1]++
			c.pos = append(c.pos, int32(i))
		}
	}
}

func weekdayKind(d Date) Kind {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return Weekend
	}
	return Workday
}

// Day describes d: its kind, the holiday's name and whether its year is covered.
func (c *Calendar) Day(d Date) Day {
	day := Day{Date: d, Kind: weekdayKind(d), Covered: c.Covers(d)}
	if i := int64(d) - int64(c.lo); i >= 0 && i < int64(len(c.kinds)) {
		day.Kind = c.kinds[i]
		day.Name = c.dict[c.names[i]]
	}
	return day
}

// IsWorkday reports whether d is a business day: a listed make-up workday, or a
// Monday–Friday that is not a listed holiday.
func (c *Calendar) IsWorkday(d Date) bool {
	if i := int64(d) - int64(c.lo); i >= 0 && i < int64(len(c.kinds)) {
		k := c.kinds[i]
		return k == Workday || k == MakeupWorkday
	}
	return weekdayKind(d) == Workday
}

// HolidayName returns the name of the holiday d belongs to (e.g. 春节) when d is
// a listed rest day or a make-up workday for that holiday.
func (c *Calendar) HolidayName(d Date) (string, bool) {
	day := c.Day(d)
	return day.Name, day.Name != ""
}

// Covers reports whether the table holds the State Council arrangement for the
// year of d (embedded, or from an override file).
func (c *Calendar) Covers(d Date) bool {
	_, ok := slices.BinarySearch(c.years, d.Year())
	return ok
}

// Years returns the first and last covered year; a year in between is covered
// too unless an override file skipped it (CoveredYears lists them exactly).
// Both are 0 for a calendar without any year.
func (c *Calendar) Years() (first, last int) {
	if len(c.years) == 0 {
		return 0, 0
	}
	return c.years[0], c.years[len(c.years)-1]
}

// CoveredYears returns the covered years in ascending order (a fresh slice).
func (c *Calendar) CoveredYears() []int { return slices.Clone(c.years) }

// maxSteps bounds n so that the int64 arithmetic below cannot overflow;
// any |n| beyond it lands outside the int32 Date range anyway.
const maxSteps = 1 << 40

// AddBusinessDays returns the date n business days away from d:
//   - n > 0: the n-th business day after d, that is the earliest x > d with
//     exactly n business days in (d, x]; d itself never counts, so Friday + 1
//     is the next Monday unless that Monday is a holiday, a make-up Saturday
//     counts like any business day, and a holiday + 1 is the first business
//     day after it;
//   - n < 0: the |n|-th business day before d, the latest x < d with exactly
//     |n| business days in [x, d);
//   - n == 0: d itself, business day or not (see OnOrAfter).
//
// The result is always a business day when n != 0. It takes constant time:
// the table precomputes a running count of business days, and days outside
// it are counted in closed form (Monday–Friday). Results saturate at the
// int32 Date range.
func (c *Calendar) AddBusinessDays(d Date, n int) Date {
	if n == 0 {
		return d
	}
	steps := max(-maxSteps, min(maxSteps, int64(n)))
	if steps > 0 {
		return c.nth(c.count(int64(d)) + steps)
	}
	return c.nth(c.count(int64(d)-1) + steps + 1)
}

// OnOrAfter returns d if it is a business day, else the next business day.
func (c *Calendar) OnOrAfter(d Date) Date {
	if c.IsWorkday(d) {
		return d
	}
	return c.AddBusinessDays(d, 1)
}

// BusinessDaysLeft counts the business days after today up to and
// including due, as every review deadline is shown; negative, counting the
// business days missed, once due has passed.
func (c *Calendar) BusinessDaysLeft(today, due Date) int {
	if due >= today {
		return c.BusinessDaysBetween(today+1, due)
	}
	return -c.BusinessDaysBetween(due+1, today)
}

// BusinessDaysBetween returns the number of business days x with a ≤ x ≤ b,
// both ends included; 0 if b < a.
func (c *Calendar) BusinessDaysBetween(a, b Date) int {
	if b < a {
		return 0
	}
	return int(c.count(int64(b)) - c.count(int64(a)-1))
}

// count returns F(x): business days in [lo, x] when x ≥ lo, and minus the
// business days in (x, lo) when x < lo, so that F(b) - F(a-1) counts [a, b].
func (c *Calendar) count(x int64) int64 {
	lo, n := int64(c.lo), int64(len(c.kinds))
	switch {
	case x < lo:
		return -(weekdaysUpTo(lo-1) - weekdaysUpTo(x))
	case x < lo+n:
		return int64(c.prefix[x-lo+1])
	default:
		return int64(len(c.pos)) + weekdaysUpTo(x) - weekdaysUpTo(lo+n-1)
	}
}

// nth returns the business day x where F first reaches t: F(x) = t, F(x-1) = t-1.
func (c *Calendar) nth(t int64) Date {
	lo, n, total := int64(c.lo), int64(len(c.kinds)), int64(len(c.pos))
	switch {
	case t <= 0: // before the table: the (1-t)-th weekday before lo
		return clampDate(addWeekdays(lo, t-1))
	case t <= total:
		return Date(lo + int64(c.pos[t-1]))
	default: // after the table: the (t-total)-th weekday after its last day
		return clampDate(addWeekdays(lo+n-1, t-total))
	}
}

// weekdaysUpTo is a running count of Mondays–Fridays: weekdaysUpTo(x) -
// weekdaysUpTo(x-1) is 1 exactly when x is a Monday–Friday.
func weekdaysUpTo(x int64) int64 {
	t := x - 4 // days since Monday 1970-01-05
	return 5*floorDiv(t, 7) + min(floorMod(t, 7)+1, 5)
}

// addWeekdays returns the n-th Monday–Friday after d (n > 0) or the |n|-th
// before it (n < 0).
func addWeekdays(d, n int64) int64 {
	wd := floorMod(d-4, 7) // 0 = Monday … 6 = Sunday
	if n > 0 {
		if wd > 4 { // from a weekend, count as from the Friday before
			d -= wd - 4
			wd = 4
		}
		t := wd + n
		return d - wd + floorDiv(t, 5)*7 + floorMod(t, 5)
	}
	if wd > 4 { // count as from the Monday after
		d += 7 - wd
		wd = 0
	}
	r := 4 - wd
	t := r - n
	return d + r - floorDiv(t, 5)*7 - floorMod(t, 5)
}
