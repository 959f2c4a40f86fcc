package scan

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"net/netip"
	"strings"

	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// Registry reads the sites to scan from the platform's database: every
// active website with its numbers, go-live date, active domains and the
// address ranges of the providers it has an active access with. It only
// reads, through the read pool.
type Registry struct {
	db *store.DB
	// PageSize is how many websites are read per query (default 500), so
	// that a registry of millions streams in bounded memory.
	PageSize int
}

// NewRegistry reads from db.
func NewRegistry(db *store.DB) *Registry { return &Registry{db: db, PageSize: 500} }

// Count returns the number of active websites (for a progress bar). Only
// services of type website have a home page to fetch: an App's,
// mini-program's or quick app's registry row (same table) is not scanned.
func (r *Registry) Count(ctx context.Context) (int, error) {
	var n int
	if err := r.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM websites WHERE status = 'active' AND service_type = 'website'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("scan registry: count websites: %w", err)
	}
	return n, nil
}

// Targets yields every active website in id order, page by page.
func (r *Registry) Targets(ctx context.Context) iter.Seq2[Target, error] {
	return func(yield func(Target, error) bool) {
		providers, err := r.providers(ctx)
		if err != nil {
			yield(Target{}, err)
			return
		}
		size := r.PageSize
		if size <= 0 {
			size = 500
		}
		var after int64
		for {
			page, err := r.page(ctx, after, size, providers)
			if err != nil {
				yield(Target{}, err)
				return
			}
			for _, t := range page {
				if !yield(t, nil) {
					return
				}
			}
			if len(page) < size {
				return
			}
			after = page[len(page)-1].Filing.WebsiteID
		}
	}
}

// providers reads every provider with its ranges. Providers are few (the
// platform's own and its partners'), so they are read once per sweep.
func (r *Registry) providers(ctx context.Context) (map[int64]*Provider, error) {
	q := r.db.R()
	out := map[int64]*Provider{}
	rows, err := q.QueryContext(ctx, `SELECT id, code FROM providers`)
	if err != nil {
		return nil, fmt.Errorf("scan registry: providers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p := &Provider{}
		if err := rows.Scan(&p.ID, &p.Code); err != nil {
			return nil, fmt.Errorf("scan registry: providers: %w", err)
		}
		out[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scan registry: providers: %w", err)
	}
	crows, err := q.QueryContext(ctx, `SELECT provider_id, cidr FROM provider_cidrs ORDER BY provider_id, cidr`)
	if err != nil {
		return nil, fmt.Errorf("scan registry: provider ranges: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var cidr string
		if err := crows.Scan(&id, &cidr); err != nil {
			return nil, fmt.Errorf("scan registry: provider ranges: %w", err)
		}
		pfx, err := netip.ParsePrefix(strings.TrimSpace(cidr))
		if err != nil {
			return nil, fmt.Errorf("scan registry: provider %d has a bad range %q: %w", id, cidr, err)
		}
		if p := out[id]; p != nil {
			p.CIDRs = append(p.CIDRs, pfx.Masked())
		}
	}
	if err := crows.Err(); err != nil {
		return nil, fmt.Errorf("scan registry: provider ranges: %w", err)
	}
	return out, nil
}

// page reads up to size active websites with id > after, and their
// domains and accesses with one query each over the page's id range.
func (r *Registry) page(ctx context.Context, after int64, size int, providers map[int64]*Provider) ([]Target, error) {
	q := r.db.R()
	rows, err := q.QueryContext(ctx, `SELECT w.id, w.number, w.home_url, COALESCE(w.go_live, ''), COALESCE(w.psb_number, ''),
		COALESCE(e.number, ''), COALESCE(e.license_number, ''), e.province,
		COALESCE((SELECT p.go_live FROM psb_filings p WHERE p.website_id = w.id ORDER BY p.id DESC LIMIT 1), '')
		FROM websites w JOIN entities e ON e.id = w.entity_id
		WHERE w.status = 'active' AND w.service_type = 'website' AND w.id > ? ORDER BY w.id LIMIT ?`, after, size)
	if err != nil {
		return nil, fmt.Errorf("scan registry: websites after %d: %w", after, err)
	}
	defer rows.Close()
	var out []Target
	byID := map[int64]*Filing{}
	for rows.Next() {
		f := &Filing{}
		var home, psbGoLive string
		if err := rows.Scan(&f.WebsiteID, &f.Number, &home, &f.GoLive, &f.PSB, &f.Entity, &f.License, &f.Province, &psbGoLive); err != nil {
			return nil, fmt.Errorf("scan registry: websites: %w", err)
		}
		if f.GoLive == "" {
			f.GoLive = psbGoLive
		}
		f.Number, f.Entity, f.License, f.PSB = normFiling(f.Number), normFiling(f.Entity), normLicense(f.License), normPSB(f.PSB)
		out = append(out, Target{URL: strings.TrimSpace(home), Filing: f})
		byID[f.WebsiteID] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scan registry: websites: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	lo, hi := out[0].Filing.WebsiteID, out[len(out)-1].Filing.WebsiteID
	if err := eachRow(ctx, q, `SELECT website_id, name FROM domains WHERE status = 'active' AND website_id BETWEEN ? AND ? ORDER BY website_id, name`, lo, hi,
		func(id int64, name string) {
			if f := byID[id]; f != nil {
				f.Domains = append(f.Domains, name)
			}
		}); err != nil {
		return nil, fmt.Errorf("scan registry: domains: %w", err)
	}
	if err := eachRow(ctx, q, `SELECT website_id, provider_id FROM accesses WHERE status = 'active' AND website_id BETWEEN ? AND ? ORDER BY website_id, provider_id`, lo, hi,
		func(id int64, provider string) {
			f := byID[id]
			var pid int64
			if _, err := fmt.Sscan(provider, &pid); err != nil || f == nil || providers[pid] == nil {
				return
			}
			f.Providers = append(f.Providers, *providers[pid])
		}); err != nil {
		return nil, fmt.Errorf("scan registry: accesses: %w", err)
	}
	for i := range out {
		if out[i].URL == "" && len(out[i].Filing.Domains) > 0 {
			out[i].URL = out[i].Filing.Domains[0]
		}
	}
	return out, nil
}

// eachRow runs a query of (id, text) rows over an id range.
func eachRow(ctx context.Context, q store.Querier, query string, lo, hi int64, fn func(int64, string)) error {
	rows, err := q.QueryContext(ctx, query, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v sql.NullString
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v.String)
	}
	return rows.Err()
}

// The registry stores numbers as icpnum prints them; parsing them again
// guards against rows written by an import in another spelling.
func normFiling(s string) string {
	if f, err := icpnum.ParseFiling(s); err == nil {
		return f.String()
	}
	return s
}

func normLicense(s string) string {
	if l, err := icpnum.ParseLicense(s); err == nil {
		return l.String()
	}
	return s
}

func normPSB(s string) string {
	if p, err := icpnum.ParsePSB(s); err == nil {
		return p.String()
	}
	return s
}
