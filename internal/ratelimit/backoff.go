package ratelimit

import (
	"fmt"
	"time"
)

// Backoff is the policy of one dimension of the login guard: the first Free
// attempts of a run of failures go ahead at once; after that each attempt
// must wait Base, then 2×Base, 4×Base… up to Max after the latest failure. Failures are forgotten Forget
// after the latest one, or on success for the account dimension.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// delay is the wait before attempt k of a run (k-1 failures before it).
func (b Backoff) delay(k int) time.Duration {
	if k <= b.Free {
		return 0
	}
	d := b.Base
	for i := b.Free + 1; i < k; i++ {
		if d > b.Max/2 {
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

func (b Backoff) check(name string) error {
	switch {
	case b.Free < 0:
		return fmt.Errorf("ratelimit %s: Free is %d, want 0 or more", name, b.Free)
	case b.Base <= 0:
		return fmt.Errorf("ratelimit %s: Base is %v, want a positive duration", name, b.Base)
	case b.Max < b.Base:
		return fmt.Errorf("ratelimit %s: Max %v is below Base %v", name, b.Max, b.Base)
	case b.Forget < b.Max:
		// Forgetting before the wait is over would end the wait early.
		return fmt.Errorf("ratelimit %s: Forget %v is below Max %v", name, b.Forget, b.Max)
	}
	return nil
}

// LoginConfig configures a LoginGuard.
type LoginConfig struct {
	// Account is the backoff per account (the normalised e-mail, known or
	// not). It bounds guessing one account's password from many addresses;
	// its Max is also how long an attacker can keep that account's owner
	// out, so keep it short.
	Account Backoff
	// IP is the backoff per client address (clientip.Key). It bounds one
	// client trying many accounts; a success does not clear it, or one
	// account of the attacker's own would reset it between guesses.
	IP Backoff
	// MaxKeys bounds the keys of each dimension; 0 means DefaultMaxKeys.
	MaxKeys int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultLogin is the policy serve uses: after 5 failures in a row an
// account's next attempt waits 1 s, doubling to 5 min; after 20 an
// address's waits 1 s, doubling to 15 min. A person mistyping never waits;
// a script gets about 25 guesses an hour at one account.
func DefaultLogin() LoginConfig {
	return LoginConfig{
		Account: Backoff{Free: 5, Base: time.Second, Max: 5 * time.Minute, Forget: time.Hour},
		IP:      Backoff{Free: 20, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour},
	}
}

// failures is one key's run of failures.
type failures struct {
	n    int
	last int64
}

// LoginGuard is the exponential backoff of sign-in: Check before the
// password is hashed, Fail or Succeed after. The per-account table and the
// per-address table are separate, so that spraying one cannot evict the
// other. Attempts already past Check when others fail are not refused
// (they were allowed when they began); the password-hash gate bounds how
// many those can be.
type LoginGuard struct {
	account, ip Backoff
	clock       clock
	accounts    *table[failures]
	ips         *table[failures]
}

// NewLoginGuard checks c and returns its guard.
func NewLoginGuard(c LoginConfig) (*LoginGuard, error) {
	if err := c.Account.check("login.account"); err != nil {
		return nil, err
	}
	if err := c.IP.check("login.ip"); err != nil {
		return nil, err
	}
	if c.MaxKeys < 0 {
		return nil, fmt.Errorf("ratelimit login: MaxKeys is %d, want 0 (default) or more", c.MaxKeys)
	}
	if c.MaxKeys == 0 {
		c.MaxKeys = DefaultMaxKeys
	}
	return &LoginGuard{account: c.Account, ip: c.IP, clock: newClock(c.Now),
		accounts: newTable[failures](c.MaxKeys), ips: newTable[failures](c.MaxKeys)}, nil
}

// Check says whether an attempt at account from ipKey may go ahead now.
// It changes nothing. When both dimensions refuse, the longer wait is
// given.
func (g *LoginGuard) Check(account, ipKey string) Decision {
	now := g.clock.nanos()
	d := Decision{Allowed: true}
	for _, dim := range []struct {
		name string
		b    Backoff
		t    *table[failures]
		key  string
	}{{"login.account", g.account, g.accounts, account}, {"login.ip", g.ip, g.ips, ipKey}} {
		if dim.key == "" {
			continue // no address: see Fail
		}
		f, ok := dim.t.peek(dim.key, now)
		if !ok {
			continue
		}
		if wait := time.Duration(f.last + int64(dim.b.delay(f.n+1)) - now); wait > 0 && wait > d.RetryAfter {
			d = Decision{RetryAfter: wait, Limit: dim.name}
		}
	}
	return d
}

// Fail records a failed attempt (a wrong password, an unknown account) for
// both dimensions.
func (g *LoginGuard) Fail(account, ipKey string) {
	now := g.clock.nanos()
	record := func(b Backoff) func(f *failures, fresh bool) (int64, bool) {
		return func(f *failures, fresh bool) (int64, bool) {
			f.n++
			f.last = now
			return now + int64(b.Forget), true
		}
	}
	g.accounts.update(account, now, record(g.account))
	// A sign-in with no client address (the CLI, the demo seeding) has no
	// address dimension: one shared key "" would let failures at one
	// account delay every other local sign-in.
	if ipKey != "" {
		g.ips.update(ipKey, now, record(g.ip))
	}
}

// Succeed records a successful sign-in: the account's failures are
// forgotten; the address's are kept (see LoginConfig.IP), which is why
// ipKey, taken for symmetry with Fail, is not used.
func (g *LoginGuard) Succeed(account, _ string) {
	g.accounts.delete(account)
}
