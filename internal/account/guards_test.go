package account_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
)

// guarded runs fn on both stores with a Service whose guards follow p on
// the injected clock; *g is set to those guards before fn runs.
func guarded(t *testing.T, p ratelimit.Policy, g **ratelimit.Guards, fn func(t *testing.T, e env)) {
	t.Helper()
	storesWith(t, func(db *store.DB, now func() time.Time) *account.Service {
		var err error
		if *g, err = ratelimit.NewGuards(p, now); err != nil {
			t.Fatalf("guards: %v", err)
		}
		return account.NewService(account.Config{DB: db, Now: now, Guards: *g})
	}, fn)
}

// from is ctx as a request from addr.
func from(ctx context.Context, addr string) context.Context {
	return clientip.WithAddr(ctx, netip.MustParseAddr(addr))
}

// wantRefusal fails t unless err is exactly want (every field compared).
func wantRefusal(t *testing.T, what string, err error, want *fault.Error) {
	t.Helper()
	got, ok := fault.As(err)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: err = %#v, want %#v", what, err, want)
	}
}

// busy is the refusal when no hash slot is free.
func busy(t *testing.T) *fault.Error {
	t.Helper()
	e, ok := fault.As(ratelimit.Busy())
	if !ok {
		t.Fatal("ratelimit.Busy is not a *fault.Error")
	}
	return e
}

// TestHashSlotsBusy holds the only hash slot: sign-up, sign-in (right or
// wrong password, known or unknown e-mail) and token issue are refused at
// once as busy, write nothing, and do not count as failed sign-ins.
func TestHashSlotsBusy(t *testing.T) {
	p := ratelimit.DefaultPolicy()
	p.HashSlots = 1
	var g *ratelimit.Guards
	guarded(t, p, &g, func(t *testing.T, e env) {
		ctx := context.Background()
		if _, err := e.svc.Signup(ctx, "held@example.com", goodPassword, ""); err != nil {
			t.Fatal(err)
		}
		release, ok := g.Hashes.TryAcquire()
		if !ok {
			t.Fatal("the only slot is taken before the test takes it")
		}
		want := busy(t)
		_, err := e.svc.AddUser(ctx, "new@example.com", goodPassword, "", auth.RoleAdmin, "")
		wantRefusal(t, "AddUser", err, want)
		_, err = e.svc.Signup(ctx, "new@example.com", goodPassword, "")
		wantRefusal(t, "Signup", err, want)
		_, err = e.svc.Login(ctx, "held@example.com", goodPassword)
		wantRefusal(t, "Login, right password", err, want)
		_, err = e.svc.Login(ctx, "nobody@example.com", goodPassword)
		wantRefusal(t, "Login, unknown e-mail", err, want)
		tok, _, err := e.svc.IssueToken(ctx, "held@example.com", goodPassword)
		wantRefusal(t, "IssueToken", err, want)
		if tok != "" {
			t.Errorf("IssueToken refused as busy returned token %q", tok)
		}
		// More busy refusals with a wrong password than the backoff lets
		// fail for free: none of them is a failure.
		for range p.Login.Account.Free + 2 {
			_, err = e.svc.Login(ctx, "held@example.com", "wrong password!")
			wantRefusal(t, "Login, wrong password", err, want)
		}
		if a, tk := count(t, e.db, "accounts"), count(t, e.db, "tokens"); a != 1 || tk != 0 {
			t.Errorf("busy refusals wrote rows: %d accounts (want 1), %d tokens (want 0)", a, tk)
		}
		release()
		if _, err := e.svc.Login(ctx, "held@example.com", goodPassword); err != nil {
			t.Errorf("Login once the slot is free: %v", err)
		}
		if _, err := e.svc.Signup(ctx, "new@example.com", goodPassword, ""); err != nil {
			t.Errorf("Signup once the slot is free: %v", err)
		}
		if n := g.Hashes.InUse(); n != 0 {
			t.Errorf("%d slots still held after the calls returned", n)
		}
	})
}

