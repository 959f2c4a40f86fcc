package app_test

import (
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/fixture"
)

// TestAccessIPsMustBeTheProviders: an application naming access IPs
// outside the provider's declared ranges (apptest's provider declares
// 198.51.100.0/24) gets the blocking finding access.ip_not_provider on that
// address and cannot be submitted until the address is the provider's.
func TestAccessIPsMustBeTheProviders(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("ranges@example.com")
	c := fixture.FirstFiling(40)
	c.Websites[0].Access.IPs = []string{"198.51.100.40", "203.0.113.5"}
	r := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201)
	id := r.ID()
	var got []string
	for _, f := range r.Body["findings"].([]any) {
		m := f.(map[string]any)
		if m["code"] == "access.ip_not_provider" {
			got = append(got, m["field"].(string)+" "+m["severity"].(string))
		}
	}
	if len(got) != 1 || got[0] != "websites[0].access.ips[1] error" {
		t.Fatalf("access.ip_not_provider findings %v, want one error on websites[0].access.ips[1]: %s", got, r.Raw)
	}
	if r := e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 422); r.ErrorCode() != "application.blocking_findings" {
		t.Fatalf("submit with a foreign address: %s", r.Raw)
	}
	c.Websites[0].Access.IPs = []string{"198.51.100.40", "198.51.100.41"}
	e.Do("PUT", apptest.Path(id, ""), tok, request(c)).Must(t, 200)
	e.Do("POST", apptest.Path(id, "/submit"), tok, nil).Must(t, 200)
}
