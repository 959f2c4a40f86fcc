package scan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beian/beian/internal/store"
)

// The reads below are what a provider sees of the sweeps (API and UI):
// its counts by kind, its open findings, a website's history and the last
// run. They take a store.Querier so that a handler passes db.R().

// ProviderCounts summarises the sweeps for one provider: its active
// websites, how many of them have been scanned and found compliant, and
// its open findings by kind (each kind of Kinds present, 0 if none).
type ProviderCounts struct {
	ProviderID int64        `json:"provider_id"`
	Websites   int          `json:"websites"`
	Scanned    int          `json:"scanned"`
	Compliant  int          `json:"compliant"`
	ByKind     map[Kind]int `json:"by_kind"`
	LastRun    *Run         `json:"last_run"`
}

// Run is one sweep.
type Run struct {
	ID         int64      `json:"id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Status     string     `json:"status"`
	Sites      int        `json:"sites"`
	Compliant  int        `json:"compliant"`
	Error      string     `json:"error,omitempty"`
}

// StoredFinding is a finding as the sweeps keep it: open while ResolvedAt
// is nil.
type StoredFinding struct {
	ID         int64      `json:"id"`
	WebsiteID  int64      `json:"website_id"`
	Website    string     `json:"website_number"`
	URL        string     `json:"url"`
	Kind       Kind       `json:"kind"`
	Detail     string     `json:"detail"`
	Evidence   string     `json:"evidence"`
	FirstSeen  time.Time  `json:"first_seen"`
	LastSeen   time.Time  `json:"last_seen"`
	ResolvedAt *time.Time `json:"resolved_at"`
	NotifiedAt *time.Time `json:"notified_at"`
}

// providerSites is the set of websites a provider serves: an active
// access to an active website.
const providerSites = `SELECT a.website_id FROM accesses a JOIN websites w ON w.id = a.website_id
	WHERE a.provider_id = ? AND a.status = 'active' AND w.status = 'active'`

// CountsForProvider returns provider's counts.
func CountsForProvider(ctx context.Context, q store.Querier, provider int64) (ProviderCounts, error) {
	c := ProviderCounts{ProviderID: provider, ByKind: map[Kind]int{}}
	for _, k := range Kinds() {
		c.ByKind[k] = 0
	}
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(s.website_id), COALESCE(SUM(CASE WHEN s.findings = 0 THEN 1 ELSE 0 END), 0)
		FROM (`+providerSites+`) p LEFT JOIN scan_sites s ON s.website_id = p.website_id`, provider).Scan(&c.Websites, &c.Scanned, &c.Compliant)
	if err != nil {
		return c, fmt.Errorf("scan counts of provider %d: %w", provider, err)
	}
	type kc struct {
		kind Kind
		n    int
	}
	rows, err := store.All(ctx, q, func(r store.Row) (kc, error) {
		var x kc
		err := r.Scan(&x.kind, &x.n) // before x is read: the order of return operands is unspecified
		return x, err
	}, `SELECT f.kind, COUNT(*) FROM scan_findings f WHERE f.resolved_at IS NULL AND f.website_id IN (`+providerSites+`)
		GROUP BY f.kind`, provider)
	if err != nil {
		return c, fmt.Errorf("scan counts of provider %d: %w", provider, err)
	}
	for _, r := range rows {
		c.ByKind[r.kind] = r.n
	}
	run, err := LastRun(ctx, q)
	switch {
	case err == nil:
		c.LastRun = &run
	case !errors.Is(err, store.ErrNotFound):
		return c, err
	}
	return c, nil
}

// OpenFindings lists provider's open findings, of one kind when kind is
// not empty, oldest first, at most limit (default 100, at most 1000).
func OpenFindings(ctx context.Context, q store.Querier, provider int64, kind Kind, limit int) ([]StoredFinding, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	query := findingSelect + ` WHERE f.resolved_at IS NULL AND f.website_id IN (` + providerSites + `)`
	args := []any{provider}
	if kind != "" {
		query += ` AND f.kind = ?`
		args = append(args, string(kind))
	}
	query += ` ORDER BY f.first_seen, f.id LIMIT ?`
	args = append(args, limit)
	out, err := store.All(ctx, q, scanStored, query, args...)
	if err != nil {
		return nil, fmt.Errorf("open scan findings of provider %d: %w", provider, err)
	}
	return nonNil(out), nil
}

// WebsiteHistory lists every finding a website has had, newest first.
func WebsiteHistory(ctx context.Context, q store.Querier, website int64) ([]StoredFinding, error) {
	out, err := store.All(ctx, q, scanStored, findingSelect+` WHERE f.website_id = ? ORDER BY f.first_seen DESC, f.id DESC`, website)
	if err != nil {
		return nil, fmt.Errorf("scan history of website %d: %w", website, err)
	}
	return nonNil(out), nil
}

// ProviderWebsiteHistory is WebsiteHistory for a provider: store.ErrNotFound
// unless the provider has an active access to the website, so that one
// provider never reads another's sites.
func ProviderWebsiteHistory(ctx context.Context, q store.Querier, provider, website int64) ([]StoredFinding, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM accesses WHERE provider_id = ? AND website_id = ? AND status = 'active'`,
		provider, website).Scan(&n); err != nil {
		return nil, fmt.Errorf("scan history of website %d: %w", website, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("website %d of provider %d: %w", website, provider, store.ErrNotFound)
	}
	return WebsiteHistory(ctx, q, website)
}

// LastRun returns the newest sweep, or store.ErrNotFound before the first.
func LastRun(ctx context.Context, q store.Querier) (Run, error) {
	var r Run
	var started int64
	var finished sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, started_at, finished_at, status, sites, compliant, error FROM scan_runs ORDER BY id DESC LIMIT 1`).
		Scan(&r.ID, &started, &finished, &r.Status, &r.Sites, &r.Compliant, &r.Error)
	if err = store.One(err); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return r, err
		}
		return r, fmt.Errorf("last scan run: %w", err)
	}
	r.StartedAt = store.FromMicros(started)
	r.FinishedAt = optTime(finished)
	return r, nil
}

const findingSelect = `SELECT f.id, f.website_id, w.number, w.home_url, f.kind, f.detail, f.evidence, f.first_seen, f.last_seen, f.resolved_at, f.notified_at
	FROM scan_findings f JOIN websites w ON w.id = f.website_id`

func scanStored(r store.Row) (StoredFinding, error) {
	var f StoredFinding
	var first, last int64
	var resolved, notified sql.NullInt64
	if err := r.Scan(&f.ID, &f.WebsiteID, &f.Website, &f.URL, &f.Kind, &f.Detail, &f.Evidence, &first, &last, &resolved, &notified); err != nil {
		return f, err
	}
	f.FirstSeen, f.LastSeen = store.FromMicros(first), store.FromMicros(last)
	f.ResolvedAt, f.NotifiedAt = optTime(resolved), optTime(notified)
	return f, nil
}

func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := store.FromMicros(v.Int64)
	return &t
}

func nonNil(fs []StoredFinding) []StoredFinding {
	if fs == nil {
		return []StoredFinding{}
	}
	return fs
}