// TestLoginBackoff checks that sign-in goes through the backoff per
// account (the normalised e-mail, known or not) and per client address,
// and that the refusal does not tell a known account from an unknown one.
func TestLoginBackoff(t *testing.T) {
	p := ratelimit.DefaultPolicy()
	p.Login = ratelimit.LoginConfig{
		Account: ratelimit.Backoff{Free: 2, Base: time.Second, Max: 4 * time.Second, Forget: time.Hour},
		IP:      ratelimit.Backoff{Free: 5, Base: 10 * time.Second, Max: time.Minute, Forget: time.Hour},
	}
	var g *ratelimit.Guards
	guarded(t, p, &g, func(t *testing.T, e env) {
		ctx := context.Background()
		known, err := e.svc.Signup(ctx, "known@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		badLogin := &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_credentials", Field: "password", Message: "wrong e-mail or password (邮箱或密码错误)"}
		accountWait := &fault.Error{Kind: fault.RateLimited, Code: "login.account.rate_limited", RetryAfterSeconds: 1,
			Message: "too many attempts, try again in 1 s (尝试过于频繁，请1秒后重试)"}
		// Each attempt from its own address, so that only the account
		// dimension can refuse.
		addr := 0
		next := func() context.Context {
			addr++
			return from(ctx, netip.AddrFrom4([4]byte{198, 51, 100, byte(addr)}).String())
		}

		for _, email := range []string{"known@example.com", "nobody@example.com"} {
			for i := range p.Login.Account.Free {
				_, err := e.svc.Login(next(), email, "wrong password!")
				wantRefusal(t, email+" failure "+itoa(int64(i+1)), err, badLogin)
			}
		}
		// The right password waits too, and under another spelling of the address.
		_, err = e.svc.Login(next(), " KNOWN@Example.com", goodPassword)
		wantRefusal(t, "known account after its free failures", err, accountWait)
		_, err = e.svc.Login(next(), "nobody@example.com", goodPassword)
		wantRefusal(t, "unknown account after its free failures", err, accountWait)
		if _, err := e.svc.Login(next(), "other@example.com", "wrong password!"); !fault.Is(err, "auth.bad_credentials") {
			t.Errorf("another account is not held back: %v", err)
		}

		e.clock.Set(start.Add(p.Login.Account.Base))
		if a, err := e.svc.Login(next(), "known@example.com", goodPassword); err != nil || a.ID != known.ID {
			t.Fatalf("Login once the wait is over: %+v, %v", a, err)
		}
		// A success clears the account's failures.
		_, err = e.svc.Login(next(), "known@example.com", "wrong password!")
		wantRefusal(t, "first failure after a success", err, badLogin)

		// The address dimension: failures at distinct accounts (each within
		// its own allowance) add up per client address.
		ipWait := &fault.Error{Kind: fault.RateLimited, Code: "login.ip.rate_limited", RetryAfterSeconds: 10,
			Message: "too many attempts, try again in 10 s (尝试过于频繁，请10秒后重试)"}
		for _, tc := range []struct{ attacker, neighbour, bystander string }{
			{"203.0.113.9", "203.0.113.9", "203.0.113.10"},
			// IPv6 clients are keyed by their /64.
			{"2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:3::1"},
		} {
			for i := range p.Login.IP.Free {
				_, err := e.svc.Login(from(ctx, tc.attacker), "spray"+itoa(int64(i))+"@"+tc.attacker+".example.com", "wrong password!")
				wantRefusal(t, tc.attacker+" failure "+itoa(int64(i+1)), err, badLogin)
			}
			_, err = e.svc.Login(from(ctx, tc.neighbour), "known@example.com", goodPassword)
			wantRefusal(t, "right password from "+tc.neighbour, err, ipWait)
			if a, err := e.svc.Login(from(ctx, tc.bystander), "known@example.com", goodPassword); err != nil || a.ID != known.ID {
				t.Errorf("Login from %s: %+v, %v; want allowed", tc.bystander, a, err)
			}
		}
	})
}

