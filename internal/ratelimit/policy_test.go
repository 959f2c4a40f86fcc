package ratelimit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/fault"
)

func TestDefaultPolicy(t *testing.T) {
	clk := newFakeClock()
	g, err := NewGuards(DefaultPolicy(), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	// A burst of 5 sign-ups from one address, then one every 6 minutes.
	for i := range 5 {
		if d := g.SignUp.Allow("ip:192.0.2.1"); !d.Allowed {
			t.Fatalf("sign-up %d refused", i+1)
		}
	}
	d := g.SignUp.Allow("ip:192.0.2.1")
	if d.Allowed || d.RetryAfter != 6*time.Minute || !strings.HasPrefix(d.Err().Error(), "signup.rate_limited") {
		t.Fatalf("6th sign-up: %+v %v", d, d.Err())
	}
	// A desk looking up 60 filings at once is fine; the 61st waits half a second.
	for range 60 {
		if !g.Lookup.Allow("ip:192.0.2.1").Allowed {
			t.Fatal("lookup refused within the burst")
		}
	}
	if d := g.Lookup.Allow("ip:192.0.2.1"); d.Allowed || d.RetryAfter != 500*time.Millisecond {
		t.Fatalf("61st lookup: %+v", d)
	}
	if d := g.SMS.Allow("ip:192.0.2.1"); !d.Allowed || d.Remaining != 9 {
		t.Fatalf("first SMS try: %+v", d)
	}
	if _, ok := g.Hashes.TryAcquire(); !ok || g.Hashes.InUse() != 1 {
		t.Fatal("hash slot")
	}
}

func TestNewGuardsNamesTheBadLimit(t *testing.T) {
	for name, mutate := range map[string]func(*Policy){
		"ratelimit sms":        func(p *Policy) { p.SMS.Events = 0 },
		"ratelimit lookup":     func(p *Policy) { p.Lookup.Per = 0 },
		"ratelimit login.ip":   func(p *Policy) { p.Login.IP.Base = 0 },
		"ratelimit hash slots": func(p *Policy) { p.HashSlots = 0 },
	} {
		p := DefaultPolicy()
		mutate(&p)
		if _, err := NewGuards(p, nil); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSignIn(t *testing.T) {
	clk := newFakeClock()
	p := DefaultPolicy()
	p.HashSlots = 1
	g, err := NewGuards(p, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	wrong := func() (bool, error) { return false, nil }
	for i := range 5 {
		if ok, err := g.SignIn("li@example.cn", "ip:192.0.2.1", wrong); ok || err != nil {
			t.Fatalf("attempt %d: %v %v", i+1, ok, err)
		}
	}
	ran := false
	_, err = g.SignIn("li@example.cn", "ip:192.0.2.1", func() (bool, error) { ran = true; return true, nil })
	if e, isFault := fault.As(err); !isFault || e.Code != "login.account.rate_limited" || e.RetryAfterSeconds != 1 || ran {
		t.Fatalf("6th attempt: %v (ran %v); want refused for 1 s without hashing", err, ran)
	}
	clk.Advance(time.Second)
	if ok, err := g.SignIn("li@example.cn", "ip:192.0.2.1", func() (bool, error) { return true, nil }); !ok || err != nil {
		t.Fatalf("right password after the wait: %v %v", ok, err)
	}
	// The run is over: wrong passwords are free again.
	if _, err := g.SignIn("li@example.cn", "ip:192.0.2.1", wrong); err != nil {
		t.Fatalf("after success: %v", err)
	}
	// A failing check records nothing and is passed through.
	boom := errors.New("database down")
	for range 10 {
		if _, err := g.SignIn("wang@example.cn", "ip:192.0.2.2", func() (bool, error) { return false, boom }); !errors.Is(err, boom) {
			t.Fatalf("verify error: %v", err)
		}
	}
	// All slots taken: busy at once, and the attempt is not counted.
	release, _ := g.Hashes.TryAcquire()
	if _, err := g.SignIn("zhao@example.cn", "ip:192.0.2.3", wrong); !strings.HasPrefix(fmt.Sprint(err), "server.busy") {
		t.Fatalf("no slot: %v", err)
	}
	release()
	if d := g.Login.Check("wang@example.cn", "ip:192.0.2.2"); !d.Allowed {
		t.Fatalf("errors were counted as failures: %+v", d)
	}
}
