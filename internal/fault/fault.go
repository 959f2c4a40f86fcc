// Package fault is the one vocabulary of domain errors: every service
// (filing, account, blobstore, registry) refuses a request with an *Error
// whose Kind says what sort of refusal it is and whose Code is stable
// (`application.illegal_transition`, `document.too_large`). The adapters
// decide what a kind means for them — package web/httpx maps kinds to HTTP
// statuses in one table, the CLI to exit codes — so no service knows about
// HTTP and no adapter keeps its own list of error types.
//
// What is not an *Error is a failure of the system (a database that does
// not answer, a disk that is full): adapters report it as a server error and
// log its cause. A domain error must never be used to hide one, which is why
// NotFound is only ever built from a query that answered "no row", never
// from an error.
package fault

import (
	"errors"
	"fmt"

	"github.com/beian/beian/internal/finding"
)

// Kind classifies a refusal.
type Kind int

// The kinds. The zero Kind is not a valid kind: an *Error without one is a
// programming error and adapters treat it as a server error.
const (
	// Invalid: a value of the request is wrong; Field names it.
	Invalid Kind = iota + 1
	// Malformed: the request itself cannot be read (bad JSON, bad multipart).
	Malformed
	// Unauthenticated: no credentials, or bad or expired ones.
	Unauthenticated
	// Forbidden: the caller's role may not do this.
	Forbidden
	// NotFound: absent, or not the caller's to see (the two look the same).
	NotFound
	// Conflict: not allowed in the current state (State names it), or a
	// uniqueness conflict.
	Conflict
	// Gone: it existed but has expired.
	Gone
	// TooLarge: the body or file is over its limit.
	TooLarge
	// Unsupported: the media type is not accepted.
	Unsupported
	// Blocked: the application has blocking findings (Findings lists them).
	Blocked
	// RateLimited: too many attempts; RetryAfter says when to come back.
	RateLimited
	// MethodNotAllowed: the path exists with other methods.
	MethodNotAllowed
	// Unavailable: a dependency the request needs is missing or down (a
	// font for the PDF letter, the database); trying later may work.
	Unavailable
)

var kindNames = map[Kind]string{Invalid: "invalid", Malformed: "malformed", Unauthenticated: "unauthenticated",
	Forbidden: "forbidden", NotFound: "not_found", Conflict: "conflict", Gone: "gone", TooLarge: "too_large",
	Unsupported: "unsupported", Blocked: "blocked", RateLimited: "rate_limited", MethodNotAllowed: "method_not_allowed",
	Unavailable: "unavailable"}

// String names the kind ("not_found").
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a refusal the caller can act on.
type Error struct {
	Kind Kind
	// Code is stable and independent of the wording (`sms.wrong_code`).
	Code string
	// Message is bilingual, English first with the Chinese in brackets, for
	// clients that do not translate codes.
	Message string
	// Field is the JSON path of the value at fault, if one is.
	Field string
	// State is the current state of the object, for conflicts.
	State string
	// Findings are the blocking findings, for Blocked.
	Findings []finding.Finding
	// RetryAfterSeconds tells a rate-limited client when to try again.
	RetryAfterSeconds int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// As unwraps err to an *Error.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is an *Error with the given code.
func Is(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// KindOf returns the kind of err, or 0 when err is not an *Error.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return 0
}

// New builds an *Error.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Invalidf builds an Invalid error about field.
func Invalidf(field, code, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: code, Message: fmt.Sprintf(format, args...), Field: field}
}

// NotFoundf builds a NotFound error. Build it only from a query that found
// no row, never from a failed query.
func NotFoundf(code, format string, args ...any) *Error {
	return &Error{Kind: NotFound, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Forbiddenf builds a Forbidden error with the shared code auth.forbidden.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Kind: Forbidden, Code: "auth.forbidden", Message: fmt.Sprintf(format, args...)}
}

// Conflictf builds a Conflict error in state (may be "").
func Conflictf(state, code, format string, args ...any) *Error {
	return &Error{Kind: Conflict, Code: code, Message: fmt.Sprintf(format, args...), State: state}
}
