package filing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"slices"
	"strings"
	"time"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/ident"
	"github.com/beian/beian/internal/store"
)

// This file holds what differs between operations: which registry rows an
// operation acts on (resolved and checked when the application is created,
// updated and submitted), and what the authority's approval writes.

// regEntity is an entity of the registry.
type regEntity struct {
	id        int64
	accountID int64
	number    string
	certKey   string
	province  string
	nature    string
	licence   string
	status    string
}

// regWebsite is a website of the registry.
type regWebsite struct {
	id       int64
	entityID int64
	number   string
	status   string
	domains  []string
}

func (s *Service) entityByNumber(ctx context.Context, q store.Querier, number string) (*regEntity, error) {
	var e regEntity
	var lic sql.NullString
	err := store.One(q.QueryRowContext(ctx, `SELECT id, account_id, number, cert_index, province, nature, license_number, status
		FROM entities WHERE number = ?`, number).Scan(&e.id, &e.accountID, &e.number, &e.certKey, &e.province, &e.nature, &lic, &e.status))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", number, err)
	}
	e.licence = lic.String
	return &e, nil
}

func (s *Service) websiteByNumber(ctx context.Context, q store.Querier, number string) (*regWebsite, error) {
	var w regWebsite
	err := store.One(q.QueryRowContext(ctx, `SELECT id, entity_id, number, status FROM websites WHERE number = ?`, number).
		Scan(&w.id, &w.entityID, &w.number, &w.status))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("website %s: %w", number, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT name FROM domains WHERE website_id = ? AND status = 'active' ORDER BY name`, w.id)
	if err != nil {
		return nil, fmt.Errorf("website %s domains: %w", number, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("website %s domains: %w", number, err)
		}
		w.domains = append(w.domains, d)
	}
	return &w, rows.Err()
}

// parseEntityNumber normalises the entity number of the content.
func parseEntityNumber(c form.Content) (string, error) {
	if strings.TrimSpace(c.EntityNumber) == "" {
		return "", invalid("entity_number", "application.entity_number_required", "this operation needs the entity's filing number (请填写主体备案号)")
	}
	f, err := icpnum.ParseFiling(c.EntityNumber)
	if err != nil {
		return "", invalid("entity_number", "application.bad_entity_number", fmt.Sprintf("not a filing number: %v (主体备案号无效)", err))
	}
	return f.Entity().String(), nil
}

func parseWebsiteNumber(i int, w form.Website) (string, error) {
	field := fmt.Sprintf("websites[%d].number", i)
	if strings.TrimSpace(w.Number) == "" {
		return "", invalid(field, "application.website_number_required", "this operation needs the website's filing number (请填写网站备案号)")
	}
	f, err := icpnum.ParseFiling(w.Number)
	if err != nil || f.Site == 0 {
		return "", invalid(field, "application.bad_website_number", "not a website filing number such as 京ICP备2026000001号-1 (网站备案号无效)")
	}
	return f.String(), nil
}

// ownEntity resolves the filed entity of c and checks that the actor owns it.
func (s *Service) ownEntity(ctx context.Context, q store.Querier, accountID int64, c form.Content) (*regEntity, error) {
	num, err := parseEntityNumber(c)
	if err != nil {
		return nil, err
	}
	e, err := s.entityByNumber(ctx, q, num)
	if err != nil {
		return nil, err
	}
	if e == nil || e.status != "active" {
		return nil, invalid("entity_number", "entity.not_found", fmt.Sprintf("no active filing %s in this system; claim it first (本系统无此主体备案，请先认领)", num))
	}
	if e.accountID != accountID {
		return nil, invalid("entity_number", "entity.not_yours", "this filing belongs to another account (该备案属于其他账号)")
	}
	if key := s.entityKey(c.Entity); key != e.certKey {
		return nil, invalid("entity.certificate_number", "change.certificate_number",
			"the certificate number cannot change; a new certificate needs a cancellation and a new filing (证件号码不可变更，需注销后重新备案)")
	}
	return e, nil
}

// ownWebsites resolves the filed websites of c, all under entity e.
func (s *Service) ownWebsites(ctx context.Context, q store.Querier, e *regEntity, c form.Content) ([]*regWebsite, error) {
	if len(c.Websites) == 0 {
		return nil, invalid("websites", "application.websites_required", "name at least one website (请至少选择一个网站)")
	}
	var out []*regWebsite
	for i, w := range c.Websites {
		num, err := parseWebsiteNumber(i, w)
		if err != nil {
			return nil, err
		}
		rw, err := s.websiteByNumber(ctx, q, num)
		if err != nil {
			return nil, err
		}
		if rw == nil || rw.status != "active" || rw.entityID != e.id {
			return nil, invalid(fmt.Sprintf("websites[%d].number", i), "website.not_found",
				fmt.Sprintf("no active website %s under entity %s (该主体下无此网站)", num, e.number))
		}
		out = append(out, rw)
	}
	return out, nil
}

// resolve checks, before any review, that the operation can apply to the
// registry as it is: the rows it names exist and belong to the applicant,
// and nothing it may not change is changed.
func (s *Service) resolve(ctx context.Context, q store.Querier, accountID, providerID int64, op Operation, c form.Content) error {
	switch op {
	case OpFirstFiling:
		return nil
	case OpNewWebsite:
		num, err := parseEntityNumber(c)
		if err != nil {
			return err
		}
		e, err := s.entityByNumber(ctx, q, num)
		if err != nil {
			return err
		}
		if e != nil && e.accountID != accountID {
			return invalid("entity_number", "entity.not_yours", "this filing belongs to another account (该备案属于其他账号)")
		}
		if e != nil && e.certKey != s.entityKey(c.Entity) {
			return invalid("entity.certificate_number", "change.certificate_number", "the certificate number differs from the filed entity's (证件号码与备案主体不一致)")
		}
		if len(c.Websites) == 0 {
			return invalid("websites", "application.websites_required", "add at least one website (请至少添加一个网站)")
		}
		return nil
	case OpNewAccess, OpClaim:
		if _, err := parseEntityNumber(c); err != nil {
			return err
		}
		if len(c.Websites) == 0 {
			return invalid("websites", "application.websites_required", "name at least one filed website (请至少选择一个网站)")
		}
		for i, w := range c.Websites {
			num, err := parseWebsiteNumber(i, w)
			if err != nil {
				return err
			}
			rw, err := s.websiteByNumber(ctx, q, num)
			if err != nil {
				return err
			}
			if op == OpClaim && rw != nil && rw.status == "active" {
				return &fault.Error{Kind: fault.Conflict, Code: "claim.already_here", Field: fmt.Sprintf("websites[%d].number", i),
					Message: fmt.Sprintf("%s is already in this system; use new_access (该备案已在本系统中，请办理新增接入)", num)}
			}
			if op == OpNewAccess && rw != nil {
				var n int
				if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM accesses WHERE website_id = ? AND provider_id = ? AND status = 'active'`,
					rw.id, providerID).Scan(&n); err != nil {
					return fmt.Errorf("access: %w", err)
				}
				if n > 0 {
					return &fault.Error{Kind: fault.Conflict, Code: "access.exists", Field: fmt.Sprintf("websites[%d].number", i),
						Message: fmt.Sprintf("%s already has access at this provider (该网站已在本接入商接入)", num)}
				}
			}
		}
		return nil
	case OpChangeEntity:
		e, err := s.ownEntity(ctx, q, accountID, c)
		if err != nil {
			return err
		}
		if p, ok := icpnum.LookupProvince(strings.TrimSpace(c.Entity.Province)); !ok || p.Code != e.province {
			return invalid("entity.province", "change.province",
				"the province cannot change; a move to another province needs a cancellation and a new filing there (省份不可变更，跨省需注销后重新备案)")
		}
		if e.nature == form.NatureEnterprise && c.Entity.Nature == form.NatureIndividual {
			return invalid("entity.nature", "change.nature", "an enterprise cannot become an individual (单位不可变更为个人)")
		}
		return nil
	case OpChangeWebsite, OpCancelWebsite, OpChangeAccess, OpCancelAccess:
		e, err := s.ownEntity(ctx, q, accountID, c)
		if err != nil {
			return err
		}
		sites, err := s.ownWebsites(ctx, q, e, c)
		if err != nil {
			return err
		}
		for i, rw := range sites {
			if op == OpChangeWebsite {
				for j, d := range c.Websites[i].Domains {
					n, err := hostname.Normalize(d.Name)
					if err == nil && !slices.Contains(rw.domains, n) {
						return invalid(fmt.Sprintf("websites[%d].domains[%d]", i, j), "change.domain",
							fmt.Sprintf("domain %s cannot be added by a change; file it as a new website (域名不可通过变更新增，请办理新增网站)", n))
					}
				}
			}
			if op == OpChangeAccess || op == OpCancelAccess {
				var n int
				if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM accesses WHERE website_id = ? AND provider_id = ? AND status = 'active'`,
					rw.id, providerID).Scan(&n); err != nil {
					return fmt.Errorf("access: %w", err)
				}
				if n == 0 {
					return invalid(fmt.Sprintf("websites[%d].number", i), "access.not_found", "the website has no access at this provider (该网站未在本接入商接入)")
				}
			}
		}
		return nil
	case OpCancelEntity:
		_, err := s.ownEntity(ctx, q, accountID, c)
		return err
	case OpCommercialLicense:
		e, err := s.ownEntity(ctx, q, accountID, c)
		if err != nil {
			return err
		}
		if e.nature != form.NatureEnterprise {
			return invalid("entity.nature", "licence.not_enterprise", "an ICP licence is only for enterprises; individuals and other bodies cannot run commercial sites (经营许可证仅限企业申请)")
		}
		if r := ident.ValidateUSCC(c.Entity.CertificateNumber); !r.Valid {
			return invalid("entity.certificate_number", "licence.not_mainland", "an ICP licence needs a Mainland enterprise with a unified social credit code (须为持统一社会信用代码的境内企业)")
		}
		if e.licence != "" {
			return &fault.Error{Kind: fault.Conflict, Code: "licence.exists", Message: fmt.Sprintf("the entity already holds %s (该主体已持有经营许可证)", e.licence)}
		}
		return nil
	}
	return invalid("operation", "application.bad_operation", "unknown operation (未知操作类型)")
}

// approveOp writes what the authority's approval of app means for the registry.
func (s *Service) approveOp(ctx context.Context, tx *store.Tx, app *Application, now time.Time) (issued, error) {
	c := *app.Content
	switch app.Operation {
	case OpFirstFiling:
		return s.approve(ctx, tx, app, now)
	case OpNewWebsite:
		e, err := s.ensureEntity(ctx, tx, app, now)
		if err != nil {
			return issued{}, err
		}
		out := issued{entity: e.number, entityID: e.id}
		for i, w := range c.Websites {
			var idx int
			if err := tx.Q().QueryRowContext(ctx, `UPDATE entities SET next_site = next_site + 1, updated_at = ? WHERE id = ? RETURNING next_site - 1`,
				store.Micros(now), e.id).Scan(&idx); err != nil {
				return issued{}, fmt.Errorf("entity %s site index: %w", e.number, err)
			}
			num := fmt.Sprintf("%s-%d", e.number, idx)
			if err := s.insertWebsite(ctx, tx, app, e.id, i, idx, num, w, now); err != nil {
				return issued{}, err
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case OpNewAccess, OpClaim:
		e, err := s.ensureEntity(ctx, tx, app, now)
		if err != nil {
			return issued{}, err
		}
		out := issued{entity: e.number, entityID: e.id}
		for i, w := range c.Websites {
			num, err := parseWebsiteNumber(i, w)
			if err != nil {
				return issued{}, err
			}
			rw, err := s.websiteByNumber(ctx, tx.Q(), num)
			if err != nil {
				return issued{}, err
			}
			if rw == nil || rw.status != "active" {
				f, _ := icpnum.ParseFiling(num)
				if err := s.insertWebsite(ctx, tx, app, e.id, i, f.Site, num, w, now); err != nil {
					return issued{}, err
				}
				if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET next_site = CASE WHEN next_site > ? THEN next_site ELSE ? END WHERE id = ?`,
					f.Site, f.Site+1, e.id); err != nil {
					return issued{}, fmt.Errorf("entity site index: %w", err)
				}
			} else if err := s.addAccess(ctx, tx, app, rw, w.Access.IPs, now); err != nil {
				return issued{}, err
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case OpChangeEntity:
		e, err := s.entityByNumber(ctx, tx.Q(), strings.TrimSpace(mustEntityNumber(c)))
		if err != nil {
			return issued{}, err
		}
		if e == nil {
			return issued{}, notFound("entity")
		}
		if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET name = ?, nature = ?, data_enc = ?, updated_at = ? WHERE id = ?`,
			strings.TrimSpace(c.Entity.Name), c.Entity.Nature, s.box.SealString(marshal(c.Entity), fmt.Sprintf("entity:%d", e.id)), store.Micros(now), e.id); err != nil {
			return issued{}, fmt.Errorf("change entity %s: %w", e.number, err)
		}
		return issued{entity: e.number, entityID: e.id}, nil
	case OpChangeWebsite, OpChangeAccess, OpCancelWebsite, OpCancelAccess:
		e, err := s.entityByNumber(ctx, tx.Q(), mustEntityNumber(c))
		if err != nil {
			return issued{}, err
		}
		if e == nil {
			return issued{}, notFound("entity")
		}
		out := issued{entity: e.number, entityID: e.id}
		for i, w := range c.Websites {
			num, _ := parseWebsiteNumber(i, w)
			rw, err := s.websiteByNumber(ctx, tx.Q(), num)
			if err != nil {
				return issued{}, err
			}
			if rw == nil {
				return issued{}, notFound("website")
			}
			switch app.Operation {
			case OpChangeWebsite:
				err = s.changeWebsite(ctx, tx, app, rw, w, now)
			case OpChangeAccess:
				ips := w.Access.IPs
				if ips == nil {
					ips = []string{}
				}
				_, err = tx.Q().ExecContext(ctx, `UPDATE accesses SET ips = ?, updated_at = ? WHERE website_id = ? AND provider_id = ?`,
					marshal(ips), store.Micros(now), rw.id, app.providerID)
			case OpCancelWebsite:
				err = s.cancelWebsite(ctx, tx, rw, now)
			case OpCancelAccess:
				err = s.cancelAccess(ctx, tx, app.providerID, rw, now)
			}
			if err != nil {
				return issued{}, fmt.Errorf("%s %s: %w", app.Operation, num, err)
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case OpCancelEntity:
		e, err := s.entityByNumber(ctx, tx.Q(), mustEntityNumber(c))
		if err != nil {
			return issued{}, err
		}
		if e == nil {
			return issued{}, notFound("entity")
		}
		rows, err := tx.Q().QueryContext(ctx, `SELECT number FROM websites WHERE entity_id = ? AND status = 'active'`, e.id)
		if err != nil {
			return issued{}, fmt.Errorf("cancel entity %s: %w", e.number, err)
		}
		var nums []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return issued{}, fmt.Errorf("cancel entity %s: %w", e.number, err)
			}
			nums = append(nums, n)
		}
		rows.Close()
		for _, n := range nums {
			rw, err := s.websiteByNumber(ctx, tx.Q(), n)
			if err != nil {
				return issued{}, err
			}
			if err := s.cancelWebsite(ctx, tx, rw, now); err != nil {
				return issued{}, err
			}
		}
		// The certificate key is released so that the entity may file again later.
		if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET status = 'cancelled', cert_index = ?, updated_at = ? WHERE id = ?`,
			fmt.Sprintf("cancelled:%d:%s", e.id, e.certKey), store.Micros(now), e.id); err != nil {
			return issued{}, fmt.Errorf("cancel entity %s: %w", e.number, err)
		}
		return issued{entity: e.number, entityID: e.id, websites: nums}, nil
	case OpCommercialLicense:
		return s.issueLicence(ctx, tx, app, now)
	}
	return issued{}, invalid("operation", "application.bad_operation", "unknown operation (未知操作类型)")
}

