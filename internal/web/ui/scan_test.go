package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/store"
)

// TestScanPageShowsOpenFindings: a finding the sweep stored on a website
// the provider serves is counted by kind and listed, its evidence escaped;
// another provider's desk is refused the page.
func TestScanPageShowsOpenFindings(t *testing.T) {
	env := apptest.New(t)
	a := env.File(env.Applicant("scan-ui@example.com"), apptest.FirstFiling(700), filing.StatusApproved)
	ctx := context.Background()
	err := env.App.DB.InTx(ctx, func(tx *store.Tx) error {
		var site int64
		if err := tx.Q().QueryRowContext(ctx, `SELECT id FROM websites WHERE number = ?`, a.WebsiteNumbers[0]).Scan(&site); err != nil {
			return err
		}
		if _, err := tx.Q().ExecContext(ctx, `INSERT INTO scan_runs (id, started_at, finished_at, status) VALUES (1, 1, 2, 'done')`); err != nil {
			return err
		}
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO scan_findings (website_id, kind, detail, evidence, first_run, first_seen, last_seen)
			VALUES (?, 'link_outdated', 'links to miitbeian.gov.cn', '<a href="http://www.miitbeian.gov.cn/">x</a><script>alert(1)</script>', 1, 1, 1)`, site)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Operator(auth.RoleProvider) // creates the desk account with its password
	b, _ := signInAs(t, env, "en", "provider@ops.test", "operator pass 1")
	p := b.get("/scan").must(t, 200)
	if !strings.Contains(p.Body, `data-kind="link_outdated">1<`) || !strings.Contains(p.Body, "filing number linked to the old miitbeian.gov.cn") {
		t.Errorf("scan page lacks the count or the finding:\n%s", p.Body)
	}
	if strings.Contains(p.Body, "<script>alert(1)") || !strings.Contains(p.Body, "&lt;script&gt;alert(1)") {
		t.Error("evidence is not escaped")
	}
	if !strings.Contains(p.Body, a.WebsiteNumbers[0]) {
		t.Errorf("the website number %s is not listed", a.WebsiteNumbers[0])
	}
}
