package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/lookup"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
)

// newLookup builds the public lookup over db, rate-limited per client by
// lim. The client address is the one the clientip middleware resolved at
// the edge (trusted proxies' forwarding headers applied), so the lookup and
// the rest of the API key their limits alike.
//
// The index is kept between runs in snapshot (in the data directory), so
// that a restart on an unchanged registry is ready at once.
func newLookup(ctx context.Context, db *store.DB, lim *ratelimit.Limiter, clients *clientip.Resolver, snapshot string, log *slog.Logger) (*lookup.Handler, error) {
	reg, err := lookup.New(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return lookup.NewHandler(reg, lookup.Options{
		Limiter:  lookup.RateLimiter(lim),
		ClientIP: requestClientKey,
		// The event loop of Serve resolves the client as the middleware does.
		Trusts: clients.Trusts,
		ClientKey: func(peer netip.Addr, forwarded http.Header) string {
			return clientip.Key(clients.Resolve(peer.String(), forwarded))
		},
		Commits:      db.Commits,
		SnapshotFile: snapshot,
		Log:          log.With("component", "lookup"),
	}), nil
}

// requestClientKey is the rate-limit key of the request's client.
func requestClientKey(r *http.Request) string {
	a, _ := clientip.FromContext(r.Context())
	return clientip.Key(a)
}
