// Package apptest runs the whole platform in-process for scenario tests:
// a fresh database (SQLite, or PostgreSQL when BEIAN_TEST_POSTGRES is set),
// a movable clock, an httptest server on the real router, and helpers to
// call the JSON API as each role.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/ratelimit"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/store/storetest"
)

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Env is a running platform.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *Clock
	// Tokens for operator roles, created on demand.
	mu     sync.Mutex
	tokens map[string]string
}

// ProviderCode is the provider every Env has.
const ProviderCode = "test-cloud"

// DataKey is the data key of every test platform (hex of 32 bytes), for
// commands that must read what the platform sealed or keyed.
const DataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// Unlimited is a rate-limit policy no test reaches: every test client
// comes from 127.0.0.1, and the limits have tests of their own that set
// app.Config.Policy themselves.
func Unlimited() *ratelimit.Policy {
	p := ratelimit.DefaultPolicy()
	lots := ratelimit.Rate{Events: 1 << 20, Per: time.Hour, Burst: 1 << 20}
	p.SignUp, p.SMS, p.Lookup = lots, lots, lots
	p.Login.Account.Free, p.Login.IP.Free = 1<<30, 1<<30
	p.HashSlots = 16
	return &p
}

// New starts a platform for t; it is closed when t ends.
func New(t testing.TB) *Env { t.Helper(); return NewWith(t, nil) }

// NewWith is New with a hook that may change the configuration (SMTP, …).
func NewWith(t testing.TB, configure func(*app.Config)) *Env {
	t.Helper()
	// Monday 2026-03-02 10:00 in Beijing: a plain business week.
	clock := &Clock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	cfg := app.Config{DB: storetest.DSN(t), DataDir: dir,
		DataKey: DataKey, Now: clock.Now,
		Policy: Unlimited(), ScanEvery: -1}
	if configure != nil {
		configure(&cfg)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	e := &Env{T: t, App: a, Server: srv, Clock: clock, tokens: map[string]string{}}
	if _, err := a.Accounts.AddProvider(context.Background(), ProviderCode, "测试云 Test Cloud", []string{"198.51.100.0/24"}); err != nil {
		t.Fatalf("provider: %v", err)
	}
	return e
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Body   map[string]any
	Raw    []byte
	Header http.Header
}

// Do calls the API with an optional bearer token and JSON body.
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.T.Fatalf("marshal: %v", err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, r)
	if err != nil {
		e.T.Fatalf("request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

func (e *Env) send(req *http.Request) Response {
	e.T.Helper()
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatalf("read: %v", err)
	}
	out := Response{Status: resp.StatusCode, Raw: raw, Header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			e.T.Fatalf("%s %s: bad JSON %q: %v", req.Method, req.URL.Path, raw, err)
		}
	}
	return out
}

// Send performs a prepared request (multipart uploads).
func (e *Env) Send(req *http.Request) Response { e.T.Helper(); return e.send(req) }

// Must fails the test unless the response has the wanted status.
func (r Response) Must(t testing.TB, status int) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	return r
}

// ErrorCode is error.code of an error response.
func (r Response) ErrorCode() string {
	if e, ok := r.Body["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// Str reads a top-level string field.
func (r Response) Str(k string) string { s, _ := r.Body[k].(string); return s }

// ID reads the top-level id.
func (r Response) ID() int64 { f, _ := r.Body["id"].(float64); return int64(f) }

// Applicant signs up a new applicant and returns its token.
func (e *Env) Applicant(email string) string {
	e.T.Helper()
	e.Do("POST", "/api/v1/signup", "", map[string]string{"email": email, "password": "correct horse 1", "name": email}).Must(e.T, 201)
	r := e.Do("POST", "/api/v1/tokens", "", map[string]string{"email": email, "password": "correct horse 1"}).Must(e.T, 201)
	return r.Str("token")
}

// Operator returns a token for an operator role (provider of ProviderCode, authority, psb, admin).
func (e *Env) Operator(role auth.Role) string {
	e.T.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if tok, ok := e.tokens[string(role)]; ok {
		return tok
	}
	email := string(role) + "@ops.test"
	prov := ""
	if role == auth.RoleProvider || role == auth.RoleGate {
		prov = ProviderCode
	}
	if _, err := e.App.Accounts.AddUser(context.Background(), email, "operator pass 1", "", role, prov); err != nil {
		e.T.Fatalf("operator %s: %v", role, err)
	}
	tok, _, err := e.App.Accounts.IssueToken(context.Background(), email, "operator pass 1")
	if err != nil {
		e.T.Fatalf("operator token %s: %v", role, err)
	}
	e.tokens[string(role)] = tok
	return tok
}

// SMSCode delivers the outbox and reads the newest code sent to phone from
// the built-in SMS gateway, as the phone's owner would (the admin outbox
// masks codes).
func (e *Env) SMSCode(phone string) string {
	e.T.Helper()
	if _, err := e.App.Filing.DeliverSMS(context.Background()); err != nil {
		e.T.Fatalf("deliver SMS: %v", err)
	}
	body, ok := e.App.SMSInbox.Latest(phone, "")
	if !ok {
		e.T.Fatalf("no SMS to %s", phone)
	}
	code, ok := filing.SMSCodeFrom(body)
	if !ok {
		e.T.Fatalf("no code in %q", body)
	}
	return code
}

// Path formats an application path.
func Path(id int64, suffix string) string {
	return fmt.Sprintf("/api/v1/applications/%d%s", id, suffix)
}

// Principal returns who a token signs in as.
func (e *Env) Principal(tok string) auth.Principal {
	e.T.Helper()
	p, err := e.App.Accounts.Authenticate(context.Background(), tok)
	if err != nil {
		e.T.Fatalf("token: %v", err)
	}
	return p
}

// File takes an application of any operation, created from req by the
// applicant signed in with tok at the test provider, to the state until
// (any state of the lifecycle; expired moves the clock past the SMS window)
// and returns it. This is the one "file it through to approval" fixture;
// the demo data goes the same way (app.Drive).
func (e *Env) File(tok string, req filing.CreateRequest, until filing.Status) *filing.Application {
	e.T.Helper()
	if req.Provider == "" {
		req.Provider = ProviderCode
	}
	ctx := context.Background()
	desks := app.Desks{Owner: e.Principal(tok), Provider: e.Principal(e.Operator(auth.RoleProvider)),
		Authority: e.Principal(e.Operator(auth.RoleAuthority))}
	a, err := e.App.Drive(ctx, req, until, desks)
	if err != nil {
		if fe, ok := fault.As(err); ok && len(fe.Findings) > 0 {
			e.T.Fatalf("file %s to %s: %v %+v", req.Operation, until, err, fe.Findings)
		}
		e.T.Fatalf("file %s to %s: %v", req.Operation, until, err)
	}
	if until == filing.StatusExpired {
		e.Clock.Advance(filing.SMSValidity + time.Minute)
		if _, err := e.App.Filing.ExpireSMS(ctx); err != nil {
			e.T.Fatalf("expire: %v", err)
		}
		if a, err = e.App.Filing.Get(ctx, desks.Owner, a.ID); err != nil {
			e.T.Fatalf("expired application: %v", err)
		}
	}
	if a.Status != until {
		e.T.Fatalf("filed %s to %s, want %s", req.Operation, a.Status, until)
	}
	return a
}

// FirstFiling is the create request of fixture.FirstFiling(n).
func FirstFiling(n int) filing.CreateRequest {
	c := fixture.FirstFiling(n)
	return filing.CreateRequest{Operation: string(operation.FirstFiling), Provider: ProviderCode, Entity: c.Entity, Websites: c.Websites}
}
