package filing

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/ratelimit"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/ident"
	"github.com/beian/beian/internal/rules"
	"github.com/beian/beian/internal/secret"
	"github.com/beian/beian/internal/store"
)

// Deadlines of the lifecycle: the provider's review is beian's own service
// level (2 business days, as the large providers publish); the authority has
// 20 business days (《非经营性互联网信息服务备案管理办法》 art. 8) and about 60 days
// for the ICP licence (《电信业务经营许可管理办法》); the SMS code is valid 24 h and
// five wrong codes return the order (MIIT SMS check, Huawei Cloud
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案短信核验.md).
const (
	ProviderReviewDays  = 2  // business days
	AuthorityReviewDays = 20 // business days
	SMSValidity         = 24 * time.Hour
	SMSMaxFailures      = 5
	LicenceDays         = 60 // calendar days, the ICP licence's review
	ChangeNoticeDays    = 30 // calendar days a change is filed ahead of its effective date
)

// Config builds a Service.
type Config struct {
	DB       *store.DB
	Box      *secret.Box
	Calendar *calendar.Calendar
	Rules    *rules.RuleSet
	// Now is the clock; tests move it instead of waiting.
	Now func() time.Time
	// Rand is the source of SMS codes (crypto/rand when nil).
	Rand io.Reader
	Log  *slog.Logger
	// Mailer delivers e-mail from the outbox; nil keeps e-mail in the outbox only.
	Mailer Mailer
	// SMS delivers text messages from the outbox; nil is the built-in
	// gateway, which keeps them in the outbox (GET /api/v1/admin/outbox).
	SMS SMSGateway
	// Operations is the catalogue of operations; nil is operation.Default().
	Operations *operation.Catalogue
	// SMSAttempts limits SMS code attempts per client address (on top of
	// the five wrong codes an application allows), so that one client
	// cannot cycle through many applications' codes; nil is no limit.
	SMSAttempts *ratelimit.Limiter
	// Chain writes the audit rows; nil is the unkeyed chain.
	Chain *audit.Chain
	// DraftMaxAge is how long a draft may stay untouched before the
	// scheduler expires it (0: DefaultDraftMaxAge; negative: never), so
	// that abandoned drafts do not keep personal data for ever.
	DraftMaxAge time.Duration
}

// DefaultDraftMaxAge is the idle age at which a draft expires by default.
const DefaultDraftMaxAge = 30 * 24 * time.Hour

// SMSGateway sends one text message (a real deployment plugs in its SMS provider).
type SMSGateway interface {
	SendSMS(ctx context.Context, phone, body string) error
}

// Mailer sends one e-mail.
type Mailer interface {
	SendMail(ctx context.Context, to, subject, body string) error
}

// Service runs the lifecycle. It is safe for concurrent use.
type Service struct {
	db  *store.DB
	box *secret.Box
	// base is the calendar from the embedded table and the override file;
	// cal is base plus the overrides an admin saved, swapped atomically.
	base     *calendar.Calendar
	cal      atomic.Pointer[calendar.Calendar]
	rules    *rules.RuleSet
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	sm       StateMachine
	mail     Mailer
	sms      SMSGateway
	ops      *operation.Catalogue
	smsLimit *ratelimit.Limiter
	chain    *audit.Chain
	draftAge time.Duration
}

// New builds a Service.
func New(c Config) *Service {
	s := &Service{db: c.DB, box: c.Box, base: c.Calendar, rules: c.Rules, now: c.Now, rand: c.Rand, log: c.Log, sm: NewStateMachine(), mail: c.Mailer, sms: c.SMS, ops: c.Operations, smsLimit: c.SMSAttempts, chain: c.Chain, draftAge: c.DraftMaxAge}
	if s.draftAge == 0 {
		s.draftAge = DefaultDraftMaxAge
	}
	if s.chain == nil {
		s.chain = audit.Unkeyed()
	}
	if s.ops == nil {
		s.ops = operation.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.base == nil {
		s.base = calendar.Default()
	}
	s.cal.Store(s.base)
	if s.rules == nil {
		s.rules = rules.DefaultRuleSet()
	}
	return s
}

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }

// Calendar returns the business-day calendar in use.
func (s *Service) Calendar() *calendar.Calendar { return s.cal.Load() }

// Create stores a new draft application after running the checks.
func (s *Service) Create(ctx context.Context, actor auth.Principal, req CreateRequest) (*Application, error) {
	if actor.Role != auth.RoleApplicant {
		return nil, forbidden("only applicants create applications (仅申请人可创建申请)")
	}
	d, ok := s.ops.Parse(req.Operation)
	op := d.Name
	if !ok {
		return nil, invalid("operation", "application.bad_operation", fmt.Sprintf("unknown operation %q (未知操作类型)", req.Operation))
	}
	content := req.Content()
	var app *Application
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		providerID, err := s.providerID(ctx, tx.Q(), req.Provider)
		if err != nil {
			return err
		}
		if err := s.resolve(ctx, tx.Q(), actor.AccountID, providerID, op, content); err != nil {
			return err
		}
		findings, err := s.check(ctx, tx.Q(), providerID, op, content, 0)
		if err != nil {
			return err
		}
		now := s.now()
		id, err := s.insertApplication(ctx, tx, actor.AccountID, providerID, op, content, findings, now)
		if err != nil {
			return err
		}
		if err := s.addHistory(ctx, tx, id, "create", "", StatusDraft, actor, nil, now); err != nil {
			return err
		}
		app, err = s.load(ctx, tx.Q(), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// Update replaces the content of a draft or rejected application and re-runs the checks.
func (s *Service) Update(ctx context.Context, actor auth.Principal, id int64, req CreateRequest) (*Application, error) {
	var app *Application
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := s.loadFor(ctx, tx.Q(), actor, id)
		if err != nil {
			return err
		}
		if cur.accountID != actor.AccountID {
			return forbidden("only the applicant edits an application (仅申请人可修改)")
		}
		if !cur.Status.Editable() {
			return &fault.Error{Kind: fault.Conflict, Code: "application.not_editable",
				Message: fmt.Sprintf("an application in state %s cannot be edited (当前状态不可修改)", cur.Status), State: string(cur.Status)}
		}
		if req.Operation != "" && req.Operation != string(cur.Operation) {
			return invalid("operation", "application.operation_fixed", "the operation of an application cannot change (申请类型不可更改)")
		}
		content := req.Content()
		if err := s.resolve(ctx, tx.Q(), actor.AccountID, cur.providerID, cur.Operation, content); err != nil {
			return err
		}
		findings, err := s.check(ctx, tx.Q(), cur.providerID, cur.Operation, content, id)
		if err != nil {
			return err
		}
		if err := s.updateContent(ctx, tx, id, content, findings, s.now()); err != nil {
			return err
		}
		app, err = s.load(ctx, tx.Q(), id)
		return err
	})
	return app, err
}

// Get returns an application the actor may see: its owner, the provider it
// was filed with, the authority. Anyone else gets not-found, so that ids
// reveal nothing.
func (s *Service) Get(ctx context.Context, actor auth.Principal, id int64) (*Application, error) {
	var app *Application
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if app, err = s.loadFor(ctx, tx.Q(), actor, id); err != nil {
			return err
		}
		return s.auditRead(ctx, tx, actor, fmt.Sprintf("application:%d", id))
	})
	return app, err
}

// auditRead records that actor read decrypted personal data of subject.
func (s *Service) auditRead(ctx context.Context, tx *store.Tx, actor auth.Principal, subject string) error {
	return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.AccountID, ActorRole: string(actor.Role),
		Action: "pii.read", Subject: subject})
}

// Submit sends a draft (or a corrected rejected application) to the provider's review desk.
func (s *Service) Submit(ctx context.Context, actor auth.Principal, id int64) (*Application, error) {
	return s.step(ctx, actor, id, s.ownApp, ActSubmit, nil, func(ctx context.Context, tx *store.Tx, cur *Application, to Status, now time.Time) (moveOpts, error) {
		// The entity is locked from submission on, not by drafts.
		if err := s.submitConflict(ctx, tx.Q(), cur); err != nil {
			return moveOpts{}, err
		}
		// The facts may have changed since the draft was saved (a domain filed meanwhile).
		if err := s.resolve(ctx, tx.Q(), actor.AccountID, cur.providerID, cur.Operation, *cur.Content); err != nil {
			return moveOpts{}, err
		}
		findings, err := s.check(ctx, tx.Q(), cur.providerID, cur.Operation, *cur.Content, id)
		if err != nil {
			return moveOpts{}, err
		}
		if err := s.updateContent(ctx, tx, id, *cur.Content, findings, now); err != nil {
			return moveOpts{}, err
		}
		if finding.HasError(findings) {
			return moveOpts{}, &fault.Error{Kind: fault.Blocked, Code: "application.blocking_findings",
				Message: "the application has blocking findings (申请存在阻止提交的问题)", Findings: findings}
		}
		due := s.Calendar().AddBusinessDays(calendar.DateOf(now), ProviderReviewDays).String()
		return moveOpts{due: &due, submitted: true}, nil
	})
}

// Withdraw abandons an application before it reaches the authority.
func (s *Service) Withdraw(ctx context.Context, actor auth.Principal, id int64) (*Application, error) {
	return s.step(ctx, actor, id, s.ownApp, ActWithdraw, nil, func(context.Context, *store.Tx, *Application, Status, time.Time) (moveOpts, error) {
		return moveOpts{clearDue: true}, nil
	})
}

// Void ends a submitted application that blocks its entity, for example
// one filed with a company's public USCC by someone with no right to it.
// The provider desk voids what was filed with it, the admin anything; the
// reason is required and goes into the history and the audit log.
func (s *Service) Void(ctx context.Context, actor auth.Principal, id int64, reason string) (*Application, error) {
	if actor.Role != auth.RoleProvider && actor.Role != auth.RoleAdmin {
		return nil, forbidden("only the provider desk or an admin voids an application (仅接入商或管理员可作废申请)")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "application.void_reason_required", "voiding needs a reason (作废须说明理由)")
	}
	return s.step(ctx, actor, id, s.loadFor, ActVoid, []string{reason}, func(context.Context, *store.Tx, *Application, Status, time.Time) (moveOpts, error) {
		return moveOpts{clearDue: true}, nil
	})
}

// ProviderReview records the provider desk's decision.
func (s *Service) ProviderReview(ctx context.Context, actor auth.Principal, id int64, d Decision) (*Application, error) {
	if actor.Role != auth.RoleProvider {
		return nil, forbidden("only the provider's review desk decides here (仅接入商审核)")
	}
	act, reasons, err := decide(d, ActProviderApprove, ActProviderReject)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, s.loadFor, act, reasons, func(ctx context.Context, tx *store.Tx, cur *Application, to Status, now time.Time) (moveOpts, error) {
		switch to {
		case StatusSMSVerification:
			exp := now.Add(SMSValidity)
			return moveOpts{clearDue: true, smsExpires: &exp}, s.issueSMSCodes(ctx, tx, cur, now)
		case StatusAuthorityReview:
			due := s.authorityDue(cur.Operation, now)
			return moveOpts{due: &due}, nil
		}
		return moveOpts{clearDue: true}, nil
	})
}

// AuthorityReview records the authority's decision; approval issues the numbers
// inside the same transaction, so racing approvals never share a number.
func (s *Service) AuthorityReview(ctx context.Context, actor auth.Principal, id int64, d Decision) (*Application, error) {
	if actor.Role != auth.RoleAuthority {
		return nil, forbidden("only the authority decides here (仅管局审核)")
	}
	act, reasons, err := decide(d, ActAuthorityApprove, ActAuthorityReject)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, s.loadFor, act, reasons, func(ctx context.Context, tx *store.Tx, cur *Application, to Status, now time.Time) (moveOpts, error) {
		opts := moveOpts{clearDue: true, decided: true}
		if to == StatusApproved {
			nums, err := s.approveOp(ctx, tx, cur, now)
			if err != nil {
				return opts, err
			}
			opts.numbers = &nums
		}
		return opts, nil
	})
}

// step runs one transition of application id in a write transaction: load
// it as the actor may see it, ask the state machine, let effect carry out
// the transition's side effects and choose the deadline changes, record it.
func (s *Service) step(ctx context.Context, actor auth.Principal, id int64,
	load func(context.Context, store.Querier, auth.Principal, int64) (*Application, error), act Action, reasons []string,
	effect func(ctx context.Context, tx *store.Tx, cur *Application, to Status, now time.Time) (moveOpts, error)) (*Application, error) {
	var app *Application
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := load(ctx, tx.Q(), actor, id)
		if err != nil {
			return err
		}
		to, err := s.next(cur, act)
		if err != nil {
			return err
		}
		now := s.now()
		opts, err := effect(ctx, tx, cur, to, now)
		if err != nil {
			return err
		}
		if err := s.move(ctx, tx, cur, to, act, actor, reasons, now, opts); err != nil {
			return err
		}
		app, err = s.load(ctx, tx.Q(), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

func decide(d Decision, approve, reject Action) (Action, []string, error) {
	var reasons []string
	for _, r := range d.Reasons {
		if r = strings.TrimSpace(r); r != "" {
			reasons = append(reasons, r)
		}
	}
	switch d.Decision {
	case "approve":
		return approve, reasons, nil
	case "reject":
		if len(reasons) == 0 {
			return "", nil, invalid("reasons", "review.reasons_required", "a rejection needs at least one reason (驳回须说明理由)")
		}
		return reject, reasons, nil
	}
	return "", nil, invalid("decision", "review.bad_decision", `decision must be "approve" or "reject" (决定须为 approve 或 reject)`)
}

// ownApp loads an application for its owner (applicant role).
func (s *Service) ownApp(ctx context.Context, q store.Querier, actor auth.Principal, id int64) (*Application, error) {
	if actor.Role != auth.RoleApplicant {
		return nil, forbidden("only the applicant does this (仅申请人可操作)")
	}
	return s.loadFor(ctx, q, actor, id)
}

// check runs the pure rules with the facts only the database knows.
func (s *Service) check(ctx context.Context, q store.Querier, providerID int64, op Operation, c form.Content, appID int64) ([]finding.Finding, error) {
	facts := rules.Facts{Now: s.now(), Calendar: s.Calendar(), Operation: string(op), Operations: s.ops, FiledDomains: map[string]string{}}
	ranges, err := providerRanges(ctx, q, providerID)
	if err != nil {
		return nil, err
	}
	facts.ProviderRanges = ranges
	if appID != 0 {
		docs, err := s.documentsOf(ctx, q, appID)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			facts.Documents = append(facts.Documents, d.Kind)
		}
	}
	if p, ok := lookupProvinceCode(c.Entity.Province); ok {
		facts.Province = s.rules.For(p)
	}
	if key := s.entityKey(c.Entity); key != "" {
		num, err := s.entityNumberByKey(ctx, q, key)
		if err != nil {
			return nil, err
		}
		facts.EntityFiled = num
		if num != "" {
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM websites w JOIN entities e ON e.id = w.entity_id
				WHERE e.cert_index = ? AND w.status = 'active' AND w.service_type = 'website'`, key).Scan(&facts.EntityWebsites); err != nil {
				return nil, fmt.Errorf("entity websites: %w", err)
			}
		}
	}
	for _, w := range c.Websites {
		if !registryDomains(w.Type()) {
			continue
		}
		for _, d := range w.Domains {
			h, err := hostname.Parse(d.Name)
			if err != nil {
				continue
			}
			for _, name := range []string{h.Name, h.Registrable} {
				num, err := s.domainNumber(ctx, q, name)
				if err != nil {
					return nil, err
				}
				if num != "" {
					facts.FiledDomains[name] = num
				}
			}
		}
	}
	fs := rules.Check(c, facts)
	if fs == nil {
		fs = []finding.Finding{}
	}
	return fs, nil
}

// entityKey is the blind index of the entity's certificate number: the key of
// "one open application per entity" and of the registry's entity uniqueness.
func (s *Service) entityKey(e form.Entity) string {
	n := ident.Normalize(e.CertificateNumber)
	if n == "" {
		return ""
	}
	return s.box.BlindIndex("certificate", n)
}

// sixDigits returns a uniformly random 6-digit code.
func (s *Service) sixDigits() (string, error) {
	n, err := rand.Int(s.rand, big.NewInt(1000000))
	if err != nil {
		return "", fmt.Errorf("sms code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func (s *Service) codeHash(appID int64, principal, code string) string {
	return s.box.BlindIndex("sms", fmt.Sprintf("%d/%s/%s", appID, principal, code))
}

// VerifySMS checks one principal's code. Wrong codes count even though the
// call fails: the count is committed before the error is returned.
func (s *Service) VerifySMS(ctx context.Context, actor auth.Principal, id int64, phone, code string) (*Application, error) {
	if a, ok := clientip.FromContext(ctx); ok && s.smsLimit != nil {
		if err := s.smsLimit.Allow(clientip.Key(a)).Err(); err != nil {
			return nil, err
		}
	}
	var app *Application
	var result error
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := s.ownApp(ctx, tx.Q(), actor, id)
		if err != nil {
			return err
		}
		if cur.Status != StatusSMSVerification {
			return &fault.Error{Kind: fault.Conflict, Code: "application.illegal_transition",
				Message: fmt.Sprintf("no SMS verification is due in state %s (当前状态无需短信核验)", cur.Status), State: string(cur.Status)}
		}
		now := s.now()
		if cur.SMSExpiresAt != nil && !now.Before(*cur.SMSExpiresAt) {
			to, err := s.next(cur, ActSMSExpired)
			if err != nil {
				return err
			}
			if err := s.move(ctx, tx, cur, to, ActSMSExpired, systemActor(), []string{"SMS verification not completed within 24 hours (短信核验超过24小时未完成)"}, now, moveOpts{}); err != nil {
				return err
			}
			result = &fault.Error{Kind: fault.Gone, Code: "sms.expired", Message: "the 24-hour SMS window has passed; the application expired (短信核验已超时，申请已失效)", State: string(to)}
			return nil
		}
		phone = strings.TrimSpace(phone)
		code = strings.TrimSpace(code)
		rows, err := s.smsRows(ctx, tx.Q(), id, s.box.BlindIndex("phone", phone))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			result = invalid("phone", "sms.unknown_phone", "no SMS verification is due for this phone number (该手机号无待核验短信)")
			return nil
		}
		matched := false
		for _, r := range rows {
			if subtle.ConstantTimeCompare([]byte(r.codeHash), []byte(s.codeHash(id, r.principal, code))) == 1 {
				matched = true
				if err := s.markVerified(ctx, tx, id, r.principal, now); err != nil {
					return err
				}
			}
		}
		if !matched {
			failures, err := s.addSMSFailure(ctx, tx, id)
			if err != nil {
				return err
			}
			if failures >= SMSMaxFailures {
				to, err := s.next(cur, ActSMSFailed)
				if err != nil {
					return err
				}
				if err := s.move(ctx, tx, cur, to, ActSMSFailed, systemActor(),
					[]string{"five wrong SMS codes returned the order (短信验证码连续错误5次，订单已退回)"}, now, moveOpts{}); err != nil {
					return err
				}
				result = &fault.Error{Kind: fault.Conflict, Code: "sms.too_many_failures", Message: "five wrong codes: the application was returned (验证码错误5次，申请已退回)", State: string(to)}
				return nil
			}
			result = &fault.Error{Kind: fault.Invalid, Code: "sms.wrong_code", Field: "code",
				Message: fmt.Sprintf("wrong code; %d tries left (验证码错误，剩余%d次)", SMSMaxFailures-failures, SMSMaxFailures-failures)}
			return nil
		}
		pending, err := s.smsPendingCount(ctx, tx.Q(), id)
		if err != nil {
			return err
		}
		if pending == 0 {
			to, err := s.next(cur, ActSMSPassed)
			if err != nil {
				return err
			}
			due := s.authorityDue(cur.Operation, now)
			if err := s.move(ctx, tx, cur, to, ActSMSPassed, actor, nil, now, moveOpts{due: &due}); err != nil {
				return err
			}
		}
		app, err = s.load(ctx, tx.Q(), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if result != nil {
		return nil, result
	}
	return app, nil
}

// ExpireSMS moves every application whose SMS window has passed to expired;
// the scheduler calls it. It returns how many expired.
func (s *Service) ExpireSMS(ctx context.Context) (int, error) {
	ids, err := s.smsExpiredIDs(ctx, s.db.R(), s.now())
	if err != nil {
		return 0, err
	}
	return s.moveEach(ctx, ids, ActSMSExpired, "SMS verification not completed within 24 hours (短信核验超过24小时未完成)",
		func(cur *Application) bool { return cur.Status == StatusSMSVerification })
}

// moveEach moves each application of ids by act as the system, each in its
// own transaction, if due still holds once it is loaded there (the list was
// read before), and returns how many moved.
func (s *Service) moveEach(ctx context.Context, ids []int64, act Action, reason string, due func(*Application) bool) (int, error) {
	n := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			cur, err := s.load(ctx, tx.Q(), id)
			if err != nil {
				return err
			}
			if !due(cur) {
				return nil
			}
			to, err := s.next(cur, act)
			if err != nil {
				return err
			}
			// Counted once it has committed: a retried closure must not count twice.
			tx.AfterCommit(func() { n++ })
			return s.move(ctx, tx, cur, to, act, systemActor(), []string{reason}, s.now(), moveOpts{clearDue: true})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// authorityDue is the authority's deadline on the descriptor's clock: 20
// business days for a filing, about 60 calendar days for the ICP licence.
func (s *Service) authorityDue(op Operation, now time.Time) string {
	today := calendar.DateOf(now)
	if d, _ := s.desc(op); d.Review == operation.Review60CalendarDays {
		return (today + LicenceDays).String()
	}
	return s.Calendar().AddBusinessDays(today, AuthorityReviewDays).String()
}

// next asks the state machine where act leads cur.
func (s *Service) next(cur *Application, act Action) (Status, error) {
	d, err := s.desc(cur.Operation)
	if err != nil {
		return "", err
	}
	return s.sm.Next(d, cur.Status, act)
}

// Operations is the service's catalogue of operations.
func (s *Service) Operations() *operation.Catalogue { return s.ops }

// desc is the descriptor of a stored application's operation. Stored
// operations were parsed on creation; one missing from the catalogue means
// the catalogue shrank under existing data, reported as a server error.
func (s *Service) desc(op Operation) (operation.Descriptor, error) {
	d, ok := s.ops.Get(op)
	if !ok {
		return operation.Descriptor{}, fmt.Errorf("operation %q is not in the catalogue", op)
	}
	return d, nil
}

func systemActor() auth.Principal { return auth.Principal{Role: "system"} }

// errIs reports whether err is a domain error with code.
func errIs(err error, code string) bool { return fault.Is(err, code) }

// marshal is json.Marshal for values that cannot fail to encode.
func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("filing: marshal %T: %v", v, err))
	}
	return string(b)
}

// auditEvent records a state change outside the application state machine.
func (s *Service) auditEvent(ctx context.Context, tx *store.Tx, actor auth.Principal, action, subject string, details map[string]any) error {
	return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.AccountID, ActorRole: string(actor.Role),
		Action: action, Subject: subject, Details: details})
}
