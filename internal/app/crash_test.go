package app_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // integrity check of the SQLite file after the crash

	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/store/storetest"
)

// crashKey is the BEIAN_DATA_KEY of the crash test's server (hex of 32 bytes).
const crashKey = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"

// apiClient calls a platform over HTTP from any goroutine: errors are
// returned, never reported through testing.T.
type apiClient struct {
	base string
	http *http.Client
}

func newAPIClient(base string, conns int) *apiClient {
	return &apiClient{base: base, http: &http.Client{Timeout: 20 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}}
}

// call sends a JSON request and decodes a JSON answer into out (when not nil).
// A transport error is returned as is; any answer, 2xx or not, gives its status.
func (c *apiClient) call(ctx context.Context, method, path, token string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("marshal %s %s: %w", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, fmt.Errorf("request %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if a, ok := ctx.Value(clientAddrKey{}).(string); ok {
		req.Header.Set("X-Forwarded-For", a) // the test talks to serve over loopback, a trusted proxy
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	tries, _ := ctx.Value(retriedKey{}).(int)
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "1" && tries < 60 {
		// All password-hash slots were busy (8 clients sign in at once, the
		// server hashes 4 at a time, slowly on a loaded machine): a client
		// waits the second it is told, for up to a minute.
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return c.call(context.WithValue(ctx, retriedKey{}, tries+1), method, path, token, body, out)
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: bad JSON %q: %w", method, path, raw, err)
		}
	}
	return resp.StatusCode, nil
}

type (
	clientAddrKey struct{}
	retriedKey    struct{}
)

// asClient makes the calls under ctx come from addr, as a proxy in front
// of serve would say: the rate limits count per client address.
func asClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// signIn signs an applicant up (when signup is set) and returns a token.
func (c *apiClient) signIn(ctx context.Context, email, password string, signup bool) (string, error) {
	creds := map[string]string{"email": email, "password": password, "name": email}
	if signup {
		if _, err := c.call(ctx, "POST", "/api/v1/signup", "", creds, nil); err != nil {
			return "", err
		}
	}
	var tok struct {
		Token string `json:"token"`
	}
	if _, err := c.call(ctx, "POST", "/api/v1/tokens", "", creds, &tok); err != nil {
		return "", err
	}
	return tok.Token, nil
}

// tailBuffer keeps the last part of a process's output for failure messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if n := len(b.buf) - 16<<10; n > 0 {
		b.buf = append([]byte(nil), b.buf[n:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// server is a running `beian serve` child process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *tailBuffer
	done   chan error
}

// startServer runs `beian serve --addr 127.0.0.1:0` and waits for the
// address it prints on stdout.
func startServer(t *testing.T, ctx context.Context, bin string, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	s := &server{cmd: cmd, stderr: &tailBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "beian listening on "); ok {
				select {
				case addr <- strings.Fields(rest)[0]:
				default:
				}
			}
		}
		// Wait only once stdout is drained, as os/exec asks of StdoutPipe users.
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { s.kill() })
	select {
	case u := <-addr:
		if !strings.HasPrefix(u, "http://127.0.0.1:") || strings.HasSuffix(u, ":0") {
			t.Fatalf("serve printed address %q, want http://127.0.0.1:PORT with the bound port", u)
		}
		s.url = u
	case err := <-s.done:
		s.done <- err
		t.Fatalf("beian serve exited before listening: %v\n%s", err, s.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("beian serve printed no address within 60 s\n%s", s.stderr)
	}
	return s
}

// kill sends SIGKILL (if still running) and waits for the process.
func (s *server) kill() error {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	err := <-s.done
	s.done <- err
	return err
}

// stop asks the server to shut down with SIGTERM and waits up to 20 s.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Errorf("beian serve after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("beian serve did not stop within 20 s of SIGTERM\n%s", s.stderr)
	}
}

// ack is an application the server acknowledged with a 2xx, and the status it acknowledged.
type ack struct {
	id     int64
	status string
	client int
	n      int // fixture number
}

