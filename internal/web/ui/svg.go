package ui

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"
	"unicode"

	"github.com/beian/beian/internal/calendar"
)

// tlEvent is one dated point of a timeline: a step done, a step expected or
// a deadline.
type tlEvent struct {
	Date     calendar.Date
	Label    string
	Deadline bool // a limit set by a rule (drawn as a diamond)
	Done     bool // already happened (filled)
	Alert    bool // a deadline that has passed without the step (red)
}

// textWidth estimates the width of s in ems: CJK and full-width characters
// are 1 em, others about 0.56 em. Good enough to wrap labels in SVG, which
// does not wrap by itself.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 || unicode.Is(unicode.Han, r) {
			w += 1
		} else {
			w += 0.56
		}
	}
	return w
}

// wrap splits s into lines of at most maxEm ems, breaking at spaces when it
// can and anywhere between CJK characters, with at most maxLines lines (the
// last one ends in "…" when cut).
func wrap(s string, maxEm float64, maxLines int) []string {
	var lines []string
	var cur []rune
	width := 0.0
	flush := func() {
		lines = append(lines, strings.TrimSpace(string(cur)))
		cur, width = nil, 0
	}
	for _, r := range s {
		rw := textWidth(string(r))
		if width+rw > maxEm && len(cur) > 0 {
			if i := lastSpace(cur); i > 0 && r < 0x2E80 && unicode.IsLetter(r) {
				rest := slices.Clone(cur[i+1:])
				cur = cur[:i]
				flush()
				cur = rest
				width = textWidth(string(rest))
			} else {
				flush()
			}
		}
		if len(cur) == 0 && r == ' ' {
			continue
		}
		cur = append(cur, r)
		width += rw
	}
	if len(cur) > 0 {
		flush()
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		if len(last) > 1 {
			last = last[:len(last)-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	return lines
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == ' ' {
			return i
		}
	}
	return -1
}

// timelineSVG draws events as a vertical timeline: one row per event in date
// order, the gap between rows growing with the days between them, the
// date on the left, a marker on the axis (circle for a step, diamond for a
// deadline; filled when done, red when missed) and the wrapped label on the
// right, plus a "today" mark. Every text is escaped.
func timelineSVG(events []tlEvent, today calendar.Date, l Lang) template.HTML {
	if len(events) == 0 {
		return ""
	}
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b tlEvent) int { return int(a.Date) - int(b.Date) })
	const width, axisX, labelX, fs = 360.0, 92.0, 106.0, 12.0
	type row struct {
		y     float64
		lines []string
		ev    tlEvent
	}
	var rows []row
	y := 24.0
	for i, e := range evs {
		if i > 0 {
			gap := float64(e.Date - evs[i-1].Date)
			prev := rows[i-1]
			y = prev.y + float64(len(prev.lines))*fs*1.3 + 10 + min(gap, 60)*0.6
		}
		rows = append(rows, row{y: y, lines: wrap(e.Label, (width-labelX-6)/fs, 3), ev: e})
	}
	last := rows[len(rows)-1]
	height := last.y + float64(len(last.lines))*fs*1.3 + 12
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline-svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		width, height, html.EscapeString(l.T("timeline.label")))
	fmt.Fprintf(&b, `<line x1="%.0f" y1="12" x2="%.0f" y2="%.0f" stroke="#9aa5b1" stroke-width="2"/>`, axisX, axisX, height-6)
	todayDrawn := false
	for i, rw := range rows {
		if !todayDrawn && today < rw.ev.Date {
			ty := rw.y - 14
			if i > 0 {
				ty = (rows[i-1].y + float64(len(rows[i-1].lines)-1)*fs*1.3 + rw.y) / 2
			}
			drawToday(&b, ty, axisX, width, l)
			todayDrawn = true
		}
		color := "#1f6feb"
		if rw.ev.Deadline {
			color = "#b26b00"
		}
		if rw.ev.Alert {
			color = "#c62828"
		}
		fill := "#ffffff"
		if rw.ev.Done || rw.ev.Alert {
			fill = color
		}
		fmt.Fprintf(&b, `<text x="8" y="%.1f" font-size="%.0f" fill="#3d4752">%s</text>`, rw.y+4, fs, rw.ev.Date.String())
		if rw.ev.Deadline {
			fmt.Fprintf(&b, `<path d="M%.1f %.1fl7 7l-7 7l-7 -7z" fill="%s" stroke="%s" stroke-width="2"/>`, axisX, rw.y-7, fill, color)
		} else {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="6" fill="%s" stroke="%s" stroke-width="2"/>`, axisX, rw.y, fill, color)
		}
		for j, line := range rw.lines {
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" font-size="%.0f" fill="#1b2733">%s</text>`, labelX, rw.y+4+float64(j)*fs*1.3, fs, html.EscapeString(line))
		}
	}
	if !todayDrawn {
		drawToday(&b, height-4, axisX, width, l)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func drawToday(b *strings.Builder, y, axisX, width float64, l Lang) {
	fmt.Fprintf(b, `<line x1="4" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#c62828" stroke-dasharray="4 3"/>`, y, width-4, y)
	fmt.Fprintf(b, `<text x="%.0f" y="%.1f" font-size="10" fill="#c62828" text-anchor="end">%s</text>`, width-6, y-3, html.EscapeString(l.T("timeline.today")))
}

// bar is one column of a chart: a label and two stacked values, the second
// drawn in red (SLA breaches).
type bar struct {
	Label string
	Value int
	Alert int
}

// barChart draws a column chart with a baseline, a y-axis maximum and one
// label every few columns so they do not collide at 375 px.
func barChart(title string, bars []bar, legend, alertLegend string) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	const width, height, left, bottom, top = 360.0, 180.0, 28.0, 30.0, 26.0
	maxV := 1
	for _, b := range bars {
		maxV = max(maxV, b.Value+b.Alert)
	}
	plotH := height - bottom - top
	step := (width - left - 8) / float64(len(bars))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart-svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, width, height, html.EscapeString(title))
	fmt.Fprintf(&sb, `<text x="%.0f" y="14" font-size="12" fill="#1b2733">%s</text>`, left, html.EscapeString(title))
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#9aa5b1"/>`, left, height-bottom, width-4, height-bottom)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="10" fill="#3d4752" text-anchor="end">%d</text>`, left-4, top+8, maxV)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="10" fill="#3d4752" text-anchor="end">0</text>`, left-4, height-bottom)
	every := max(1, len(bars)/7)
	for i, b := range bars {
		x := left + float64(i)*step + step*0.15
		bw := step * 0.7
		h := plotH * float64(b.Value) / float64(maxV)
		ha := plotH * float64(b.Alert) / float64(maxV)
		base := height - bottom
		if b.Value > 0 {
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1f6feb"><title>%s: %d</title></rect>`, x, base-h, bw, h, html.EscapeString(b.Label), b.Value)
		}
		if b.Alert > 0 {
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c62828"><title>%s: %d</title></rect>`, x, base-h-ha, bw, ha, html.EscapeString(b.Label), b.Alert)
		}
		if i%every == 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" font-size="9" fill="#3d4752" text-anchor="middle">%s</text>`, x+bw/2, height-bottom+12, html.EscapeString(b.Label))
		}
	}
	ly := height - 6
	fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="10" height="10" fill="#1f6feb"/><text x="%.0f" y="%.0f" font-size="10" fill="#1b2733">%s</text>`, left, ly-9, left+14, ly, html.EscapeString(legend))
	fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="10" height="10" fill="#c62828"/><text x="%.0f" y="%.0f" font-size="10" fill="#1b2733">%s</text>`, left+160, ly-9, left+174, ly, html.EscapeString(alertLegend))
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
