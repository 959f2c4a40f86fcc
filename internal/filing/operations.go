package filing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
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
	// operating is the operating licence (B2) number, "" without one.
	operating string
	status    string
}

// regWebsite is a service (website, App, mini-program, quick app) of the registry.
type regWebsite struct {
	id       int64
	entityID int64
	number   string
	status   string
	typ      icpnum.ServiceType
	domains  []string
}

// entityByNumber finds the entity filed as number; nil, nil when it is not
// in this registry (it may be filed at another provider).
func (s *Service) entityByNumber(ctx context.Context, q store.Querier, number string) (*regEntity, error) {
	var e regEntity
	var lic, op sql.NullString
	err := store.One(q.QueryRowContext(ctx, `SELECT id, account_id, number, cert_index, province, nature, license_number, operating_licence, status
		FROM entities WHERE number = ?`, number).Scan(&e.id, &e.accountID, &e.number, &e.certKey, &e.province, &e.nature, &lic, &op, &e.status))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", number, err)
	}
	e.licence, e.operating = lic.String, op.String
	return &e, nil
}

// websiteByNumber finds the website filed as number with its active
// domains; nil, nil when it is not in this registry.
func (s *Service) websiteByNumber(ctx context.Context, q store.Querier, number string) (*regWebsite, error) {
	var w regWebsite
	var typ string
	err := store.One(q.QueryRowContext(ctx, `SELECT id, entity_id, number, status, service_type FROM websites WHERE number = ?`, number).
		Scan(&w.id, &w.entityID, &w.number, &w.status, &typ))
	w.typ = icpnum.ServiceType(typ)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("website %s: %w", number, err)
	}
	w.domains, err = store.All(ctx, q, store.Scalar[string],
		`SELECT name FROM domains WHERE website_id = ? AND status = 'active' ORDER BY name`, w.id)
	if err != nil {
		return nil, fmt.Errorf("website %s domains: %w", number, err)
	}
	return &w, nil
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
		return "", invalid(field, "application.website_number_required", "this operation needs the service's filing number (请填写网站、App或小程序的备案号)")
	}
	num, _, typ, err := icpnum.ParseServiceNumber(w.Number)
	if err != nil {
		return "", invalid(field, "application.bad_website_number", "not a service filing number such as 京ICP备2026000001号-1, 京ICP备2026000001号-2A or 粤B2-20090059-3X (服务备案号无效)")
	}
	if t := w.Type(); typ != t {
		return "", invalid(fmt.Sprintf("websites[%d].service_type", i), "service.type_number_mismatch",
			fmt.Sprintf("%s is the number of a %s, not of a %s (备案号与服务类型不符)", num, typ.NameEN(), t.NameEN()))
	}
	return num, nil
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

// resolution is one run of resolve: the facts the checks establish, shared
// by those that come after them in the descriptor's list.
type resolution struct {
	s          *Service
	ctx        context.Context
	q          store.Querier
	accountID  int64
	providerID int64
	c          form.Content
	// entity is the filed entity once a check has found it (nil when it is
	// filed elsewhere).
	entity *regEntity
	// named are the rows of the named services, nil where one is not here.
	named []*regWebsite
}

// resolve checks, before any review, that the operation can apply to the
// registry as it is: the rows it names exist and belong to the applicant,
// and nothing it may not change is changed. The descriptor lists the checks;
// each is written once, below.
func (s *Service) resolve(ctx context.Context, q store.Querier, accountID, providerID int64, op Operation, c form.Content) error {
	d, err := s.desc(op)
	if err != nil {
		return err
	}
	r := &resolution{s: s, ctx: ctx, q: q, accountID: accountID, providerID: providerID, c: c}
	for _, chk := range d.Resolve {
		if err := r.run(d, chk); err != nil {
			return err
		}
	}
	return nil
}

