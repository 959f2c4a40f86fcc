package gate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestExportGolden compares each format with its golden file (regenerate
// with go test -run TestExportGolden -update after checking the diff).
func TestExportGolden(t *testing.T) {
	s := testSet(t)
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Export(&buf, s, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "export."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("export differs from %s:\n%s", golden, buf.String())
			}
			if strings.Contains(buf.String(), "pending.example") {
				t.Error("a pending domain was exported")
			}
		})
	}
}

// TestExportTextRoundTrips reads the txt export back as a hosts file.
func TestExportTextRoundTrips(t *testing.T) {
	s := testSet(t)
	var buf bytes.Buffer
	if err := Export(&buf, s, FormatText); err != nil {
		t.Fatal(err)
	}
	back, err := ParseHosts(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != s.Len()-s.Pending() {
		t.Fatalf("round trip: %d entries, want %d", back.Len(), s.Len()-s.Pending())
	}
	for e := range s.All() {
		if got := back.Lookup(e.Domain); e.Status == StatusApproved && got.Number != e.Number {
			t.Errorf("%s: %q, want %q", e.Domain, got.Number, e.Number)
		}
	}
}

func TestExportUnknownFormat(t *testing.T) {
	if err := Export(&bytes.Buffer{}, testSet(t), "apache"); err == nil {
		t.Error("unknown format accepted")
	}
}
