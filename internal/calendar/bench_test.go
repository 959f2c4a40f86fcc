package calendar

import (
	"strings"
	"testing"
)

var sinkDate Date
var sinkInt int

func BenchmarkAddBusinessDays(b *testing.B) {
	c := Default()
	for _, n := range []int{1, 20, 250, -5, 2000} {
		b.Run("n="+itoa(n), func(b *testing.B) {
			d := NewDate(2026, 9, 30)
			for i := 0; b.Loop(); i++ {
				sinkDate = c.AddBusinessDays(d+Date(i&1023), n)
			}
		})
	}
	b.Run("outside_table", func(b *testing.B) {
		d := NewDate(2031, 1, 1)
		for i := 0; b.Loop(); i++ {
			sinkDate = c.AddBusinessDays(d+Date(i&1023), 20)
		}
	})
}

func BenchmarkBusinessDaysBetween(b *testing.B) {
	c := Default()
	a := NewDate(2020, 1, 1)
	for i := 0; b.Loop(); i++ {
		sinkInt = c.BusinessDaysBetween(a+Date(i&1023), a+Date(i&1023)+400)
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	c := Default()
	a := NewDate(2020, 1, 1)
	for i := 0; b.Loop(); i++ {
		if c.IsWorkday(a + Date(i&4095)) {
			sinkInt++
		}
	}
}

func BenchmarkParseDate(b *testing.B) {
	for b.Loop() {
		sinkDate, _ = ParseDate("2026-10-08")
	}
}

func BenchmarkBuildDefaultTable(b *testing.B) {
	for b.Loop() {
		if _, err := build(nil, strings.NewReader(embeddedTable)); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
