package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/calendar"
)

// calendarUsage is the one-line synopsis; calendarHelp explains the rest.
const calendarUsage = "calendar workday DATE | add DATE N | between A B [--json] [--holidays FILE]"

const calendarHelp = `Business days of the Mainland China calendar (weekends, statutory holidays
and make-up workdays 调休), from the State Council notices %d–%d.

  workday DATE   is DATE a business day? exit 0 yes, 1 no (a rest day)
  add DATE N     the N-th business day after DATE (N < 0: before; 0: DATE)
  between A B    the number of business days d with A ≤ d ≤ B

DATE is YYYY-MM-DD or "today" (the date in Beijing). Years outside the table
use Monday–Friday and say so on stderr. Exit codes: 0 ok, 1 rest day (workday)
or result out of range, 2 usage error or bad holidays file.

--holidays FILE (or $BEIAN_HOLIDAYS) adds a year as soon as its notice is out.
One line per day or period, # starts a comment:
  year 2027                        the complete arrangement for 2027
  2027-02-05..2027-02-12 off 春节   rest days (periods of up to 31 days)
  2027-02-20 work 春节              a make-up workday (调休上班)
  amend 2026                       change single days of a covered year
Full rules: go doc github.com/beian/beian/internal/calendar

Flags:
`

// maxCalendarN bounds N of `calendar add`: about 3,800 years of business days.
const maxCalendarN = 1_000_000

// runCalendar implements `beian calendar`.
func runCalendar(env *Env, args []string) int {
	fs := newFlags(env, "calendar", calendarUsage)
	asJSON := fs.Bool("json", false, "print a JSON object instead of text")
	holidays := fs.String("holidays", "", "holiday override `FILE` for years not yet embedded (default $BEIAN_HOLIDAYS)")
	fs.Usage = func() {
		first, last := calendar.Default().Years()
		fmt.Fprintf(env.Stderr, "Usage: beian %s\n\n", calendarUsage)
		fmt.Fprintf(env.Stderr, calendarHelp, first, last)
		fs.PrintDefaults()
	}
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "beian calendar: "+format+"\n", a...)
		return ExitUsage
	}
	if len(pos) == 0 {
		fs.Usage()
		return ExitUsage
	}
	sub, pos := pos[0], pos[1:]
	want := map[string]int{"workday": 1, "add": 2, "between": 2}[sub]
	if want == 0 {
		return fail("unknown subcommand %q (want workday, add or between)", sub)
	}
	if len(pos) != want {
		return fail("%s takes %d argument(s), got %d (usage: beian %s)", sub, want, len(pos), calendarUsage)
	}

	path := *holidays
	if path == "" && env.Getenv != nil {
		path = env.Getenv("BEIAN_HOLIDAYS")
	}
	cal, err := calendar.Load(path)
	if err != nil {
		return fail("%v", err)
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	date := func(s string) (calendar.Date, error) {
		if s == "today" {
			return calendar.DateOf(now()), nil
		}
		return calendar.ParseDate(s)
	}
	d, err := date(pos[0])
	if err != nil {
		return fail("%v", err)
	}

	switch sub {
	case "workday":
		return calendarWorkday(env, cal, d, *asJSON)
	case "add":
		n, err := strconv.Atoi(pos[1])
		if err != nil || n < -maxCalendarN || n > maxCalendarN {
			return fail("N %q: want a whole number of business days from -%d to %d", pos[1], maxCalendarN, maxCalendarN)
		}
		return calendarAdd(env, cal, d, n, *asJSON)
	default: // between
		b, err := date(pos[1])
		if err != nil {
			return fail("%v", err)
		}
		return calendarBetween(env, cal, d, b, *asJSON)
	}
}

