package filing

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/vocab"
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

// publicContentTypes is the content_types column of the registry, which
// the public lookup and export print: an App's or mini-program's content
// codes of the controlled vocabulary ("commerce.own_goods") become their
// Chinese labels, as the MIIT query shows them; a website's free-text
// types stay as written. The codes themselves stay in the sealed data.
func publicContentTypes(types []string) string {
	v := vocab.Default()
	out := make([]string, 0, len(types))
	for _, t := range types {
		t = strings.TrimSpace(t)
		if ct, ok := v.ContentType(t); ok {
			t = ct.ZH
		}
		out = append(out, t)
	}
	return strings.Join(out, ",")
}
