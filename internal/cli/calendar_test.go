package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCal runs `beian calendar args...` in-process with the given environment.
func runCal(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { // 2026-10-07T17:30Z is already 2026-10-08 in Beijing
			return time.Date(2026, 10, 7, 17, 30, 0, 0, time.UTC)
		},
	}
	code = Run(e, append([]string{"calendar"}, args...))
	return out.String(), errb.String(), code
}

const exampleHolidays = "../calendar/testdata/holidays-2027.example"

func TestCalendarCommand(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantOut    string // exact stdout
		wantErr    string // substring of stderr; "" means stderr must be empty
		wantCode   int
		jsonFields map[string]any // for --json: fields to check in the decoded object
	}{
		{name: "workday", args: []string{"workday", "2026-10-08"}, wantOut: "2026-10-08 workday\n", wantCode: ExitOK},
		{name: "holiday", args: []string{"workday", "2026-10-03"}, wantOut: "2026-10-03 rest day (国庆节 National Day)\n", wantCode: ExitInvalid},
		{name: "weekend", args: []string{"workday", "2026-10-17"}, wantOut: "2026-10-17 rest day (weekend)\n", wantCode: ExitInvalid},
		{name: "make-up Saturday", args: []string{"workday", "2026-10-10"}, wantOut: "2026-10-10 workday (make-up workday 调休上班 for 国庆节 National Day)\n", wantCode: ExitOK},
		{name: "today is Beijing's date", args: []string{"workday", "today"}, wantOut: "2026-10-08 workday\n", wantCode: ExitOK},
		{name: "uncovered year warns", args: []string{"workday", "2031-10-01"}, wantOut: "2031-10-01 workday\n",
			wantErr: "beian calendar: 2031 is not in the holiday table (2007–2026); weekends only were used — add its State Council notice with --holidays FILE", wantCode: ExitOK},
		{name: "json workday", args: []string{"workday", "--json", "2026-10-03"}, wantCode: ExitInvalid,
			jsonFields: map[string]any{"date": "2026-10-03", "weekday": "Saturday", "workday": false, "kind": "holiday", "holiday": "国庆节", "holiday_en": "National Day", "covered": true}},
		{name: "json makeup", args: []string{"workday", "2026-10-10", "--json"}, wantCode: ExitOK,
			jsonFields: map[string]any{"workday": true, "kind": "makeup_workday", "holiday": "国庆节"}},

		{name: "add", args: []string{"add", "2026-09-30", "1"}, wantOut: "2026-10-08\n", wantCode: ExitOK},
		{name: "add negative", args: []string{"add", "2026-10-09", "-5"}, wantOut: "2026-09-24\n", wantCode: ExitOK},
		{name: "add zero", args: []string{"add", "2026-10-03", "0"}, wantOut: "2026-10-03\n", wantCode: ExitOK},
		{name: "add flags after args", args: []string{"add", "2026-10-09", "-5", "--json"}, wantCode: ExitOK,
			jsonFields: map[string]any{"date": "2026-10-09", "n": float64(-5), "result": "2026-09-24", "covered": true}},
		{name: "add flags first", args: []string{"--json", "add", "2026-09-30", "20"}, wantCode: ExitOK,
			jsonFields: map[string]any{"result": "2026-11-03"}},
		{name: "add into 2027 warns", args: []string{"add", "2026-12-31", "2"}, wantOut: "2027-01-04\n",
			wantErr: "2027 is not in the holiday table (2007–2026)", wantCode: ExitOK},
		{name: "add across many uncovered years", args: []string{"add", "2026-12-31", "1500"}, wantOut: "2032-09-30\n",
			wantErr: "2027–2032 are not in the holiday table (2007–2026); weekends only were used — add their State Council notices", wantCode: ExitOK},
		{name: "add with holidays flag", args: []string{"add", "2026-12-30", "1", "--holidays", exampleHolidays}, wantOut: "2027-01-04\n", wantCode: ExitOK},
		{name: "add with BEIAN_HOLIDAYS", env: map[string]string{"BEIAN_HOLIDAYS": exampleHolidays}, args: []string{"add", "2026-12-30", "1"}, wantOut: "2027-01-04\n", wantCode: ExitOK},
		{name: "flag beats env", env: map[string]string{"BEIAN_HOLIDAYS": "/nonexistent/holidays.txt"}, args: []string{"add", "2026-12-30", "1", "--holidays=" + exampleHolidays}, wantOut: "2027-01-04\n", wantCode: ExitOK},
		{name: "add out of range", args: []string{"add", "9999-12-30", "5"}, wantErr: "falls outside 0001-01-01…9999-12-31", wantCode: ExitInvalid},

		{name: "between", args: []string{"between", "2026-10-01", "2026-10-10"}, wantOut: "3\n", wantCode: ExitOK},
		{name: "between year", args: []string{"between", "2026-01-01", "2026-12-31"}, wantOut: "248\n", wantCode: ExitOK},
		{name: "between reversed", args: []string{"between", "2026-10-10", "2026-10-01"}, wantOut: "0\n", wantCode: ExitOK},
		{name: "between json", args: []string{"between", "2026-10-01", "2026-10-10", "--json"}, wantCode: ExitOK,
			jsonFields: map[string]any{"from": "2026-10-01", "to": "2026-10-10", "business_days": float64(3), "covered": true}},
		{name: "between uncovered json", args: []string{"between", "2026-12-01", "2027-01-31", "--json"}, wantCode: ExitOK,
			wantErr: "2027 is not in the holiday table", jsonFields: map[string]any{"covered": false}},

		{name: "no subcommand", args: nil, wantErr: "Usage: beian calendar", wantCode: ExitUsage},
		{name: "help", args: []string{"-h"}, wantErr: "between A B", wantCode: ExitOK},
		{name: "unknown subcommand", args: []string{"holiday", "2026-10-01"}, wantErr: `unknown subcommand "holiday"`, wantCode: ExitUsage},
		{name: "missing date", args: []string{"workday"}, wantErr: "workday takes 1 argument(s), got 0", wantCode: ExitUsage},
		{name: "extra argument", args: []string{"workday", "2026-10-01", "x"}, wantErr: "got 2", wantCode: ExitUsage},
		{name: "bad date", args: []string{"workday", "2026-13-01"}, wantErr: `bad date "2026-13-01": month 13 out of range`, wantCode: ExitUsage},
		{name: "bad second date", args: []string{"between", "2026-10-01", "2026-02-30"}, wantErr: `bad date "2026-02-30"`, wantCode: ExitUsage},
		{name: "bad N", args: []string{"add", "2026-10-01", "five"}, wantErr: `N "five"`, wantCode: ExitUsage},
		{name: "huge N", args: []string{"add", "2026-10-01", "99999999999"}, wantErr: `N "99999999999"`, wantCode: ExitUsage},
		{name: "unknown flag", args: []string{"workday", "2026-10-01", "--bogus"}, wantErr: "flag provided but not defined: -bogus", wantCode: ExitUsage},
		{name: "missing holidays file", args: []string{"workday", "2026-10-01", "--holidays", "/nonexistent/h.txt"}, wantErr: "/nonexistent/h.txt", wantCode: ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCal(t, tt.env, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.wantCode, out, errOut)
			}
			if tt.jsonFields != nil {
				var got map[string]any
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("stdout %q is not JSON: %v", out, err)
				}
				for k, v := range tt.jsonFields {
					if got[k] != v {
						t.Errorf("JSON %s = %#v, want %#v (all: %s)", k, got[k], v, out)
					}
				}
			} else if out != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			if tt.wantErr == "" && errOut != "" {
				t.Errorf("unexpected stderr %q", errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestCalendarBadHolidaysFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "holidays.txt")
	if err := os.WriteFile(path, []byte("year 2027\n2027-01-01 off 元旦\n2027-01-02 rest 元旦\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCal(t, nil, "workday", "2027-01-01", "--holidays", path)
	if code != ExitUsage || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, ExitUsage)
	}
	for _, want := range []string{"beian calendar: ", path, "line 3", `"rest"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q, want it to contain %q", errOut, want)
		}
	}
}
