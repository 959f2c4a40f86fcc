package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runExtractCmd runs `beian extract args…` with stdin and returns what it printed.
func runExtractCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    time.Now,
	}
	code = Run(e, append([]string{"extract"}, args...))
	return out.String(), errb.String(), code
}

func TestExtractCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "index.html")
	html := `<footer><a href="https://beian.miit.gov.cn/?a=1&amp;b=2">京ICP备2021012345号-1</a> 京ICP证030173号 京B2-20212732 ` +
		`<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139">京公网安备 11010602005139号</a></footer>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := `{"icp_filings":[],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":null,"psb_link":null,"hidden":[]}` + "\n"
	full := `{"icp_filings":["京ICP备2021012345号-1"],"icp_licenses":["京ICP证030173号"],"operating_licenses":["京B2-20212732"],` +
		`"psb":["京公网安备11010602005139号"],"icp_link":"https://beian.miit.gov.cn/?a=1&b=2",` +
		`"psb_link":"https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139","hidden":[]}` + "\n"
	// A number only in a comment is not shown, but is reported where it is.
	commented := `<footer><!-- <a href="https://beian.miit.gov.cn/">京ICP备2021012345号-1</a> --><%-- 京公网安备11010602005139号 --%></footer>`
	hidden := `{"icp_filings":[],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":null,"psb_link":null,` +
		`"hidden":[{"number":"京ICP备2021012345号-1","kind":"icp_filing","where":"html_comment"},` +
		`{"number":"京公网安备11010602005139号","kind":"psb","where":"template_comment"}]}` + "\n"
	// Service numbers keep their type letter, after a filing or a licence.
	services := "京ICP备2026059598号-1X 陕ICP备2024026116号-1A 京ICP备2026059598号-3K 粤B2-20090059-1626X"
	servicesOut := `{"icp_filings":["京ICP备2026059598号-1X","陕ICP备2024026116号-1A","京ICP备2026059598号-3K"],"icp_licenses":[],` +
		`"operating_licenses":["粤B2-20090059-1626X"],"psb":[],"icp_link":null,"psb_link":null,"hidden":[]}` + "\n"
	missing := filepath.Join(dir, "missing.html")

	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantCode   int
		wantOut    string
		wantErrHas string
	}{
		{"file", "", []string{page}, ExitOK, full, ""},
		{"stdin", html, nil, ExitOK, full, ""},
		{"stdin as dash", html, []string{"-"}, ExitOK, full, ""},
		{"nothing found still exits 0", "no numbers here", nil, ExitOK, empty, ""},
		{"numbers in comments are hidden", commented, nil, ExitOK, hidden, ""},
		{"service type letters are kept", services, nil, ExitOK, servicesOut, ""},
		{"placeholder is not a number", "粤ICP备xxxxxxxx号 {{ icp }}", nil, ExitOK, empty, ""},
		{"missing file names the file", "", []string{missing}, ExitInvalid, "", missing},
		{"directory cannot be read", "", []string{dir}, ExitInvalid, "", dir},
		{"two files", "", []string{page, page}, ExitUsage, "", "one FILE at most"},
		{"unknown flag", "", []string{"--bogus"}, ExitUsage, "", "bogus"},
		{"help", "", []string{"-h"}, ExitOK, "", "Usage: beian extract"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runExtractCmd(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout\n got: %q\nwant: %q", out, tt.wantOut)
			}
			if tt.wantErrHas != "" && !strings.Contains(errOut, tt.wantErrHas) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.wantErrHas)
			}
		})
	}
}
