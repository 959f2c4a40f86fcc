package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssFlag collects --rss NAME=PID.
type rssFlag map[string]int

func (r rssFlag) String() string { return fmt.Sprint(map[string]int(r)) }

func (r rssFlag) Set(s string) error {
	name, pid, ok := strings.Cut(s, "=")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil || n <= 0 {
		return fmt.Errorf("want NAME=PID, got %q", s)
	}
	r[name] = n
	return nil
}

// rssMB reads the resident set of process pid from /proc, in MiB.
func rssMB(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}

// memory is one process's RSS samples and the judgement on them.
type memory struct {
	Samples []float64 `json:"samples_mb"`
	FirstMB float64   `json:"first_mb"`
	LastMB  float64   `json:"last_mb"`
	MaxMB   float64   `json:"max_mb"`
	// Flat compares the mean of the last quarter of the samples with the
	// mean of the second quarter (the first is warm-up: caches, pools and
	// the heap filling): it is false when the last is more than 30 % and
	// 16 MiB above the earlier one.
	Flat        bool    `json:"flat"`
	EarlyMeanMB float64 `json:"second_quarter_mean_mb"`
	LateMeanMB  float64 `json:"last_quarter_mean_mb"`
}

func judgeMemory(s []float64) memory {
	m := memory{Samples: s, Flat: true}
	if len(s) == 0 {
		return m
	}
	m.FirstMB, m.LastMB = s[0], s[len(s)-1]
	for _, v := range s {
		m.MaxMB = max(m.MaxMB, v)
	}
	q := len(s) / 4
	if q == 0 {
		return m
	}
	m.EarlyMeanMB, m.LateMeanMB = mean(s[q:2*q]), mean(s[len(s)-q:])
	m.Flat = m.LateMeanMB <= m.EarlyMeanMB*1.3 || m.LateMeanMB <= m.EarlyMeanMB+16
	return m
}

func mean(s []float64) float64 {
	t := 0.0
	for _, v := range s {
		t += v
	}
	return t / float64(len(s))
}

