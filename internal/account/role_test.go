package account_test

import (
	"context"
	"testing"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fault"
)

// TestAddUserRefusesUnknownRole: a role outside auth.Roles is refused with
// a field-naming, bilingual error, and no account is written.
func TestAddUserRefusesUnknownRole(t *testing.T) {
	stores(t, func(t *testing.T, e env) {
		_, err := e.svc.AddUser(context.Background(), "root@example.com", "correct horse 1", "", auth.Role("root"), "")
		fe, ok := fault.As(err)
		if !ok || fe.Kind != fault.Invalid || fe.Code != "account.bad_role" || fe.Field != "role" || !bilingual(fe.Message) {
			t.Fatalf("AddUser(role root) = %v", err)
		}
		if n := count(t, e.db, "accounts"); n != 0 {
			t.Errorf("%d accounts written", n)
		}
	})
}
