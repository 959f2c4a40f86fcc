package calendar

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// naiveAdd steps one day at a time: the definition AddBusinessDays documents.
func naiveAdd(c *Calendar, d Date, n int) Date {
	step := Date(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += step
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

func naiveBetween(c *Calendar, a, b Date) int {
	n := 0
	for d := a; d <= b; d++ {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

func TestAddBusinessDaysExamples(t *testing.T) {
	c := Default()
	tests := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-03-06", 1, "2026-03-09", "Friday + 1 is the next Monday"},
		{"2026-03-09", -1, "2026-03-06", "Monday - 1 is the Friday before"},
		{"2026-04-03", 1, "2026-04-07", "Friday + 1 skips Monday 04-06, a 清明节 rest day"},
		{"2026-09-18", 1, "2026-09-20", "Friday + 1 is the make-up Sunday 09-20"},
		{"2026-09-21", -1, "2026-09-20", "Monday - 1 is the make-up Sunday too"},
		{"2026-03-07", 1, "2026-03-09", "Saturday + 1 is Monday"},
		{"2026-03-07", -1, "2026-03-06", "Saturday - 1 is Friday"},
		{"2026-03-06", 0, "2026-03-06", "n == 0 is the day itself"},
		{"2026-10-03", 0, "2026-10-03", "n == 0 is the day itself, holiday or not"},
		{"2026-09-30", 1, "2026-10-08", "the National Day week is skipped"},
		{"2026-10-08", 1, "2026-10-09", "Thursday + 1"},
		{"2026-10-09", 1, "2026-10-10", "the make-up Saturday 10 October counts"},
		{"2026-10-10", 1, "2026-10-12", "and is followed by Monday"},
		{"2026-10-09", -5, "2026-09-24", "back over two holidays: 10-08, 09-30, 09-29, 09-28, (中秋 09-25…27) 09-24"},
		{"2026-02-13", 1, "2026-02-14", "Friday + 1 is the make-up Saturday before 春节"},
		{"2026-02-14", 1, "2026-02-24", "then nine days of 春节"},
		{"2026-12-31", 1, "2027-01-01", "into 2027, not in the table: plain Friday"},
		{"2026-12-31", 2, "2027-01-04", "and the Monday after"},
		{"2007-01-04", -1, "2006-12-31", "the 2007 notice's make-up Sunday 2006-12-31 counts"},
		{"2007-01-04", -3, "2006-12-29", "… then Saturday 12-30, then Friday 12-29"},
		{"2020-01-23", 1, "2020-02-03", "the 2020 extension cancelled the make-up Saturday 02-01"},
		{"2019-04-30", 1, "2019-05-05", "2019: Labour Day amended to 05-01…04, 05-05 worked"},
		{"2015-09-02", 1, "2015-09-06", "2015: the 70th anniversary days and the make-up Sunday"},
		{"2026-09-30", 20, "2026-11-03", "20 business days (authority review) across National Day, make-up 10-10 included"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			from := mustDate(t, tt.from)
			got := c.AddBusinessDays(from, tt.n)
			if got.String() != tt.want {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if tt.n != 0 {
				if naive := naiveAdd(c, from, tt.n); naive != got {
					t.Errorf("naive stepping gives %s", naive)
				}
			}
		})
	}
}

// TestArithmeticAgainstNaive compares the O(1) arithmetic with day-by-day
// stepping for every start day around and inside the table, including both
// ends where it switches to the Monday–Friday rule.
func TestArithmeticAgainstNaive(t *testing.T) {
	override, err := os.Open("testdata/holidays-2027.example")
	if err != nil {
		t.Fatal(err)
	}
	defer override.Close()
	with2027, err := WithOverrides(Default(), override)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := WithOverrides(&Calendar{prefix: []int32{0}}, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	calendars := map[string]*Calendar{"default": Default(), "with 2027": with2027, "empty": empty}
	steps := []int{1, 2, 3, 5, 7, 20, 250, 600, -1, -2, -5, -20, -250, -600}
	for name, c := range calendars {
		t.Run(name, func(t *testing.T) {
			for _, span := range [][2]string{{"2005-10-01", "2008-03-01"}, {"2025-09-01", "2028-03-01"}, {"1990-01-01", "1990-01-20"}, {"2090-01-01", "2090-01-20"}} {
				for d := mustDate(t, span[0]); d <= mustDate(t, span[1]); d++ {
					for _, n := range steps {
						got, want := c.AddBusinessDays(d, n), naiveAdd(c, d, n)
						if got != want {
							t.Fatalf("AddBusinessDays(%s, %d) = %s, stepping gives %s", d, n, got, want)
						}
						if !c.IsWorkday(got) {
							t.Fatalf("AddBusinessDays(%s, %d) = %s is not a business day", d, n, got)
						}
						a, b := min(d, got), max(d, got)
						if n > 0 && c.BusinessDaysBetween(a+1, b) != n || n < 0 && c.BusinessDaysBetween(a, b-1) != -n {
							t.Fatalf("BusinessDaysBetween disagrees with AddBusinessDays(%s, %d) = %s", d, n, got)
						}
					}
					if d%5 == 0 {
						for _, k := range []Date{-1, 0, 1, 6, 7, 30, 365, 1000} {
							if got, want := c.BusinessDaysBetween(d, d+k), naiveBetween(c, d, d+k); got != want {
								t.Fatalf("BusinessDaysBetween(%s, %s) = %d, counting gives %d", d, d+k, got, want)
							}
						}
					}
				}
			}
		})
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-10-01", "2026-10-07", 0},
		{"2026-10-01", "2026-10-10", 3}, // 10-08 Thu, 10-09 Fri and the make-up Saturday 10-10
		{"2026-03-02", "2026-03-06", 5},
		{"2026-03-06", "2026-03-02", 0},
		{"2026-03-07", "2026-03-08", 0},
		{"2026-03-06", "2026-03-06", 1},
		// 2026 by hand from the notice: 261 Mondays–Fridays, minus 19 of them
		// off (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5), plus 6
		// make-up weekend days (01-04, 02-14, 02-28, 05-09, 09-20, 10-10).
		{"2026-01-01", "2026-12-31", 248},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			if got := c.BusinessDaysBetween(mustDate(t, tt.a), mustDate(t, tt.b)); got != tt.want {
				t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestBusinessDaysLeft(t *testing.T) {
	c := Default()
	tests := []struct {
		today, due string
		want       int
	}{
		{"2026-03-02", "2026-03-06", 4},  // Tue–Fri after Monday
		{"2026-03-06", "2026-03-06", 0},  // due today: none left after today
		{"2026-03-06", "2026-03-09", 1},  // over a weekend
		{"2026-03-09", "2026-03-06", -1}, // a Friday deadline seen on Monday: one business day missed
		{"2026-09-30", "2026-10-10", 3},  // over National Day: 10-08, 10-09 and the make-up Saturday 10-10
		{"2026-10-12", "2026-09-30", -4}, // 10-08, 10-09, 10-10 (make-up) and today 10-12 missed
	}
	for _, tt := range tests {
		if got := c.BusinessDaysLeft(mustDate(t, tt.today), mustDate(t, tt.due)); got != tt.want {
			t.Errorf("BusinessDaysLeft(%s, %s) = %d, want %d", tt.today, tt.due, got, tt.want)
		}
	}
}

func TestExtremesSaturate(t *testing.T) {
	c := Default()
	const maxInt = int(^uint(0) >> 1)
	far := []struct {
		d Date
		n int
	}{{0, maxInt}, {0, -maxInt - 1}, {1<<31 - 1, 1}, {-1 << 31, -1}, {Newest, 1 << 30}}
	for _, f := range far {
		got := c.AddBusinessDays(f.d, f.n)
		if f.n > 0 && got < f.d || f.n < 0 && got > f.d {
			t.Errorf("AddBusinessDays(%d, %d) = %d went the wrong way", f.d, f.n, got)
		}
	}
	if got := c.BusinessDaysBetween(-1<<31, 1<<31-1); got <= 0 {
		t.Errorf("BusinessDaysBetween over the whole range = %d", got)
	}
}

func TestDayAndNames(t *testing.T) {
	c := Default()
	tests := []struct {
		date     string
		kind     Kind
		name, en string
		covered  bool
	}{
		{"2026-10-03", Holiday, "国庆节", "National Day", true},
		{"2026-10-10", MakeupWorkday, "国庆节", "National Day", true},
		{"2026-10-08", Workday, "", "", true},
		{"2026-10-17", Weekend, "", "", true},
		{"2025-10-06", Holiday, "国庆节、中秋节", "National Day and Mid-Autumn Festival", true},
		{"2015-09-03", Holiday, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日", EnglishName("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"), true},
		{"2006-12-30", MakeupWorkday, "元旦", "New Year's Day", false},
		{"2031-10-01", Workday, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := c.Day(mustDate(t, tt.date))
			if d.Kind != tt.kind || d.Name != tt.name || d.Covered != tt.covered || EnglishName(d.Name) != tt.en {
				t.Errorf("Day = %+v (en %q), want %v %q %q covered=%v", d, EnglishName(d.Name), tt.kind, tt.name, tt.en, tt.covered)
			}
			name, ok := c.HolidayName(d.Date)
			if name != tt.name || ok != (tt.name != "") {
				t.Errorf("HolidayName = %q, %v", name, ok)
			}
		})
	}
	if EnglishName("春节调休") != "" || EnglishName("") != "" {
		t.Error("EnglishName translated an unknown name")
	}
	for k, want := range map[Kind]string{Workday: "workday", Weekend: "weekend", Holiday: "holiday", MakeupWorkday: "makeup_workday", 9: "Kind(9)"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q", k, k.String())
		}
	}
	if first, last := c.Years(); first != 2007 || last != 2026 {
		t.Errorf("Years() = %d, %d", first, last)
	}
	if c.OnOrAfter(mustDate(t, "2026-10-01")).String() != "2026-10-08" || c.OnOrAfter(mustDate(t, "2026-10-08")).String() != "2026-10-08" {
		t.Error("OnOrAfter")
	}
}

func TestExampleOverrideFile(t *testing.T) {
	c, err := Load("testdata/holidays-2027.example")
	if err != nil {
		t.Fatal(err)
	}
	if first, last := c.Years(); first != 2007 || last != 2027 {
		t.Errorf("Years() = %d, %d; want 2007, 2027", first, last)
	}
	if !c.Covers(mustDate(t, "2027-06-09")) || Default().Covers(mustDate(t, "2027-06-09")) {
		t.Error("2027 should be covered with the file and only with it")
	}
	checks := []struct {
		date string
		kind Kind
	}{
		{"2027-02-05", Holiday},
		{"2027-02-20", MakeupWorkday},
		{"2027-06-09", Holiday},
		{"2027-06-10", Workday},
		{"2026-12-31", Holiday}, // the amend block
		{"2026-10-10", MakeupWorkday},
	}
	for _, ch := range checks {
		if got := c.Day(mustDate(t, ch.date)).Kind; got != ch.kind {
			t.Errorf("%s: %v, want %v", ch.date, got, ch.kind)
		}
	}
	if got := c.AddBusinessDays(mustDate(t, "2026-12-30"), 1).String(); got != "2027-01-04" {
		t.Errorf("2026-12-30 + 1 = %s, want 2027-01-04 (12-31 amended off, 01-01…03 off)", got)
	}
	// The base is untouched.
	if Default().Day(mustDate(t, "2026-12-31")).Kind != Workday {
		t.Error("WithOverrides modified the default calendar")
	}
}

func TestLoadErrors(t *testing.T) {
	if c, err := Load(""); err != nil || c != Default() {
		t.Fatalf("Load(\"\") = %p, %v", c, err)
	}
	_, err := Load("testdata/does-not-exist.txt")
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.txt") {
		t.Errorf("Load of a missing file: %v", err)
	}
	path := t.TempDir() + "/bad.txt"
	if err := os.WriteFile(path, []byte("year 2027\n2027-02-30 off 春节\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "2027-02-30") {
		t.Errorf("Load of a bad file: %v", err)
	}
}

func TestOverrideReplacesYear(t *testing.T) {
	// A `year 2008` block replaces everything the 2008 notice said (including
	// 2007-12-29…31) but not what the 2007 notice said about 2007.
	c, err := WithOverrides(Default(), strings.NewReader("year 2008\n2008-02-06 off 春节\n"))
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]Kind{
		"2007-12-29": Weekend, // was a make-up Saturday of the 2008 notice
		"2007-12-31": Workday, // was 元旦 of the 2008 notice
		"2008-02-06": Holiday, // the new list
		"2008-02-07": Workday, // no longer listed
		"2007-10-01": Holiday, // the 2007 notice is untouched
		"2009-01-04": MakeupWorkday,
	} {
		if got := c.Day(mustDate(t, s)).Kind; got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
	for _, src := range []string{"year 2008\n", "amend 2010\n2010-10-08 off 国庆节\n"} {
		c, err := WithOverrides(nil, strings.NewReader(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if got := fmt.Sprint(c.CoveredYears()); !strings.HasPrefix(got, "[2007 ") {
			t.Errorf("WithOverrides(nil, …) should start from Default(); years %s", got)
		}
	}
}