func calendarWorkday(env *Env, cal *calendar.Calendar, d calendar.Date, asJSON bool) int {
	day := cal.Day(d)
	calendarWarnUncovered(env.Stderr, cal, d, d)
	code := ExitOK
	if !day.IsWorkday() {
		code = ExitInvalid
	}
	if asJSON {
		calendarJSON(env.Stdout, struct {
			Date      calendar.Date `json:"date"`
			Weekday   string        `json:"weekday"`
			Workday   bool          `json:"workday"`
			Kind      string        `json:"kind"`
			Holiday   string        `json:"holiday,omitempty"`
			HolidayEN string        `json:"holiday_en,omitempty"`
			Covered   bool          `json:"covered"`
		}{d, d.Weekday().String(), day.IsWorkday(), day.Kind.String(), day.Name, calendar.EnglishName(day.Name), day.Covered})
		return code
	}
	var line string
	switch day.Kind {
	case calendar.Workday:
		line = "workday"
	case calendar.MakeupWorkday:
		line = "workday (make-up workday 调休上班 for " + calendarHolidayLabel(day.Name) + ")"
	case calendar.Holiday:
		line = "rest day (" + calendarHolidayLabel(day.Name) + ")"
	default:
		line = "rest day (weekend)"
	}
	fmt.Fprintf(env.Stdout, "%s %s\n", d, line)
	return code
}

func calendarAdd(env *Env, cal *calendar.Calendar, d calendar.Date, n int, asJSON bool) int {
	res := cal.AddBusinessDays(d, n)
	if res < calendar.Oldest || res > calendar.Newest {
		fmt.Fprintf(env.Stderr, "beian calendar: %s %+d business days falls outside 0001-01-01…9999-12-31\n", d, n)
		return ExitInvalid
	}
	calendarWarnUncovered(env.Stderr, cal, min(d, res), max(d, res))
	if asJSON {
		calendarJSON(env.Stdout, struct {
			Date    calendar.Date `json:"date"`
			N       int           `json:"n"`
			Result  calendar.Date `json:"result"`
			Covered bool          `json:"covered"`
		}{d, n, res, calendarSpanCovered(cal, min(d, res), max(d, res))})
		return ExitOK
	}
	fmt.Fprintln(env.Stdout, res)
	return ExitOK
}

func calendarBetween(env *Env, cal *calendar.Calendar, a, b calendar.Date, asJSON bool) int {
	n := cal.BusinessDaysBetween(a, b)
	covered := true
	if a <= b {
		calendarWarnUncovered(env.Stderr, cal, a, b)
		covered = calendarSpanCovered(cal, a, b)
	}
	if asJSON {
		calendarJSON(env.Stdout, struct {
			From         calendar.Date `json:"from"`
			To           calendar.Date `json:"to"`
			BusinessDays int           `json:"business_days"`
			Covered      bool          `json:"covered"`
		}{a, b, n, covered})
		return ExitOK
	}
	fmt.Fprintln(env.Stdout, n)
	return ExitOK
}

// calendarHolidayLabel is the Chinese name followed by the English one when known.
func calendarHolidayLabel(name string) string {
	if en := calendar.EnglishName(name); en != "" {
		return name + " " + en
	}
	return name
}

// calendarUncoveredYears returns the years of [a, b] the table does not cover.
func calendarUncoveredYears(cal *calendar.Calendar, a, b calendar.Date) []int {
	var out []int
	for y := a.Year(); y <= b.Year(); y++ {
		if !cal.Covers(calendar.NewDate(y, time.January, 1)) {
			out = append(out, y)
		}
	}
	return out
}

func calendarSpanCovered(cal *calendar.Calendar, a, b calendar.Date) bool {
	return len(calendarUncoveredYears(cal, a, b)) == 0
}

// calendarWarnUncovered tells on stderr which years of [a, b] were computed with
// Monday–Friday only, instead of guessing silently.
func calendarWarnUncovered(w io.Writer, cal *calendar.Calendar, a, b calendar.Date) {
	missing := calendarUncoveredYears(cal, a, b)
	if len(missing) == 0 {
		return
	}
	table := calendarYearRanges(cal.CoveredYears())
	if table == "" {
		table = "none"
	}
	if len(missing) == 1 {
		fmt.Fprintf(w, "beian calendar: %d is not in the holiday table (%s); weekends only were used — add its State Council notice with --holidays FILE\n", missing[0], table)
		return
	}
	fmt.Fprintf(w, "beian calendar: %s are not in the holiday table (%s); weekends only were used — add their State Council notices with --holidays FILE\n", calendarYearRanges(missing), table)
}

// calendarYearRanges formats sorted years as "2007–2026, 2028".
func calendarYearRanges(years []int) string {
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(years[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", years[i], years[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func calendarJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the values are plain structs; a write error has nowhere to go
}
