// Command load drives `beian serve` for the fault scripts and the soak
// (scripts/fault/kill9.sh, scripts/fault/pg-restart.sh, bench/soak/run.sh):
//
//	load write  --base URL --journal FILE [--clients 8] [--allow unanswered,clean_5xx]
//	load verify --base URL --journal FILE
//	load soak   --base URL --gate URL --desk EMAIL:PASSWORD [--applicants 100 …] [--duration 10m]
//
// write signs applicants up and has each create and submit first filings
// until SIGTERM (or --duration), recording every acknowledged write (2xx) in
// the journal; verify reads the journal back against a server and counts
// the acknowledged writes that are missing or older than acknowledged. soak
// runs the mixed load and prints per-class counts, p99 and the RSS samples.
// Each prints one JSON summary on stdout and exits 1 when an answer was not
// one the run allows (a 4xx other than 429, a 5xx without the JSON error, a
// hang, or, unless allowed, no answer or a clean 5xx).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/beian/beian/internal/fixture"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load write|verify|soak [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "write":
		err = runWrite(ctx, os.Args[2:])
	case "verify":
		err = runVerify(ctx, os.Args[2:])
	case "soak":
		err = runSoak(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q: want write, verify or soak", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// journal is what write acknowledged, for verify.
type journal struct {
	Accounts []account `json:"accounts"`
	Apps     []ackApp  `json:"applications"`
}

type account struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Token    string `json:"token"`
	From     string `json:"from"`
}

// ackApp is an application and the last status the server acknowledged.
type ackApp struct {
	ID     int64  `json:"id"`
	N      int    `json:"n"` // fixture number of its content
	Owner  int    `json:"owner"`
	Status string `json:"status"`
}

// createBody is the API request of a first filing with fixture n's content.
func createBody(provider string, n int) map[string]any {
	c := fixture.FirstFiling(n)
	return map[string]any{"operation": "first_filing", "provider": provider, "entity": c.Entity, "websites": c.Websites}
}

// expectedName is the entity name of fixture n's content.
func expectedName(n int) string { return fixture.FirstFiling(n).Entity.Name }

// retry sends a request until it is answered with something other than a
// refusal to retry (no answer, a clean 5xx, a 429), or ctx ends. Every
// attempt is counted under class.
func retry(ctx context.Context, t *tally, class string, send func() answer) answer {
	for {
		a := send()
		if ctx.Err() != nil && a.Outcome != OK {
			return a // stopped under it: not the server's doing
		}
		t.add(class, a)
		switch a.Outcome {
		case Unanswered, Clean5xx:
			sleep(ctx, 200*time.Millisecond)
		case RateLimited:
			sleep(ctx, time.Duration(max(1, a.RetryAfter))*time.Second)
		default:
			return a
		}
		if ctx.Err() != nil {
			return a
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// enrol signs an applicant up and in, retrying through outages. A sign-up
// answered 409 after an attempt that got no answer was the first attempt's.
func enrol(ctx context.Context, c *client, t *tally, email, from string) (account, error) {
	acc := account{Email: email, Password: "correct horse " + email, From: from}
	creds := map[string]string{"email": email, "password": acc.Password, "name": email}
	tried := false
	for {
		a := c.do(ctx, "POST", "/api/v1/signup", "", from, "", creds, nil)
		if a.Outcome == Bad && a.Status == 409 && tried {
			a.Outcome = OK
		}
		if ctx.Err() != nil && a.Outcome != OK {
			return acc, ctx.Err()
		}
		t.add("signup", a)
		if a.Outcome == OK {
			break
		}
		if ctx.Err() != nil {
			return acc, ctx.Err()
		}
		switch a.Outcome {
		case Unanswered, Clean5xx, Hang:
			tried = true
			sleep(ctx, 200*time.Millisecond)
		case RateLimited:
			sleep(ctx, time.Duration(max(1, a.RetryAfter))*time.Second)
		default:
			return acc, fmt.Errorf("sign up %s: %s", email, a.Error())
		}
	}
	tok, err := signIn(ctx, c, t, acc.Email, acc.Password, from)
	acc.Token = tok
	return acc, err
}

// enrolAll signs n applicants up and in at once, each from its own address
// (the sign-up limit counts per address); email names account i.
func enrolAll(ctx context.Context, c *client, t *tally, n int, email func(int) string) ([]account, error) {
	if n < 1 {
		return nil, errors.New("at least one account is needed")
	}
	accs := make([]account, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			accs[i], errs[i] = enrol(ctx, c, t, email(i), fmt.Sprintf("10.%d.%d.1", 77+i/256, i%256))
		})
	}
	wg.Wait()
	return accs, errors.Join(errs...)
}

func signIn(ctx context.Context, c *client, t *tally, email, password, from string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	a := retry(ctx, t, "signin", func() answer {
		return c.do(ctx, "POST", "/api/v1/tokens", "", from, "", map[string]string{"email": email, "password": password}, &out)
	})
	if a.Outcome != OK || out.Token == "" {
		return "", fmt.Errorf("sign in %s: %s", email, a.Error())
	}
	return out.Token, nil
}

// allowed parses --allow: the outcomes a run accepts besides ok and rate_limited.
func allowed(s string) (map[Outcome]bool, error) {
	out := map[Outcome]bool{OK: true, RateLimited: true}
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		i := slices.Index(outcomeNames[:], name)
		if i < 0 || Outcome(i) == Bad || Outcome(i) == Hang {
			return nil, fmt.Errorf("--allow %q: want unanswered or clean_5xx", name)
		}
		out[Outcome(i)] = true
	}
	return out, nil
}

