package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestAsThroughWrapping(t *testing.T) {
	base := Invalidf("entity.name", "entity.name_required", "name required (%s)", "名称必填")
	err := fmt.Errorf("create: %w", base)
	e, ok := As(err)
	if !ok || e != base || KindOf(err) != Invalid || !Is(err, "entity.name_required") || e.Field != "entity.name" {
		t.Fatalf("As(%v) = %v, %v", err, e, ok)
	}
	if Is(err, "other") || KindOf(errors.New("disk full")) != 0 {
		t.Fatal("a plain error has no kind")
	}
	if _, ok := As(errors.Join(errors.New("sql: connection refused"))); ok {
		t.Fatal("a system error is not a refusal")
	}
}

func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := Invalid; k <= MethodNotAllowed; k++ {
		s := k.String()
		if seen[s] || s == "" || s[0] == 'k' {
			t.Errorf("kind %d named %q", k, s)
		}
		seen[s] = true
	}
	if Kind(0).String() != "kind(0)" {
		t.Errorf("zero kind %q", Kind(0).String())
	}
}

func TestConstructors(t *testing.T) {
	for _, tc := range []struct {
		e    *Error
		kind Kind
		code string
	}{
		{NotFoundf("application.not_found", "application not found (未找到)"), NotFound, "application.not_found"},
		{Forbiddenf("only %s (仅%s)", "admins", "管理员"), Forbidden, "auth.forbidden"},
		{Conflictf("draft", "application.illegal_transition", "no"), Conflict, "application.illegal_transition"},
		{New(Gone, "sms.expired", "expired"), Gone, "sms.expired"},
	} {
		if tc.e.Kind != tc.kind || tc.e.Code != tc.code || tc.e.Error() != tc.code+": "+tc.e.Message {
			t.Errorf("%+v", tc.e)
		}
	}
	if c := Conflictf("draft", "x", "m"); c.State != "draft" {
		t.Errorf("state %q", c.State)
	}
}
