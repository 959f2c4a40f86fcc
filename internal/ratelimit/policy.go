package ratelimit

import (
	"fmt"
	"time"
)

// Policy is every limit serve applies to anonymous or cheap-to-repeat
// requests, keyed by client address (clientip.Key) unless said otherwise.
type Policy struct {
	// SignUp limits account creation per address.
	SignUp Rate
	// SMS limits SMS code attempts per address, on top of the five wrong
	// codes an application allows: it stops one client cycling through
	// many applications' codes.
	SMS Rate
	// Lookup limits the public lookup per address.
	Lookup Rate
	// Login is the sign-in backoff.
	Login LoginConfig
	// HashSlots is how many password hashes (64 MiB each) run at once.
	HashSlots int
	// MaxKeys bounds each limiter's keys; 0 means DefaultMaxKeys.
	MaxKeys int
}

// DefaultPolicy is the policy serve starts with: generous for people (a
// company's office behind one address signs up a few accounts, a desk
// looks up hundreds of filings a day), tight for scripts.
func DefaultPolicy() Policy {
	return Policy{
		SignUp:    Rate{Events: 10, Per: time.Hour, Burst: 5},
		SMS:       Rate{Events: 30, Per: time.Hour, Burst: 10},
		Lookup:    Rate{Events: 120, Per: time.Minute, Burst: 60},
		Login:     DefaultLogin(),
		HashSlots: 4,
	}
}

// Guards are a Policy's limiters, built once at start and shared by the
// API and the UI, so that a client cannot double its allowance by using both.
type Guards struct {
	SignUp, SMS, Lookup *Limiter
	Login               *LoginGuard
	Hashes              *Slots
}

// NewGuards builds p's guards on clock now (nil: time.Now); an error names
// the limit at fault, so that serve refuses to start on a bad setting.
func NewGuards(p Policy, now func() time.Time) (*Guards, error) {
	g := &Guards{}
	var err error
	for _, l := range []struct {
		name string
		rate Rate
		dst  **Limiter
	}{{"signup", p.SignUp, &g.SignUp}, {"sms", p.SMS, &g.SMS}, {"lookup", p.Lookup, &g.Lookup}} {
		if *l.dst, err = NewLimiter(Limit{Name: l.name, Rate: l.rate, MaxKeys: p.MaxKeys, Now: now}); err != nil {
			return nil, err
		}
	}
	lc := p.Login
	lc.Now, lc.MaxKeys = now, p.MaxKeys
	if g.Login, err = NewLoginGuard(lc); err != nil {
		return nil, err
	}
	if g.Hashes, err = NewSlots(p.HashSlots); err != nil {
		return nil, fmt.Errorf("ratelimit hash slots: %w", err)
	}
	return g, nil
}

// SignIn is one sign-in attempt under the guards: refused with the
// backoff's error while account or address must wait, with Busy when no
// hash slot is free, else verify (the password check, which must hash
// even for an unknown account so that timing tells nothing) runs in a
// slot and its outcome is recorded. ok is verify's answer; err is a
// refusal (fault.RateLimited) or verify's own error, which records
// nothing: a database failure is not the client's failure.
func (g *Guards) SignIn(account, ipKey string, verify func() (ok bool, err error)) (ok bool, err error) {
	if d := g.Login.Check(account, ipKey); !d.Allowed {
		return false, d.Err()
	}
	ran := g.Hashes.Do(func() { ok, err = verify() })
	switch {
	case !ran:
		return false, Busy()
	case err != nil:
		return false, err
	case ok:
		g.Login.Succeed(account, ipKey)
	default:
		g.Login.Fail(account, ipKey)
	}
	return ok, nil
}
