package ratelimit

import (
	"fmt"
	"math"
	"time"

	"github.com/beian/beian/internal/fault"
)

// Err returns the refusal to give the client: a fault.Error of kind
// RateLimited (HTTP 429) with code "<Limit>.rate_limited", a bilingual
// message and RetryAfterSeconds rounded up, never 0. It returns nil when d
// allowed the attempt. The message says nothing about why beyond "too
// many": telling whether the account or the address is the one waiting
// would tell an attacker which accounts exist.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	secs := RetryAfterSeconds(d.RetryAfter)
	return &fault.Error{Kind: fault.RateLimited, Code: d.Limit + ".rate_limited", RetryAfterSeconds: secs,
		Message: fmt.Sprintf("too many attempts, try again in %d s (尝试过于频繁，请%d秒后重试)", secs, secs)}
}

// RetryAfterSeconds is d rounded up to whole seconds, at least 1, as the
// Retry-After header wants (https://www.rfc-editor.org/rfc/rfc9110#name-retry-after).
func RetryAfterSeconds(d time.Duration) int {
	s := math.Ceil(d.Seconds())
	switch {
	case s < 1:
		return 1
	case s > math.MaxInt32:
		return math.MaxInt32
	}
	return int(s)
}

// Busy is the refusal when no password-hash slot is free: retry in a second.
func Busy() error {
	return &fault.Error{Kind: fault.RateLimited, Code: "server.busy", RetryAfterSeconds: 1,
		Message: "the server is busy, try again in a moment (服务器繁忙，请稍后重试)"}
}
