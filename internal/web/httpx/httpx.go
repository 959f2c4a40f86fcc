// Package httpx is the small HTTP toolkit shared by the API and the UI:
// handlers that return errors, one place that maps domain errors to status
// codes and logs server errors once, capped JSON decoding.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/fault"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusOf is the one table from a refusal's kind to its HTTP status; the
// API and the UI both read it through Describe.
var statusOf = map[fault.Kind]int{
	fault.Invalid:          http.StatusUnprocessableEntity,
	fault.Malformed:        http.StatusBadRequest,
	fault.Unauthenticated:  http.StatusUnauthorized,
	fault.Forbidden:        http.StatusForbidden,
	fault.NotFound:         http.StatusNotFound,
	fault.Conflict:         http.StatusConflict,
	fault.Gone:             http.StatusGone,
	fault.TooLarge:         http.StatusRequestEntityTooLarge,
	fault.Unsupported:      http.StatusUnsupportedMediaType,
	fault.Blocked:          http.StatusUnprocessableEntity,
	fault.RateLimited:      http.StatusTooManyRequests,
	fault.MethodNotAllowed: http.StatusMethodNotAllowed,
	fault.Unavailable:      http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status of a kind; an unknown kind is a server error.
func StatusOf(k fault.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Describe maps err to its HTTP status and the refusal to show. Errors that
// are not refusals (a database failure, a bug) are 500 with a nil refusal:
// the caller logs them, once, and shows a generic message.
func Describe(err error) (int, *fault.Error) {
	if fe, ok := fault.As(err); ok {
		return StatusOf(fe.Kind), fe
	}
	if errors.Is(err, context.Canceled) {
		return StatusClientClosed, nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, &fault.Error{Kind: fault.TooLarge, Code: "request.too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes (请求体过大)", mbe.Limit)}
	}
	return http.StatusInternalServerError, nil
}

// StatusClientClosed is nginx's 499: the client went away before the answer.
const StatusClientClosed = 499

// Adapter converts HandlerFuncs to http.Handlers.
type Adapter struct {
	Log *slog.Logger
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

// WriteError writes err as JSON {"error":{"code","message",...}}. Server
// errors are logged here and nowhere else, with the request ID.
func (a Adapter) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status, fe := Describe(err)
	if fe == nil {
		if status != StatusClientClosed {
			a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
				"request_id", RequestID(r.Context()), "err", err)
		}
		fe = &fault.Error{Code: "internal", Message: "internal error (服务器内部错误)"}
	}
	body := map[string]any{"code": fe.Code, "message": fe.Message}
	if fe.Field != "" {
		body["field"] = fe.Field
	}
	if fe.State != "" {
		body["status"] = fe.State
	}
	if fe.Findings != nil {
		body["findings"] = fe.Findings
	}
	if fe.RetryAfterSeconds > 0 {
		body["retry_after"] = fe.RetryAfterSeconds
		w.Header().Set("Retry-After", strconv.Itoa(fe.RetryAfterSeconds))
	}
	if id := RequestID(r.Context()); id != "" {
		body["request_id"] = id
	}
	WriteJSON(w, status, map[string]any{"error": body})
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
		return &fault.Error{Kind: fault.Unsupported, Code: "request.content_type", Message: "send application/json (请求须为JSON)"}
	}
	body := &countingReader{r: io.LimitReader(r.Body, MaxBody+1)}
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		if body.n > MaxBody {
			return &fault.Error{Kind: fault.TooLarge, Code: "request.too_large",
				Message: fmt.Sprintf("the JSON body is larger than %d bytes (请求体过大)", MaxBody)}
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return &fault.Error{Kind: fault.Malformed, Code: "request.bad_json", Field: typeErr.Field,
				Message: fmt.Sprintf("field %s: expected %s (字段类型错误)", typeErr.Field, typeErr.Type)}
		}
		return &fault.Error{Kind: fault.Malformed, Code: "request.bad_json", Message: fmt.Sprintf("bad JSON body: %v (请求体不是有效JSON)", err)}
	}
	if dec.More() {
		return &fault.Error{Kind: fault.Malformed, Code: "request.bad_json", Message: "trailing data after the JSON body (JSON后有多余内容)"}
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
