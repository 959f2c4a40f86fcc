package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Writer prints reports in one of the output formats.
type Writer interface {
	Write(Report) error
}

// NewJSONLWriter prints one JSON object per site, as `beian scan --format
// jsonl` promises: {"url","final_url","status","numbers","findings"}.
func NewJSONLWriter(w io.Writer) Writer {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // hrefs keep their '&' as typed
	return jsonlWriter{enc: enc}
}

type jsonlWriter struct{ enc *json.Encoder }

func (j jsonlWriter) Write(r Report) error {
	if err := j.enc.Encode(r); err != nil {
		return fmt.Errorf("writing the report of %s: %w", r.URL, err)
	}
	return nil
}

// NewTextWriter prints a line per finding (or "ok") for people reading a terminal.
func NewTextWriter(w io.Writer) Writer { return textWriter{w: w} }

type textWriter struct{ w io.Writer }

func (t textWriter) Write(r Report) error {
	var b strings.Builder
	status := "-"
	if r.Status != nil {
		status = fmt.Sprint(*r.Status)
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(&b, "%-16s %s (HTTP %s)\n", KindOK, r.URL, status)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%-16s %s: %s", f.Kind, r.URL, f.Detail)
		if f.Evidence != "" {
			fmt.Fprintf(&b, " [%s]", f.Evidence)
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return fmt.Errorf("writing the report of %s: %w", r.URL, err)
	}
	return nil
}

// Summary counts reports as they are written: sites, compliant sites and
// sites per finding kind.
type Summary struct {
	Sites     int
	Compliant int
	Findings  int
	ByKind    map[Kind]int
	Started   time.Time
}

// NewSummary starts counting at start.
func NewSummary(start time.Time) *Summary {
	return &Summary{ByKind: map[Kind]int{}, Started: start}
}

// Add counts one report.
func (s *Summary) Add(r Report) {
	s.Sites++
	if len(r.Findings) == 0 {
		s.Compliant++
	}
	seen := map[Kind]bool{}
	for _, f := range r.Findings {
		s.Findings++
		if !seen[f.Kind] {
			seen[f.Kind] = true
			s.ByKind[f.Kind]++
		}
	}
}

// String is the closing line: totals, the rate, and sites per kind.
func (s *Summary) String(now time.Time) string {
	el := now.Sub(s.Started)
	rate := 0.0
	if el > 0 {
		rate = float64(s.Sites) / el.Seconds()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d sites in %.1fs (%.0f sites/s): %d compliant", s.Sites, el.Seconds(), rate, s.Compliant)
	for _, k := range Kinds() {
		if n := s.ByKind[k]; n > 0 {
			fmt.Fprintf(&b, ", %s %d", k, n)
		}
	}
	return b.String()
}
