package filing_test

import (
	"context"
	"sync"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/filing"
)

// TestPSBConcurrentApprovalsIssueOneNumber approves one PSB filing from
// several desks at once: exactly one approval wins, the website keeps the
// number it was told, and the county's serial advanced once. On PostgreSQL
// (BEIAN_TEST_POSTGRES) the approvals really run at once.
func TestPSBConcurrentApprovalsIssueOneNumber(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	tok := e.Applicant("psb-race@example.com")
	e.File(tok, apptest.FirstFiling(271), filing.StatusApproved)
	owner := e.Principal(tok)
	webs, err := e.App.Filing.MyWebsites(ctx, owner)
	if err != nil || len(webs) == 0 {
		t.Fatalf("websites: %v %v", webs, err)
	}
	p, err := e.App.Filing.FilePSB(ctx, owner, webs[0].ID, filing.PSBRequest{GoLive: "2026-03-01"})
	if err != nil {
		t.Fatalf("file psb: %v", err)
	}
	desk := e.Principal(e.Operator(auth.RolePSB))
	const racers = 8
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		mu      sync.Mutex
		numbers []string
		errs    []error
	)
	for range racers {
		wg.Go(func() {
			<-start
			got, err := e.App.Filing.ReviewPSB(ctx, desk, p.ID, filing.PSBDecision{Decision: "approve", CountyCode: "110105"})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			numbers = append(numbers, got.Number)
		})
	}
	close(start)
	wg.Wait()
	if len(numbers) != 1 {
		t.Fatalf("%d approvals succeeded (numbers %v), want exactly 1", len(numbers), numbers)
	}
	for _, err := range errs {
		if fe, ok := fault.As(err); !ok || fe.Kind != fault.Conflict {
			t.Errorf("a losing approval answered %v, want a conflict", err)
		}
	}
	webs, err = e.App.Filing.MyWebsites(ctx, owner)
	if err != nil || webs[0].PSBNumber == nil || *webs[0].PSBNumber != numbers[0] {
		t.Fatalf("website PSB number %v, the approval said %s (%v)", webs[0].PSBNumber, numbers[0], err)
	}
	var serial int
	if err := e.App.DB.R().QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'psb:110105'`).Scan(&serial); err != nil || serial != 1 {
		t.Fatalf("the county serial is %d (%v), want 1: a number was issued and lost", serial, err)
	}
}