func runSoak(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	base := fs.String("base", "", "the platform's URL")
	gate := fs.String("gate", "", "the gate's URL (beian gate --feed); empty: no gate checks")
	desk := fs.String("desk", "", "EMAIL:PASSWORD of a provider desk account (the reviewers)")
	provider := fs.String("provider", "test-cloud", "provider code of the applications")
	applicants := fs.Int("applicants", 100, "applicant clients: create, list, submit or withdraw")
	accounts := fs.Int("accounts", 10, "applicant accounts the applicant clients share")
	reviewers := fs.Int("reviewers", 10, "provider-desk clients: queue, approve or reject")
	lookups := fs.Int("lookups", 50, "public lookup clients")
	gates := fs.Int("gates", 40, "gate check clients")
	duration := fs.Duration("duration", 10*time.Minute, "how long")
	think := fs.Duration("think", 400*time.Millisecond, "each client waits a random time up to this between requests")
	timeout := fs.Duration("timeout", 30*time.Second, "a request unanswered this long is a hang")
	every := fs.Duration("rss-every", 10*time.Second, "RSS sampling interval")
	rss := rssFlag{}
	fs.Var(rss, "rss", "NAME=PID of a process whose RSS is sampled (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	email, password, ok := strings.Cut(*desk, ":")
	if *base == "" || (!ok && *reviewers > 0) {
		return errors.New("soak needs --base and --desk EMAIL:PASSWORD")
	}
	total := *applicants + *reviewers + *lookups + *gates
	c := newClient(*base, total, *timeout)
	var g *client
	if *gate != "" {
		g = newClient(*gate, *gates, *timeout)
	} else {
		*gates = 0
	}
	t := newTally()
	// Sign-ups and sign-ins (slow password hashes) come first, outside the
	// measured time: the applicants share the accounts, the reviewers the desk's.
	warm := time.Now()
	accs, err := enrolAll(ctx, c, t, *accounts, func(i int) string { return fmt.Sprintf("soak%d@example.com", i) })
	if err != nil {
		return err
	}
	tok := ""
	if *reviewers > 0 {
		if tok, err = signIn(ctx, c, t, email, password, "10.89.0.1"); err != nil {
			return err
		}
	}
	warmup := time.Since(warm)
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	pause := func(r *rand.Rand) { sleep(ctx, time.Duration(r.Int64N(int64(*think)+1))) }

	samples := map[string][]float64{}
	var smu sync.Mutex
	var wg sync.WaitGroup
	sample := func() {
		smu.Lock()
		defer smu.Unlock()
		for name, pid := range rss {
			if v, err := rssMB(pid); err == nil {
				samples[name] = append(samples[name], v)
			}
		}
	}
	sample()
	wg.Go(func() {
		tick := time.NewTicker(*every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				sample()
			}
		}
	})
	// nextN hands out fixture numbers: each first filing needs its own entity.
	var nmu sync.Mutex
	n := 100000
	nextN := func() int { nmu.Lock(); defer nmu.Unlock(); n++; return n }
	start := time.Now()

	for i := range *applicants {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 1))
			acc := accs[i%len(accs)]
			from := acc.From
			for ctx.Err() == nil {
				var app struct {
					ID int64 `json:"id"`
				}
				if a := c.do(ctx, "POST", "/api/v1/applications", acc.Token, from, "", createBody(*provider, nextN()), &app); !record(ctx, t, "applicant_create", a) {
					pause(r)
					continue
				}
				pause(r)
				record(ctx, t, "applicant_list", c.do(ctx, "GET", "/api/v1/applications", acc.Token, from, "", nil, nil))
				pause(r)
				// One draft in four is withdrawn; the rest go to the desk.
				step, class := "/submit", "applicant_submit"
				if r.IntN(4) == 0 {
					step, class = "/withdraw", "applicant_withdraw"
				}
				record(ctx, t, class, c.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d%s", app.ID, step), acc.Token, from, "", nil, nil))
				pause(r)
			}
		})
	}
	for i := range *reviewers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 2))
			from := fmt.Sprintf("10.89.0.%d", i+1)
			for ctx.Err() == nil {
				var q struct {
					Items []struct {
						ID     int64  `json:"id"`
						Status string `json:"status"`
					} `json:"items"`
				}
				a := c.do(ctx, "GET", "/api/v1/review/applications?status=provider_review&limit=50", tok, from, "", nil, &q)
				record(ctx, t, "reviewer_queue", a)
				pause(r)
				done := 0
				for _, it := range q.Items {
					// Each reviewer takes its share of the queue, so that two
					// never decide on one application.
					if it.Status != "provider_review" || it.ID%int64(*reviewers) != int64(i) || done == 3 || ctx.Err() != nil {
						continue
					}
					d := map[string]any{"decision": "approve"}
					if r.IntN(3) == 0 {
						d = map[string]any{"decision": "reject", "reasons": []string{"营业执照扫描件不清晰 (the licence scan is not legible)"}}
					}
					record(ctx, t, "reviewer_decide", c.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/provider-review", it.ID), tok, from, "", d, nil))
					done++
					pause(r)
				}
			}
		})
	}
	// Lookups and gate checks come from many visitors: a random address
	// each, as the public would.
	visitor := func(r *rand.Rand) string {
		return fmt.Sprintf("10.%d.%d.%d", 100+r.IntN(50), r.IntN(256), 1+r.IntN(254))
	}
	hostOf := func(r *rand.Rand) string {
		switch r.IntN(3) {
		case 0:
			return fmt.Sprintf("site%d-test.cn", 100000+r.IntN(5000))
		case 1:
			return fmt.Sprintf("www.site%d-test.cn", 100000+r.IntN(5000))
		}
		return fmt.Sprintf("unfiled%d.example", r.IntN(100000))
	}
	for i := range *lookups {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 3))
			for ctx.Err() == nil {
				record(ctx, t, "lookup", c.do(ctx, "GET", "/api/v1/filings?domain="+hostOf(r), "", visitor(r), "", nil, nil))
				pause(r)
			}
		})
	}
	for i := range *gates {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 4))
			for ctx.Err() == nil {
				a := g.do(ctx, "GET", "/auth", "", "", hostOf(r), nil, nil)
				if a.Outcome == Bad && a.Status == 451 {
					a.Outcome = OK // the gate's answer for an unfiled host
				}
				record(ctx, t, "gate", a)
				pause(r)
			}
		})
	}
	wg.Wait()
	sample()
	took := time.Since(start)
	report, unexpected := t.report()
	mem := map[string]memory{}
	flat := true
	for name, s := range samples {
		mem[name] = judgeMemory(s)
		flat = flat && mem[name].Flat
	}
	requests := 0
	for _, r := range report {
		requests += r.Requests
	}
	printJSON(map[string]any{"warmup_seconds": warmup.Seconds(), "seconds": took.Seconds(), "clients": total, "requests": requests,
		"requests_per_second": float64(requests) / took.Seconds(), "classes": report, "memory": mem, "unexpected": unexpected})
	var errs []error
	if !flat {
		errs = append(errs, errors.New("memory grew: see the memory section"))
	}
	errs = append(errs, judge(t, map[Outcome]bool{OK: true, RateLimited: true}))
	return errors.Join(errs...)
}

// record counts an answer unless the run was stopping under it, and
// reports whether it was OK.
func record(ctx context.Context, t *tally, class string, a answer) bool {
	if ctx.Err() != nil && a.Outcome != OK {
		return false
	}
	t.add(class, a)
	return a.Outcome == OK
}
