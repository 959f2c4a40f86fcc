package filing

import (
	"context"
	"fmt"
	"time"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/store"
)

// GateEntry is one host of the gate feed.
type GateEntry struct {
	Domain string `json:"domain"`
	Number string `json:"number,omitempty"`
	Status string `json:"status"` // approved | pending
}

// GateChange is one change of the gate feed.
type GateChange struct {
	Version int64  `json:"version"`
	Op      string `json:"op"` // upsert | delete
	Domain  string `json:"domain"`
	Number  string `json:"number,omitempty"`
	Status  string `json:"status,omitempty"`
}

// GateSnapshot is the whole allow-list of a provider at a version.
type GateSnapshot struct {
	Version     int64       `json:"version"`
	GeneratedAt time.Time   `json:"generated_at"`
	Entries     []GateEntry `json:"entries"`
}

// GateChanges is the feed since a version.
type GateChanges struct {
	Version int64        `json:"version"`
	Changes []GateChange `json:"changes"`
}

func gateProvider(actor auth.Principal) (int64, error) {
	if actor.Role != auth.RoleProvider || actor.ProviderID == 0 {
		return 0, forbidden("the gate feed needs a provider token (网关同步须使用接入商令牌)")
	}
	return actor.ProviderID, nil
}

// Snapshot returns the provider's allow-list: every active domain of an
// active website with active access at this provider, plus the domains of
// its open applications as pending.
func (s *Service) Snapshot(ctx context.Context, actor auth.Principal) (GateSnapshot, error) {
	pid, err := gateProvider(actor)
	if err != nil {
		return GateSnapshot{}, err
	}
	snap := GateSnapshot{GeneratedAt: s.now().UTC(), Entries: []GateEntry{}}
	q := s.db.R(ctx)
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_log`).Scan(&snap.Version); err != nil {
		return GateSnapshot{}, fmt.Errorf("gate snapshot: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT d.name, w.number FROM domains d JOIN websites w ON w.id = d.website_id
		JOIN accesses a ON a.website_id = w.id
		WHERE d.status = 'active' AND w.status = 'active' AND a.status = 'active' AND a.provider_id = ? ORDER BY d.name`, pid)
	if err != nil {
		return GateSnapshot{}, fmt.Errorf("gate snapshot: %w", err)
	}
	approved := map[string]bool{}
	for rows.Next() {
		var e GateEntry
		if err := rows.Scan(&e.Domain, &e.Number); err != nil {
			rows.Close()
			return GateSnapshot{}, fmt.Errorf("gate snapshot: %w", err)
		}
		e.Status = "approved"
		approved[e.Domain] = true
		snap.Entries = append(snap.Entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return GateSnapshot{}, fmt.Errorf("gate snapshot: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT ad.name FROM application_domains ad JOIN applications a ON a.id = ad.application_id
		WHERE a.provider_id = ? AND a.status IN ('provider_review', 'sms_verification', 'authority_review') ORDER BY ad.name`, pid)
	if err != nil {
		return GateSnapshot{}, fmt.Errorf("gate snapshot pending: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return GateSnapshot{}, fmt.Errorf("gate snapshot pending: %w", err)
		}
		if !approved[d] {
			snap.Entries = append(snap.Entries, GateEntry{Domain: d, Status: "pending"})
		}
	}
	return snap, rows.Err()
}

// Changes returns the provider's feed changes after version since: approved
// entries added and removed, and pending entries as applications are
// submitted and decided.
func (s *Service) Changes(ctx context.Context, actor auth.Principal, since int64) (GateChanges, error) {
	pid, err := gateProvider(actor)
	if err != nil {
		return GateChanges{}, err
	}
	out := GateChanges{Version: since, Changes: []GateChange{}}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT version, op, domain, number, status FROM gate_log
		WHERE provider_id = ? AND version > ? ORDER BY version LIMIT 10000`, pid, since)
	if err != nil {
		return GateChanges{}, fmt.Errorf("gate changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c GateChange
		if err := rows.Scan(&c.Version, &c.Op, &c.Domain, &c.Number, &c.Status); err != nil {
			return GateChanges{}, fmt.Errorf("gate changes: %w", err)
		}
		out.Changes = append(out.Changes, c)
		out.Version = c.Version
	}
	if err := rows.Err(); err != nil {
		return GateChanges{}, err
	}
	if len(out.Changes) < 10000 {
		var max int64
		if err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_log`).Scan(&max); err != nil {
			return GateChanges{}, fmt.Errorf("gate changes: %w", err)
		}
		if max > out.Version {
			out.Version = max
		}
	}
	return out, nil
}

// GateList streams the allow-list straight from the database for `beian gate
// --db`: approved domains with active access at the provider named by code
// (every provider when code is ""), then the domains of open applications as
// pending. It needs no data key: nothing it reads is sealed.
func GateList(ctx context.Context, db *store.DB, code string, yield func(GateEntry) error) (int64, error) {
	q := db.R(ctx)
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_log`).Scan(&version); err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	var pid int64
	if code != "" {
		if err := store.One(q.QueryRowContext(ctx, `SELECT id FROM providers WHERE code = ?`, code).Scan(&pid)); err != nil {
			return 0, fmt.Errorf("gate list: provider %q: %w", code, err)
		}
	}
	approved := map[string]bool{}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT d.name, w.number FROM domains d JOIN websites w ON w.id = d.website_id
		JOIN accesses a ON a.website_id = w.id
		WHERE d.status = 'active' AND w.status = 'active' AND a.status = 'active' AND (? = 0 OR a.provider_id = ?) ORDER BY d.name`, pid, pid)
	if err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	for rows.Next() {
		e := GateEntry{Status: "approved"}
		if err := rows.Scan(&e.Domain, &e.Number); err != nil {
			rows.Close()
			return 0, fmt.Errorf("gate list: %w", err)
		}
		if approved[e.Domain] {
			continue
		}
		approved[e.Domain] = true
		if err := yield(e); err != nil {
			rows.Close()
			return 0, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT ad.name FROM application_domains ad JOIN applications a ON a.id = ad.application_id
		WHERE a.status IN ('provider_review', 'sms_verification', 'authority_review') AND (? = 0 OR a.provider_id = ?) ORDER BY ad.name`, pid, pid)
	if err != nil {
		return 0, fmt.Errorf("gate list pending: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return 0, fmt.Errorf("gate list pending: %w", err)
		}
		if approved[d] {
			continue
		}
		if err := yield(GateEntry{Domain: d, Status: "pending"}); err != nil {
			return 0, err
		}
	}
	return version, rows.Err()
}
