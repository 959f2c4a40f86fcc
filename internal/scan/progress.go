package scan

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws a one-line progress bar (sites done, findings so far,
// rate) on a terminal, at most ten times a second. The caller decides
// whether its output is a terminal: on a pipe there is no Progress at all.
type Progress struct {
	w     io.Writer
	total int // 0 when unknown (a registry sweep streams its sites)
	start time.Time
	last  time.Time
	width int
}

// NewProgress draws on w; total is the number of sites, 0 if unknown.
func NewProgress(w io.Writer, total int, start time.Time) *Progress {
	return &Progress{w: w, total: total, start: start, width: 30}
}

// Update redraws the line if 100 ms have passed since the last time.
func (p *Progress) Update(s *Summary, now time.Time) {
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw(s, now)
}

// Done draws the final state and ends the line.
func (p *Progress) Done(s *Summary, now time.Time) {
	p.draw(s, now)
	fmt.Fprint(p.w, "\n")
}

func (p *Progress) draw(s *Summary, now time.Time) {
	rate := 0.0
	if el := now.Sub(p.start).Seconds(); el > 0 {
		rate = float64(s.Sites) / el
	}
	bar := ""
	if p.total > 0 {
		filled := min(p.width, s.Sites*p.width/p.total)
		bar = "[" + strings.Repeat("#", filled) + strings.Repeat(".", p.width-filled) + "] "
		fmt.Fprintf(p.w, "\r%s%d/%d sites, %d with findings, %.0f sites/s\x1b[K", bar, s.Sites, p.total, s.Sites-s.Compliant, rate)
		return
	}
	fmt.Fprintf(p.w, "\r%d sites, %d with findings, %.0f sites/s\x1b[K", s.Sites, s.Sites-s.Compliant, rate)
}
