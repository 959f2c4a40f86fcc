package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
)

// newLookup builds the public lookup over db, rate-limited per client by
// lim. The client address is the one the clientip middleware resolved at
// the edge (trusted proxies' forwarding headers applied), so the lookup and
// the rest of the API key their limits alike.
func newLookup(ctx context.Context, db *store.DB, lim *ratelimit.Limiter, clients *clientip.Resolver, log *slog.Logger) (*lookup.Handler, error) {
	reg, err := lookup.New(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return lookup.NewHandler(reg, lookup.Options{
		Limiter:  limiter{lim},
		ClientIP: requestClientKey,
		// The event loop of Serve resolves the client as the middleware does.
		Trusts: clients.Trusts,
		ClientKey: func(peer netip.Addr, forwarded http.Header) string {
			return clientip.Key(clients.Resolve(peer.String(), forwarded))
		},
		Commits: db.Commits,
		Log:     log.With("component", "lookup"),
	}), nil
}

// requestClientKey is the rate-limit key of the request's client.
func requestClientKey(r *http.Request) string {
	a, _ := clientip.FromContext(r.Context())
	return clientip.Key(a)
}

// limiter adapts a ratelimit.Limiter to lookup.Limiter.
type limiter struct{ l *ratelimit.Limiter }

func (l limiter) Allow(key string) (bool, time.Duration) {
	d := l.l.Allow(key)
	return d.Allowed, d.RetryAfter
}