func (r *resolution) run(d operation.Descriptor, chk operation.Check) error {
	switch chk {
	case operation.CheckEntityNumber:
		_, err := parseEntityNumber(r.c)
		return err
	case operation.CheckEntityOwnedIfHere, operation.CheckOwnerProof:
		return r.entityOwnedIfHere()
	case operation.CheckEntityOwned:
		e, err := r.s.ownEntity(r.ctx, r.q, r.accountID, r.c)
		r.entity = e
		return err
	case operation.CheckEntityFixedFields:
		return r.entityFixedFields()
	case operation.CheckServicesGiven:
		if len(r.c.Websites) > 0 {
			return nil
		}
		if d.NamesFiledServices() {
			return invalid("websites", "application.websites_required", "name at least one filed website (请至少选择一个网站)")
		}
		return invalid("websites", "application.websites_required", "add at least one website (请至少添加一个网站)")
	case operation.CheckServiceNumbers:
		return r.serviceNumbers()
	case operation.CheckServicesOwned:
		sites, err := r.s.ownWebsites(r.ctx, r.q, r.entity, r.c)
		r.named = sites
		return err
	case operation.CheckServicesNotHere:
		for i, rw := range r.named {
			if rw != nil && rw.status == "active" {
				return &fault.Error{Kind: fault.Conflict, Code: "claim.already_here", Field: fmt.Sprintf("websites[%d].number", i),
					Message: fmt.Sprintf("%s is already in this system; use %s (该备案已在本系统中，请办理新增接入)", rw.number, operation.NewAccess)}
			}
		}
		return nil
	case operation.CheckNoAccessHere:
		return r.access(false)
	case operation.CheckAccessHere:
		return r.access(true)
	case operation.CheckNoNewDomains:
		for i, rw := range r.named {
			if !registryDomains(rw.typ) {
				continue // an App's hosts are not registry domains: they change freely
			}
			for j, dom := range r.c.Websites[i].Domains {
				n, err := hostname.Normalize(dom.Name)
				if err == nil && !slices.Contains(rw.domains, n) {
					return invalid(fmt.Sprintf("websites[%d].domains[%d]", i, j), "change.domain",
						fmt.Sprintf("domain %s cannot be added by a change; file it as a new website (域名不可通过变更新增，请办理新增网站)", n))
				}
			}
		}
		return nil
	case operation.CheckLicenceEligible:
		return r.licenceEligible()
	}
	return fmt.Errorf("operation %s: check %d has no implementation", d.Name, chk)
}

// entityOwnedIfHere: an entity filed elsewhere may be brought here, but one
// on record here must be the applicant's, with the same certificate, and
// so must every named service on record here (nobody acts on another
// account's filings by typing their numbers).
func (r *resolution) entityOwnedIfHere() error {
	num, err := parseEntityNumber(r.c)
	if err != nil {
		return err
	}
	e, err := r.s.entityByNumber(r.ctx, r.q, num)
	if err != nil {
		return err
	}
	if e != nil && e.accountID != r.accountID {
		return invalid("entity_number", "entity.not_yours", "this filing belongs to another account (该备案属于其他账号)")
	}
	if e != nil && e.certKey != r.s.entityKey(r.c.Entity) {
		return invalid("entity.certificate_number", "change.certificate_number", "the certificate number differs from the filed entity's (证件号码与备案主体不一致)")
	}
	r.entity = e
	for i, rw := range r.named {
		if rw != nil && rw.status == "active" && (e == nil || rw.entityID != e.id) {
			return invalid(fmt.Sprintf("websites[%d].number", i), "website.not_yours",
				fmt.Sprintf("%s is on record under another entity or account (该网站备案属于其他主体或账号)", rw.number))
		}
	}
	return nil
}

func (r *resolution) entityFixedFields() error {
	e := r.entity
	if p, ok := icpnum.LookupProvince(strings.TrimSpace(r.c.Entity.Province)); !ok || p.Code != e.province {
		return invalid("entity.province", "change.province",
			"the province cannot change; a move to another province needs a cancellation and a new filing there (省份不可变更，跨省需注销后重新备案)")
	}
	if e.nature == form.NatureEnterprise && r.c.Entity.Nature == form.NatureIndividual {
		return invalid("entity.nature", "change.nature", "an enterprise cannot become an individual (单位不可变更为个人)")
	}
	return nil
}

// serviceNumbers parses every named service's number and finds its row.
func (r *resolution) serviceNumbers() error {
	r.named = make([]*regWebsite, len(r.c.Websites))
	for i, w := range r.c.Websites {
		num, err := parseWebsiteNumber(i, w)
		if err != nil {
			return err
		}
		if r.named[i], err = r.s.websiteByNumber(r.ctx, r.q, num); err != nil {
			return err
		}
	}
	return nil
}

