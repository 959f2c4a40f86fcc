package calendar

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-02", "0001-01-01", "9999-12-31", "2024-02-29", "2026-02-29", "2026-13-01", "", "2026-1-1", "２０２６-01-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrDate) || !strings.Contains(err.Error(), "date ") {
				t.Fatalf("error %q does not wrap ErrDate or name the input", err)
			}
			return
		}
		if d < Oldest || d > Newest {
			t.Fatalf("ParseDate(%q) = %d out of range", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		y, m, dd := d.Civil()
		if NewDate(y, m, dd) != d || DateOf(d.Time()) != d {
			t.Fatalf("%q does not round-trip", s)
		}
	})
}

func FuzzWithOverrides(f *testing.F) {
	example, err := os.ReadFile("testdata/holidays-2027.example")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	f.Add(embeddedTable[:2000])
	f.Add("year 2027\n2027-01-01..2027-01-03 off 元旦\n2027-02-06 work 春节\n")
	f.Add("amend 2026\n2026-10-08 off 国庆节\n")
	f.Add("year 2008\n")
	f.Add("\uFEFFyear 2027\r\n2027-01-01\toff\t元旦 # x\r\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := WithOverrides(Default(), strings.NewReader(src))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		// Whatever the file said, the arithmetic stays consistent.
		for _, d := range []Date{NewDate(2026, 12, 30), NewDate(2027, 2, 6), NewDate(2008, 1, 1), NewDate(1949, 1, 1), NewDate(2199, 12, 31)} {
			if c.Day(d).IsWorkday() != c.IsWorkday(d) {
				t.Fatalf("%s: Day and IsWorkday disagree", d)
			}
			for _, n := range []int{1, 5, -1, -5} {
				got := c.AddBusinessDays(d, n)
				if got != naiveAdd(c, d, n) || !c.IsWorkday(got) {
					t.Fatalf("AddBusinessDays(%s, %d) = %s disagrees with stepping", d, n, got)
				}
			}
			if c.BusinessDaysBetween(d, d+40) != naiveBetween(c, d, d+40) {
				t.Fatalf("BusinessDaysBetween(%s, +40) disagrees with counting", d)
			}
		}
		first, last := c.Years()
		if first > 2007 || last < 2026 || first < MinYear || last > MaxYear {
			t.Fatalf("Years() = %d, %d", first, last)
		}
	})
}

// FuzzArithmetic checks AddBusinessDays and BusinessDaysBetween against each
// other for any date and step on the default calendar.
func FuzzArithmetic(f *testing.F) {
	f.Add(int32(20455), 20)
	f.Add(int32(13514), -250)
	f.Add(int32(-1<<31), -7)
	f.Add(int32(1<<31-1), 3)
	f.Fuzz(func(t *testing.T, day int32, n int) {
		c := Default()
		d := Date(day)
		got := c.AddBusinessDays(d, n)
		if n == 0 {
			if got != d {
				t.Fatalf("AddBusinessDays(%d, 0) = %d", d, got)
			}
			return
		}
		if got == 1<<31-1 || got == -1<<31 {
			return // saturated
		}
		if !c.IsWorkday(got) {
			t.Fatalf("AddBusinessDays(%d, %d) = %d is not a business day", d, n, got)
		}
		if n > 0 && (got <= d || c.BusinessDaysBetween(d+1, got) != n) ||
			n < 0 && (got >= d || c.BusinessDaysBetween(got, d-1) != -n) {
			t.Fatalf("AddBusinessDays(%d, %d) = %d disagrees with BusinessDaysBetween", d, n, got)
		}
	})
}
