// Package account holds the people and organisations that sign in: applicant
// accounts (self-service sign-up), operator accounts (provider, authority,
// psb, admin: created from the CLI), providers with their IP ranges, and the
// bearer tokens programs use. Passwords are argon2id; tokens are stored only
// as digests.
package account

import (
	"context"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/ratelimit"
	"net/mail"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/store"
)

// TokenLifetime is how long a bearer token stays valid.
const TokenLifetime = 30 * 24 * time.Hour

// Service manages accounts, providers and tokens.
type Service struct {
	db  *store.DB
	now func() time.Time
	// g rate-limits sign-ups and sign-ins and bounds concurrent argon2id
	// computations (each holds 64 MiB): over the bound a request is refused
	// at once instead of queueing or exhausting memory.
	g     *ratelimit.Guards
	chain *audit.Chain
	// dummy is a real hash checked for unknown e-mails, so that timing does
	// not tell which accounts exist; made on first use.
	dummyOnce sync.Once
	dummy     string
}

// Config is what a Service needs.
type Config struct {
	DB *store.DB
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Guards rate-limit sign-ups and sign-ins and bound password hashes;
	// share one with the rest of the server so that a client gets one
	// allowance. nil builds ratelimit.DefaultPolicy's.
	Guards *ratelimit.Guards
	// Chain writes the audit rows; nil is the unkeyed chain of databases
	// made before the log was keyed.
	Chain *audit.Chain
}

// New builds a Service on db with the default rate limits and the unkeyed
// audit chain; now may be nil (time.Now).
func New(db *store.DB, now func() time.Time) *Service { return NewService(Config{DB: db, Now: now}) }

// NewService builds a Service from c.
func NewService(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Guards == nil {
		var err error
		if c.Guards, err = ratelimit.NewGuards(ratelimit.DefaultPolicy(), c.Now); err != nil {
			panic(fmt.Sprintf("account: the default rate-limit policy is invalid: %v", err)) // a programming error
		}
	}
	if c.Chain == nil {
		c.Chain = audit.Unkeyed()
	}
	return &Service{db: c.DB, now: c.Now, g: c.Guards, chain: c.Chain}
}

// clientKey is the rate-limit key of the request's client, and false for
// calls that do not come from the network (the CLI, the demo seeding).
func clientKey(ctx context.Context) (string, bool) {
	a, ok := clientip.FromContext(ctx)
	if !ok {
		return "", false
	}
	return clientip.Key(a), true
}

// Provider is an access provider.
type Provider struct {
	ID    int64    `json:"id"`
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	CIDRs []string `json:"cidrs"`
}

// CLI is the actor of operator commands run on the server (beian provider
// add, beian user add): whoever has shell access and the data key, with no
// account of their own on the platform.
var CLI = auth.Principal{Role: "cli"}

// AddProvider creates a provider with its IP ranges (CIDRs are validated),
// recording the CLI as the actor.
func (s *Service) AddProvider(ctx context.Context, code, name string, cidrs []string) (Provider, error) {
	return s.AddProviderAs(ctx, CLI, code, name, cidrs)
}

// AddProviderAs is AddProvider done by the operator by (an admin in the UI),
// who is the audit log's actor.
func (s *Service) AddProviderAs(ctx context.Context, by auth.Principal, code, name string, cidrs []string) (Provider, error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if code == "" {
		return Provider{}, &fault.Error{Kind: fault.Invalid, Code: "provider.code_required", Field: "code", Message: "--code is required (接入商代码必填)"}
	}
	if name == "" {
		return Provider{}, &fault.Error{Kind: fault.Invalid, Code: "provider.name_required", Field: "name", Message: "--name is required (接入商名称必填)"}
	}
	var norm []string
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			return Provider{}, &fault.Error{Kind: fault.Invalid, Code: "provider.bad_cidr", Field: "cidr", Message: fmt.Sprintf("bad CIDR %q: %v (IP段无效)", c, err)}
		}
		norm = append(norm, p.Masked().String())
	}
	p := Provider{Code: code, Name: name, CIDRs: norm}
	if p.CIDRs == nil {
		p.CIDRs = []string{}
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.Q().QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?) RETURNING id`,
			code, name, store.Micros(s.now())).Scan(&p.ID)
		if store.IsUnique(err) {
			return &fault.Error{Kind: fault.Conflict, Code: "provider.exists", Field: "code", Message: fmt.Sprintf("provider %q exists (接入商已存在)", code)}
		}
		if err != nil {
			return fmt.Errorf("insert provider %s: %w", code, err)
		}
		for _, c := range norm {
			if _, err := tx.Q().ExecContext(ctx, `INSERT INTO provider_cidrs (provider_id, cidr) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, c); err != nil {
				return fmt.Errorf("provider %s cidr %s: %w", code, c, err)
			}
		}
		return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: by.AccountID, ActorRole: string(by.Role), Action: "provider.add",
			Subject: fmt.Sprintf("provider:%d", p.ID), Details: map[string]any{"code": code, "cidrs": norm}})
	})
	return p, err
}

// Providers lists providers.
func (s *Service) Providers(ctx context.Context) ([]Provider, error) {
	q := s.db.R()
	out, err := store.All(ctx, q, func(r store.Row) (Provider, error) {
		p := Provider{CIDRs: []string{}}
		err := r.Scan(&p.ID, &p.Code, &p.Name)
		return p, err
	}, `SELECT id, code, name FROM providers ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The address ranges of every provider come in one query, not one per
	// provider.
	type cidr struct {
		providerID int64
		cidr       string
	}
	cidrs, err := store.All(ctx, q, func(r store.Row) (cidr, error) {
		var c cidr
		err := r.Scan(&c.providerID, &c.cidr)
		return c, err
	}, `SELECT provider_id, cidr FROM provider_cidrs ORDER BY provider_id, cidr`)
	if err != nil {
		return nil, fmt.Errorf("provider cidrs: %w", err)
	}
	byID := make(map[int64]int, len(out))
	for i := range out {
		byID[out[i].ID] = i
	}
	for _, c := range cidrs {
		if i, ok := byID[c.providerID]; ok {
			out[i].CIDRs = append(out[i].CIDRs, c.cidr)
		}
	}
	return out, nil
}

// Account is a sign-in account.
type Account struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         auth.Role `json:"role"`
	ProviderCode string    `json:"provider,omitempty"`
}

// NormalizeEmail trims and lower-cases an address after checking its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", &fault.Error{Kind: fault.Invalid, Code: "account.bad_email", Field: "email", Message: fmt.Sprintf("not a valid e-mail address: %q (邮箱格式无效)", s)}
	}
	return strings.ToLower(s), nil
}

// AddUser creates an account of any role; provider accounts name their
// provider. The CLI is recorded as the actor.
func (s *Service) AddUser(ctx context.Context, email, password, name string, role auth.Role, providerCode string) (Account, error) {
	return s.AddUserAs(ctx, CLI, email, password, name, role, providerCode)
}

// anonymous is the actor of a self-service sign-up: nobody is signed in yet.
var anonymous = auth.Principal{Role: "anonymous"}

// AddUserAs is AddUser done by by (an admin in the UI, anonymous for a
// sign-up), who is the audit log's actor: the new account did not act.
func (s *Service) AddUserAs(ctx context.Context, by auth.Principal, email, password, name string, role auth.Role, providerCode string) (Account, error) {
	if !role.Valid() {
		return Account{}, &fault.Error{Kind: fault.Invalid, Code: "account.bad_role", Field: "role", Message: fmt.Sprintf("unknown role %q (角色无效)", role)}
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		return Account{}, err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return Account{}, weakPassword(err)
	}
	if strings.TrimSpace(name) == "" {
		name = email
	}
	var providerID any
	if role == auth.RoleProvider {
		if providerCode == "" {
			return Account{}, &fault.Error{Kind: fault.Invalid, Code: "account.provider_required", Field: "provider", Message: "a provider account needs --provider CODE (接入商账号须指定接入商)"}
		}
		var id int64
		err := store.One(s.db.R().QueryRowContext(ctx, `SELECT id FROM providers WHERE code = ?`, providerCode).Scan(&id))
		if errors.Is(err, store.ErrNotFound) {
			return Account{}, &fault.Error{Kind: fault.Invalid, Code: "account.unknown_provider", Field: "provider", Message: fmt.Sprintf("unknown provider %q (接入商不存在)", providerCode)}
		}
		if err != nil {
			return Account{}, fmt.Errorf("provider %s: %w", providerCode, err)
		}
		providerID = id
	} else if providerCode != "" {
		return Account{}, &fault.Error{Kind: fault.Invalid, Code: "account.provider_not_allowed", Field: "provider", Message: "only provider accounts belong to a provider (仅接入商账号可指定接入商)"}
	}
	var hash string
	if !s.g.Hashes.Do(func() { hash, err = auth.HashPassword(password) }) {
		return Account{}, ratelimit.Busy()
	}
	if err != nil {
		return Account{}, fmt.Errorf("hash password: %w", err)
	}
	a := Account{Email: email, Name: strings.TrimSpace(name), Role: role, ProviderCode: providerCode}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.Q().QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, provider_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, email, a.Name, hash, string(role), providerID, store.Micros(s.now())).Scan(&a.ID)
		if store.IsUnique(err) {
			return &fault.Error{Kind: fault.Conflict, Code: "account.exists", Field: "email", Message: "an account with this e-mail exists (该邮箱已注册)"}
		}
		if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: by.AccountID, ActorRole: string(by.Role), Action: "account.add",
			Subject: fmt.Sprintf("account:%d", a.ID), Details: map[string]any{"role": string(role), "provider": providerCode}})
	})
	return a, err
}

// Signup creates an applicant account.
func (s *Service) Signup(ctx context.Context, email, password, name string) (Account, error) {
	if ip, ok := clientKey(ctx); ok {
		if err := s.g.SignUp.Allow(ip).Err(); err != nil {
			return Account{}, err
		}
	}
	return s.AddUserAs(ctx, anonymous, email, password, name, auth.RoleApplicant, "")
}

// weakPassword is the refusal of a password the policy rejects, in both
// languages (auth.PolicyError carries them separately).
func weakPassword(err error) error {
	var pe *auth.PolicyError
	if errors.As(err, &pe) {
		return &fault.Error{Kind: fault.Invalid, Code: "account.weak_password", Field: "password", Message: pe.EN + " (" + pe.ZH + ")"}
	}
	return &fault.Error{Kind: fault.Invalid, Code: "account.weak_password", Field: "password", Message: err.Error() + " (密码不符合要求)"}
}

// errBadLogin is the same for an unknown e-mail and a wrong password.
func errBadLogin() *fault.Error {
	return &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_credentials", Field: "password", Message: "wrong e-mail or password (邮箱或密码错误)"}
}

// Login checks the password and returns the account. Attempts go through
// the sign-in guard: exponential backoff per account and per client address,
// and a bounded number of password hashes at once (the rest are refused at
// once with 429 rather than queued, so a flood cannot lock everyone out).
func (s *Service) Login(ctx context.Context, email, password string) (Account, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var a Account
	var hash, role string
	err := store.One(s.db.R().QueryRowContext(ctx, `SELECT a.id, a.email, a.name, a.password_hash, a.role, COALESCE(p.code, '')
		FROM accounts a LEFT JOIN providers p ON p.id = a.provider_id WHERE a.email = ?`, email).Scan(&a.ID, &a.Email, &a.Name, &hash, &role, &a.ProviderCode))
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check so that timing does not reveal accounts.
		s.dummyOnce.Do(func() { s.dummy, _ = auth.HashPassword("no such account") })
		hash, err = s.dummy, nil
	}
	if err != nil {
		return Account{}, fmt.Errorf("login: %w", err)
	}
	ip, _ := clientKey(ctx)
	found := a.ID != 0
	ok, err := s.g.SignIn(email, ip, func() (bool, error) {
		ok, err := auth.VerifyPassword(hash, password)
		return ok && found, err
	})
	if err != nil {
		if _, refused := fault.As(err); refused {
			return Account{}, err
		}
		return Account{}, fmt.Errorf("login %s: %w", email, err)
	}
	if !ok {
		return Account{}, errBadLogin()
	}
	a.Role = auth.Role(role)
	return a, nil
}

// IssueToken signs in with a password and returns a new bearer token.
func (s *Service) IssueToken(ctx context.Context, email, password string) (string, Account, error) {
	a, err := s.Login(ctx, email, password)
	if err != nil {
		return "", Account{}, err
	}
	tok, digest, err := auth.NewToken()
	if err != nil {
		return "", Account{}, fmt.Errorf("token: %w", err)
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO tokens (digest, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			digest, a.ID, store.Micros(now), store.Micros(now.Add(TokenLifetime)))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return nil
	})
	return tok, a, err
}

// Authenticate resolves a bearer token to the caller.
func (s *Service) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	var p auth.Principal
	var role string
	var expires int64
	var providerID *int64
	var providerCode *string
	err := store.One(s.db.R().QueryRowContext(ctx, `SELECT a.id, a.email, a.role, a.provider_id, p.code, t.expires_at
		FROM tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN providers p ON p.id = a.provider_id
		WHERE t.digest = ?`, auth.TokenDigest(token)).Scan(&p.AccountID, &p.Email, &role, &providerID, &providerCode, &expires))
	if errors.Is(err, store.ErrNotFound) {
		return auth.Principal{}, &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_token", Message: "unknown or expired token (令牌无效或已过期)"}
	}
	if err != nil {
		return auth.Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if s.now().After(store.FromMicros(expires)) {
		return auth.Principal{}, &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_token", Message: "unknown or expired token (令牌无效或已过期)"}
	}
	p.Role = auth.Role(role)
	if providerID != nil {
		p.ProviderID = *providerID
	}
	if providerCode != nil {
		p.ProviderCode = *providerCode
	}
	return p, nil
}

// RevokeToken ends a token (sign-out); revoking an unknown token is not an error.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `DELETE FROM tokens WHERE digest = ?`, auth.TokenDigest(token)); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return nil
	})
}

// RevokeAllTokens ends every token of an account (a suspected leak, an
// operator leaving, a password change) and returns how many there were.
func (s *Service) RevokeAllTokens(ctx context.Context, by auth.Principal, accountID int64) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Q().ExecContext(ctx, `DELETE FROM tokens WHERE account_id = ?`, accountID)
		if err != nil {
			return fmt.Errorf("revoke tokens of %d: %w", accountID, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("revoke tokens of %d: %w", accountID, err)
		}
		return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: by.AccountID, ActorRole: string(by.Role), Action: "tokens.revoke_all",
			Subject: fmt.Sprintf("account:%d", accountID), Details: map[string]any{"count": n}})
	})
	return n, err
}

// SetPassword replaces an account's password and revokes all its tokens in
// the same transaction, so that whoever held a token under the old password
// is signed out.
func (s *Service) SetPassword(ctx context.Context, by auth.Principal, email, password string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return weakPassword(err)
	}
	var hash string
	if !s.g.Hashes.Do(func() { hash, err = auth.HashPassword(password) }) {
		return ratelimit.Busy()
	}
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		err := store.One(tx.Q().QueryRowContext(ctx, `UPDATE accounts SET password_hash = ? WHERE email = ? RETURNING id`, hash, email).Scan(&id))
		if errors.Is(err, store.ErrNotFound) {
			return &fault.Error{Kind: fault.NotFound, Code: "account.not_found", Field: "email", Message: fmt.Sprintf("no account %q (账号不存在)", email)}
		}
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.Q().ExecContext(ctx, `DELETE FROM tokens WHERE account_id = ?`, id); err != nil {
			return fmt.Errorf("set password: revoke tokens: %w", err)
		}
		return s.chain.Append(ctx, tx, audit.Entry{At: s.now(), ActorID: by.AccountID, ActorRole: string(by.Role), Action: "account.password",
			Subject: fmt.Sprintf("account:%d", id)})
	})
}

// Accounts lists accounts for the admin, operators first, newest first
// within a role, at most limit (1…1000).
func (s *Service) Accounts(ctx context.Context, limit int) ([]Account, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	out, err := store.All(ctx, s.db.R(), func(r store.Row) (Account, error) {
		var a Account
		var role string
		err := r.Scan(&a.ID, &a.Email, &a.Name, &role, &a.ProviderCode)
		a.Role = auth.Role(role)
		return a, err
	}, `SELECT a.id, a.email, a.name, a.role, COALESCE(p.code, '') FROM accounts a
		LEFT JOIN providers p ON p.id = a.provider_id
		ORDER BY CASE WHEN a.role = 'applicant' THEN 1 ELSE 0 END, a.role, a.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return out, nil
}