// TestSignupRateLimit checks that self-service sign-up is limited per
// client address, and that calls without one (the CLI, demo seeding) are not.
func TestSignupRateLimit(t *testing.T) {
	p := ratelimit.DefaultPolicy()
	p.SignUp = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 2}
	var g *ratelimit.Guards
	guarded(t, p, &g, func(t *testing.T, e env) {
		ctx := context.Background()
		a := from(ctx, "192.0.2.1")
		for _, email := range []string{"a1@example.com", "a2@example.com"} {
			if _, err := e.svc.Signup(a, email, goodPassword, ""); err != nil {
				t.Fatalf("Signup(%s) within the burst: %v", email, err)
			}
		}
		_, err := e.svc.Signup(a, "a3@example.com", goodPassword, "")
		fe, ok := fault.As(err)
		if !ok || fe.Kind != fault.RateLimited || fe.Code != "signup.rate_limited" || fe.RetryAfterSeconds <= 0 || !bilingual(fe.Message) {
			t.Fatalf("third sign-up from one address: %#v, want signup.rate_limited with a wait", err)
		}
		if n := count(t, e.db, "accounts"); n != 2 {
			t.Errorf("%d accounts after a refused sign-up, want 2", n)
		}
		if _, err := e.svc.Signup(from(ctx, "192.0.2.2"), "b1@example.com", goodPassword, ""); err != nil {
			t.Errorf("sign-up from another address: %v", err)
		}
		for _, email := range []string{"cli1@example.com", "cli2@example.com", "cli3@example.com"} {
			if _, err := e.svc.Signup(ctx, email, goodPassword, ""); err != nil {
				t.Errorf("Signup(%s) without a client address: %v", email, err)
			}
		}
		e.clock.Set(start.Add(time.Duration(fe.RetryAfterSeconds) * time.Second))
		if _, err := e.svc.Signup(a, "a3@example.com", goodPassword, ""); err != nil {
			t.Errorf("sign-up once the wait is over: %v", err)
		}
	})
}

// TestKeyedAuditChain checks that a Service given a keyed chain keys the
// rows of provider and account creation, and that once the log is keyed a
// Service without the key refuses to add to it and writes nothing.
func TestKeyedAuditChain(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		chain, err := audit.New(audit.KeyFrom(bytes.Repeat([]byte{7}, 32)))
		if err != nil {
			t.Fatal(err)
		}
		keyed := account.NewService(account.Config{DB: e.db, Now: e.clock.Now, Chain: chain})
		if _, err := keyed.AddProvider(ctx, "idc-a", "甲 IDC", []string{"10.0.0.0/8"}); err != nil {
			t.Fatal(err)
		}
		if _, err := keyed.AddUser(ctx, "rev@example.com", goodPassword, "", auth.RoleProvider, "idc-a"); err != nil {
			t.Fatal(err)
		}
		rep, err := chain.Verify(ctx, e.db, audit.VerifyOptions{})
		if err != nil || !rep.OK || rep.Rows != 2 || rep.KeyedRows != 2 {
			t.Errorf("keyed chain: %+v, %v; want 2 keyed rows", rep, err)
		}
		if _, err := audit.Verify(ctx, e.db); !errors.Is(err, audit.ErrKeyRequired) {
			t.Errorf("unkeyed verify of a keyed log: %v, want ErrKeyRequired", err)
		}
		// e.svc has the unkeyed chain.
		if _, err := e.svc.AddProvider(ctx, "idc-b", "乙", []string{"192.0.2.0/24"}); !errors.Is(err, audit.ErrKeyRequired) {
			t.Errorf("unkeyed AddProvider on a keyed log: %v, want ErrKeyRequired", err)
		}
		if _, err := e.svc.AddUser(ctx, "admin@example.com", goodPassword, "", auth.RoleAdmin, ""); !errors.Is(err, audit.ErrKeyRequired) {
			t.Errorf("unkeyed AddUser on a keyed log: %v, want ErrKeyRequired", err)
		}
		for table, want := range map[string]int{"providers": 1, "provider_cidrs": 1, "accounts": 1, "audit_log": 2} {
			if n := count(t, e.db, table); n != want {
				t.Errorf("%s holds %d rows, want %d (refused additions roll back)", table, n, want)
			}
		}
	})
}