// TestKill9KeepsAcknowledgedApplications builds the beian binary, puts it
// under write load from 8 applicants creating and submitting first filings,
// kills it with SIGKILL mid-load, restarts it on the same database and
// checks that every application whose create or submit was acknowledged is
// there, in the acknowledged status or a later one.
func TestKill9KeepsAcknowledgedApplications(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool that runs this test is not on PATH; cannot build cmd/beian: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "beian")
	if out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/beian/beian/cmd/beian").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/beian: %v\n%s", err, out)
	}
	dsn := storetest.DSN(t)
	dataDir := filepath.Join(dir, "data")
	env := append(os.Environ(), "BEIAN_DATA_KEY="+crashKey)
	for _, args := range [][]string{
		{"provider", "add", "--db", dsn, "--code", "test-cloud", "--name", "测试云 Test Cloud", "--cidr", "198.51.100.0/24"},
		{"user", "add", "--db", dsn, "--email", "desk@test-cloud.test", "--password", "operator pass 1", "--role", "provider", "--provider", "test-cloud"},
	} {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("beian %s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
	}

	srv := startServer(t, ctx, bin, env, "--db", dsn, "--data-dir", dataDir)
	const clients = 8
	c := newAPIClient(srv.url, clients)
	tokens := make([]string, clients)
	var wg sync.WaitGroup
	errs := make([]error, clients)
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tokens[i], errs[i] = c.signIn(asClient(ctx, fmt.Sprintf("198.51.100.%d", i+1)), fmt.Sprintf("crash%d@example.com", i), "correct horse 1", true)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("sign up: %v", err)
	}

	// Load: each client creates and submits until the server dies under it.
	var (
		mu      sync.Mutex
		acks    = map[int64]*ack{}
		lost    int     // requests in flight at the kill: sent, never answered
		refused int     // requests after the kill: connection refused
		faults  []error // non-2xx answers: none are expected
	)
	loadCtx, stopLoad := context.WithTimeout(ctx, 30*time.Second) // a bound even if the kill failed
	defer stopLoad()
	noAnswer := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if errors.Is(err, syscall.ECONNREFUSED) {
			refused++
		} else {
			lost++
		}
	}
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 10000 && loadCtx.Err() == nil; k++ {
				n := 1 + i*10000 + k
				var app struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				}
				status, err := c.call(loadCtx, "POST", "/api/v1/applications", tokens[i], request(fixture.FirstFiling(n)), &app)
				if status == 0 && err != nil {
					noAnswer(err)
					return
				}
				mu.Lock()
				if err != nil {
					faults = append(faults, err)
				} else {
					acks[app.ID] = &ack{id: app.ID, status: app.Status, client: i, n: n}
				}
				mu.Unlock()
				if err != nil {
					return
				}
				status, err = c.call(loadCtx, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", app.ID), tokens[i], nil, &app)
				if status == 0 && err != nil {
					noAnswer(err)
					return
				}
				mu.Lock()
				if err != nil {
					faults = append(faults, err)
				} else {
					acks[app.ID].status = app.Status
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	mu.Lock()
	before := len(acks)
	mu.Unlock()
	_ = srv.kill() // SIGKILL while the clients are still writing
	wg.Wait()
	stopLoad()
	for _, f := range faults {
		t.Errorf("non-2xx answer under load: %v", f)
	}
	submitted := 0
	for _, a := range acks {
		if a.status == "provider_review" {
			submitted++
		}
	}
	t.Logf("acknowledged %d applications (%d submitted) in 3 s (%d before the kill signal); %d requests in flight at the kill, %d refused after it",
		len(acks), submitted, before, lost, refused)
	if submitted == 0 || len(acks) < clients {
		t.Fatalf("too little load to test anything: %d acknowledged, %d submitted\n%s", len(acks), submitted, srv.stderr)
	}

	// Restart on the same database and data directory.
	srv2 := startServer(t, ctx, bin, env, "--db", dsn, "--data-dir", dataDir)
	c2 := newAPIClient(srv2.url, 4)
	desk, err := c2.signIn(ctx, "desk@test-cloud.test", "operator pass 1", false)
	if err != nil {
		t.Fatalf("provider desk sign-in after restart: %v", err)
	}
	later := map[string][]string{"draft": {"draft", "provider_review"}, "provider_review": {"provider_review"}}
	for _, a := range acks {
		var got struct {
			Status     string `json:"status"`
			EntityName string `json:"entity_name"`
			Content    *struct {
				Entity struct {
					Principal struct {
						Phone string `json:"phone"`
					} `json:"principal"`
				} `json:"entity"`
			} `json:"content"`
		}
		// The applicant's token was issued before the crash: it must survive too.
		if _, err := c2.call(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", a.id), tokens[a.client], nil, &got); err != nil {
			t.Errorf("acknowledged application %d (%s) lost: %v", a.id, a.status, err)
			continue
		}
		want := fixture.FirstFiling(a.n)
		if !slices.Contains(later[a.status], got.Status) {
			t.Errorf("application %d acknowledged %s, after restart %s", a.id, a.status, got.Status)
		}
		if got.EntityName != want.Entity.Name || got.Content == nil || got.Content.Entity.Principal.Phone != want.Entity.Principal.Phone {
			t.Errorf("application %d content after restart: entity %q phone %v, want %q %q", a.id, got.EntityName, got.Content, want.Entity.Name, want.Entity.Principal.Phone)
		}
		if a.status == "provider_review" {
			if _, err := c2.call(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", a.id), desk, nil, nil); err != nil {
				t.Errorf("submitted application %d not visible to the provider desk after restart: %v", a.id, err)
			}
		}
	}
	// The restarted server still takes writes.
	if _, err := c2.call(ctx, "POST", "/api/v1/applications", tokens[0], request(fixture.FirstFiling(99999)), nil); err != nil {
		t.Errorf("create after restart: %v", err)
	}
	srv2.stop(t)
	if !strings.HasPrefix(dsn, "postgres") {
		db, err := sql.Open("sqlite", "file:"+dsn)
		if err != nil {
			t.Fatalf("open %s: %v", dsn, err)
		}
		defer db.Close()
		var res string
		if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Errorf("integrity_check after the crash: %q %v", res, err)
		}
	}
}
