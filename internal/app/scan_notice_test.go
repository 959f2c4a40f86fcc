package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/scan"
)

// TestScanNoticesGoToTheOutbox: the sweep's notices are e-mails in the
// filing outbox (what serve wires), so the admin outbox shows them and
// DeliverEmail sends them when SMTP is configured, instead of being
// dropped when there is no SMTP server.
func TestScanNoticesGoToTheOutbox(t *testing.T) {
	e := apptest.New(t)
	n := scan.OutboxNotifier(e.App.Filing)
	notice := scan.Notice{To: "owner@example.com", WebsiteID: 1, Website: "京ICP备2026000001号-1", URL: "https://example.cn/",
		Findings: []scan.Finding{{Kind: "number_missing", Detail: "首页未显示备案号 / the home page does not show the filing number"}}}
	if err := n.Notify(context.Background(), notice); err != nil {
		t.Fatal(err)
	}
	r := e.Do("GET", "/api/v1/admin/outbox?to=owner@example.com", e.Operator(auth.RoleAdmin), nil).Must(t, 200)
	if !strings.Contains(string(r.Raw), "number_missing") || !strings.Contains(string(r.Raw), "京ICP备2026000001号-1") ||
		!strings.Contains(string(r.Raw), `"channel":"email"`) {
		t.Fatalf("outbox lacks the scan notice: %s", r.Raw)
	}
	if err := n.Notify(context.Background(), scan.Notice{Website: "x"}); err == nil {
		t.Fatal("a notice without a recipient was accepted")
	}
}
