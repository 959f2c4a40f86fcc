package filing

import "github.com/beian/beian/internal/fault"

// The service refuses with *fault.Error; these build the common ones.

func invalid(field, code, msg string) *fault.Error {
	return &fault.Error{Kind: fault.Invalid, Code: code, Message: msg, Field: field}
}

func notFound(what string) *fault.Error {
	return &fault.Error{Kind: fault.NotFound, Code: what + ".not_found", Message: what + " not found (未找到)"}
}

func forbidden(msg string) *fault.Error {
	return &fault.Error{Kind: fault.Forbidden, Code: "auth.forbidden", Message: msg}
}
