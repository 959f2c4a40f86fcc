package calendar

import (
	"errors"
	"strings"
	"testing"
)

func TestOverrideFileErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int    // 0: an error without a line
		want string // substring of the error
	}{
		{"day before header", "# c\n2027-01-01 off 元旦\n", 2, "before any \"year YYYY\""},
		{"bad year", "year 27\n", 1, "four-digit year"},
		{"year letters", "year 20x7\n", 1, "four-digit year"},
		{"year too late", "year 2200\n", 1, "outside 1949–2199"},
		{"year too early", "year 1948\n", 1, "outside 1949–2199"},
		{"year twice", "year 2027\n\nyear 2027\n", 3, "already started on line 1"},
		{"year missing", "year\n", 1, "four-digit year"},
		{"bad date", "year 2027\n2027-02-30 off 春节\n", 2, "\"2027-02-30\""},
		{"bad range end", "year 2027\n2027-02-01..2027-02-3 off 春节\n", 2, "\"2027-02-3\""},
		{"range backwards", "year 2027\n2027-02-10..2027-02-01 off 春节\n", 2, "ends before it starts"},
		{"range too long", "year 2027\n2027-01-01..2027-03-01 off 春节\n", 2, "longer than 31 days"},
		{"too far", "year 2027\n2025-12-31 off 元旦\n", 2, "too far from year 2027"},
		{"too far after", "year 2027\n2029-01-01 off 元旦\n", 2, "too far from year 2027"},
		{"no kind", "year 2027\n2027-01-01\n", 2, "want \"off NAME\" or \"work NAME\""},
		{"bad kind", "year 2027\n2027-01-01 holiday 元旦\n", 2, "\"holiday\": want \"off\" or \"work\""},
		{"no name", "year 2027\n2027-01-01 off\n", 2, "missing holiday name"},
		{"no name, comment", "year 2027\n2027-01-01 off # 元旦\n", 2, "missing holiday name"},
		{"long name", "year 2027\n2027-01-01 off " + strings.Repeat("节", 50) + "\n", 2, "longer than 120 bytes"},
		{"control char", "year 2027\n2027-01-01 off 元\x01旦\n", 2, "control or invalid"},
		{"bad utf8", "year 2027\n2027-01-01 off \xff\xfe\n", 2, "not valid UTF-8"},
		{"duplicate day", "year 2027\n2027-01-01..2027-01-03 off 元旦\n2027-01-02 work 元旦\n", 3, "2027-01-02 is already listed on line 2"},
		{"amend uncovered", "amend 2030\n2030-01-01 off 元旦\n", 1, "no year 2030 to amend"},
		{"long line", "year 2027\n# " + strings.Repeat("x", 5000) + "\n", 2, "longer than 4096 bytes"},
		{"huge file", strings.Repeat("# padding padding padding padding\n", 40000), 0, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := WithOverrides(Default(), strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("accepted; years %v", c.CoveredYears())
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			var le *LineError
			switch {
			case tt.line == 0 && errors.As(err, &le):
				t.Errorf("error %q carries a line", err)
			case tt.line != 0 && (!errors.As(err, &le) || le.Line != tt.line):
				t.Errorf("error %q: want line %d", err, tt.line)
			}
		})
	}
}

func TestOverrideFileAccepts(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check map[string]Kind
	}{
		{"empty", "", nil},
		{"comments only", "# nothing\n\n   # more\n", nil},
		{"BOM, CRLF, tabs, ideographic space", "\uFEFFyear 2027\r\n2027-01-01\toff\t元旦\r\n2027-02-06　work　春节\r\n", map[string]Kind{"2027-01-01": Holiday, "2027-02-06": MakeupWorkday}},
		{"no final newline", "year 2027\n2027-10-01..2027-10-07 off 国庆节", map[string]Kind{"2027-10-07": Holiday, "2027-10-08": Workday}},
		{"name with spaces and comment", "year 2027\n2027-01-01 off New Year's Day # 元旦\n", map[string]Kind{"2027-01-01": Holiday}},
		{"work on a weekday cancels", "amend 2026\n2026-10-05 work 国庆节\n", map[string]Kind{"2026-10-05": Workday, "2026-10-06": Holiday}},
		{"off on a weekend", "year 2027\n2027-01-02 off 元旦\n", map[string]Kind{"2027-01-02": Holiday}},
		{"later block wins", "year 2027\n2027-02-06 work 春节\namend 2027\n2027-02-06 off 春节\n", map[string]Kind{"2027-02-06": Holiday}},
		{"neighbour years", "year 2027\n2026-12-31 off 元旦\n2028-01-01 off 元旦\n", map[string]Kind{"2026-12-31": Holiday, "2028-01-01": Holiday}},
		{"bounds", "year 1949\nyear 2199\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := WithOverrides(Default(), strings.NewReader(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for s, want := range tt.check {
				if got := c.Day(mustDate(t, s)).Kind; got != want {
					t.Errorf("%s: %v, want %v", s, got, want)
				}
			}
		})
	}
	c, err := WithOverrides(Default(), strings.NewReader("year 2027\n2027-01-01 off New Year's Day # 元旦\n"))
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := c.HolidayName(mustDate(t, "2027-01-01")); name != "New Year's Day" {
		t.Errorf("name %q: want the text up to the comment, trimmed", name)
	}
}

// TestEmbeddedTableIsTheBase checks that the embedded file parses as an
// override file on an empty calendar and yields exactly Default().
func TestEmbeddedTableIsTheBase(t *testing.T) {
	c, err := build(nil, strings.NewReader(embeddedTable))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if len(c.entries) != len(d.entries) || len(c.entries) < 500 {
		t.Fatalf("%d entries, Default has %d", len(c.entries), len(d.entries))
	}
	for day := NewDate(2006, 1, 1); day <= NewDate(2027, 12, 31); day++ {
		if c.Day(day) != d.Day(day) {
			t.Fatalf("%s: %+v vs %+v", day, c.Day(day), d.Day(day))
		}
	}
}
