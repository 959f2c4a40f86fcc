package account_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// goodPassword passes auth.CheckPasswordPolicy.
const goodPassword = "correct horse battery"

// clock is the injected time of a Service, so that token expiry is tested
// without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is one fresh database with a Service on it.
type env struct {
	db    *store.DB
	svc   *account.Service
	clock *clock
}

// start is the injected clock's first reading.
var start = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// stores runs fn on a fresh SQLite database and, when BEIAN_TEST_POSTGRES is
// set, on a fresh PostgreSQL schema too, so the same assertions hold on both.
func stores(t *testing.T, fn func(t *testing.T, e env)) {
	t.Helper()
	storesWith(t, account.New, fn)
}

// storesWith is stores with the Service built by build, given the
// database and the injected clock.
func storesWith(t *testing.T, build func(db *store.DB, now func() time.Time) *account.Service, fn func(t *testing.T, e env)) {
	t.Helper()
	open := func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		c := &clock{t: start}
		fn(t, env{db: db, svc: build(db, c.Now), clock: c})
	}
	t.Run("sqlite", func(t *testing.T) { open(t, filepath.Join(t.TempDir(), "beian.db")) })
	t.Run("postgres", func(t *testing.T) { open(t, storetest.Postgres(t)) })
}

// count returns the number of rows of table (a constant of the test).
func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	n, err := store.Scalar[int](db.R().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table))
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// bilingual reports whether a message users see carries both Chinese and
// Latin text.
func bilingual(msg string) bool {
	var han, latin bool
	for _, r := range msg {
		han = han || unicode.Is(unicode.Han, r)
		latin = latin || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
	}
	return han && latin
}

// wantFault fails t unless err is an *fault.Error of kind, code and field
// with a message in both languages.
func wantFault(t *testing.T, err error, kind fault.Kind, code, field string) {
	t.Helper()
	e, ok := fault.As(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *fault.Error %s", err, err, code)
	}
	if e.Kind != kind || e.Code != code || e.Field != field {
		t.Fatalf("err = {Kind: %v, Code: %q, Field: %q}, want {%v, %q, %q} (%s)", e.Kind, e.Code, e.Field, kind, code, field, e.Message)
	}
	if !bilingual(e.Message) {
		t.Errorf("message %q is not bilingual zh/en", e.Message)
	}
}

// auditActions returns the action and subject of every audit row, in order.
func auditActions(t *testing.T, db *store.DB) []string {
	t.Helper()
	out, err := store.All(context.Background(), db.R(), func(r store.Row) (string, error) {
		var action, subject string
		err := r.Scan(&action, &subject)
		return action + " " + subject, err
	}, `SELECT action, subject FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	return out
}

func TestAddProvider(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p, err := e.svc.AddProvider(ctx, "  idc-a ", " 甲 IDC ", []string{" 10.1.2.3/16 ", "2001:DB8::1/32", "192.0.2.7/32"})
		if err != nil {
			t.Fatal(err)
		}
		want := account.Provider{ID: p.ID, Code: "idc-a", Name: "甲 IDC", CIDRs: []string{"10.1.0.0/16", "2001:db8::/32", "192.0.2.7/32"}}
		if p.ID <= 0 || !reflect.DeepEqual(p, want) {
			t.Fatalf("AddProvider = %+v, want %+v", p, want)
		}
		none, err := e.svc.AddProvider(ctx, "idc-b", "乙", nil)
		if err != nil {
			t.Fatal(err)
		}
		if none.CIDRs == nil || len(none.CIDRs) != 0 {
			t.Errorf("provider without ranges has CIDRs %#v, want an empty, non-nil list (JSON [])", none.CIDRs)
		}
		rowsBefore, auditBefore := count(t, e.db, "providers"), count(t, e.db, "audit_log")

		for _, tc := range []struct {
			name, code, pname string
			cidrs             []string
			kind              fault.Kind
			fcode, field      string
		}{
			{"no code", "", "x", nil, fault.Invalid, "provider.code_required", "code"},
			{"blank code", " \t", "x", nil, fault.Invalid, "provider.code_required", "code"},
			{"no name", "idc-c", "  ", nil, fault.Invalid, "provider.name_required", "name"},
			{"address without prefix", "idc-c", "x", []string{"10.0.0.1"}, fault.Invalid, "provider.bad_cidr", "cidr"},
			{"prefix too long", "idc-c", "x", []string{"10.0.0.0/8", "10.0.0.0/33"}, fault.Invalid, "provider.bad_cidr", "cidr"},
			{"empty range", "idc-c", "x", []string{""}, fault.Invalid, "provider.bad_cidr", "cidr"},
			{"not an address", "idc-c", "x", []string{"example.com/24"}, fault.Invalid, "provider.bad_cidr", "cidr"},
			{"duplicate code", "idc-a", "another", []string{"198.51.100.0/24"}, fault.Conflict, "provider.exists", "code"},
			{"duplicate code after trimming", " idc-b ", "another", nil, fault.Conflict, "provider.exists", "code"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.AddProvider(ctx, tc.code, tc.pname, tc.cidrs)
				wantFault(t, err, tc.kind, tc.fcode, tc.field)
			})
		}
		if n, a := count(t, e.db, "providers"), count(t, e.db, "audit_log"); n != rowsBefore || a != auditBefore {
			t.Errorf("refusals wrote rows: providers %d→%d, audit %d→%d", rowsBefore, n, auditBefore, a)
		}
		if got := count(t, e.db, "provider_cidrs"); got != 3 {
			t.Errorf("provider_cidrs holds %d rows, want 3 (a refused duplicate must not add its range)", got)
		}

		list, err := e.svc.Providers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Providers lists the ranges in text order; AddProvider returns them as given.
		listed := want
		listed.CIDRs = []string{"10.1.0.0/16", "192.0.2.7/32", "2001:db8::/32"}
		wantList := []account.Provider{listed, {ID: none.ID, Code: "idc-b", Name: "乙", CIDRs: []string{}}}
		if !reflect.DeepEqual(list, wantList) {
			t.Errorf("Providers = %+v, want %+v", list, wantList)
		}
		wantAudit := []string{"provider.add provider:" + itoa(p.ID), "provider.add provider:" + itoa(none.ID)}
		if got := auditActions(t, e.db); !reflect.DeepEqual(got, wantAudit) {
			t.Errorf("audit log %q, want %q", got, wantAudit)
		}
		if rep, err := audit.Verify(ctx, e.db); err != nil || !rep.OK || rep.Rows != 2 {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}
	})
}

func TestProvidersEmptyAndOrdered(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		list, err := e.svc.Providers(ctx)
		if err != nil || len(list) != 0 {
			t.Fatalf("Providers on an empty database = %v, %v", list, err)
		}
		for _, code := range []string{"zeta", "alpha", "mid"} {
			if _, err := e.svc.AddProvider(ctx, code, code+" 公司", []string{"203.0.113.0/24"}); err != nil {
				t.Fatal(err)
			}
		}
		list, err = e.svc.Providers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, p := range list {
			codes = append(codes, p.Code)
			if !reflect.DeepEqual(p.CIDRs, []string{"203.0.113.0/24"}) {
				t.Errorf("%s CIDRs %v", p.Code, p.CIDRs)
			}
		}
		if want := []string{"alpha", "mid", "zeta"}; !reflect.DeepEqual(codes, want) {
			t.Errorf("Providers order %v, want %v (by code)", codes, want)
		}
	})
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means refused
	}{
		{"user@example.com", "user@example.com"},
		{"  User.Name+Tag@Sub.Example.CN \t", "user.name+tag@sub.example.cn"},
		{"ADMIN@EXAMPLE.ORG", "admin@example.org"},
		{"张三@例子.中国", "张三@例子.中国"},
		{"", ""},
		{"   ", ""},
		{"user", ""},
		{"@example.com", ""},
		{"user@", ""},
		{"user@localhost", ""},
		{"user@@example.com", ""},
		{"a@b.c@d.e", ""},
		{"user@exa mple.com", ""},
		{"user@example.com.", ""},
		{"user@.example.com", ""},
		{"Name <user@example.com>", ""},
		{"<user@example.com>", ""},
		{"user@example.com, other@example.com", ""},
		{`"a b"@example.com`, ""},
		{"user@example.com\x00", ""},
		{"user\n@example.com", ""},
	} {
		got, err := account.NormalizeEmail(tc.in)
		if tc.want == "" {
			if got != "" {
				t.Errorf("NormalizeEmail(%q) = %q, want refused", tc.in, got)
			}
			e, ok := fault.As(err)
			if !ok || e.Kind != fault.Invalid || e.Code != "account.bad_email" || e.Field != "email" || !bilingual(e.Message) {
				t.Errorf("NormalizeEmail(%q) error %#v, want Invalid account.bad_email on email", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzNormalizeEmail holds NormalizeEmail to its contract on any input:
// no panic; a refusal is account.bad_email on "email"; an accepted address
// is trimmed, lower-case, holds an @ followed by a dotted domain and
// normalises to itself.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"user@example.com", " A@B.CN ", "张三@例子.中国", "Name <a@b.c>", "a@b", `"x"@y.z`, "İ@example.com", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := account.NormalizeEmail(s)
		if err != nil {
			if e, ok := fault.As(err); !ok || e.Code != "account.bad_email" || e.Field != "email" || e.Kind != fault.Invalid {
				t.Fatalf("NormalizeEmail(%q) error %#v", s, err)
			}
			if got != "" {
				t.Fatalf("NormalizeEmail(%q) = %q with an error", s, got)
			}
			return
		}
		at := strings.LastIndexByte(got, '@')
		if got != strings.ToLower(strings.TrimSpace(s)) || at <= 0 || !strings.Contains(got[at+1:], ".") {
			t.Fatalf("NormalizeEmail(%q) = %q", s, got)
		}
		again, err := account.NormalizeEmail(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeEmail(%q) = %q, but NormalizeEmail(%q) = %q, %v", s, got, got, again, err)
		}
	})
}

func TestAddUser(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		prov, err := e.svc.AddProvider(ctx, "idc-a", "甲 IDC", []string{"10.0.0.0/8"})
		if err != nil {
			t.Fatal(err)
		}
		ok := []struct {
			email, name  string
			role         auth.Role
			providerCode string
			want         account.Account
		}{
			{" Alice@Example.com ", "  Alice Li ", auth.RoleApplicant, "", account.Account{Email: "alice@example.com", Name: "Alice Li", Role: auth.RoleApplicant}},
			{"bob@example.com", "   ", auth.RoleAdmin, "", account.Account{Email: "bob@example.com", Name: "bob@example.com", Role: auth.RoleAdmin}},
			{"rev@idc-a.example.cn", "审核员", auth.RoleProvider, "idc-a", account.Account{Email: "rev@idc-a.example.cn", Name: "审核员", Role: auth.RoleProvider, ProviderCode: "idc-a"}},
		}
		for _, tc := range ok {
			a, err := e.svc.AddUser(ctx, tc.email, goodPassword, tc.name, tc.role, tc.providerCode)
			if err != nil {
				t.Fatalf("AddUser(%q): %v", tc.email, err)
			}
			tc.want.ID = a.ID
			if a.ID <= 0 || a != tc.want {
				t.Errorf("AddUser(%q) = %+v, want %+v", tc.email, a, tc.want)
			}
		}
		accountsBefore, auditBefore := count(t, e.db, "accounts"), count(t, e.db, "audit_log")

		for _, tc := range []struct {
			name, email, password string
			role                  auth.Role
			providerCode          string
			kind                  fault.Kind
			code, field           string
			// userFacing: the message must be bilingual.
			userFacing bool
		}{
			{"password too short", "new@example.com", "short", auth.RoleApplicant, "", fault.Invalid, "account.weak_password", "password", false},
			{"password of digits", "new@example.com", "13800138000123", auth.RoleApplicant, "", fault.Invalid, "account.weak_password", "password", false},
			{"password not UTF-8", "new@example.com", "abcdefghij\xff", auth.RoleApplicant, "", fault.Invalid, "account.weak_password", "password", false},
			{"bad email", "new@", goodPassword, auth.RoleApplicant, "", fault.Invalid, "account.bad_email", "email", true},
			{"bad email before weak password", "not an email", "x", auth.RoleApplicant, "", fault.Invalid, "account.bad_email", "email", true},
			{"provider role needs provider", "new@example.com", goodPassword, auth.RoleProvider, "", fault.Invalid, "account.provider_required", "provider", true},
			{"unknown provider", "new@example.com", goodPassword, auth.RoleProvider, "idc-x", fault.Invalid, "account.unknown_provider", "provider", true},
			{"applicant with provider", "new@example.com", goodPassword, auth.RoleApplicant, "idc-a", fault.Invalid, "account.provider_not_allowed", "provider", true},
			{"authority with provider", "new@example.com", goodPassword, auth.RoleAuthority, "idc-a", fault.Invalid, "account.provider_not_allowed", "provider", true},
			{"duplicate email", "alice@example.com", goodPassword, auth.RoleApplicant, "", fault.Conflict, "account.exists", "email", true},
			{"duplicate email other case and role", " ALICE@example.COM", goodPassword, auth.RolePSB, "", fault.Conflict, "account.exists", "email", true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.AddUser(ctx, tc.email, tc.password, "", tc.role, tc.providerCode)
				e, ok := fault.As(err)
				if !ok || e.Kind != tc.kind || e.Code != tc.code || e.Field != tc.field || e.Message == "" {
					t.Fatalf("err = %#v, want %v %s on %q", err, tc.kind, tc.code, tc.field)
				}
				if tc.userFacing && !bilingual(e.Message) {
					t.Errorf("message %q is not bilingual zh/en", e.Message)
				}
			})
		}
		if n, a := count(t, e.db, "accounts"), count(t, e.db, "audit_log"); n != accountsBefore || a != auditBefore {
			t.Errorf("refusals wrote rows: accounts %d→%d, audit %d→%d", accountsBefore, n, auditBefore, a)
		}
		var provID int64
		if err := e.db.R().QueryRowContext(ctx, `SELECT provider_id FROM accounts WHERE email = ?`, "rev@idc-a.example.cn").Scan(&provID); err != nil || provID != prov.ID {
			t.Errorf("provider account stored provider_id %d, %v; want %d", provID, err, prov.ID)
		}
		got := auditActions(t, e.db)
		if len(got) != 4 || got[0] != "provider.add provider:"+itoa(prov.ID) || !strings.HasPrefix(got[1], "account.add account:") {
			t.Errorf("audit log %q, want one provider.add then three account.add", got)
		}
	})
}

// TestAddUserWeakPasswordMessage checks that the refusal tells the user why:
// the policy's own explanation is carried in the message.
func TestAddUserWeakPasswordMessage(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		_, err := e.svc.AddUser(context.Background(), "new@example.com", "short", "", auth.RoleApplicant, "")
		var pe *auth.PolicyError
		if !errors.As(auth.CheckPasswordPolicy("short"), &pe) {
			t.Fatal("the policy accepts \"short\"")
		}
		e2, ok := fault.As(err)
		if !ok || !strings.Contains(e2.Message, pe.EN) {
			t.Errorf("weak password error %#v does not explain %q", err, pe.EN)
		}
	})
}

func TestSignupAndLogin(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		a, err := e.svc.Signup(ctx, "Carol@Example.com", goodPassword, "Carol")
		if err != nil {
			t.Fatal(err)
		}
		want := account.Account{ID: a.ID, Email: "carol@example.com", Name: "Carol", Role: auth.RoleApplicant}
		if a != want {
			t.Fatalf("Signup = %+v, want %+v", a, want)
		}
		if _, err := e.svc.Signup(ctx, "carol@example.com", goodPassword, ""); !fault.Is(err, "account.exists") {
			t.Errorf("second signup: %v, want account.exists", err)
		}
		if _, err := e.svc.Signup(ctx, "dave@example.com", "1234567890", ""); !fault.Is(err, "account.weak_password") {
			t.Errorf("weak signup: %v, want account.weak_password", err)
		}
		for _, email := range []string{"carol@example.com", "  CAROL@example.com "} {
			got, err := e.svc.Login(ctx, email, goodPassword)
			if err != nil || got != want {
				t.Errorf("Login(%q) = %+v, %v; want %+v", email, got, err, want)
			}
		}

		wantErr := &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_credentials", Field: "password", Message: "wrong e-mail or password (邮箱或密码错误)"}
		var errs []error
		for _, tc := range []struct{ email, password string }{
			{"carol@example.com", goodPassword + "!"},
			{"carol@example.com", ""},
			{"carol@example.com", strings.ToUpper(goodPassword)},
			{"nobody@example.com", goodPassword},
			{"nobody@example.com", "whatever it is"},
			// The password of the hash checked for unknown e-mails.
			{"nobody@example.com", "no such account"},
			{"", ""},
		} {
			got, err := e.svc.Login(ctx, tc.email, tc.password)
			if got != (account.Account{}) {
				t.Errorf("Login(%q, %q) returned account %+v with an error", tc.email, tc.password, got)
			}
			fe, ok := fault.As(err)
			if !ok || !reflect.DeepEqual(fe, wantErr) {
				t.Errorf("Login(%q, %q) err = %#v, want %#v", tc.email, tc.password, err, wantErr)
			}
			errs = append(errs, err)
		}
		// Wrong password and unknown e-mail must not be told apart by the error.
		for i := 1; i < len(errs); i++ {
			if !reflect.DeepEqual(errs[i], errs[0]) || errs[i].Error() != errs[0].Error() {
				t.Errorf("login error %d %#v differs from %#v", i, errs[i], errs[0])
			}
		}
	})
}

func TestTokens(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		prov, err := e.svc.AddProvider(ctx, "idc-a", "甲 IDC", nil)
		if err != nil {
			t.Fatal(err)
		}
		app, err := e.svc.Signup(ctx, "erin@example.com", goodPassword, "Erin")
		if err != nil {
			t.Fatal(err)
		}
		rev, err := e.svc.AddUser(ctx, "rev@idc-a.example.cn", goodPassword, "", auth.RoleProvider, "idc-a")
		if err != nil {
			t.Fatal(err)
		}
		badToken := &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_token", Message: "unknown or expired token (令牌无效或已过期)"}
		refused := func(t *testing.T, what, tok string) {
			t.Helper()
			p, err := e.svc.Authenticate(ctx, tok)
			fe, ok := fault.As(err)
			if !ok || !reflect.DeepEqual(fe, badToken) || p != (auth.Principal{}) {
				t.Errorf("%s: Authenticate = %+v, %#v; want %#v", what, p, err, badToken)
			}
		}

		for _, tc := range []struct {
			email string
			acct  account.Account
			want  auth.Principal
		}{
			{" Erin@example.com", app, auth.Principal{AccountID: app.ID, Email: "erin@example.com", Role: auth.RoleApplicant}},
			{"rev@idc-a.example.cn", rev, auth.Principal{AccountID: rev.ID, Email: "rev@idc-a.example.cn", Role: auth.RoleProvider, ProviderID: prov.ID, ProviderCode: "idc-a"}},
		} {
			tok, a, err := e.svc.IssueToken(ctx, tc.email, goodPassword)
			if err != nil {
				t.Fatalf("IssueToken(%q): %v", tc.email, err)
			}
			if tok == "" || a != tc.acct {
				t.Errorf("IssueToken(%q) = %q, %+v; want a token and %+v", tc.email, tok, a, tc.acct)
			}
			if strings.Contains(tok, auth.TokenDigest(tok)) {
				t.Error("the token contains its own digest")
			}
			p, err := e.svc.Authenticate(ctx, tok)
			if err != nil || p != tc.want {
				t.Errorf("Authenticate(token of %s) = %+v, %v; want %+v", tc.email, p, err, tc.want)
			}
		}

		// The database holds digests only, never a usable token.
		tok, _, err := e.svc.IssueToken(ctx, "erin@example.com", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		if err := e.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE digest = ?`, tok).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("token stored in clear (%d rows, %v)", stored, err)
		}

		// A wrong password issues nothing.
		before := count(t, e.db, "tokens")
		if tok, _, err := e.svc.IssueToken(ctx, "erin@example.com", "wrong password!"); tok != "" || !fault.Is(err, "auth.bad_credentials") || fault.KindOf(err) != fault.Unauthenticated {
			t.Errorf("IssueToken with a wrong password = %q, %v", tok, err)
		}
		if after := count(t, e.db, "tokens"); after != before {
			t.Errorf("a refused sign-in wrote %d tokens", after-before)
		}

		refused(t, "empty token", "")
		refused(t, "unknown token", "not-a-token")
		refused(t, "token's digest", auth.TokenDigest(tok))

		// Revoking one token ends that one only; revoking again is harmless.
		other, _, err := e.svc.IssueToken(ctx, "erin@example.com", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if other == tok {
			t.Fatal("two sign-ins gave the same token")
		}
		if err := e.svc.RevokeToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		refused(t, "revoked token", tok)
		if p, err := e.svc.Authenticate(ctx, other); err != nil || p.AccountID != app.ID {
			t.Errorf("the other token after revoking one: %+v, %v", p, err)
		}
		if err := e.svc.RevokeToken(ctx, tok); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		if err := e.svc.RevokeToken(ctx, "never issued"); err != nil {
			t.Errorf("revoking an unknown token: %v", err)
		}
	})
}

func TestTokenExpiry(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		a, err := e.svc.Signup(ctx, "frank@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.svc.IssueToken(ctx, "frank@example.com", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		var expires int64
		if err := e.db.R().QueryRowContext(ctx, `SELECT expires_at FROM tokens WHERE account_id = ?`, a.ID).Scan(&expires); err != nil {
			t.Fatal(err)
		}
		if got := store.FromMicros(expires); !got.Equal(start.Add(account.TokenLifetime)) {
			t.Errorf("token expires %v, want %v (issue time + TokenLifetime)", got, start.Add(account.TokenLifetime))
		}
		badToken := &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_token", Message: "unknown or expired token (令牌无效或已过期)"}
		for _, tc := range []struct {
			at    time.Duration // after issue
			valid bool
		}{
			{0, true},
			{time.Hour, true},
			{account.TokenLifetime - time.Microsecond, true},
			{account.TokenLifetime + time.Microsecond, false},
			{account.TokenLifetime + 24*time.Hour, false},
		} {
			e.clock.Set(start.Add(tc.at))
			p, err := e.svc.Authenticate(ctx, tok)
			if tc.valid {
				if err != nil || p.AccountID != a.ID {
					t.Errorf("at issue+%v: %+v, %v; want valid", tc.at, p, err)
				}
				continue
			}
			fe, ok := fault.As(err)
			if !ok || !reflect.DeepEqual(fe, badToken) || p != (auth.Principal{}) {
				t.Errorf("at issue+%v: %+v, %#v; want %#v", tc.at, p, err, badToken)
			}
		}
		// An expired token and an unknown one cannot be told apart.
		_, errExpired := e.svc.Authenticate(ctx, tok)
		_, errUnknown := e.svc.Authenticate(ctx, "unknown")
		if !reflect.DeepEqual(errExpired, errUnknown) {
			t.Errorf("expired %#v, unknown %#v", errExpired, errUnknown)
		}
		// A token issued later lives from its own issue time.
		e.clock.Set(start.Add(account.TokenLifetime + time.Hour))
		fresh, _, err := e.svc.IssueToken(ctx, "frank@example.com", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, fresh); err != nil {
			t.Errorf("fresh token: %v", err)
		}
	})
}

func TestAccounts(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		if list, err := e.svc.Accounts(ctx, 10); err != nil || len(list) != 0 {
			t.Fatalf("Accounts on an empty database = %v, %v", list, err)
		}
		if _, err := e.svc.AddProvider(ctx, "idc-a", "甲 IDC", nil); err != nil {
			t.Fatal(err)
		}
		made := map[string]account.Account{}
		for _, u := range []struct {
			email    string
			role     auth.Role
			provider string
		}{
			{"app1@example.com", auth.RoleApplicant, ""},
			{"psb@example.com", auth.RolePSB, ""},
			{"admin1@example.com", auth.RoleAdmin, ""},
			{"app2@example.com", auth.RoleApplicant, ""},
			{"rev@example.com", auth.RoleProvider, "idc-a"},
			{"auth@example.com", auth.RoleAuthority, ""},
			{"admin2@example.com", auth.RoleAdmin, ""},
		} {
			a, err := e.svc.AddUser(ctx, u.email, goodPassword, "", u.role, u.provider)
			if err != nil {
				t.Fatal(err)
			}
			made[u.email] = a
		}
		// Operators first, by role name, newest first within a role; then applicants, newest first.
		order := []string{"admin2@example.com", "admin1@example.com", "auth@example.com", "rev@example.com", "psb@example.com", "app2@example.com", "app1@example.com"}
		var want []account.Account
		for _, email := range order {
			want = append(want, made[email])
		}
		for _, tc := range []struct {
			limit, n int
		}{{0, 7}, {-5, 7}, {1001, 7}, {1000, 7}, {7, 7}, {3, 3}, {1, 1}} {
			got, err := e.svc.Accounts(ctx, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want[:tc.n]) {
				t.Errorf("Accounts(%d) = %+v, want %+v", tc.limit, got, want[:tc.n])
			}
		}
		if got := made["rev@example.com"].ProviderCode; got != "idc-a" {
			t.Errorf("provider account lists provider %q", got)
		}
	})
}

// TestConcurrentSignIns runs sign-ins, failed sign-ins (which share the
// lazily made dummy hash) and token checks at once, for the race detector.
// There are as many goroutines as hash slots, so none is refused as busy.
func TestConcurrentSignIns(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		if _, err := e.svc.Signup(ctx, "gina@example.com", goodPassword, ""); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		n := ratelimit.DefaultPolicy().HashSlots
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch i % 2 {
				case 0:
					if _, err := e.svc.Login(ctx, "nobody@example.com", goodPassword); !fault.Is(err, "auth.bad_credentials") {
						errs <- err
					}
				default:
					tok, _, err := e.svc.IssueToken(ctx, "gina@example.com", goodPassword)
					if err == nil {
						_, err = e.svc.Authenticate(ctx, tok)
					}
					if err == nil {
						err = e.svc.RevokeToken(ctx, tok)
					}
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := count(t, e.db, "tokens"); n != 0 {
			t.Errorf("%d tokens left after every one was revoked", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
