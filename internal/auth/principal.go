package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/beian/beian/internal/secret"
)

// Role is what an account may do on the platform (beian's own roles).
type Role string

// The roles. An applicant files for its own entities; a provider reviews the
// applications made through it; the authority approves and issues numbers;
// psb handles public-security filings; admin operates the platform; gate
// is the edge gate of one provider, which reads that provider's allow-list
// feed and nothing else (no application, no personal data).
const (
	RoleApplicant Role = "applicant"
	RoleProvider  Role = "provider"
	RoleAuthority Role = "authority"
	RolePSB       Role = "psb"
	RoleAdmin     Role = "admin"
	RoleGate      Role = "gate"
)

// ErrUnknownRole is wrapped by ParseRole for a name that is not a role.
var ErrUnknownRole = errors.New("unknown role")

// Roles returns every role, in the order the UI and the CLI list them.
func Roles() []Role {
	return []Role{RoleApplicant, RoleProvider, RoleAuthority, RolePSB, RoleAdmin, RoleGate}
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleApplicant, RoleProvider, RoleAuthority, RolePSB, RoleAdmin, RoleGate:
		return true
	}
	return false
}

// ParseRole returns the role named s, ignoring case and surrounding spaces
// (so "--role Provider" works), or an error wrapping ErrUnknownRole that
// quotes s and lists the roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("auth: role %q: %w (want applicant, provider, authority, psb, admin or gate)", s, ErrUnknownRole)
	}
	return r, nil
}

// Principal is the authenticated caller, put in the request context by the
// web layer and read by every handler that authorises. ProviderID and
// ProviderCode are set only for RoleProvider and RoleGate accounts.
type Principal struct {
	AccountID    int64
	Email        string
	Role         Role
	ProviderID   int64
	ProviderCode string
}

// LogValue makes log/slog print the principal with its e-mail masked, so that
// a request log line names the caller without carrying personal data.
func (p Principal) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int64("account_id", p.AccountID),
		slog.String("role", string(p.Role)),
		slog.String("email", secret.MaskEmail(p.Email)),
	}
	if p.ProviderCode != "" {
		attrs = append(attrs, slog.String("provider", p.ProviderCode))
	}
	return slog.GroupValue(attrs...)
}

// principalKey is the context key of the Principal; unexported, so no other
// package can overwrite it.
type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal WithPrincipal put in ctx, and false when
// there is none (an anonymous request).
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// String describes the principal with its e-mail masked, for error messages
// and fmt, for the same reason as LogValue.
func (p Principal) String() string {
	s := fmt.Sprintf("account %d (%s, %s", p.AccountID, p.Role, secret.MaskEmail(p.Email))
	if p.ProviderCode != "" {
		s += ", provider " + p.ProviderCode
	}
	return s + ")"
}
