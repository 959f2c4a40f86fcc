package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func runValidateCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }}
	code = Run(e, append([]string{"validate"}, args...))
	return out.String(), errb.String(), code
}

func TestValidateCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		normalized string // with --json
		codes      []string
		stderr     string
	}{
		{"resident ID", []string{"id", "11010519491231002X", "--json"}, ExitOK, "11010519491231002X", nil, ""},
		{"resident ID lower-case x, full-width", []string{"id", "１１０１０５１９４９１２３１００２x", "--json"}, ExitOK, "11010519491231002X", nil, ""},
		{"resident ID bad check", []string{"--json", "id", "110105194912310021"}, ExitInvalid, "", []string{"id.checksum"}, ""},
		{"legacy 15 digits", []string{"id", "110105491231002", "--json"}, ExitInvalid, "", []string{"id.legacy_15"}, ""},
		{"USCC", []string{"uscc", "91110000802100433B", "--json"}, ExitOK, "91110000802100433B", nil, ""},
		{"USCC bad check", []string{"uscc", "91110000802100433C", "--json"}, ExitInvalid, "", []string{"uscc.checksum"}, ""},
		{"ICP filing full-width hyphen", []string{"icp", "陇ICP备15000343号－1", "--json"}, ExitOK, "陇ICP备15000343号-1", nil, ""},
		{"ICP licence", []string{"icp", "京ICP证030173号", "--json"}, ExitOK, "京ICP证030173号", nil, ""},
		{"mini-program filing", []string{"icp", "京ICP备2026059598号-1x", "--json"}, ExitOK, "京ICP备2026059598号-1X", nil, ""},
		{"App filing", []string{"icp", "陕ICP备2024026116号-1A", "--json"}, ExitOK, "陕ICP备2024026116号-1A", nil, ""},
		{"licence holder's mini-program", []string{"icp", "粤B2-20090059-1626X", "--json"}, ExitOK, "粤B2-20090059-1626X", nil, ""},
		{"bad service letter", []string{"icp", "京ICP备2026059598号-1B", "--json"}, ExitInvalid, "", []string{"icp.number.bad_service"}, ""},
		{"legacy Shenzhen PSB", []string{"psb", "深公网安备4403101910665", "--json"}, ExitOK, "深公网安备4403101910665号", nil, ""},
		{"PSB", []string{"psb", "川公网安备 51012402001727号", "--json"}, ExitOK, "川公网安备51012402001727号", nil, ""},
		{"domain IDN", []string{"domain", "例子.中国", "--json"}, ExitOK, "xn--fsqu00a.xn--fiqs8s", nil, ""},
		{"domain IP", []string{"domain", "1.2.3.4", "--json"}, ExitInvalid, "", []string{"domain.ip_literal"}, ""},
		{"site name is the domain", []string{"sitename", "example.cn", "--nature", "enterprise", "--domain", "example.cn", "--json"}, ExitInvalid, "", []string{"sitename.is_domain"}, ""},
		{"text output names the input", []string{"uscc", "NOT-A-CODE"}, ExitInvalid, "", nil, `"NOT-A-CODE" is invalid`},
		{"unknown kind", []string{"phone", "123"}, ExitUsage, "", nil, `unknown KIND "phone"`},
		{"missing value", []string{"uscc"}, ExitUsage, "", nil, "need KIND and VALUE"},
		{"bad nature", []string{"sitename", "我的网站", "--nature", "alien"}, ExitUsage, "", nil, `--nature "alien"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runValidateCmd(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tc.wantCode, out, errs)
			}
			if tc.stderr != "" && !strings.Contains(errs, tc.stderr) {
				t.Fatalf("stderr %q lacks %q", errs, tc.stderr)
			}
			if !strings.Contains(strings.Join(tc.args, " "), "--json") {
				return
			}
			var res struct {
				Valid      bool             `json:"valid"`
				Normalized string           `json:"normalized"`
				Findings   []map[string]any `json:"findings"`
				Info       map[string]any   `json:"info"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("JSON: %v: %s", err, out)
			}
			if res.Valid != (tc.wantCode == ExitOK) || res.Findings == nil || res.Info == nil {
				t.Fatalf("shape: %s", out)
			}
			if tc.normalized != "" && res.Normalized != tc.normalized {
				t.Fatalf("normalized %q, want %q", res.Normalized, tc.normalized)
			}
			for _, want := range tc.codes {
				found := false
				for _, f := range res.Findings {
					if f["code"] == want && f["message_zh"] != "" && f["message_en"] != "" && f["severity"] == "error" {
						found = true
					}
				}
				if !found {
					t.Fatalf("no error finding %s: %s", want, out)
				}
			}
		})
	}
}

// TestValidateService checks that a service number says which service it is,
// in the summary line, in the info lines and in the JSON info.
func TestValidateService(t *testing.T) {
	tests := []struct {
		in            string
		typ           string
		index         float64
		human, zh, en string
	}{
		{"京ICP备2026059598号-1X", "mini_program", 1, "valid icp: 京ICP备2026059598号-1X (mini-program, service 1 / 小程序, 第1个服务)", "小程序, 第1个服务", "mini-program, service 1"},
		{"陕ICP备2024026116号-1A", "app", 1, "valid icp: 陕ICP备2024026116号-1A (App, service 1 / App, 第1个服务)", "App, 第1个服务", "App, service 1"},
		{"京ICP备2021000001号-4k", "quick_app", 4, "valid icp: 京ICP备2021000001号-4K (quick app, service 4 / 快应用, 第4个服务)", "快应用, 第4个服务", "quick app, service 4"},
		{"京ICP备2021000001号-2", "website", 2, "valid icp: 京ICP备2021000001号-2 (website, service 2 / 网站, 第2个服务)", "网站, 第2个服务", "website, service 2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			out, errs, code := runValidateCmd(t, "icp", tt.in)
			if code != ExitOK {
				t.Fatalf("exit %d: %s %s", code, out, errs)
			}
			for _, want := range []string{tt.human + "\n", "service_zh: " + tt.zh + "\n", "service_en: " + tt.en + "\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			out, _, _ = runValidateCmd(t, "icp", tt.in, "--json")
			var res struct {
				Info map[string]any `json:"info"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if res.Info["service_type"] != tt.typ || res.Info["service_index"] != tt.index || res.Info["service_zh"] != tt.zh || res.Info["service_en"] != tt.en {
				t.Errorf("info = %v", res.Info)
			}
		})
	}
	out, _, _ := runValidateCmd(t, "icp", "京ICP备2021000001号")
	if strings.Contains(out, "service") {
		t.Errorf("entity number names a service: %s", out)
	}
}
