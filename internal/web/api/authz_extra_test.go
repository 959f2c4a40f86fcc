package api_test

import (
	"net/http"
	"testing"

	"github.com/beian/beian/internal/apptest"
)

func TestPublicRoutesIgnoreStaleTokensAndWrongMethodsAre405(t *testing.T) {
	e := apptest.New(t)
	e.Do("GET", "/api/v1/filings?domain=x-test.cn", "bn_stale", nil).Must(t, http.StatusOK)
	e.Do("GET", "/api/v1/applications", "bn_stale", nil).Must(t, http.StatusUnauthorized)
	r := e.Do("DELETE", "/api/v1/me", "", nil).Must(t, http.StatusMethodNotAllowed)
	if r.Header.Get("Allow") != "GET" || r.ErrorCode() != "route.method_not_allowed" {
		t.Fatalf("405: Allow %q, %s", r.Header.Get("Allow"), r.Raw)
	}
	if r := e.Do("PATCH", "/api/v1/applications/7", "", nil).Must(t, http.StatusMethodNotAllowed); r.Header.Get("Allow") != "GET, PUT" {
		t.Fatalf("Allow %q", r.Header.Get("Allow"))
	}
	e.Do("GET", "/api/v1/nothing-here", "", nil).Must(t, http.StatusNotFound)
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("revoke@example.com")
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, http.StatusOK)
	if err := e.App.Accounts.RevokeToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	e.Do("GET", "/api/v1/me", tok, nil).Must(t, http.StatusUnauthorized)
}
