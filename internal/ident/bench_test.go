package ident

import (
	"strings"
	"testing"
)

// realResidentIDs are the valid numbers of python-stdnum's RIC test cases,
// normalised, skipping the bench when the shared data is missing.
func realResidentIDs(b *testing.B) []string {
	var ids []string
	seen := map[string]bool{}
	for _, row := range readCSV(b, sharedFile(b, "python-stdnum/ric_cases.csv")) {
		n := Normalize(row["input"])
		if _, err := ParseResidentID(n, testNow); err == nil && !seen[n] {
			seen[n] = true
			ids = append(ids, n)
		}
	}
	if len(ids) == 0 {
		b.Fatal("no valid resident IDs in ric_cases.csv")
	}
	return ids
}

func realUSCCs(b *testing.B) []string {
	return readLines(b, sharedFile(b, "python-stdnum/uscc_valid_real.txt"))
}

// next steps through n inputs without the division of i%n, which would cost
// the benchmark as much as the check it measures.
func next(i, n int) int {
	if i++; i == n {
		return 0
	}
	return i
}

func BenchmarkParseResidentID(b *testing.B) {
	ids := realResidentIDs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i = next(i, len(ids)) {
		if _, err := ParseResidentID(ids[i], testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseUSCC(b *testing.B) {
	codes := realUSCCs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i = next(i, len(codes)) {
		if _, err := ParseUSCC(codes[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseIDAndUSCC is the mixed workload of the performance goal:
// one resident ID and one USCC per operation, both normalised first (the
// canonical inputs take Normalize's no-allocation path).
func BenchmarkParseIDAndUSCC(b *testing.B) {
	ids, codes := realResidentIDs(b), realUSCCs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i, j := 0, 0; b.Loop(); i, j = next(i, len(ids)), next(j, len(codes)) {
		if _, err := ParseResidentID(Normalize(ids[i]), testNow); err != nil {
			b.Fatal(err)
		}
		if _, err := ParseUSCC(Normalize(codes[j])); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateResidentID measures the wrapper that builds the
// finding.Result (it allocates the Info map).
func BenchmarkValidateResidentID(b *testing.B) {
	ids := realResidentIDs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i = next(i, len(ids)) {
		if r := ValidateResidentID(ids[i], testNow); !r.Valid {
			b.Fatal(r.Findings)
		}
	}
}

func BenchmarkValidateUSCC(b *testing.B) {
	codes := realUSCCs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i = next(i, len(codes)) {
		if r := ValidateUSCC(codes[i]); !r.Valid {
			b.Fatal(r.Findings)
		}
	}
}

// BenchmarkNormalizeFullWidth measures the slow path of Normalize.
func BenchmarkNormalizeFullWidth(b *testing.B) {
	s := strings.Repeat("９", 17) + "ｘ"
	b.ReportAllocs()
	for b.Loop() {
		_ = Normalize(s)
	}
}