func mustEntityNumber(c form.Content) string {
	n, _ := parseEntityNumber(c)
	return n
}

// ensureEntity returns the registry entity the application names, creating
// it from the application when it was filed elsewhere (new website for an
// entity filed at another provider, new access, claim).
func (s *Service) ensureEntity(ctx context.Context, tx *store.Tx, app *Application, now time.Time) (*regEntity, error) {
	c := *app.Content
	num, err := parseEntityNumber(c)
	if err != nil {
		return nil, err
	}
	e, err := s.entityByNumber(ctx, tx.Q(), num)
	if err != nil {
		return nil, err
	}
	if e != nil && e.status == "active" {
		return e, nil
	}
	if e != nil {
		return nil, &fault.Error{Kind: fault.Conflict, Code: "entity.cancelled", Message: fmt.Sprintf("%s was cancelled (该主体备案已注销)", num), State: string(app.Status)}
	}
	f, _ := icpnum.ParseFiling(num)
	var id int64
	err = tx.Q().QueryRowContext(ctx, `INSERT INTO entities (account_id, cert_index, nature, name, province, number, status,
		next_site, data_enc, origin, approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', 1, ?, 'imported', ?, ?, ?) RETURNING id`,
		app.accountID, app.entityKey, c.Entity.Nature, strings.TrimSpace(c.Entity.Name), f.Province.Code, num, "",
		store.Micros(now), store.Micros(now), store.Micros(now)).Scan(&id)
	if store.IsUnique(err) {
		return nil, &fault.Error{Kind: fault.Conflict, Code: "entity.already_filed", Message: "this entity is already in the registry under another number (该主体已以其他备案号登记)", State: string(app.Status)}
	}
	if err != nil {
		return nil, fmt.Errorf("import entity %s: %w", num, err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET data_enc = ? WHERE id = ?`, s.box.SealString(marshal(c.Entity), fmt.Sprintf("entity:%d", id)), id); err != nil {
		return nil, fmt.Errorf("seal entity %d: %w", id, err)
	}
	return &regEntity{id: id, accountID: app.accountID, number: num, certKey: app.entityKey, province: f.Province.Code, nature: c.Entity.Nature, status: "active"}, nil
}

func (s *Service) addAccess(ctx context.Context, tx *store.Tx, app *Application, rw *regWebsite, ips []string, now time.Time) error {
	if ips == nil {
		ips = []string{}
	}
	_, err := tx.Q().ExecContext(ctx, `INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?)
		ON CONFLICT (website_id, provider_id) DO UPDATE SET status = 'active', ips = excluded.ips, updated_at = excluded.updated_at`,
		rw.id, app.providerID, marshal(ips), store.Micros(now), store.Micros(now))
	if err != nil {
		return fmt.Errorf("access %s: %w", rw.number, err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE websites SET shell_since = NULL, updated_at = ? WHERE id = ?`, store.Micros(now), rw.id); err != nil {
		return fmt.Errorf("access %s: %w", rw.number, err)
	}
	for _, d := range rw.domains {
		if err := s.gateLog(ctx, tx, app.providerID, d, gate.OpUpsert, rw.number, gate.FeedApproved, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) changeWebsite(ctx context.Context, tx *store.Tx, app *Application, rw *regWebsite, w form.Website, now time.Time) error {
	keep := map[string]bool{}
	for _, d := range w.Domains {
		if n, err := hostname.Normalize(d.Name); err == nil {
			keep[n] = true
		}
	}
	for _, d := range rw.domains {
		if keep[d] {
			continue
		}
		if _, err := tx.Q().ExecContext(ctx, `UPDATE domains SET status = 'removed' WHERE website_id = ? AND name = ? AND status = 'active'`, rw.id, d); err != nil {
			return fmt.Errorf("remove domain %s: %w", d, err)
		}
		if err := s.gateDeleteAll(ctx, tx, rw.id, d, now); err != nil {
			return err
		}
	}
	_, err := tx.Q().ExecContext(ctx, `UPDATE websites SET name = ?, home_url = ?, content_types = ?, data_enc = ?, updated_at = ? WHERE id = ?`,
		strings.TrimSpace(w.Name), strings.TrimSpace(w.HomeURL), strings.Join(w.ContentTypes, ","),
		s.box.SealString(marshal(w), fmt.Sprintf("website:%d", rw.id)), store.Micros(now), rw.id)
	return err
}

// gateDeleteAll removes a domain from the gate feed of every provider with access to the website.
func (s *Service) gateDeleteAll(ctx context.Context, tx *store.Tx, websiteID int64, domain string, now time.Time) error {
	rows, err := tx.Q().QueryContext(ctx, `SELECT provider_id FROM accesses WHERE website_id = ? AND status = 'active'`, websiteID)
	if err != nil {
		return fmt.Errorf("gate delete %s: %w", domain, err)
	}
	var pids []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return fmt.Errorf("gate delete %s: %w", domain, err)
		}
		pids = append(pids, p)
	}
	rows.Close()
	for _, p := range pids {
		if err := s.gateLog(ctx, tx, p, domain, gate.OpDelete, "", "", now); err != nil {
			return err
		}
	}
	return rows.Err()
}

