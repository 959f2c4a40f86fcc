package ident

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/finding"
)

// sharedTestdata is the external test truth beside the repository.
const sharedTestdata = "../../../shared/testdata"

// testNow is the fixed "today" of the tests: 2026-03-15 in China Standard Time.
var testNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// sharedFile returns the path of a file under shared/testdata, skipping the
// test when the folder is missing (failing instead when CI is "true").
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedTestdata, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data missing in CI: %v", err)
		}
		t.Skipf("shared test data not found (%v); clone shared/ beside the repository to run this test", err)
	}
	return p
}

// readCSV reads a CSV file with a header row into maps keyed by column name.
func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1 // uscc_cases.csv has unquoted commas in its last (note) column
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: no rows", path)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// readLines returns the non-empty, non-comment lines of a text file.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// refGB11643 is an independent, naive GB 11643 check character: sum of
// digit * 2^(17-i) mod 11, then (12 - sum mod 11) mod 11, 10 written X.
func refGB11643(body17 string) byte {
	sum, pow := 0, 1
	for i := 16; i >= 0; i-- {
		pow = pow * 2 % 11
		sum += int(body17[i]-'0') * pow
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// withCheck appends the GB 11643 check character to a 17-digit body.
func withCheck(body17 string) string { return body17 + string(refGB11643(body17)) }

// refUSCC is an independent, naive GB 32100 check character.
func refUSCC(body17 string) byte {
	sum, pow := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccChars, body17[i]) * pow
		pow = pow * 3 % 31
	}
	return usccChars[(31-sum%31)%31]
}

// refOrg is an independent GB 11714 check character.
func refOrg(body8 string) byte {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body8 {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// findingCodes returns "code/severity" for every finding of r, in order.
func findingCodes(r finding.Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Code+"/"+string(f.Severity))
	}
	return out
}

// hasFinding reports whether r has a finding with code and severity.
func hasFinding(r finding.Result, code string, sev finding.Severity) bool {
	for _, f := range r.Findings {
		if f.Code == code && f.Severity == sev {
			return true
		}
	}
	return false
}
