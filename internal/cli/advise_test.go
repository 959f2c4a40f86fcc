package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// adviseEnv is a test Env with a fixed clock (2026-03-02, a Monday, in UTC+8).
func adviseEnv(stdin string, interactive bool) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{
		Stdin:       strings.NewReader(stdin),
		Stdout:      &out,
		Stderr:      &errb,
		Getenv:      func(string) string { return "" },
		Now:         func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("UTC+8", 8*3600)) },
		Interactive: interactive,
	}, &out, &errb
}

// advisePlan is the part of the JSON output the tests read.
type advisePlan struct {
	Input struct {
		Hosting    string `json:"hosting"`
		Commercial bool   `json:"commercial"`
		Nature     string `json:"nature"`
		Foreign    bool   `json:"foreign"`
		Start      string `json:"start"`
	} `json:"input"`
	Filing   struct{ Needed, Eligible bool } `json:"icp_filing"`
	License  struct{ Needed, Eligible bool } `json:"icp_license"`
	PSB      struct{ Needed, Eligible bool } `json:"psb_filing"`
	Timeline []struct {
		Code string `json:"code"`
		Date string `json:"date"`
	} `json:"timeline"`
	Documents []struct {
		Kind string `json:"kind"`
	} `json:"documents"`
	Caveats []struct{ ZH, EN string } `json:"caveats"`
	Assumed []string                  `json:"assumed"`
}

func TestAdviseJSON(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantInput   string // hosting/nature/start
		wantLicense bool
		wantFiling  bool
		assumed     string
	}{
		{"defaults", []string{"advise", "--json"}, "mainland/enterprise/2026-03-02", false, true, "hosting,commercial,nature,foreign,start"},
		{"flags after", []string{"advise", "--json", "--hosting", "overseas", "--start", "2026-05-06"}, "overseas/enterprise/2026-05-06", false, false, "commercial,nature,foreign"},
		{"flags before json", []string{"advise", "--commercial", "--nature=individual", "--json", "--hosting=mainland", "--foreign", "--start=2026-09-24"}, "mainland/individual/2026-09-24", true, true, ""},
		{"hong kong", []string{"advise", "--hosting", "hong-kong", "--commercial", "--nature", "enterprise", "--foreign", "--start", "2026-01-05", "--json"}, "hong-kong/enterprise/2026-01-05", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := adviseEnv("", false)
			if code := Run(env, tt.args); code != ExitOK {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			var p advisePlan
			if err := json.Unmarshal(out.Bytes(), &p); err != nil {
				t.Fatalf("bad JSON: %v\n%s", err, out)
			}
			if got := p.Input.Hosting + "/" + p.Input.Nature + "/" + p.Input.Start; got != tt.wantInput {
				t.Errorf("input = %s, want %s", got, tt.wantInput)
			}
			if p.License.Needed != tt.wantLicense || p.Filing.Needed != tt.wantFiling {
				t.Errorf("filing %v licence %v, want %v %v", p.Filing.Needed, p.License.Needed, tt.wantFiling, tt.wantLicense)
			}
			if got := strings.Join(p.Assumed, ","); got != tt.assumed {
				t.Errorf("assumed = %q, want %q", got, tt.assumed)
			}
			if len(p.Timeline) == 0 {
				t.Error("empty timeline")
			}
		})
	}
}

func TestAdviseText(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"both languages with stated defaults", []string{"advise"},
			[]string{"ICP备案", "ICP filing", "--hosting=mainland", "--start=2026-03-02", "2026-03-04", "2026-04-02", "2026-05-02"}, nil},
		{"english only", []string{"advise", "--lang", "en", "--commercial"},
			[]string{"ICP licence: needed", "2026-06-01", "assumed (not given)"}, []string{"备案顾问", "需要"}},
		{"chinese only", []string{"advise", "--hosting", "overseas", "--lang=zh"},
			[]string{"ICP备案: 不需要", "延迟"}, []string{"latency", "ICP filing"}},
		{"individual commercial", []string{"advise", "--nature", "individual", "--commercial", "--lang", "en"},
			[]string{"needed, but this entity cannot obtain it", "an individual cannot hold"}, []string{"2026-06-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := adviseEnv("", false)
			if code := Run(env, tt.args); code != ExitOK {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			s := out.String()
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("output lacks %q:\n%s", w, s)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(s, w) {
					t.Errorf("output has %q:\n%s", w, s)
				}
			}
		})
	}
}

func TestAdviseUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"bad hosting", []string{"advise", "--hosting", "moon"}, "hosting", ExitUsage},
		{"bad nature", []string{"advise", "--nature", "company"}, "nature", ExitUsage},
		{"bad start", []string{"advise", "--start", "2026-02-30"}, "--start", ExitUsage},
		{"bad lang", []string{"advise", "--lang", "fr"}, "--lang", ExitUsage},
		{"argument", []string{"advise", "extra"}, "unexpected argument", ExitUsage},
		{"unknown flag", []string{"advise", "--nope"}, "nope", ExitUsage},
		{"help", []string{"advise", "-h"}, "--hosting", ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := adviseEnv("", false)
			if code := Run(env, tt.args); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, errb)
			}
			if tt.code != ExitOK && out.Len() != 0 {
				t.Errorf("stdout not empty on error: %s", out)
			}
		})
	}
}

func TestAdviseInteractive(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		// want: substrings of the output after the questions
		want    []string
		asked   int // how many questions were asked
		assumed string
	}{
		{"every answer", []string{"advise", "--lang", "en"}, "1\ny\n2\nn\n2026-09-24\n",
			[]string{"nature=individual", "commercial=yes", "start=2026-09-24", "cannot obtain it"}, 5, ""},
		{"names and retries", []string{"advise", "--lang", "en"}, "hong-kong\nmaybe\nno\n企业\n是\n\n",
			[]string{"hosting=hong-kong", "cannot read the answer: maybe", "foreign=yes", "start=2026-03-02", "nature=enterprise"}, 6, ""},
		{"flags skip questions", []string{"advise", "--hosting", "mainland", "--nature", "government", "--lang", "en"}, "y\nn\n2026-03-09\n",
			[]string{"nature=government", "commercial=yes", "start=2026-03-09"}, 3, ""},
		{"input ends: defaults stated", []string{"advise", "--lang", "en"}, "3\n",
			[]string{"hosting=overseas", "assumed (not given): --commercial=false, --nature=enterprise, --foreign=false, --start=2026-03-02"}, 2, ""},
		{"json does not prompt", []string{"advise", "--json"}, "3\n", []string{`"hosting": "mainland"`}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := adviseEnv(tt.stdin, true)
			if code := Run(env, tt.args); code != ExitOK {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			s := out.String()
			if got := strings.Count(s, "default ["); got != tt.asked {
				t.Errorf("asked %d prompts, want %d:\n%s", got, tt.asked, s)
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("output lacks %q:\n%s", w, s)
				}
			}
		})
	}
}
