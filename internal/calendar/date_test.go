package calendar

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string // substring of the error; "" for success
	}{
		{"1970-01-01", 0, ""},
		{"1970-01-02", 1, ""},
		{"1969-12-31", -1, ""},
		{"2026-01-02", 20455, ""},
		{"2024-02-29", 19782, ""},
		{"2000-02-29", 11016, ""},
		{"0001-01-01", Oldest, ""},
		{"9999-12-31", Newest, ""},
		{"2026-02-29", 0, "February 2026 has 28 days"},
		{"1900-02-29", 0, "February 1900 has 28 days"},
		{"2026-13-01", 0, "month 13 out of range"},
		{"2026-00-10", 0, "month 00 out of range"},
		{"2026-04-31", 0, "April 2026 has 30 days"},
		{"2026-01-00", 0, "has 31 days"},
		{"0000-01-01", 0, "year 0000"},
		{"2026-1-02", 0, "want YYYY-MM-DD"},
		{"2026/01/02", 0, "want YYYY-MM-DD"},
		{" 2026-01-02", 0, "want YYYY-MM-DD"},
		{"2026-01-02 ", 0, "want YYYY-MM-DD"},
		{"２０２６-01-02", 0, "want YYYY-MM-DD"},
		{"2026-0a-02", 0, "ASCII digits"},
		{"+026-01-02", 0, "ASCII digits"},
		{"", 0, "want YYYY-MM-DD"},
		{"20260102", 0, "want YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "\""+tt.in+"\"") {
					t.Errorf("error %q: want it to contain %q and name the input", err, tt.wantErr)
				}
				if !errors.Is(err, ErrDate) {
					t.Errorf("error %q does not wrap ErrDate", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

// TestDateAgainstTime checks the civil arithmetic against the time package for
// every day of 1600–2400 plus the extremes of the four-digit range.
func TestDateAgainstTime(t *testing.T) {
	check := func(d Date) {
		tm := time.Unix(int64(d)*86400, 0).UTC()
		y, m, dd := d.Civil()
		if y != tm.Year() || m != tm.Month() || dd != tm.Day() {
			t.Fatalf("%d: Civil() = %d-%d-%d, time says %s", d, y, m, dd, tm.Format(time.DateOnly))
		}
		if d.Year() != tm.Year() || d.Weekday() != tm.Weekday() {
			t.Fatalf("%d: Year/Weekday = %d %v, time says %d %v", d, d.Year(), d.Weekday(), tm.Year(), tm.Weekday())
		}
		if got := NewDate(tm.Year(), tm.Month(), tm.Day()); got != d {
			t.Fatalf("NewDate(%s) = %d, want %d", tm.Format(time.DateOnly), got, d)
		}
		if s := d.String(); s != tm.Format(time.DateOnly) {
			t.Fatalf("%d: String() = %q, want %q", d, s, tm.Format(time.DateOnly))
		}
	}
	for d := NewDate(1600, 1, 1); d <= NewDate(2400, 12, 31); d++ {
		check(d)
	}
	for d := Oldest; d < Oldest+800; d++ {
		check(d)
	}
	for d := Newest - 800; d <= Newest; d++ {
		check(d)
	}
}

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2026, time.February, 30, "2026-03-02"},
		{2026, 13, 1, "2027-01-01"},
		{2026, 0, 1, "2025-12-01"},
		{2026, -11, 1, "2025-01-01"},
		{2026, -12, 1, "2024-12-01"},
		{2026, time.January, 0, "2025-12-31"},
		{2026, time.January, 366, "2027-01-01"},
		{2024, time.March, -1, "2024-02-28"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := NewDate(tt.y, tt.m, tt.d)
			want := time.Date(tt.y, tt.m, tt.d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			if got.String() != tt.want || want != tt.want {
				t.Errorf("NewDate(%d, %d, %d) = %s, want %s (time.Date: %s)", tt.y, tt.m, tt.d, got, tt.want, want)
			}
		})
	}
	// Absurd input saturates instead of overflowing.
	if got := NewDate(math.MaxInt, 1, 1); got != math.MaxInt32 {
		t.Errorf("NewDate(MaxInt) = %d, want saturation at MaxInt32", got)
	}
	if got := NewDate(math.MinInt, 1, 1); got != math.MinInt32 {
		t.Errorf("NewDate(MinInt) = %d, want saturation at MinInt32", got)
	}
	if got := NewDate(2026, 1, math.MaxInt); got != math.MaxInt32 {
		t.Errorf("NewDate(2026, 1, MaxInt) = %d, want saturation", got)
	}
}

func TestDateOfAndTime(t *testing.T) {
	tests := []struct {
		instant string // RFC 3339
		want    string
	}{
		{"2026-01-01T15:59:59Z", "2026-01-01"},
		{"2026-01-01T16:00:00Z", "2026-01-02"}, // midnight in Beijing
		{"2026-01-02T00:00:00+08:00", "2026-01-02"},
		{"2026-01-01T23:59:59-10:00", "2026-01-02"},
		{"1969-12-31T16:00:00Z", "1970-01-01"},
		{"1969-12-31T15:59:59Z", "1969-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.instant, func(t *testing.T) {
			ts, err := time.Parse(time.RFC3339, tt.instant)
			if err != nil {
				t.Fatal(err)
			}
			d := DateOf(ts)
			if d.String() != tt.want {
				t.Fatalf("DateOf(%s) = %s, want %s", tt.instant, d, tt.want)
			}
			mid := d.Time()
			if _, off := mid.Zone(); off != 8*3600 || mid.Hour() != 0 || mid.Format(time.DateOnly) != tt.want {
				t.Errorf("Time() = %s, want midnight %s at +08:00", mid, tt.want)
			}
			if DateOf(mid) != d || DateOf(mid.Add(-time.Nanosecond)) != d-1 {
				t.Errorf("Time() is not the first instant of %s", d)
			}
		})
	}
}

func TestDateText(t *testing.T) {
	d := NewDate(2026, 10, 8)
	b, err := d.MarshalText()
	if err != nil || string(b) != "2026-10-08" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	var back Date
	if err := back.UnmarshalText(b); err != nil || back != d {
		t.Fatalf("UnmarshalText = %v, %v", back, err)
	}
	if err := back.UnmarshalText([]byte("2026-10-32")); err == nil {
		t.Fatal("UnmarshalText accepted 2026-10-32")
	}
	if got := NewDate(10000, 1, 1).String(); got != "10000-01-01" {
		t.Errorf("five-digit year prints %q", got)
	}
	if got := d.AddDays(-8).String(); got != "2026-09-30" {
		t.Errorf("AddDays(-8) = %s", got)
	}
}
