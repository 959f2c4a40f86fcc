package footer

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/beian/beian/internal/icpnum"
)

// update rewrites the expected files from the current output. Every
// rewritten file must then be checked by hand against its input.
var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// minGolden is the number of real footers the issue asks for.
const minGolden = 40

// TestGolden runs Extract on every testdata/golden/NN-name.html (a footer
// excerpt of a real Chinese site, its source named in its first line) and
// compares the result with NN-name.json beside it.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "golden", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < minGolden {
		t.Errorf("found %d golden inputs, want at least %d", len(inputs), minGolden)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".html")
		t.Run(name, func(t *testing.T) {
			page, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(page[:min(len(page), 400)], []byte("source:")) {
				t.Errorf("%s: the first lines must name the source (\"source: …\")", in)
			}
			got := Extract(page)
			want := strings.TrimSuffix(in, ".html") + ".json"
			if *update {
				writeGolden(t, want, got)
				return
			}
			raw, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("reading expected result: %v (run with -update to create it, then check it by hand)", err)
			}
			var exp Result
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&exp); err != nil {
				t.Fatalf("%s: %v", want, err)
			}
			if !reflect.DeepEqual(normalized(got), normalized(exp)) {
				gj, _ := marshalResult(got)
				t.Errorf("Extract(%s)\n got: %s\nwant: %s", in, gj, bytes.TrimSpace(raw))
			}
			checkReparse(t, got)
		})
	}
}

// normalized makes nil and empty slices compare equal (the JSON file cannot
// tell them apart; the JSON shape is tested in TestResultJSON).
func normalized(r Result) Result {
	fix := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	r.ICPFilings, r.ICPLicenses = fix(r.ICPFilings), fix(r.ICPLicenses)
	r.OperatingLicenses, r.PSB = fix(r.OperatingLicenses), fix(r.PSB)
	if r.Hidden == nil {
		r.Hidden = []Hidden{}
	}
	return r
}

// marshalResult encodes r as the golden files hold it: indented, with '&'
// and '<' left as they are.
func marshalResult(r Result) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(r)
	return b.Bytes(), err
}

func writeGolden(t *testing.T, path string, r Result) {
	t.Helper()
	b, err := marshalResult(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkReparse checks that every number in r is what icpnum prints for it.
func checkReparse(t *testing.T, r Result) {
	t.Helper()
	for _, s := range r.ICPFilings {
		if f, err := icpnum.ParseFiling(s); err != nil || f.String() != s {
			t.Errorf("filing %q does not re-parse to itself: %v", s, err)
		}
	}
	for _, s := range r.ICPLicenses {
		if l, err := icpnum.ParseLicense(s); err != nil || l.String() != s {
			t.Errorf("licence %q does not re-parse to itself: %v", s, err)
		}
	}
	for _, s := range r.OperatingLicenses {
		if o, err := icpnum.ParseOperatingLicense(s); err != nil || o.String() != s {
			t.Errorf("operating licence %q does not re-parse to itself: %v", s, err)
		}
	}
	for _, s := range r.PSB {
		if p, err := icpnum.ParsePSB(s); err != nil || p.String() != s {
			t.Errorf("PSB number %q does not re-parse to itself: %v", s, err)
		}
	}
}
