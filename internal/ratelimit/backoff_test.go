package ratelimit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func newGuard(t *testing.T, clk *fakeClock) *LoginGuard {
	t.Helper()
	g, err := NewLoginGuard(LoginConfig{
		Account: Backoff{Free: 3, Base: time.Second, Max: 10 * time.Second, Forget: time.Minute},
		IP:      Backoff{Free: 5, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour},
		Now:     clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLoginBackoffPerAccount(t *testing.T) {
	clk := newFakeClock()
	g := newGuard(t, clk)
	// Each attempt from another address, so only the account backs off.
	attempt := 0
	try := func() Decision {
		attempt++
		return g.Check("li@example.cn", fmt.Sprint("ip:192.0.2.", attempt))
	}
	for i := range 3 {
		if d := try(); !d.Allowed {
			t.Fatalf("free attempt %d refused: %+v", i+1, d)
		}
		g.Fail("li@example.cn", fmt.Sprint("ip:192.0.2.", attempt))
	}
	// Waits of 1, 2, 4, 8, then 10 s (Max), counted from the latest failure.
	for _, wait := range []time.Duration{1, 2, 4, 8, 10, 10} {
		wait *= time.Second
		d := try()
		if d.Allowed || d.RetryAfter != wait || d.Limit != "login.account" {
			t.Fatalf("after %d failures: %+v; want refused for %v by login.account", attempt-1, d, wait)
		}
		clk.Advance(wait - time.Millisecond)
		if d := try(); d.Allowed || d.RetryAfter != time.Millisecond {
			t.Fatalf("1 ms early: %+v", d)
		}
		clk.Advance(time.Millisecond)
		if d := try(); !d.Allowed {
			t.Fatalf("after waiting %v: %+v", wait, d)
		}
		g.Fail("li@example.cn", fmt.Sprint("ip:192.0.2.", attempt))
	}
	// Other accounts are not affected.
	if d := g.Check("wang@example.cn", "ip:198.51.100.1"); !d.Allowed {
		t.Fatalf("other account: %+v", d)
	}
	// Success forgets the run.
	g.Succeed("li@example.cn", "ip:192.0.2.99")
	if d := try(); !d.Allowed {
		t.Fatalf("after success: %+v", d)
	}
}

func TestLoginBackoffPerIP(t *testing.T) {
	clk := newFakeClock()
	g := newGuard(t, clk)
	// One address trying a fresh account each time: only the address backs off.
	for i := range 5 {
		acct := fmt.Sprint("user", i, "@example.cn")
		if d := g.Check(acct, "ip:203.0.113.5"); !d.Allowed {
			t.Fatalf("attempt %d: %+v", i+1, d)
		}
		g.Fail(acct, "ip:203.0.113.5")
	}
	d := g.Check("user99@example.cn", "ip:203.0.113.5")
	if d.Allowed || d.RetryAfter != 2*time.Second || d.Limit != "login.ip" {
		t.Fatalf("6th account from one address: %+v; want refused 2 s by login.ip", d)
	}
	// A success on an account of the attacker's own does not clear the address.
	g.Succeed("mine@example.cn", "ip:203.0.113.5")
	if d := g.Check("user99@example.cn", "ip:203.0.113.5"); d.Allowed {
		t.Fatal("address cleared by a success")
	}
	// Another address is not affected, nor this one after Forget.
	if d := g.Check("user99@example.cn", "ip:203.0.113.6"); !d.Allowed {
		t.Fatalf("other address: %+v", d)
	}
	clk.Advance(time.Hour)
	if d := g.Check("user99@example.cn", "ip:203.0.113.5"); !d.Allowed {
		t.Fatalf("after Forget: %+v", d)
	}
}

func TestLoginBackoffLongerWaitWins(t *testing.T) {
	clk := newFakeClock()
	g := newGuard(t, clk)
	for range 6 {
		g.Fail("a@example.cn", "ip:192.0.2.1")
	}
	// Attempt 7: for the account (Free 3, 1 s base) 8 s, for the address
	// (Free 5, 2 s base) 4 s.
	if d := g.Check("a@example.cn", "ip:192.0.2.1"); d.RetryAfter != 8*time.Second || d.Limit != "login.account" {
		t.Fatalf("Check = %+v; want the account's 8 s", d)
	}
	if d := g.Check("b@example.cn", "ip:192.0.2.1"); d.RetryAfter != 4*time.Second || d.Limit != "login.ip" {
		t.Fatalf("Check = %+v; want the address's 4 s", d)
	}
	// Failures are forgotten a minute (the account's Forget) after the latest.
	clk.Advance(time.Minute)
	if d := g.Check("a@example.cn", "ip:192.0.2.9"); !d.Allowed {
		t.Fatalf("after the account's Forget: %+v", d)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Free: 2, Base: time.Second, Max: time.Duration(1<<63 - 1), Forget: time.Duration(1<<63 - 1)}
	for k, want := range map[int]time.Duration{1: 0, 2: 0, 3: time.Second, 4: 2 * time.Second, 13: 1024 * time.Second, 100: b.Max, 1 << 30: b.Max} {
		if got := b.delay(k); got != want {
			t.Errorf("delay(%d) = %v, want %v", k, got, want)
		}
	}
}

func TestDefaultLoginAnHourOfGuessing(t *testing.T) {
	clk := newFakeClock()
	c := DefaultLogin()
	c.Now = clk.Now
	g, err := NewLoginGuard(c)
	if err != nil {
		t.Fatal(err)
	}
	guesses := 0
	for end := clk.Now().Add(time.Hour); clk.Now().Before(end); {
		if d := g.Check("victim@example.cn", "ip:x"); !d.Allowed {
			clk.Advance(d.RetryAfter)
			continue
		}
		guesses++
		g.Fail("victim@example.cn", "ip:x")
	}
	if guesses < 20 || guesses > 30 {
		t.Fatalf("a script made %d guesses in an hour, want about 25 as DefaultLogin says", guesses)
	}
}

func TestNewLoginGuardRefuses(t *testing.T) {
	ok := Backoff{Free: 1, Base: time.Second, Max: time.Minute, Forget: time.Hour}
	for _, tc := range []struct {
		b    Backoff
		want string
	}{
		{Backoff{Free: -1, Base: time.Second, Max: time.Minute, Forget: time.Hour}, "Free"},
		{Backoff{Free: 1, Max: time.Minute, Forget: time.Hour}, "Base"},
		{Backoff{Free: 1, Base: time.Minute, Max: time.Second, Forget: time.Hour}, "Max"},
		{Backoff{Free: 1, Base: time.Second, Max: time.Hour, Forget: time.Minute}, "Forget"},
	} {
		if _, err := NewLoginGuard(LoginConfig{Account: tc.b, IP: ok}); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "login.account") {
			t.Errorf("account %+v: %v; want an error naming login.account %s", tc.b, err, tc.want)
		}
		if _, err := NewLoginGuard(LoginConfig{Account: ok, IP: tc.b}); err == nil || !strings.Contains(err.Error(), "login.ip") {
			t.Errorf("ip %+v: %v", tc.b, err)
		}
	}
	if _, err := NewLoginGuard(LoginConfig{Account: ok, IP: ok, MaxKeys: -1}); err == nil {
		t.Error("MaxKeys -1 accepted")
	}
}
