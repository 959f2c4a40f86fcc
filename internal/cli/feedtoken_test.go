package cli_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/cli"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/secret"
)

// TestFeedToken: beian feed-token add mints a token that reads the
// provider's gate feed and nothing else (no application, no review queue),
// and feed-token revoke ends it.
func TestFeedToken(t *testing.T) {
	var dsn string
	e := apptest.NewWith(t, func(c *app.Config) { dsn = c.DB })
	a := e.File(e.Applicant("feed@example.com"), apptest.FirstFiling(661), filing.StatusProviderReview)
	run := func(args ...string) (string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		env := keyedEnv(&out, &errb)
		code := cli.Run(env, append(args, "--db", dsn))
		if code != cli.ExitOK {
			t.Logf("beian %v: %d %s", args, code, errb.String())
		}
		return strings.TrimSpace(out.String()), code
	}
	if _, code := run("feed-token", "add", "--provider", "no-such-cloud"); code == cli.ExitOK {
		t.Fatal("a token for an unknown provider was minted")
	}
	tok, code := run("feed-token", "add", "--provider", apptest.ProviderCode, "--days", "30")
	if code != cli.ExitOK || !strings.HasPrefix(tok, "bn_") {
		t.Fatalf("feed-token add: %d %q", code, tok)
	}
	snap := e.Do("GET", "/api/v1/gate/snapshot", tok, nil).Must(t, 200)
	if !strings.Contains(string(snap.Raw), a.Content.Websites[0].Domains[0].Name) {
		t.Errorf("the feed lacks the pending domain: %s", snap.Raw)
	}
	e.Do("GET", "/api/v1/gate/changes?since=0", tok, nil).Must(t, 200)
	if me := e.Do("GET", "/api/v1/me", tok, nil).Must(t, 200); me.Str("role") != "gate" || me.Str("provider") != apptest.ProviderCode {
		t.Errorf("the feed token signs in as %s", me.Raw)
	}
	e.Do("GET", apptest.Path(a.ID, ""), tok, nil).Must(t, 403)
	e.Do("GET", "/api/v1/review/applications", tok, nil).Must(t, 403)
	// A second token reuses the gate account; revoke ends both.
	tok2, _ := run("feed-token", "add", "--provider", apptest.ProviderCode)
	if out, code := run("feed-token", "revoke", "--provider", apptest.ProviderCode); code != cli.ExitOK || !strings.HasPrefix(out, "2 ") {
		t.Fatalf("feed-token revoke: %d %q", code, out)
	}
	for _, tk := range []string{tok, tok2} {
		e.Do("GET", "/api/v1/gate/snapshot", tk, nil).Must(t, 401)
	}
}

// TestUserPasswd: beian user passwd sets the password and signs the
// account out everywhere.
func TestUserPasswd(t *testing.T) {
	var dsn string
	e := apptest.NewWith(t, func(c *app.Config) { dsn = c.DB })
	tok := e.Applicant("passwd@example.com")
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, 200)
	var out, errb bytes.Buffer
	env := keyedEnv(&out, &errb)
	if code := cli.Run(env, []string{"user", "passwd", "--db", dsn, "--email", "passwd@example.com", "--password", "short"}); code == cli.ExitOK {
		t.Fatal("a weak password was set")
	}
	if !strings.Contains(errb.String(), "至少") {
		t.Errorf("the refusal is not bilingual: %s", errb.String())
	}
	if code := cli.Run(env, []string{"user", "passwd", "--db", dsn, "--email", "passwd@example.com", "--password", "a brand new pass"}); code != cli.ExitOK {
		t.Fatalf("passwd: %d %s", code, errb.String())
	}
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, 401)
	e.Do("POST", "/api/v1/tokens", "", map[string]string{"email": "passwd@example.com", "password": "a brand new pass"}).Must(t, 201)
}

// keyedEnv is a CLI environment with the test platform's data key.
func keyedEnv(out, errb *bytes.Buffer) *cli.Env {
	return &cli.Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Now: time.Now,
		Getenv: func(k string) string {
			if k == secret.EnvKey {
				return apptest.DataKey
			}
			return ""
		}}
}
