package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/beian/beian/internal/fault"
)

// TestStatusOfEveryKind keeps its own expectations, written from RFC 9110
// and RFC 6585, not read from the table under test.
func TestStatusOfEveryKind(t *testing.T) {
	want := map[fault.Kind]int{
		fault.Invalid: 422, fault.Malformed: 400, fault.Unauthenticated: 401, fault.Forbidden: 403,
		fault.NotFound: 404, fault.Conflict: 409, fault.Gone: 410, fault.TooLarge: 413,
		fault.Unsupported: 415, fault.Blocked: 422, fault.RateLimited: 429, fault.MethodNotAllowed: 405,
		fault.Unavailable: 503,
	}
	for k := fault.Kind(1); ; k++ {
		if strings.HasPrefix(k.String(), "kind(") {
			if int(k)-1 != len(want) {
				t.Fatalf("fault has %d kinds, the test expects %d: add the new kind here", int(k)-1, len(want))
			}
			break
		}
		if got := StatusOf(k); got != want[k] {
			t.Errorf("StatusOf(%s) = %d, want %d", k, got, want[k])
		}
	}
	if got := StatusOf(0); got != 500 {
		t.Errorf("StatusOf(zero kind) = %d, want 500", got)
	}
}

func TestWriteErrorShapesAndLogsServerErrorsOnce(t *testing.T) {
	var logs bytes.Buffer
	ad := Adapter{Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	serve := func(err error, reqID string) (*httptest.ResponseRecorder, map[string]any) {
		h := WithRequestID(ad.Handle(func(http.ResponseWriter, *http.Request) error { return err }))
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		if reqID != "" {
			req.Header.Set("X-Request-ID", reqID)
		}
		h.ServeHTTP(rec, req)
		var body map[string]map[string]any
		if jerr := json.Unmarshal(rec.Body.Bytes(), &body); jerr != nil {
			t.Fatalf("body %q: %v", rec.Body, jerr)
		}
		return rec, body["error"]
	}

	wrapped := fmt.Errorf("saving: %w", &fault.Error{Kind: fault.Conflict, Code: "x.busy", Message: "busy (忙)", State: "draft", Field: "a.b"})
	rec, e := serve(wrapped, "abc-1")
	if rec.Code != 409 || e["code"] != "x.busy" || e["status"] != "draft" || e["field"] != "a.b" || e["request_id"] != "abc-1" {
		t.Errorf("refusal: %d %v", rec.Code, e)
	}
	if logs.Len() != 0 {
		t.Errorf("a refusal was logged: %s", logs.String())
	}

	rec, e = serve(&fault.Error{Kind: fault.RateLimited, Code: "rate.limited", Message: "slow down", RetryAfterSeconds: 7}, "")
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "7" || e["retry_after"] != float64(7) {
		t.Errorf("rate limited: %d %v %v", rec.Code, rec.Header(), e)
	}

	// An SQL failure is a 500 with a generic message, logged once with the request ID;
	// a hostile request ID is replaced, never echoed into the log.
	rec, e = serve(errors.New("pq: relation does not exist"), "evil\nline")
	id := rec.Header().Get("X-Request-ID")
	if rec.Code != 500 || e["code"] != "internal" || strings.Contains(fmt.Sprint(e["message"]), "relation") || id == "" || id == "evil\nline" {
		t.Errorf("server error: %d %v id %q", rec.Code, e, id)
	}
	if n := strings.Count(logs.String(), "request failed"); n != 1 || !strings.Contains(logs.String(), id) {
		t.Errorf("server error logged %d times (want once, with id %s): %s", n, id, logs.String())
	}

	logs.Reset()
	rec, _ = serve(context.Canceled, "")
	if rec.Code != StatusClientClosed || logs.Len() != 0 {
		t.Errorf("cancelled request: %d, log %q", rec.Code, logs.String())
	}
}
