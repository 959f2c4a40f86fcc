package filing

import (
	"context"
	"fmt"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/store"
)

// gateProvider is the provider whose feed actor reads: a gate's own
// feed-only token (role gate) or, as before that role existed, its review
// desk's.
func gateProvider(actor auth.Principal) (int64, error) {
	if (actor.Role != auth.RoleGate && actor.Role != auth.RoleProvider) || actor.ProviderID == 0 {
		return 0, forbidden("the gate feed needs the provider's gate token (网关同步须使用接入商的网关令牌)")
	}
	return actor.ProviderID, nil
}

// Snapshot returns the provider's allow-list: every active domain of an
// active website with active access at this provider, plus the domains of
// its open applications as pending. The wire types are the gate's own, so
// the contract between the two lives in one place (package gate).
func (s *Service) Snapshot(ctx context.Context, actor auth.Principal) (gate.Snapshot, error) {
	pid, err := gateProvider(actor)
	if err != nil {
		return gate.Snapshot{}, err
	}
	snap := gate.Snapshot{GeneratedAt: s.now().UTC(), Entries: []gate.FeedEntry{}}
	snap.Version, err = gateList(ctx, s.db.R(), pid, func(e gate.FeedEntry) error {
		snap.Entries = append(snap.Entries, e)
		return nil
	})
	return snap, err
}

// Changes returns the provider's feed changes after version since: approved
// entries added and removed, and pending entries as applications are
// submitted and decided.
//
// The newest version is read first and only changes up to it are returned,
// so a change committed between the two reads is never skipped; gateLog
// assigns versions in commit order (see lockFeed).
func (s *Service) Changes(ctx context.Context, actor auth.Principal, since int64) (gate.Changes, error) {
	const page = 10000
	pid, err := gateProvider(actor)
	if err != nil {
		return gate.Changes{}, err
	}
	q := s.db.R()
	var max int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_log`).Scan(&max); err != nil {
		return gate.Changes{}, fmt.Errorf("gate changes: %w", err)
	}
	out := gate.Changes{Version: since, Changes: []gate.Change{}}
	changes, err := store.All(ctx, q, func(r store.Row) (gate.Change, error) {
		var c gate.Change
		err := r.Scan(&c.Version, &c.Op, &c.Domain, &c.Number, &c.Status)
		return c, err
	}, `SELECT version, op, domain, number, status FROM gate_log
		WHERE provider_id = ? AND version > ? AND version <= ? ORDER BY version LIMIT ?`, pid, since, max, page)
	if err != nil {
		return gate.Changes{}, fmt.Errorf("gate changes: %w", err)
	}
	if len(changes) > 0 {
		out.Changes = changes
		out.Version = changes[len(changes)-1].Version
	}
	if len(out.Changes) < page && max > out.Version {
		out.Version = max
	}
	return out, nil
}

// GateList streams the allow-list straight from the database for `beian gate
// --db`: approved domains with active access at the provider named by code
// (every provider when code is ""), then the domains of open applications as
// pending. It needs no data key: nothing it reads is sealed.
func GateList(ctx context.Context, db *store.DB, code string, yield func(gate.FeedEntry) error) (int64, error) {
	q := db.R()
	var pid int64
	if code != "" {
		if err := store.One(q.QueryRowContext(ctx, `SELECT id FROM providers WHERE code = ?`, code).Scan(&pid)); err != nil {
			return 0, fmt.Errorf("gate list: provider %q: %w", code, err)
		}
	}
	return gateList(ctx, q, pid, yield)
}

// gateList yields the allow-list of provider pid (every provider when 0) and
// returns the feed version it corresponds to.
//
// Its two loops are the only hand-written row loops of the package, on
// purpose: the list is as large as the registry (millions of domains for
// `beian gate --db`), so rows go to yield one at a time as they are read
// instead of being collected by store.All into a slice first, and nothing
// else grows with the list either: memory stays constant whatever its size.
func gateList(ctx context.Context, q store.Querier, pid int64, yield func(gate.FeedEntry) error) (int64, error) {
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_log`).Scan(&version); err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	// Rows come ordered by domain, so a domain filed under two numbers is
	// told apart from the previous row alone, without a set of everything seen.
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT d.name, w.number FROM domains d JOIN websites w ON w.id = d.website_id
		JOIN accesses a ON a.website_id = w.id
		WHERE d.status = 'active' AND w.status = 'active' AND a.status = 'active' AND (? = 0 OR a.provider_id = ?) ORDER BY d.name`, pid, pid)
	if err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	last := ""
	for rows.Next() {
		e := gate.FeedEntry{Status: gate.FeedApproved}
		if err := rows.Scan(&e.Domain, &e.Number); err != nil {
			rows.Close()
			return 0, fmt.Errorf("gate list: %w", err)
		}
		if e.Domain == last {
			continue
		}
		last = e.Domain
		if err := yield(e); err != nil {
			rows.Close()
			return 0, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("gate list: %w", err)
	}
	// Pending domains already approved at the provider are left out by the
	// database (the NOT EXISTS repeats the approved query's conditions).
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT ad.name FROM application_domains ad JOIN applications a ON a.id = ad.application_id
		WHERE a.status IN ('provider_review', 'sms_verification', 'authority_review') AND (? = 0 OR a.provider_id = ?)
		AND NOT EXISTS (SELECT 1 FROM domains d JOIN websites w ON w.id = d.website_id JOIN accesses ac ON ac.website_id = w.id
			WHERE d.name = ad.name AND d.status = 'active' AND w.status = 'active' AND ac.status = 'active' AND (? = 0 OR ac.provider_id = ?))
		ORDER BY ad.name`, pid, pid, pid, pid)
	if err != nil {
		return 0, fmt.Errorf("gate list pending: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return 0, fmt.Errorf("gate list pending: %w", err)
		}
		if err := yield(gate.FeedEntry{Domain: d, Status: gate.FeedPending}); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("gate list pending: %w", err)
	}
	return version, nil
}
