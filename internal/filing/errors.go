package filing

import (
	"errors"

	"github.com/beian/beian/internal/finding"
)

// Kind classifies an error for the adapters (HTTP status, CLI exit code).
type Kind int

// The kinds.
const (
	KindInvalid   Kind = iota + 1 // 400/422: bad input
	KindForbidden                 // 403: the role may not do this
	KindNotFound                  // 404: absent, or not the caller's
	KindConflict                  // 409: state or uniqueness conflict
	KindBlocked                   // 422: blocking findings
	KindGone                      // 410: expired
)

// Error is a domain error with a stable code.
type Error struct {
	Kind     Kind
	Code     string
	Message  string
	Field    string
	Status   Status            // current state, for conflicts
	Findings []finding.Finding // for KindBlocked
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// AsError unwraps err to an *Error.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func invalid(field, code, msg string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: msg, Field: field}
}

func notFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: what + ".not_found", Message: what + " not found (未找到)"}
}

func forbidden(msg string) *Error {
	return &Error{Kind: KindForbidden, Code: "auth.forbidden", Message: msg}
}
