package api_test

import (
	"fmt"
	"testing"

	"github.com/beian/beian/internal/filing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
)

// TestListingsCostConstantQueries: the review queue and the applicant's list
// load any number of applications with the same number of statements (one
// for the ids, four for the rows and their history, documents and pending
// SMS, plus the audit entry), not a few per application.
func TestListingsCostConstantQueries(t *testing.T) {
	e := apptest.New(t)
	owner := e.Applicant("many@example.com")
	desk := e.Operator(auth.RoleProvider)
	cost := func(path, token string, want int) int64 {
		t.Helper()
		before := e.App.DB.Queries()
		r := e.Do("GET", path, token, nil).Must(t, 200)
		n := e.App.DB.Queries() - before
		if items, _ := r.Body["items"].([]any); len(items) != want {
			t.Fatalf("%s listed %d, want %d: %.300s", path, len(items), want, r.Raw)
		}
		return n
	}
	file := func(from, to int) {
		for i := from; i < to; i++ {
			id := e.Do("POST", "/api/v1/applications", owner, filingRequest(fixture.FirstFiling(i))).Must(t, 201).ID()
			e.Do("POST", apptest.Path(id, "/submit"), owner, nil).Must(t, 200)
		}
	}
	file(1, 4)
	queueFew, mineFew := cost("/api/v1/review/applications?limit=500", desk, 3), cost("/api/v1/applications", owner, 3)
	file(4, 501)
	// The queue lists up to 500, the applicant's own list its newest 200.
	queueMany, mineMany := cost("/api/v1/review/applications?limit=500", desk, 500), cost("/api/v1/applications", owner, 200)
	if queueMany != queueFew || mineMany != mineFew {
		t.Errorf("statements for 3 → 500 applications: queue %d → %d, own list %d → %d; want the same",
			queueFew, queueMany, mineFew, mineMany)
	}
	t.Logf("statements per listing: queue %d (500 applications), own list %d (200)", queueMany, mineMany)
}

// TestPSBQueueCostsConstantQueries: the PSB desk's queue loads its filings
// in the same number of statements for one filing as for four.
func TestPSBQueueCostsConstantQueries(t *testing.T) {
	e := apptest.New(t)
	owner := e.Applicant("psb-queue@example.com")
	desk := e.Operator(auth.RolePSB)
	file := func(from, to int) {
		for i := from; i < to; i++ {
			a := e.File(owner, apptest.FirstFiling(300+i), filing.StatusApproved)
			r := e.Do("GET", "/api/v1/websites", owner, nil).Must(t, 200)
			for _, w := range r.Body["items"].([]any) {
				if w := w.(map[string]any); w["number"] == a.WebsiteNumbers[0] {
					e.Do("POST", fmt.Sprintf("/api/v1/websites/%d/psb", int64(w["id"].(float64))), owner, map[string]any{"go_live": "2026-03-01"}).Must(t, 201)
				}
			}
		}
	}
	cost := func(want int) int64 {
		t.Helper()
		before := e.App.DB.Queries()
		r := e.Do("GET", "/api/v1/psb/filings", desk, nil).Must(t, 200)
		n := e.App.DB.Queries() - before
		if items, _ := r.Body["items"].([]any); len(items) != want {
			t.Fatalf("the PSB queue listed %d, want %d: %.300s", len(items), want, r.Raw)
		}
		return n
	}
	file(0, 1)
	one := cost(1)
	file(1, 4)
	if four := cost(4); four != one {
		t.Errorf("statements for the PSB queue: %d for 1 filing, %d for 4; want the same", one, four)
	}
}
