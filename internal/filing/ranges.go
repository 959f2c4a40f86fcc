package filing

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/beian/beian/internal/store"
)

// providerRanges reads the address ranges the provider declared, for the
// rule that an application's access IPs lie in them. A range that no
// longer parses is an error rather than skipped: skipping it would let
// every address through once no valid range is left.
func providerRanges(ctx context.Context, q store.Querier, providerID int64) ([]netip.Prefix, error) {
	if providerID == 0 {
		return nil, nil
	}
	cidrs, err := store.All(ctx, q, func(r store.Row) (string, error) {
		var c string
		err := r.Scan(&c)
		return c, err
	}, `SELECT cidr FROM provider_cidrs WHERE provider_id = ? ORDER BY cidr`, providerID)
	if err != nil {
		return nil, fmt.Errorf("provider ranges: %w", err)
	}
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, fmt.Errorf("provider %d range %q: %w", providerID, c, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
