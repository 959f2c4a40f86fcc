package filing

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// issued are the numbers an approval gave out.
type issued struct {
	entity    string
	entityID  int64
	websites  []string
	licence   string
	operating string
}

// nextSerial allocates the next serial of a counter inside the caller's
// transaction. The upsert takes the row lock (PostgreSQL) or runs under the
// single writer (SQLite), so two approvals never read the same value.
func nextSerial(ctx context.Context, tx *store.Tx, name string) (int, error) {
	var v int
	err := tx.Q().QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return v, nil
}

// shanghai is the Mainland civil time zone (UTC+8, no DST since 1991).
var shanghai = time.FixedZone("CST", 8*3600)

// approve writes the registry rows of an approved first filing and issues
// its numbers: the entity number <abbr>ICP备<YYYY><serial>号 (serial per
// province and year) and service numbers entity-N plus the type letter
// (-1, -2A, -3X, -4K), N counting all the entity's services.
func (s *Service) approve(ctx context.Context, tx *store.Tx, app *Application, now time.Time) (issued, error) {
	c := app.Content
	prov, ok := icpnum.LookupProvince(strings.TrimSpace(c.Entity.Province))
	if !ok {
		return issued{}, invalid("entity.province", "entity.province_unknown", "unknown province (省份无效)")
	}
	year := now.In(shanghai).Year()
	serial, err := nextSerial(ctx, tx, fmt.Sprintf("icp:%s:%d", prov.Code, year))
	if err != nil {
		return issued{}, err
	}
	entityNum := icpnum.FormatFiling(prov.ICPAbbrs[0], year, serial, 0)
	var entityID int64
	err = tx.Q().QueryRowContext(ctx, `INSERT INTO entities (account_id, cert_index, nature, name, province, number, status,
		next_site, data_enc, approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, '', ?, ?, ?) RETURNING id`,
		app.accountID, app.entityKey, c.Entity.Nature, strings.TrimSpace(c.Entity.Name), prov.Code, entityNum,
		len(c.Websites)+1, store.Micros(now), store.Micros(now), store.Micros(now)).Scan(&entityID)
	if store.IsUnique(err) {
		return issued{}, &fault.Error{Kind: fault.Conflict, Code: "entity.already_filed",
			Message: "this entity is already filed; use " + string(operation.NewWebsite) + " or " + string(operation.NewAccess) + " (该主体已备案，请使用新增网站或新增接入)", State: string(app.Status)}
	}
	if err != nil {
		return issued{}, fmt.Errorf("insert entity: %w", err)
	}
	aad := fmt.Sprintf("entity:%d", entityID)
	if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET data_enc = ? WHERE id = ?`, s.box.SealString(marshal(c.Entity), aad), entityID); err != nil {
		return issued{}, fmt.Errorf("seal entity %d: %w", entityID, err)
	}
	out := issued{entity: entityNum, entityID: entityID}
	for i, w := range c.Websites {
		num := serviceNumber(entityNum, i+1, w.Type())
		if err := s.insertWebsite(ctx, tx, app, entityID, i, i+1, num, w, now); err != nil {
			return issued{}, err
		}
		out.websites = append(out.websites, num)
	}
	return out, nil
}

// serviceNumber is the number of service index idx of the entity filed as
// entity: entity-idx with the type's letter (none for a website). The
// index counts every service of the entity, whatever its type.
func serviceNumber(entity string, idx int, t icpnum.ServiceType) string {
	return entity + "-" + strconv.Itoa(idx) + t.Letter()
}

// serviceTypeOf is the service type a service number carries in its letter.
func serviceTypeOf(number string) icpnum.ServiceType {
	if _, _, t, err := icpnum.ParseServiceNumber(number); err == nil {
		return t
	}
	return icpnum.ServiceWebsite
}

// registryDomains reports whether the service's domains are registry
// domains: a website's, which the gate admits and the scanner fetches. An
// App's or mini-program's domains are the hosts it calls, kept with its
// sealed data; a host it calls is admitted by the gate only when it is
// filed as (part of) a website.
func registryDomains(t icpnum.ServiceType) bool {
	k, ok := operation.Kind(t)
	return ok && k.Domains
}

// insertWebsite adds service i of the application's content to the
// registry as site number siteIndex of the entity, with this provider's
// access; a website's domains go into the registry and onto the provider's
// gate feed. The type is the one its number carries.
func (s *Service) insertWebsite(ctx context.Context, tx *store.Tx, app *Application, entityID int64, i, siteIndex int, num string, w form.Website, now time.Time) error {
	typ := serviceTypeOf(num)
	name, home, types, ips := w.Name, w.HomeURL, w.ContentTypes, w.Access.IPs
	if k, _ := operation.Kind(typ); !k.HomeURL {
		home = ""
	}
	var websiteID int64
	err := tx.Q().QueryRowContext(ctx, `INSERT INTO websites (entity_id, site_index, number, name, home_url, content_types, service_type, status,
		data_enc, approved_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', '', ?, ?) RETURNING id`,
		entityID, siteIndex, num, strings.TrimSpace(name), strings.TrimSpace(home), strings.Join(types, ","), string(typ), store.Micros(now), store.Micros(now)).Scan(&websiteID)
	if store.IsUnique(err) {
		return &fault.Error{Kind: fault.Conflict, Code: "website.already_filed", Message: fmt.Sprintf("website %s is already in the registry (网站备案已存在)", num), State: string(app.Status)}
	}
	if err != nil {
		return fmt.Errorf("insert website %s: %w", num, err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE websites SET data_enc = ? WHERE id = ?`,
		s.box.SealString(marshal(w), fmt.Sprintf("website:%d", websiteID)), websiteID); err != nil {
		return fmt.Errorf("seal website %s: %w", num, err)
	}
	if ips == nil {
		ips = []string{}
	}
	if _, err := tx.Q().ExecContext(ctx, `INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at)
		VALUES (?, ?, 'active', ?, ?, ?)`, websiteID, app.providerID, marshal(ips), store.Micros(now), store.Micros(now)); err != nil {
		return fmt.Errorf("insert access %s: %w", num, err)
	}
	if !registryDomains(typ) {
		return nil
	}
	names, err := store.All(ctx, tx.Q(), store.Scalar[string],
		`SELECT name FROM application_domains WHERE application_id = ? ORDER BY name`, app.ID)
	if err != nil {
		return fmt.Errorf("application %d domains: %w", app.ID, err)
	}
	mine := map[string]bool{}
	for _, w := range w.Domains {
		if n, err := hostname.Normalize(w.Name); err == nil {
			mine[n] = true
		}
	}
	for _, n := range names {
		if !mine[n] {
			continue
		}
		if _, err := tx.Q().ExecContext(ctx, `INSERT INTO domains (website_id, name, status) VALUES (?, ?, 'active')`, websiteID, n); err != nil {
			if store.IsUnique(err) {
				return &fault.Error{Kind: fault.Conflict, Code: "domain.already_filed",
					Message: fmt.Sprintf("domain %s is already filed (域名已备案)", n), State: string(app.Status)}
			}
			return fmt.Errorf("insert domain %s: %w", n, err)
		}
		if err := s.gateLog(ctx, tx, app.providerID, n, gate.OpUpsert, num, gate.FeedApproved, now); err != nil {
			return err
		}
	}
	return nil
}

// gateLog appends one change to the gate feed of a provider.
func (s *Service) gateLog(ctx context.Context, tx *store.Tx, providerID int64, domain, op, number, status string, now time.Time) error {
	if err := lockFeed(ctx, tx); err != nil {
		return err
	}
	_, err := tx.Q().ExecContext(ctx, `INSERT INTO gate_log (provider_id, domain, op, number, status, at) VALUES (?, ?, ?, ?, ?, ?)`,
		providerID, domain, op, number, status, store.Micros(now))
	if err != nil {
		return fmt.Errorf("gate log %s: %w", domain, err)
	}
	return nil
}

// lockFeed makes gate-log versions follow commit order. On PostgreSQL an
// identity value is taken at insert, so two transactions could commit their
// versions out of order and a gate polling /changes?since= would skip the
// lower one. Taking the audit head's row lock first — the lock every write
// transaction takes anyway to append to the audit chain — serialises the
// inserts until commit. SQLite has one writer and needs nothing.
func lockFeed(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	if _, err := tx.Q().ExecContext(ctx, `SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
		return fmt.Errorf("gate log lock: %w", err)
	}
	return nil
}

