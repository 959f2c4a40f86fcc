// Package httpx is the small HTTP toolkit shared by the API and the UI:
// handlers that return errors, one place that maps domain errors to status
// codes and logs server errors once, capped JSON decoding.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Error is an error with an HTTP status and a stable code; Details, when set,
// is merged into the error object (e.g. findings, current status).
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
	Details map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Mapper turns a domain error into an *Error; it returns nil for errors it does not know.
type Mapper func(error) *Error

// Adapter converts HandlerFuncs to http.Handlers.
type Adapter struct {
	Log     *slog.Logger
	Mappers []Mapper
}

// Handle wraps h.
func (a Adapter) Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		a.WriteError(w, r, err)
	})
}

// WriteError writes err as JSON {"error":{"code","message",...}}.
func (a Adapter) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var he *Error
	if !errors.As(err, &he) {
		for _, m := range a.Mappers {
			if he = m(err); he != nil {
				break
			}
		}
	}
	if he == nil {
		a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error (服务器内部错误)"}
	}
	body := map[string]any{"code": he.Code, "message": he.Message}
	if he.Field != "" {
		body["field"] = he.Field
	}
	for k, v := range he.Details {
		body[k] = v
	}
	WriteJSON(w, he.Status, map[string]any{"error": body})
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// MaxBody caps JSON request bodies.
const MaxBody = 1 << 20

// DecodeJSON decodes a capped JSON body into v, refusing unknown trailing data.
func DecodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "request.content_type", Message: "send application/json (请求须为JSON)"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, MaxBody+1))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return &Error{Status: http.StatusBadRequest, Code: "request.bad_json", Field: typeErr.Field,
				Message: fmt.Sprintf("field %s: expected %s (字段类型错误)", typeErr.Field, typeErr.Type)}
		}
		return &Error{Status: http.StatusBadRequest, Code: "request.bad_json", Message: fmt.Sprintf("bad JSON body: %v (请求体不是有效JSON)", err)}
	}
	if dec.More() {
		return &Error{Status: http.StatusBadRequest, Code: "request.bad_json", Message: "trailing data after the JSON body (JSON后有多余内容)"}
	}
	return nil
}
