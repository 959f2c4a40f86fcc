package app_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/fixture"
)

// benchApplicants is how many applicants file at once in BenchmarkApplicants.
const benchApplicants = 50

// BenchmarkApplicants measures the write path as applicants see it: 50
// applicants, each on its own goroutine and connection, creating a first
// filing and submitting it over HTTP, b.N create+submit pairs in all, on
// the store apptest picks (SQLite, or PostgreSQL with BEIAN_TEST_POSTGRES).
// It reports the throughput in applications per second and the 50th and
// 99th percentile latency of one create+submit pair.
func BenchmarkApplicants(b *testing.B) {
	e := apptest.New(b)
	ctx := context.Background()
	c := newAPIClient(e.Server.URL, benchApplicants)

	// Sign-ups are outside the timer: argon2id is slow on purpose. Four at
	// a time, to bound the memory argon2 takes (64 MiB each).
	tokens := make([]string, benchApplicants)
	errs := make([]error, benchApplicants)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tokens[i], errs[i] = c.signIn(ctx, fmt.Sprintf("bench%d@example.com", i), "correct horse 1", true)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatalf("sign up: %v", err)
	}

	var next atomic.Int64
	lat := make([][]time.Duration, benchApplicants)
	b.ResetTimer()
	start := time.Now()
	for g := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				var app struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				}
				if _, err := c.call(ctx, "POST", "/api/v1/applications", tokens[g], request(fixture.FirstFiling(int(i))), &app); err != nil {
					errs[g] = err
					return
				}
				if _, err := c.call(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", app.ID), tokens[g], nil, &app); err != nil {
					errs[g] = err
					return
				}
				if app.Status != "provider_review" {
					errs[g] = fmt.Errorf("application %d submitted into %q", app.ID, app.Status)
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(lat...)
	if len(all) != b.N {
		b.Fatalf("%d pairs measured, want %d", len(all), b.N)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[int(math.Ceil(p*float64(len(all))))-1]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "apps/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
