package calendar

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holidayCNDir is the reference data set NateScarlet/holiday-cn (see its SOURCE.txt).
const holidayCNDir = "../../../shared/testdata/holiday-cn"

type refDay struct {
	off  bool
	name string
}

// loadHolidayCN reads every YYYY.json of holiday-cn into date -> listed day and
// returns the years whose file lists at least one day.
func loadHolidayCN(t *testing.T) (map[Date]refDay, []int) {
	t.Helper()
	if _, err := os.Stat(holidayCNDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data missing: %v", err)
		}
		t.Skipf("reference data %s missing (clone shared/ beside the repo): %v", holidayCNDir, err)
	}
	files, err := filepath.Glob(filepath.Join(holidayCNDir, "[0-9][0-9][0-9][0-9].json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no YYYY.json in %s: %v", holidayCNDir, err)
	}
	ref := map[Date]refDay{}
	var years []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Year int `json:"year"`
			Days []struct {
				Name     string `json:"name"`
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(doc.Days) > 0 {
			years = append(years, doc.Year)
		}
		for _, d := range doc.Days {
			date, err := ParseDate(d.Date)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if prev, dup := ref[date]; dup && prev.off != d.IsOffDay {
				t.Fatalf("%s: %s listed twice with different isOffDay", f, d.Date)
			}
			ref[date] = refDay{off: d.IsOffDay, name: d.Name}
		}
	}
	return ref, years
}

// canonicalName maps holiday-cn's spellings ("“五一”", "“十一”", the 2015
// anniversary without 中国人民) onto the names the table uses.
func canonicalName(s string) string {
	s = strings.NewReplacer("“", "", "”", "", `"`, "").Replace(s)
	switch s {
	case "五一", "五一国际劳动节":
		return "劳动节"
	case "十一":
		return "国庆节"
	case "抗日战争暨世界反法西斯战争胜利70周年纪念日":
		return "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"
	}
	return s
}

// TestAgreesWithHolidayCN checks every day 2007-01-01…2026-12-31 of the
// embedded table against holiday-cn with its documented rule: a listed day is
// a business day iff !isOffDay, any other day iff Monday–Friday. It also checks
// the kind and name of every listed day, and that nothing else is listed.
func TestAgreesWithHolidayCN(t *testing.T) {
	ref, refYears := loadHolidayCN(t)
	c := Default()

	first, last := NewDate(2007, 1, 1), NewDate(2026, 12, 31)
	checked, mismatches := 0, 0
	for d := first; d <= last; d++ {
		r, listed := ref[d]
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		want := !weekend
		if listed {
			want = !r.off
		}
		if got := c.IsWorkday(d); got != want {
			mismatches++
			t.Errorf("%s (%s): IsWorkday = %v, holiday-cn says %v (listed %v %+v)", d, d.Weekday(), got, want, listed, r)
		}
		day := c.Day(d)
		if day.IsWorkday() != c.IsWorkday(d) {
			t.Errorf("%s: Day().IsWorkday() disagrees with IsWorkday()", d)
		}
		if !day.Covered {
			t.Errorf("%s: not covered", d)
		}
		switch {
		case listed && r.off:
			if day.Kind != Holiday || day.Name != canonicalName(r.name) {
				t.Errorf("%s: got %v %q, holiday-cn lists a rest day of %q", d, day.Kind, day.Name, r.name)
			}
		case listed && weekend:
			if day.Kind != MakeupWorkday || day.Name != canonicalName(r.name) {
				t.Errorf("%s: got %v %q, holiday-cn lists a make-up workday for %q", d, day.Kind, day.Name, r.name)
			}
		default:
			// Unlisted, or listed as work on a weekday (2020-02-03): an ordinary day.
			if day.Name != "" || (day.Kind != Workday && day.Kind != Weekend) {
				t.Errorf("%s: got %v %q, holiday-cn lists nothing special", d, day.Kind, day.Name)
			}
		}
		checked++
	}
	if want := int(last-first) + 1; checked != want || checked != 7305 {
		t.Fatalf("checked %d days, want %d (7305)", checked, want)
	}
	if mismatches > 0 {
		t.Fatalf("%d business-day mismatches", mismatches)
	}

	// Days the notices list outside 2007–2026 (2006-12-30/31) agree too.
	for d, r := range ref {
		if d >= first && d <= last {
			continue
		}
		if got := c.IsWorkday(d); got == r.off {
			t.Errorf("%s (outside 2007–2026): IsWorkday = %v, holiday-cn isOffDay = %v", d, got, r.off)
		}
	}

	// The table covers exactly the years holiday-cn has notices for (its 2027 is
	// an empty placeholder: no notice yet).
	if fmt.Sprint(c.CoveredYears()) != fmt.Sprint(refYears) {
		t.Errorf("covered years %v, holiday-cn has notices for %v", c.CoveredYears(), refYears)
	}
	if c.Covers(NewDate(2027, 1, 1)) || c.Covers(NewDate(2006, 12, 31)) {
		t.Error("2006 or 2027 reported covered")
	}
}

// TestHolidayCNNoticeParsingCases checks the table against holiday-cn's
// sentence-level cases (State Council notice sentences and the dates they mean).
func TestHolidayCNNoticeParsingCases(t *testing.T) {
	loadHolidayCN(t) // skip/fatal rules
	b, err := os.ReadFile(filepath.Join(holidayCNDir, "description_parsing_cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Year        int    `json:"year"`
		Description string `json:"description"`
		Expected    []struct {
			Date     string `json:"date"`
			IsOffDay bool   `json:"isOffDay"`
		} `json:"expected"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	c := Default()
	n := 0
	for _, tc := range cases {
		if tc.Year < 2007 || tc.Year > 2026 {
			continue
		}
		for _, e := range tc.Expected {
			d, err := ParseDate(e.Date)
			if err != nil {
				t.Fatalf("%q: %v", tc.Description, err)
			}
			if c.IsWorkday(d) == e.IsOffDay {
				t.Errorf("%d %q: %s IsWorkday = %v, want %v", tc.Year, tc.Description, d, c.IsWorkday(d), !e.IsOffDay)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no cases in 2007–2026")
	}
}