// judge returns an error naming the outcomes of t that allow does not accept.
func judge(t *tally, allow map[Outcome]bool) error {
	var bad []string
	for o := range nOutcomes {
		if n := t.total(o); n > 0 && !allow[o] {
			bad = append(bad, fmt.Sprintf("%d %s", n, o))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("answers the run does not allow: %s", strings.Join(bad, ", "))
	}
	return nil
}

func printJSON(v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Println(string(b))
}

func runWrite(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("write", flag.ContinueOnError)
	base := fs.String("base", "", "the platform's URL (http://127.0.0.1:PORT)")
	file := fs.String("journal", "", "where to write the acknowledged writes")
	clients := fs.Int("clients", 8, "concurrent clients")
	accounts := fs.Int("accounts", 4, "applicant accounts the clients share (each sign-up and sign-in is a slow password hash)")
	first := fs.Int("first", 1, "first fixture number (each client uses a block of 10,000 after it)")
	provider := fs.String("provider", "test-cloud", "provider code of the applications")
	duration := fs.Duration("duration", 0, "stop after this long (0: at SIGTERM)")
	timeout := fs.Duration("timeout", 15*time.Second, "a request unanswered this long is a hang")
	ready := fs.String("ready", "", "a file created once every client has signed up and in")
	allowS := fs.String("allow", "", "outcomes accepted besides ok and rate_limited: unanswered (serve killed), clean_5xx (database down)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	allow, err := allowed(*allowS)
	if err != nil {
		return err
	}
	if *base == "" || *file == "" {
		return errors.New("write needs --base and --journal")
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	c := newClient(*base, *clients, *timeout)
	t := newTally()
	var (
		mu sync.Mutex
		j  journal
		wg sync.WaitGroup
	)
	start := time.Now()
	// Writing starts once every account is in: sign-ups would wait for the
	// one SQLite writer behind the others' writes otherwise.
	accs, err := enrolAll(ctx, c, t, *accounts, func(i int) string { return fmt.Sprintf("load%d-%d@example.com", *first, i) })
	j.Accounts = accs
	if err != nil {
		_ = writeJournal(*file, &j)
		return err
	}
	if *ready != "" {
		if err := os.WriteFile(*ready, nil, 0o600); err != nil {
			return err
		}
	}
	for i := range *clients {
		wg.Go(func() {
			owner := i % len(accs)
			acc := accs[owner]
			from := acc.From
			for k := 0; k < 10000 && ctx.Err() == nil; k++ {
				n := *first + i*10000 + k
				var app struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				}
				a := c.do(ctx, "POST", "/api/v1/applications", acc.Token, from, "", createBody(*provider, n), &app)
				if ctx.Err() != nil && a.Outcome != OK {
					return // stopped mid-request: not an outcome of the server's
				}
				t.add("create", a)
				if a.Outcome != OK {
					sleep(ctx, 50*time.Millisecond)
					continue
				}
				mu.Lock()
				idx := len(j.Apps)
				j.Apps = append(j.Apps, ackApp{ID: app.ID, N: n, Owner: owner, Status: app.Status})
				mu.Unlock()
				a = c.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", app.ID), acc.Token, from, "", nil, &app)
				if ctx.Err() != nil && a.Outcome != OK {
					return
				}
				t.add("submit", a)
				if a.Outcome != OK {
					sleep(ctx, 50*time.Millisecond)
					continue
				}
				mu.Lock()
				j.Apps[idx].Status = app.Status
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if err := writeJournal(*file, &j); err != nil {
		return err
	}
	report, samples := t.report()
	acked := 0
	for _, a := range j.Accounts {
		if a.Token != "" {
			acked++
		}
	}
	submitted := 0
	for _, a := range j.Apps {
		if a.Status != "draft" {
			submitted++
		}
	}
	printJSON(map[string]any{
		"seconds": took.Seconds(), "accounts": acked, "applications_created": len(j.Apps), "applications_submitted": submitted,
		"writes_acknowledged": acked + len(j.Apps) + submitted,
		"classes":             report, "unexpected": samples,
	})
	return judge(t, allow)
}

// writeJournal writes j to path atomically.
func writeJournal(path string, j *journal) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// later lists the statuses an application acknowledged in a status may be
// in afterwards, with nobody else acting on it.
var later = map[string][]string{
	"draft":           {"draft", "provider_review"},
	"provider_review": {"provider_review"},
}

func runVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	base := fs.String("base", "", "the platform's URL")
	file := fs.String("journal", "", "the journal of a write run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	var j journal
	if err := json.Unmarshal(raw, &j); err != nil {
		return fmt.Errorf("journal %s: %w", *file, err)
	}
	c := newClient(*base, 4, 30*time.Second)
	t := newTally()
	var lost []string
	for _, acc := range j.Accounts {
		if acc.Token == "" {
			continue // never acknowledged
		}
		// The token was issued before the faults: it must still work.
		var me struct {
			Email string `json:"email"`
		}
		a := retry(ctx, t, "me", func() answer { return c.do(ctx, "GET", "/api/v1/me", acc.Token, acc.From, "", nil, &me) })
		if a.Outcome != OK || !strings.EqualFold(me.Email, acc.Email) {
			lost = append(lost, fmt.Sprintf("account %s or its token: %s (me %q)", acc.Email, a.Error(), me.Email))
		}
	}
	for _, app := range j.Apps {
		acc := j.Accounts[app.Owner]
		var got struct {
			Status     string `json:"status"`
			EntityName string `json:"entity_name"`
		}
		a := retry(ctx, t, "get", func() answer {
			return c.do(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", app.ID), acc.Token, acc.From, "", nil, &got)
		})
		switch {
		case a.Outcome != OK:
			lost = append(lost, fmt.Sprintf("application %d (%s): %s", app.ID, app.Status, a.Error()))
		case !slices.Contains(later[app.Status], got.Status):
			lost = append(lost, fmt.Sprintf("application %d acknowledged %s, now %s", app.ID, app.Status, got.Status))
		case got.EntityName != expectedName(app.N):
			lost = append(lost, fmt.Sprintf("application %d holds %q, want %q", app.ID, got.EntityName, expectedName(app.N)))
		}
	}
	accounts := 0
	for _, a := range j.Accounts {
		if a.Token != "" {
			accounts++
		}
	}
	printJSON(map[string]any{"accounts_checked": accounts, "applications_checked": len(j.Apps), "rows_lost": len(lost), "lost": first(lost, 20)})
	if len(lost) > 0 {
		return fmt.Errorf("%d acknowledged writes lost or changed", len(lost))
	}
	if len(j.Apps) == 0 {
		return errors.New("the journal holds no acknowledged application: nothing was tested")
	}
	return nil
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }
