package filing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"regexp"
	"strings"
	"time"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/gate"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/secret"
	"github.com/beian/beian/internal/store"
)

// This file holds the SQL of the lifecycle, in Go strings with ? placeholders
// (store rebinds them for PostgreSQL).

func (s *Service) providerID(ctx context.Context, q store.Querier, code string) (int64, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return 0, invalid("provider", "application.provider_required", "provider is required (请选择接入商)")
	}
	var id int64
	err := store.One(q.QueryRowContext(ctx, `SELECT id FROM providers WHERE code = ?`, code).Scan(&id))
	if errors.Is(err, store.ErrNotFound) {
		return 0, invalid("provider", "application.unknown_provider", fmt.Sprintf("unknown provider %q (接入商不存在)", code))
	}
	if err != nil {
		return 0, fmt.Errorf("provider %q: %w", code, err)
	}
	return id, nil
}

func lookupProvinceCode(s string) (string, bool) {
	p, ok := icpnum.LookupProvince(strings.TrimSpace(s))
	if !ok {
		return "", false
	}
	return p.Code, true
}

func counts(fs []finding.Finding) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == finding.Error {
			errs++
		} else {
			warns++
		}
	}
	return
}

func (s *Service) sealContent(id int64, c form.Content) string {
	return s.box.SealString(marshal(c), fmt.Sprintf("application:%d", id))
}

func (s *Service) insertApplication(ctx context.Context, tx *store.Tx, accountID, providerID int64, op Operation, c form.Content, fs []finding.Finding, now time.Time) (int64, error) {
	key := s.entityKey(c.Entity)
	if key == "" {
		key = fmt.Sprintf("none:%d:%d", accountID, now.UnixNano())
	}
	if err := s.ownOpenConflict(ctx, tx.Q(), accountID, key, 0); err != nil {
		return 0, err
	}
	prov, _ := lookupProvinceCode(c.Entity.Province)
	e, w := counts(fs)
	var id int64
	err := tx.Q().QueryRowContext(ctx, `INSERT INTO applications
		(account_id, provider_id, operation, status, entity_key, entity_name, nature, province, payload_enc, findings,
		 error_count, warning_count, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?) RETURNING id`,
		accountID, providerID, string(op), string(StatusDraft), key, strings.TrimSpace(c.Entity.Name), c.Entity.Nature, prov,
		marshal(fs), e, w, store.Micros(now), store.Micros(now)).Scan(&id)
	if store.IsUnique(err) {
		return 0, entityUnavailable()
	}
	if err != nil {
		return 0, fmt.Errorf("insert application: %w", err)
	}
	if _, err := tx.Q().ExecContext(ctx, `UPDATE applications SET payload_enc = ? WHERE id = ?`, s.sealContent(id, c), id); err != nil {
		return 0, fmt.Errorf("seal application %d: %w", id, err)
	}
	return id, s.setDomains(ctx, tx, id, c)
}

// openStatuses are the states that lock an entity (the unique index
// applications_one_open): submitted and not yet decided.
const openStatuses = `'provider_review', 'sms_verification', 'authority_review'`

// ownOpenConflict refuses a second application by accountID for the entity
// key while one of its own is open (a draft included): telling the
// applicant about its own application discloses nothing. Other accounts'
// applications are not looked at here.
func (s *Service) ownOpenConflict(ctx context.Context, q store.Querier, accountID int64, key string, except int64) error {
	var id int64
	err := store.One(q.QueryRowContext(ctx, `SELECT id FROM applications WHERE entity_key = ? AND account_id = ? AND id <> ?
		AND status IN ('draft', `+openStatuses+`) ORDER BY id LIMIT 1`, key, accountID, except).Scan(&id))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open applications: %w", err)
	}
	return &fault.Error{Kind: fault.Conflict, Code: "application.open_exists",
		Message: fmt.Sprintf("you already have application %d open for this entity; finish or withdraw it first (您已有该主体进行中的申请 %d)", id, id)}
}

// submitConflict is the refusal to submit application cur while another
// submitted application holds its entity: the applicant's own is named;
// another account's gets entityUnavailable, which says neither that one
// exists nor what it is.
func (s *Service) submitConflict(ctx context.Context, q store.Querier, cur *Application) error {
	type holder struct{ id, account int64 }
	hs, err := store.All(ctx, q, func(r store.Row) (holder, error) {
		var h holder
		return h, r.Scan(&h.id, &h.account)
	}, `SELECT id, account_id FROM applications WHERE entity_key = ? AND id <> ? AND status IN (`+openStatuses+`)`, cur.entityKey, cur.ID)
	if err != nil {
		return fmt.Errorf("application %d entity lock: %w", cur.ID, err)
	}
	for _, h := range hs {
		if h.account == cur.accountID {
			return &fault.Error{Kind: fault.Conflict, Code: "application.open_exists", State: string(cur.Status),
				Message: fmt.Sprintf("your application %d for this entity is already under review; finish or withdraw it first (您已有该主体审核中的申请 %d)", h.id, h.id)}
		}
	}
	if len(hs) > 0 {
		return entityUnavailable()
	}
	return nil
}

// entityUnavailable is the neutral refusal of a submission whose entity is
// locked by someone else's application. It names no application, account
// or state, so that submitting cannot be used to learn who files what.
func entityUnavailable() *fault.Error {
	return &fault.Error{Kind: fault.Conflict, Code: "application.entity_unavailable",
		Message: "this entity cannot be submitted from this account at present; if you are entitled to file for it, contact your provider (该主体目前无法通过本账号提交备案；如您有权为该主体备案，请联系接入商)"}
}

func (s *Service) setDomains(ctx context.Context, tx *store.Tx, id int64, c form.Content) error {
	if _, err := tx.Q().ExecContext(ctx, `DELETE FROM application_domains WHERE application_id = ?`, id); err != nil {
		return fmt.Errorf("application %d domains: %w", id, err)
	}
	seen := map[string]bool{}
	for _, w := range c.Websites {
		if !registryDomains(w.Type()) {
			continue // an App's hosts are never pending at the gate
		}
		for _, d := range w.Domains {
			n, err := hostname.Normalize(d.Name)
			if err != nil || seen[n] {
				continue
			}
			seen[n] = true
			if _, err := tx.Q().ExecContext(ctx, `INSERT INTO application_domains (application_id, name) VALUES (?, ?)`, id, n); err != nil {
				return fmt.Errorf("application %d domain %s: %w", id, n, err)
			}
		}
	}
	return nil
}

func (s *Service) updateContent(ctx context.Context, tx *store.Tx, id int64, c form.Content, fs []finding.Finding, now time.Time) error {
	key := s.entityKey(c.Entity)
	if key == "" {
		key = fmt.Sprintf("none:%d", id)
	}
	prov, _ := lookupProvinceCode(c.Entity.Province)
	e, w := counts(fs)
	_, err := tx.Q().ExecContext(ctx, `UPDATE applications SET payload_enc = ?, findings = ?, error_count = ?, warning_count = ?,
		entity_key = ?, entity_name = ?, nature = ?, province = ?, updated_at = ? WHERE id = ?`,
		s.sealContent(id, c), marshal(fs), e, w, key, strings.TrimSpace(c.Entity.Name), c.Entity.Nature, prov, store.Micros(now), id)
	if store.IsUnique(err) {
		return entityUnavailable()
	}
	if err != nil {
		return fmt.Errorf("update application %d: %w", id, err)
	}
	return s.setDomains(ctx, tx, id, c)
}

func (s *Service) addHistory(ctx context.Context, tx *store.Tx, id int64, action string, from, to Status, actor auth.Principal, reasons []string, now time.Time) error {
	if reasons == nil {
		reasons = []string{}
	}
	var actorID any
	if actor.AccountID != 0 {
		actorID = actor.AccountID
	}
	_, err := tx.Q().ExecContext(ctx, `INSERT INTO application_history
		(application_id, action, from_status, to_status, actor_id, actor_role, reasons, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, action, string(from), string(to), actorID, string(actor.Role), marshal(reasons), store.Micros(now))
	if err != nil {
		return fmt.Errorf("application %d history: %w", id, err)
	}
	return s.chain.Append(ctx, tx, audit.Entry{At: now, ActorID: actor.AccountID, ActorRole: string(actor.Role),
		Action: "application." + action, Subject: fmt.Sprintf("application:%d", id),
		Details: map[string]any{"from": from, "to": to, "reasons": reasons}})
}

type moveOpts struct {
	due        *string
	clearDue   bool
	smsExpires *time.Time
	submitted  bool
	decided    bool
	numbers    *issued
}

// move records a transition: the new status, its deadline, and the history row.
// The WHERE on the old status makes a racing second transition fail instead of
// overwriting the first.
func (s *Service) move(ctx context.Context, tx *store.Tx, cur *Application, to Status, act Action, actor auth.Principal, reasons []string, now time.Time, o moveOpts) error {
	set := []string{"status = ?", "updated_at = ?"}
	args := []any{string(to), store.Micros(now)}
	switch {
	case o.due != nil:
		set = append(set, "due_date = ?")
		args = append(args, *o.due)
	case o.clearDue:
		set = append(set, "due_date = NULL")
	}
	if o.smsExpires != nil {
		set = append(set, "sms_expires_at = ?", "sms_failures = 0")
		args = append(args, store.Micros(*o.smsExpires))
	}
	if o.submitted {
		set = append(set, "submitted_at = ?")
		args = append(args, store.Micros(now))
	}
	if o.decided {
		set = append(set, "decided_at = ?")
		args = append(args, store.Micros(now))
	}
	if o.numbers != nil {
		webs := o.numbers.websites
		if webs == nil {
			webs = []string{}
		}
		set = append(set, "entity_number = ?", "website_numbers = ?", "entity_id = ?", "licence_numbers = ?")
		args = append(args, o.numbers.entity, marshal(webs), o.numbers.entityID,
			marshal(map[string]string{"icp_license": o.numbers.licence, "operating_license": o.numbers.operating}))
	}
	args = append(args, cur.ID, string(cur.Status))
	res, err := tx.Q().ExecContext(ctx, `UPDATE applications SET `+strings.Join(set, ", ")+` WHERE id = ? AND status = ?`, args...)
	if store.IsUnique(err) {
		// A submission racing another one for the entity: which one and
		// whose is not said (see submitConflict).
		return entityUnavailable()
	}
	if err != nil {
		return fmt.Errorf("application %d → %s: %w", cur.ID, to, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &fault.Error{Kind: fault.Conflict, Code: "application.illegal_transition",
			Message: "the application changed state meanwhile (申请状态已变化)", State: string(cur.Status)}
	}
	if err := s.gatePending(ctx, tx, cur, to, now); err != nil {
		return err
	}
	return s.addHistory(ctx, tx, cur.ID, string(act), cur.Status, to, actor, reasons, now)
}

// loadFor loads an application and applies the visibility rule.
func (s *Service) loadFor(ctx context.Context, q store.Querier, actor auth.Principal, id int64) (*Application, error) {
	app, err := s.load(ctx, q, id)
	if err != nil {
		return nil, err
	}
	switch actor.Role {
	case auth.RoleApplicant:
		if app.accountID == actor.AccountID {
			return app, nil
		}
	case auth.RoleProvider:
		if actor.ProviderID != 0 && app.providerID == actor.ProviderID && app.Status != StatusDraft {
			return app, nil
		}
	case auth.RoleAuthority, auth.RoleAdmin:
		if app.Status != StatusDraft {
			return app, nil
		}
	}
	return nil, notFound("application")
}

func (s *Service) load(ctx context.Context, q store.Querier, id int64) (*Application, error) {
	apps, err := s.loadMany(ctx, q, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, notFound("application")
	}
	return apps[0], nil
}

// appColumns are the columns scanApplication reads, in its order.
const appColumns = `a.id, a.account_id, a.provider_id, p.code, a.operation, a.status, a.entity_key,
		a.entity_name, a.nature, a.province, a.payload_enc, a.findings, a.entity_number, a.website_numbers, a.due_date,
		a.sms_expires_at, a.created_at, a.updated_at, a.overdue_at, a.licence_numbers`

// loadMany loads the applications ids, in the order given, skipping those
// that do not exist, with a constant number of queries whatever their
// number: one for the rows, one each for history, documents and pending SMS.
func (s *Service) loadMany(ctx context.Context, q store.Querier, ids []int64) ([]*Application, error) {
	if len(ids) == 0 {
		return []*Application{}, nil
	}
	in, args := inList(ids)
	found, err := store.All(ctx, q, s.scanApplication, `SELECT `+appColumns+`
		FROM applications a JOIN providers p ON p.id = a.provider_id WHERE a.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load applications: %w", err)
	}
	byID := make(map[int64]*Application, len(found))
	for _, a := range found {
		byID[a.ID] = a
		a.History, a.Documents = []History{}, []Document{}
		if a.Status == StatusSMSVerification {
			a.SMSPending = []string{}
		}
	}
	if err := s.attachHistory(ctx, q, in, args, byID); err != nil {
		return nil, err
	}
	if err := s.attachDocuments(ctx, q, in, args, byID); err != nil {
		return nil, err
	}
	if err := s.attachSMSPending(ctx, q, in, args, byID); err != nil {
		return nil, err
	}
	out := make([]*Application, 0, len(found))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// inList returns "?, ?, …" and the arguments for an IN list of ids.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return placeholders(len(ids)), args
}

// scanApplication reads one row of appColumns and decrypts its content.
func (s *Service) scanApplication(row store.Row) (*Application, error) {
	var (
		a                                 Application
		op, st, payload, fs, webNums, prv string
		entNum, due, lic                  sql.NullString
		smsExp, overdue                   sql.NullInt64
		created, updated                  int64
	)
	if err := row.Scan(&a.ID, &a.accountID, &a.providerID, &prv, &op, &st, &a.entityKey, &a.EntityName, &a.Nature, &a.Province,
		&payload, &fs, &entNum, &webNums, &due, &smsExp, &created, &updated, &overdue, &lic); err != nil {
		return nil, err
	}
	id := a.ID
	a.Provider, a.Operation, a.Status = prv, Operation(op), Status(st)
	a.CreatedAt, a.UpdatedAt = store.FromMicros(created), store.FromMicros(updated)
	if err := json.Unmarshal([]byte(fs), &a.Findings); err != nil {
		return nil, fmt.Errorf("application %d findings: %w", id, err)
	}
	if err := json.Unmarshal([]byte(webNums), &a.WebsiteNumbers); err != nil {
		return nil, fmt.Errorf("application %d numbers: %w", id, err)
	}
	if entNum.Valid {
		a.EntityNumber = &entNum.String
	}
	if due.Valid && a.Status.Open() {
		a.DueDate = &due.String
		if d, err := calendar.ParseDate(due.String); err == nil {
			left := s.Calendar().BusinessDaysLeft(calendar.DateOf(s.now()), d)
			a.BusinessDaysLeft = &left
		}
	}
	if smsExp.Valid && a.Status == StatusSMSVerification {
		t := store.FromMicros(smsExp.Int64)
		a.SMSExpiresAt = &t
	}
	plain, err := s.box.OpenString(payload, fmt.Sprintf("application:%d", id))
	if err != nil {
		return nil, fmt.Errorf("application %d payload: %w", id, err)
	}
	var c form.Content
	if err := json.Unmarshal([]byte(plain), &c); err != nil {
		return nil, fmt.Errorf("application %d payload: %w", id, err)
	}
	a.Content = &c
	if overdue.Valid {
		t := store.FromMicros(overdue.Int64)
		a.Overdue = &t
	}
	if lic.Valid && lic.String != "" {
		if err := json.Unmarshal([]byte(lic.String), &a.LicenceNumbers); err != nil {
			return nil, fmt.Errorf("application %d licence numbers: %w", id, err)
		}
	}
	if eff, err := calendar.ParseDate(c.EffectiveDate); err == nil && c.EffectiveDate != "" {
		fileBy := (eff - ChangeNoticeDays).String()
		a.ChangeFileBy = &fileBy
	}
	return &a, nil
}

// attachHistory fills the history of the applications in byID (ids in, args).
func (s *Service) attachHistory(ctx context.Context, q store.Querier, in string, args []any, byID map[int64]*Application) error {
	type row struct {
		app int64
		h   History
	}
	rows, err := store.All(ctx, q, func(r store.Row) (row, error) {
		var x row
		var from, to, reasons string
		var at int64
		if err := r.Scan(&x.app, &x.h.Action, &from, &to, &x.h.ActorID, &x.h.ActorRole, &reasons, &at); err != nil {
			return x, err
		}
		x.h.From, x.h.To, x.h.At = Status(from), Status(to), store.FromMicros(at)
		if err := json.Unmarshal([]byte(reasons), &x.h.Reasons); err != nil {
			return x, fmt.Errorf("application %d history reasons: %w", x.app, err)
		}
		return x, nil
	}, `SELECT application_id, action, from_status, to_status, COALESCE(actor_id, 0), actor_role, reasons, at
		FROM application_history WHERE application_id IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("application history: %w", err)
	}
	for _, x := range rows {
		if a := byID[x.app]; a != nil {
			a.History = append(a.History, x.h)
		}
	}
	return nil
}

// documentsOf lists the documents of one application.
func (s *Service) documentsOf(ctx context.Context, q store.Querier, id int64) ([]Document, error) {
	in, args := inList([]int64{id})
	a := &Application{ID: id, Documents: []Document{}}
	if err := s.attachDocuments(ctx, q, in, args, map[int64]*Application{id: a}); err != nil {
		return nil, err
	}
	return a.Documents, nil
}

// attachDocuments fills the documents of the applications in byID.
func (s *Service) attachDocuments(ctx context.Context, q store.Querier, in string, args []any, byID map[int64]*Application) error {
	type row struct {
		app int64
		d   Document
	}
	rows, err := store.All(ctx, q, func(r store.Row) (row, error) {
		var x row
		var at int64
		if err := r.Scan(&x.app, &x.d.ID, &x.d.Kind, &x.d.ContentType, &x.d.Size, &x.d.SHA256, &at); err != nil {
			return x, err
		}
		x.d.CreatedAt = store.FromMicros(at)
		return x, nil
	}, `SELECT application_id, id, kind, content_type, size, sha256, created_at
		FROM documents WHERE application_id IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("application documents: %w", err)
	}
	for _, x := range rows {
		if a := byID[x.app]; a != nil {
			a.Documents = append(a.Documents, x.d)
		}
	}
	return nil
}

// attachSMSPending fills, for applications in SMS verification, the masked
// phones that still have to verify.
func (s *Service) attachSMSPending(ctx context.Context, q store.Querier, in string, args []any, byID map[int64]*Application) error {
	type row struct {
		app       int64
		principal string
	}
	rows, err := store.All(ctx, q, func(r store.Row) (row, error) {
		var x row
		return x, r.Scan(&x.app, &x.principal)
	}, `SELECT application_id, principal FROM sms_codes WHERE application_id IN (`+in+`) AND verified_at IS NULL
		ORDER BY application_id, principal`, args...)
	if err != nil {
		return fmt.Errorf("application sms: %w", err)
	}
	phones := map[int64]map[string]string{}
	seen := map[int64]map[string]bool{}
	for _, x := range rows {
		a := byID[x.app]
		if a == nil || a.Status != StatusSMSVerification {
			continue
		}
		if phones[a.ID] == nil {
			phones[a.ID], seen[a.ID] = map[string]string{}, map[string]bool{}
			for _, t := range s.smsTargets(a.Operation, *a.Content) {
				phones[a.ID][t.principal] = t.phone
			}
		}
		if m := secret.MaskPhone(phones[a.ID][x.principal]); !seen[a.ID][m] {
			seen[a.ID][m] = true
			a.SMSPending = append(a.SMSPending, m)
		}
	}
	return nil
}

func (s *Service) entityNumberByKey(ctx context.Context, q store.Querier, key string) (string, error) {
	var n sql.NullString
	err := store.One(q.QueryRowContext(ctx, `SELECT number FROM entities WHERE cert_index = ? AND status = 'active'`, key).Scan(&n))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("entity lookup: %w", err)
	}
	return n.String, nil
}

func (s *Service) domainNumber(ctx context.Context, q store.Querier, name string) (string, error) {
	var n string
	err := store.One(q.QueryRowContext(ctx, `SELECT w.number FROM domains d JOIN websites w ON w.id = d.website_id
		WHERE d.name = ? AND d.status = 'active'`, name).Scan(&n))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("domain lookup %s: %w", name, err)
	}
	return n, nil
}

// smsPrincipal names a principal who must verify: "entity" or "website:N".
type smsTarget struct {
	principal string
	phone     string
}

func (s *Service) smsTargets(op Operation, c form.Content) []smsTarget {
	d, _ := s.desc(op)
	var out []smsTarget
	if d.SMS.Entity {
		out = append(out, smsTarget{"entity", strings.TrimSpace(c.Entity.Principal.Phone)})
	}
	if d.SMS.Service {
		for i, w := range c.Websites {
			out = append(out, smsTarget{fmt.Sprintf("website:%d", i), strings.TrimSpace(w.Principal.Phone)})
		}
	}
	return out
}

// smsCodeMessage is the verification SMS; SMSCodeFrom reads it back.
const smsCodeMessage = "【ICP备案】您的备案申请（编号%d）短信核验码为%s，24小时内有效。Your ICP filing application %d verification code is %s, valid for 24 hours."

var smsCodeRE = regexp.MustCompile(`短信核验码为(\d{6})`)

// SMSCodeFrom returns the verification code in an SMS body sent by this
// package (the demo seed and tests read codes from the built-in outbox).
func SMSCodeFrom(body string) (string, bool) {
	m := smsCodeRE.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// issueSMSCodes creates one code per principal due to verify and puts the
// message in the outbox in the same transaction.
func (s *Service) issueSMSCodes(ctx context.Context, tx *store.Tx, app *Application, now time.Time) error {
	if _, err := tx.Q().ExecContext(ctx, `DELETE FROM sms_codes WHERE application_id = ?`, app.ID); err != nil {
		return fmt.Errorf("application %d sms: %w", app.ID, err)
	}
	codeByPhone := map[string]string{}
	for _, t := range s.smsTargets(app.Operation, *app.Content) {
		code, ok := codeByPhone[t.phone]
		if !ok {
			var err error
			if code, err = s.sixDigits(); err != nil {
				return err
			}
			codeByPhone[t.phone] = code
			body := fmt.Sprintf(smsCodeMessage, app.ID, code, app.ID, code)
			if err := s.enqueue(ctx, tx, "sms", t.phone, body, now); err != nil {
				return err
			}
		}
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO sms_codes (application_id, principal, phone_index, code_hash, expires_at)
			VALUES (?, ?, ?, ?, ?)`, app.ID, t.principal, s.box.BlindIndex("phone", t.phone), s.codeHash(app.ID, t.principal, code),
			store.Micros(now.Add(SMSValidity)))
		if err != nil {
			return fmt.Errorf("application %d sms: %w", app.ID, err)
		}
	}
	return nil
}

// enqueue writes a message to the outbox: the built-in gateway keeps it there
// for the admin API; a real gateway would send and mark it.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, channel, to, body string, now time.Time) error {
	idx := s.box.BlindIndex(channel, to)
	_, err := tx.Q().ExecContext(ctx, `INSERT INTO outbox (channel, recipient_index, recipient_enc, body_enc, created_at) VALUES (?, ?, ?, ?, ?)`,
		channel, idx, s.box.SealString(to, "outbox:"+idx), s.box.SealString(body, "outbox:"+idx), store.Micros(now))
	if err != nil {
		return fmt.Errorf("outbox %s to %s: %w", channel, secret.MaskPhone(to), err)
	}
	return nil
}

// Message is one outbox entry.
type Message struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	To        string    `json:"to"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Outbox returns the messages sent to a recipient (admin only).
func (s *Service) Outbox(ctx context.Context, actor auth.Principal, to string) ([]Message, error) {
	if actor.Role != auth.RoleAdmin {
		return nil, forbidden("only an admin reads the outbox (仅管理员可查看)")
	}
	to = strings.TrimSpace(to)
	type sealed struct {
		m               Message
		idx, rcpt, body string
	}
	scan := func(r store.Row) (sealed, error) {
		var e sealed
		var at int64
		err := r.Scan(&e.m.ID, &e.m.Channel, &e.idx, &e.rcpt, &e.body, &at)
		e.m.CreatedAt = store.FromMicros(at)
		return e, err
	}
	var rows []sealed
	var err error
	if to == "" {
		rows, err = store.All(ctx, s.db.R(), scan, `SELECT id, channel, recipient_index, recipient_enc, body_enc, created_at FROM outbox ORDER BY id DESC LIMIT 200`)
	} else {
		rows, err = store.All(ctx, s.db.R(), scan, `SELECT id, channel, recipient_index, recipient_enc, body_enc, created_at FROM outbox
			WHERE recipient_index IN (?, ?) ORDER BY id`, s.box.BlindIndex("sms", to), s.box.BlindIndex("email", to))
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	out := make([]Message, 0, len(rows)) // [] in JSON when the outbox is empty
	for _, e := range rows {
		m := e.m
		if m.To, err = s.box.OpenString(e.rcpt, "outbox:"+e.idx); err != nil {
			return nil, fmt.Errorf("outbox %d: %w", m.ID, err)
		}
		if m.Body, err = s.box.OpenString(e.body, "outbox:"+e.idx); err != nil {
			return nil, fmt.Errorf("outbox %d: %w", m.ID, err)
		}
		out = append(out, m)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.auditRead(ctx, tx, actor, "outbox")
	})
	return out, err
}

type smsRow struct{ principal, codeHash string }

func (s *Service) smsRows(ctx context.Context, q store.Querier, id int64, phoneIndex string) ([]smsRow, error) {
	out, err := store.All(ctx, q, func(r store.Row) (smsRow, error) {
		var v smsRow
		err := r.Scan(&v.principal, &v.codeHash)
		return v, err
	}, `SELECT principal, code_hash FROM sms_codes
		WHERE application_id = ? AND phone_index = ? AND verified_at IS NULL`, id, phoneIndex)
	if err != nil {
		return nil, fmt.Errorf("application %d sms: %w", id, err)
	}
	return out, nil
}

func (s *Service) markVerified(ctx context.Context, tx *store.Tx, id int64, principal string, now time.Time) error {
	_, err := tx.Q().ExecContext(ctx, `UPDATE sms_codes SET verified_at = ? WHERE application_id = ? AND principal = ?`, store.Micros(now), id, principal)
	if err != nil {
		return fmt.Errorf("application %d sms verify: %w", id, err)
	}
	return nil
}

func (s *Service) addSMSFailure(ctx context.Context, tx *store.Tx, id int64) (int, error) {
	var n int
	err := tx.Q().QueryRowContext(ctx, `UPDATE applications SET sms_failures = sms_failures + 1 WHERE id = ? RETURNING sms_failures`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("application %d sms failure: %w", id, err)
	}
	return n, nil
}

func (s *Service) smsPendingCount(ctx context.Context, q store.Querier, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_codes WHERE application_id = ? AND verified_at IS NULL`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("application %d sms: %w", id, err)
	}
	return n, nil
}

func (s *Service) smsExpiredIDs(ctx context.Context, q store.Querier, now time.Time) ([]int64, error) {
	ids, err := store.All(ctx, q, store.Scalar[int64], `SELECT id FROM applications WHERE status = ? AND sms_expires_at <= ? ORDER BY id`,
		string(StatusSMSVerification), store.Micros(now))
	if err != nil {
		return nil, fmt.Errorf("sms expiry: %w", err)
	}
	return ids, nil
}

// atGate reports whether an application in st shows its domains as pending
// on its provider's gate feed (submitted and not yet decided).
func atGate(st Status) bool {
	return st == StatusProviderReview || st == StatusSMSVerification || st == StatusAuthorityReview
}

// gatePending keeps the gate feed's pending entries in step with the
// application: its domains become pending when it is submitted and leave
// when it ends, unless it ended with them approved at this provider.
// Domains already approved at this provider are left alone.
func (s *Service) gatePending(ctx context.Context, tx *store.Tx, app *Application, to Status, now time.Time) error {
	var op, status string
	switch {
	case !atGate(app.Status) && atGate(to):
		op, status = gate.OpUpsert, gate.FeedPending
	case atGate(app.Status) && !atGate(to):
		// On approval this runs after the registry rows were written, so the
		// domains that became approved are excluded below.
		op = gate.OpDelete
	default:
		return nil
	}
	names, err := store.All(ctx, tx.Q(), store.Scalar[string], `SELECT ad.name FROM application_domains ad WHERE ad.application_id = ? AND NOT EXISTS (
		SELECT 1 FROM domains d JOIN accesses a ON a.website_id = d.website_id
		WHERE d.name = ad.name AND d.status = 'active' AND a.status = 'active' AND a.provider_id = ?) ORDER BY ad.name`, app.ID, app.providerID)
	if err != nil {
		return fmt.Errorf("gate pending %d: %w", app.ID, err)
	}
	for _, n := range names {
		if err := s.gateLog(ctx, tx, app.providerID, n, op, "", status, now); err != nil {
			return err
		}
	}
	return nil
}