// Queue lists applications waiting for the actor's desk, oldest deadline first.
func (s *Service) Queue(ctx context.Context, actor auth.Principal, status string, limit int) ([]*Application, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var where []string
	var args []any
	switch actor.Role {
	case auth.RoleProvider:
		if status == "" {
			status = string(StatusProviderReview)
		}
		where = append(where, "provider_id = ?")
		args = append(args, actor.ProviderID)
	case auth.RoleAuthority:
		if status == "" {
			status = string(StatusAuthorityReview)
		}
	default:
		return nil, forbidden("only review desks have a queue (仅审核人员可查看队列)")
	}
	if status != "all" {
		st := Status(status)
		switch st {
		case StatusDraft:
			return nil, invalid("status", "review.bad_status", "drafts are not in a review queue (草稿不在审核队列)")
		case StatusProviderReview, StatusSMSVerification, StatusAuthorityReview, StatusApproved, StatusRejected, StatusWithdrawn, StatusExpired, StatusVoided:
		default:
			return nil, invalid("status", "review.bad_status", fmt.Sprintf("unknown status %q (状态无效)", status))
		}
		where = append(where, "status = ?")
		args = append(args, status)
	} else {
		where = append(where, "status <> 'draft'")
	}
	q := `SELECT id FROM applications WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY CASE WHEN due_date IS NULL THEN 1 ELSE 0 END, due_date, id LIMIT ?`
	args = append(args, limit)
	r := s.db.R()
	ids, err := store.All(ctx, r, store.Scalar[int64], q, args...)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return s.loadAudited(ctx, r, actor, ids)
}

// MyApplications lists the applicant's own applications, newest first.
func (s *Service) MyApplications(ctx context.Context, actor auth.Principal) ([]*Application, error) {
	if actor.Role != auth.RoleApplicant {
		// Operators see applications through their queues, which apply
		// their own visibility rules, never through an account id.
		return nil, forbidden("only applicants have applications of their own (仅申请人可查看)")
	}
	q := s.db.R()
	ids, err := store.All(ctx, q, store.Scalar[int64],
		`SELECT id FROM applications WHERE account_id = ? ORDER BY id DESC LIMIT 200`, actor.AccountID)
	if err != nil {
		return nil, fmt.Errorf("applications: %w", err)
	}
	return s.loadAudited(ctx, q, actor, ids)
}

// loadAudited loads applications with their decrypted content, outside any
// transaction, and records the read in the audit log in a short one.
func (s *Service) loadAudited(ctx context.Context, q store.Querier, actor auth.Principal, ids []int64) ([]*Application, error) {
	out, err := s.loadMany(ctx, q, ids)
	if err != nil || len(out) == 0 {
		return out, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.AccountID, ActorRole: string(actor.Role),
			Action: "pii.read", Subject: "applications", Details: map[string]any{"ids": ids}})
	})
	return out, err
}
