package appinfo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/ident"
	"github.com/beian/beian/internal/vocab"
)

// testToday is the fixed date the tests judge validity on.
var testToday = time.Date(2026, 12, 4, 15, 0, 0, 0, time.FixedZone("CST", 8*3600))

// codeOf returns the finding code of an error of this package, "" for nil.
func codeOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *appinfo.Error", err, err)
	}
	checkBilingual(t, e.Code, e.ZH, e.EN)
	return e.Code
}

// checkBilingual fails when a finding lacks its code or either message.
func checkBilingual(t *testing.T, code, zh, en string) {
	t.Helper()
	if code == "" || strings.TrimSpace(zh) == "" || strings.TrimSpace(en) == "" {
		t.Errorf("finding %q lacks a code or a message: zh %q, en %q", code, zh, en)
	}
}

// has reports whether fs holds a finding with the code at the field.
func has(fs []finding.Finding, code, field string) bool {
	for _, f := range fs {
		if f.Code == code && f.Field == field {
			return true
		}
	}
	return false
}

// errorsOf lists the error-severity findings as "field: code".
func errorsOf(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == finding.Error {
			out = append(out, f.Field+": "+f.Code)
		}
	}
	return out
}

// platform looks a platform up in the default vocabulary.
func platform(t *testing.T, code string) vocab.Platform {
	t.Helper()
	p, ok := vocab.Default().Platform(code)
	if !ok {
		t.Fatalf("platform %q is not in the default vocabulary", code)
	}
	return p
}

// readTestdata reads a file of testdata/ as trimmed text.
func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// residentID completes a 17-character body with its GB 11643 check character.
func residentID(t *testing.T, body string) string {
	t.Helper()
	c, ok := ident.ResidentIDCheckChar(body)
	if !ok {
		t.Fatalf("bad resident ID body %q", body)
	}
	return body + string(c)
}