// access checks this provider's access to every named service on record:
// present (want) or absent (!want).
func (r *resolution) access(want bool) error {
	for i, rw := range r.named {
		if rw == nil {
			continue
		}
		var n int
		if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM accesses WHERE website_id = ? AND provider_id = ? AND status = 'active'`,
			rw.id, r.providerID).Scan(&n); err != nil {
			return fmt.Errorf("access: %w", err)
		}
		field := fmt.Sprintf("websites[%d].number", i)
		if want && n == 0 {
			return invalid(field, "access.not_found", "the website has no access at this provider (该网站未在本接入商接入)")
		}
		if !want && n > 0 {
			return &fault.Error{Kind: fault.Conflict, Code: "access.exists", Field: field,
				Message: fmt.Sprintf("%s already has access at this provider (该网站已在本接入商接入)", rw.number)}
		}
	}
	return nil
}

func (r *resolution) licenceEligible() error {
	e := r.entity
	if e.nature != form.NatureEnterprise {
		return invalid("entity.nature", "licence.not_enterprise", "an ICP licence is only for enterprises; individuals and other bodies cannot run commercial sites (经营许可证仅限企业申请)")
	}
	if res := ident.ValidateUSCC(r.c.Entity.CertificateNumber); !res.Valid {
		return invalid("entity.certificate_number", "licence.not_mainland", "an ICP licence needs a Mainland enterprise with a unified social credit code (须为持统一社会信用代码的境内企业)")
	}
	if e.licence != "" {
		return &fault.Error{Kind: fault.Conflict, Code: "licence.exists", Message: fmt.Sprintf("the entity already holds %s (该主体已持有经营许可证)", e.licence)}
	}
	return nil
}

// approveOp writes what the authority's approval of app means for the registry.
func (s *Service) approveOp(ctx context.Context, tx *store.Tx, app *Application, now time.Time) (issued, error) {
	c := *app.Content
	d, err := s.desc(app.Operation)
	if err != nil {
		return issued{}, err
	}
	switch d.Effect {
	case operation.FileEntity:
		return s.approve(ctx, tx, app, now)
	case operation.AddServices:
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
			// A licence holder's new services hang off its operating
			// licence (粤B2-20090059-1626X), others off the filing number.
			base := e.number
			if e.operating != "" {
				base = e.operating
			}
			num := serviceNumber(base, idx, w.Type())
			if err := s.insertWebsite(ctx, tx, app, e.id, i, idx, num, w, now); err != nil {
				return issued{}, err
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case operation.BringServices:
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
				_, site, _, _ := icpnum.ParseServiceNumber(num) // parsed by parseWebsiteNumber
				if err := s.insertWebsite(ctx, tx, app, e.id, i, site, num, w, now); err != nil {
					return issued{}, err
				}
				if _, err := tx.Q().ExecContext(ctx, `UPDATE entities SET next_site = CASE WHEN next_site > ? THEN next_site ELSE ? END WHERE id = ?`,
					site, site+1, e.id); err != nil {
					return issued{}, fmt.Errorf("entity site index: %w", err)
				}
			} else if err := s.addAccess(ctx, tx, app, rw, w.Access.IPs, now); err != nil {
				return issued{}, err
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case operation.ChangeEntityData:
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
	case operation.ChangeServiceData, operation.ChangeAccessData, operation.CancelServices, operation.CancelAccessHere:
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
			switch d.Effect {
			case operation.ChangeServiceData:
				err = s.changeWebsite(ctx, tx, app, rw, w, now)
			case operation.ChangeAccessData:
				ips := w.Access.IPs
				if ips == nil {
					ips = []string{}
				}
				_, err = tx.Q().ExecContext(ctx, `UPDATE accesses SET ips = ?, updated_at = ? WHERE website_id = ? AND provider_id = ?`,
					marshal(ips), store.Micros(now), rw.id, app.providerID)
			case operation.CancelServices:
				err = s.cancelWebsite(ctx, tx, rw, now)
			case operation.CancelAccessHere:
				err = s.cancelAccess(ctx, tx, app.providerID, rw, now)
			}
			if err != nil {
				return issued{}, fmt.Errorf("%s %s: %w", app.Operation, num, err)
			}
			out.websites = append(out.websites, num)
		}
		return out, nil
	case operation.CancelEntityAll:
		e, err := s.entityByNumber(ctx, tx.Q(), mustEntityNumber(c))
		if err != nil {
			return issued{}, err
		}
		if e == nil {
			return issued{}, notFound("entity")
		}
		nums, err := store.All(ctx, tx.Q(), store.Scalar[string],
			`SELECT number FROM websites WHERE entity_id = ? AND status = 'active' ORDER BY number`, e.id)
		if err != nil {
			return issued{}, fmt.Errorf("cancel entity %s: %w", e.number, err)
		}
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
	case operation.IssueLicence:
		return s.issueLicence(ctx, tx, app, now)
	}
	return issued{}, fmt.Errorf("operation %s: effect %d has no implementation", d.Name, d.Effect)
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
	home := w.HomeURL
	if k, _ := operation.Kind(rw.typ); !k.HomeURL {
		home = ""
	}
	_, err := tx.Q().ExecContext(ctx, `UPDATE websites SET name = ?, home_url = ?, content_types = ?, data_enc = ?, updated_at = ? WHERE id = ?`,
		strings.TrimSpace(w.Name), strings.TrimSpace(home), strings.Join(w.ContentTypes, ","),
		s.box.SealString(marshal(w), fmt.Sprintf("website:%d", rw.id)), store.Micros(now), rw.id)
	return err
}

// gateDeleteAll removes a domain from the gate feed of every provider with access to the website.
func (s *Service) gateDeleteAll(ctx context.Context, tx *store.Tx, websiteID int64, domain string, now time.Time) error {
	pids, err := store.All(ctx, tx.Q(), store.Scalar[int64],
		`SELECT provider_id FROM accesses WHERE website_id = ? AND status = 'active' ORDER BY provider_id`, websiteID)
	if err != nil {
		return fmt.Errorf("gate delete %s: %w", domain, err)
	}
	for _, p := range pids {
		if err := s.gateLog(ctx, tx, p, domain, gate.OpDelete, "", "", now); err != nil {
			return err
		}
	}
	return nil
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