// cancelWebsite cancels a website: its domains leave the registry and every gate.
func (s *Service) cancelWebsite(ctx context.Context, tx *store.Tx, rw *regWebsite, now time.Time) error {
	for _, d := range rw.domains {
		if err := s.gateDeleteAll(ctx, tx, rw.id, d, now); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE domains SET status = 'cancelled' WHERE website_id = ? AND status = 'active'`,
		`UPDATE accesses SET status = 'cancelled', updated_at = ? WHERE website_id = ? AND status = 'active'`,
		`UPDATE websites SET status = 'cancelled', cancelled_at = ?, shell_since = NULL, updated_at = ? WHERE id = ?`,
	} {
		args := []any{rw.id}
		switch strings.Count(q, "?") {
		case 2:
			args = []any{store.Micros(now), rw.id}
		case 3:
			args = []any{store.Micros(now), store.Micros(now), rw.id}
		}
		if _, err := tx.Q().ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("cancel website %s: %w", rw.number, err)
		}
	}
	return nil
}

// cancelAccess removes this provider's access; a website left with no access
// is an empty shell (空壳) from now on, and the sweeper cancels its number
// after the grace period.
func (s *Service) cancelAccess(ctx context.Context, tx *store.Tx, providerID int64, rw *regWebsite, now time.Time) error {
	if _, err := tx.Q().ExecContext(ctx, `UPDATE accesses SET status = 'cancelled', updated_at = ? WHERE website_id = ? AND provider_id = ?`,
		store.Micros(now), rw.id, providerID); err != nil {
		return fmt.Errorf("cancel access %s: %w", rw.number, err)
	}
	for _, d := range rw.domains {
		if err := s.gateLog(ctx, tx, providerID, d, gate.OpDelete, "", "", now); err != nil {
			return err
		}
	}
	var left int
	if err := tx.Q().QueryRowContext(ctx, `SELECT COUNT(*) FROM accesses WHERE website_id = ? AND status = 'active'`, rw.id).Scan(&left); err != nil {
		return fmt.Errorf("cancel access %s: %w", rw.number, err)
	}
	if left == 0 {
		if _, err := tx.Q().ExecContext(ctx, `UPDATE websites SET shell_since = ?, updated_at = ? WHERE id = ?`, store.Micros(now), store.Micros(now), rw.id); err != nil {
			return fmt.Errorf("cancel access %s: %w", rw.number, err)
		}
	}
	return nil
}

// issueLicence issues the ICP licence (ICP证) and operating-licence numbers.
func (s *Service) issueLicence(ctx context.Context, tx *store.Tx, app *Application, now time.Time) (issued, error) {
	e, err := s.entityByNumber(ctx, tx.Q(), mustEntityNumber(*app.Content))
	if err != nil {
		return issued{}, err
	}
	if e == nil {
		return issued{}, notFound("entity")
	}
	prov, ok := icpnum.ProvinceByCode(e.province)
	if !ok {
		return issued{}, fmt.Errorf("entity %s: unknown province %s", e.number, e.province)
	}
	year := now.In(shanghai).Year()
	lserial, err := nextSerial(ctx, tx, "icpz:"+prov.Code)
	if err != nil {
		return issued{}, err
	}
	bserial, err := nextSerial(ctx, tx, fmt.Sprintf("b2:%s:%d", prov.Code, year))
	if err != nil {
		return issued{}, err
	}
	lic := icpnum.FormatLicense(prov.ICPAbbrs[0], lserial)
	b2 := icpnum.FormatOperatingLicense(prov.ICPAbbrs[0], year, bserial)
	if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET license_number = ?, operating_licence = ?, updated_at = ? WHERE id = ?`,
		lic, b2, store.Micros(now), e.id); err != nil {
		return issued{}, fmt.Errorf("licence %s: %w", e.number, err)
	}
	return issued{entity: e.number, entityID: e.id, licence: lic, operating: b2}, nil
}

// decodeJSON is json.Unmarshal for stored columns.
func decodeJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }
