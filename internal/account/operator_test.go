package account_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/ratelimit"
	"github.com/beian/beian/internal/store"
)

// actorOf returns the actor of the newest audit row with action.
func actorOf(t *testing.T, db *store.DB, action string) (int64, string) {
	t.Helper()
	var id int64
	var role string
	err := db.R().QueryRowContext(context.Background(), `SELECT COALESCE(actor_id, 0), actor_role FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, action).Scan(&id, &role)
	if err != nil {
		t.Fatalf("audit %s: %v", action, err)
	}
	return id, role
}

// TestCreationAuditsTheOperator: the audit log names who created an account
// or a provider (the admin, the CLI, an anonymous sign-up), never the new
// account itself.
func TestCreationAuditsTheOperator(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		admin, err := e.svc.AddUser(ctx, "root@ops.test", goodPassword, "", auth.RoleAdmin, "")
		if err != nil {
			t.Fatal(err)
		}
		if id, role := actorOf(t, e.db, "account.add"); id != 0 || role != string(account.CLI.Role) {
			t.Errorf("CLI user add audited actor %d/%s, want the CLI (0/%s)", id, role, account.CLI.Role)
		}
		by := auth.Principal{AccountID: admin.ID, Role: auth.RoleAdmin, Email: admin.Email}
		if _, err := e.svc.AddProviderAs(ctx, by, "p1", "P One", nil); err != nil {
			t.Fatal(err)
		}
		if id, role := actorOf(t, e.db, "provider.add"); id != admin.ID || role != "admin" {
			t.Errorf("provider add audited actor %d/%s, want the admin %d", id, role, admin.ID)
		}
		desk, err := e.svc.AddUserAs(ctx, by, "desk@ops.test", goodPassword, "", auth.RoleProvider, "p1")
		if err != nil {
			t.Fatal(err)
		}
		if id, role := actorOf(t, e.db, "account.add"); id != admin.ID || role != "admin" || id == desk.ID {
			t.Errorf("user add audited actor %d/%s, want the admin %d (not the new account %d)", id, role, admin.ID, desk.ID)
		}
		self, err := e.svc.Signup(ctx, "self@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		if id, role := actorOf(t, e.db, "account.add"); id == self.ID || role == "applicant" {
			t.Errorf("sign-up audited the new account %d/%s as its own creator", id, role)
		}
	})
}

// TestWeakPasswordBilingual: AddUser's refusal of a weak password names the
// field and says why in Chinese and English.
func TestWeakPasswordBilingual(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		_, err := e.svc.AddUser(context.Background(), "weak@ops.test", "short", "", auth.RoleAdmin, "")
		fe, ok := fault.As(err)
		if !ok || fe.Field != "password" || !bilingual(fe.Message) || !strings.Contains(fe.Message, "10") {
			t.Fatalf("weak password: %#v, want a bilingual refusal on password", err)
		}
	})
}

// TestRevokeAllTokens: every token of the account ends (and only its), and
// a password change does the same.
func TestRevokeAllTokens(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		ctx := context.Background()
		a, err := e.svc.Signup(ctx, "many@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Signup(ctx, "other@example.com", goodPassword, ""); err != nil {
			t.Fatal(err)
		}
		issue := func(email, pw string) string {
			t.Helper()
			tok, _, err := e.svc.IssueToken(ctx, email, pw)
			if err != nil {
				t.Fatalf("token %s: %v", email, err)
			}
			return tok
		}
		t1, t2, keep := issue(a.Email, goodPassword), issue(a.Email, goodPassword), issue("other@example.com", goodPassword)
		n, err := e.svc.RevokeAllTokens(ctx, account.CLI, a.ID)
		if err != nil || n != 2 {
			t.Fatalf("revoke all: %d, %v; want 2", n, err)
		}
		for _, tok := range []string{t1, t2} {
			if _, err := e.svc.Authenticate(ctx, tok); !fault.Is(err, "auth.bad_token") {
				t.Errorf("a revoked token still authenticates: %v", err)
			}
		}
		if _, err := e.svc.Authenticate(ctx, keep); err != nil {
			t.Errorf("another account's token was revoked: %v", err)
		}
		t3 := issue(a.Email, goodPassword)
		const next = "a new pass phrase"
		if err := e.svc.SetPassword(ctx, account.CLI, a.Email, next); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, t3); !fault.Is(err, "auth.bad_token") {
			t.Errorf("a token from before the password change still authenticates: %v", err)
		}
		issue(a.Email, next)
		if _, _, err := e.svc.IssueToken(ctx, a.Email, goodPassword); !fault.Is(err, "auth.bad_credentials") {
			t.Errorf("the old password still signs in: %v", err)
		}
	})
}

// TestLocalSignInsDoNotShareBackoff: sign-ins without a client address (the
// CLI, the demo seeding) have no address to back off, so failures at one
// account do not delay another's sign-in.
func TestLocalSignInsDoNotShareBackoff(t *testing.T) {
	p := ratelimit.DefaultPolicy()
	p.Login.Account.Free = 100
	p.Login.IP.Free = 1
	var g *ratelimit.Guards
	guarded(t, p, &g, func(t *testing.T, e env) {
		ctx := context.Background()
		for _, email := range []string{"a@example.com", "b@example.com"} {
			if _, err := e.svc.AddUser(ctx, email, goodPassword, "", auth.RoleApplicant, ""); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			if _, err := e.svc.Login(ctx, "a@example.com", "wrong password!"); !fault.Is(err, "auth.bad_credentials") {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := e.svc.Login(ctx, "b@example.com", goodPassword); err != nil {
			t.Fatalf("b's local sign-in was held back by a's failures: %v", err)
		}
		// From a network address the address dimension still applies.
		for range 3 {
			_, _ = e.svc.Login(from(ctx, "192.0.2.7"), "a@example.com", "wrong password!")
		}
		if _, err := e.svc.Login(from(ctx, "192.0.2.7"), "b@example.com", goodPassword); err == nil {
			t.Errorf("the address backoff no longer applies to network sign-ins")
		}
	})
}
