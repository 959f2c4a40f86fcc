package cli_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/cli"
	"github.com/beian/beian/internal/fixture"
)

// TestGateExportFromDatabase files a site through the platform, then has
// `beian gate export --db` read the allow-list straight from that database:
// the approved domain with its number, and a domain under review as pending
// (not in the allow-list).
func TestGateExportFromDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "platform.db")
	e := apptest.NewWith(t, func(c *app.Config) { c.DB = db })
	tok := e.Applicant("gate-db@example.com")
	c := fixture.FirstFiling(501)
	req := map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode, "entity": c.Entity, "websites": c.Websites}
	id := e.Do("POST", "/api/v1/applications", tok, req).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/provider-review"), e.Operator(auth.RoleProvider), map[string]any{"decision": "approve"}).Must(t, 200)
	for _, ph := range []string{c.Entity.Principal.Phone, c.Websites[0].Principal.Phone} {
		e.Do("POST", apptest.Path(id, "/sms"), tok, map[string]string{"phone": ph, "code": e.SMSCode(ph)}).Must(t, 200)
	}
	r := e.Do("POST", apptest.Path(id, "/authority-review"), e.Operator(auth.RoleAuthority), map[string]any{"decision": "approve"}).Must(t, 200)
	number := r.Body["website_numbers"].([]any)[0].(string)
	// A second application still under review: pending, so not allowed.
	tok2 := e.Applicant("gate-db2@example.com")
	c2 := fixture.FirstFiling(502)
	req2 := map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode, "entity": c2.Entity, "websites": c2.Websites}
	id2 := e.Do("POST", "/api/v1/applications", tok2, req2).Must(t, 201).ID()
	e.Do("POST", apptest.Path(id2, "/submit"), tok2, nil).Must(t, 200)

	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
		code := cli.Run(env, append([]string{"gate", "export"}, args...))
		return out.String(), errb.String(), code
	}
	out, errs, code := run("--db", db, "--format", "txt")
	if code != 0 || !strings.Contains(out, "site501-test.cn\t"+number) || strings.Contains(out, "site502-test.cn") {
		t.Fatalf("export --db: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, code = run("--db", db, "--provider", apptest.ProviderCode, "--format", "nginx-map")
	if code != 0 || !strings.Contains(out, ".site501-test.cn") {
		t.Fatalf("export --db --provider: exit %d\n%s", code, out)
	}
	if _, errs, code := run("--db", db, "--provider", "no-such-provider"); code == 0 || !strings.Contains(errs, "no-such-provider") {
		t.Fatalf("unknown provider: exit %d %s", code, errs)
	}
}
