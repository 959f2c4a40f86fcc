package api_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/auth"
)

// matrixColumns are the callers of the matrix, in the order of a row's
// cells: anonymous, then every role.
var matrixColumns = []auth.Role{"", auth.RoleApplicant, auth.RoleProvider, auth.RoleAuthority, auth.RolePSB, auth.RoleAdmin}

// expected is one route's row: the object its {id} names (none for routes
// without one) and the exact status for each column. A cell is "S" (the
// same on both objects) or "S|T": S on the caller's own object, T on
// someone else's.
type expected struct {
	stage stage
	cells [6]string
}

// want is the status of column col on side sd.
func (e expected) want(t *testing.T, key string, col int, sd side) int {
	t.Helper()
	mine, theirs, split := strings.Cut(e.cells[col], "|")
	s := mine
	if split && sd == other {
		s = theirs
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 {
		t.Fatalf("%s: bad cell %q in column %d", key, e.cells[col], col)
	}
	return n
}

// apiMatrix is what each role may do, written from the product's rules and
// not from api.Routes, so that a wrong role list in the route table fails
// here: the applicant files and follows its own filings, a provider desk
// reviews what was filed with it and reads its gate feed, the authority
// reviews everything past the provider, the PSB desk handles PSB filings,
// the admin reads everything and decides nothing but voids (as the desk
// does) a submitted application that blocks its entity. Someone else's object is
// 404 (ids reveal nothing), never 403. The success statuses are those of
// the scenario each cell plays (201 for what is created, 204 for go-live).
var apiMatrix = map[string]expected{
	//                                                         anonymous applicant provider authority psb admin
	"POST /api/v1/signup":                             {none, [6]string{"201", "201", "201", "201", "201", "201"}},
	"POST /api/v1/tokens":                             {none, [6]string{"201", "201", "201", "201", "201", "201"}},
	"GET /api/v1/me":                                  {none, [6]string{"401", "200", "200", "200", "200", "200"}},
	"GET /api/v1/filings":                             {none, [6]string{"200", "200", "200", "200", "200", "200"}},
	"POST /api/v1/applications":                       {none, [6]string{"401", "201", "403", "403", "403", "403"}},
	"GET /api/v1/applications":                        {none, [6]string{"401", "200", "403", "403", "403", "403"}},
	"GET /api/v1/applications/{id}":                   {submitted, [6]string{"401", "200|404", "200|404", "200", "403", "200"}},
	"PUT /api/v1/applications/{id}":                   {draft, [6]string{"401", "200|404", "403", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/documents":        {draft, [6]string{"401", "201|404", "403", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/submit":           {draft, [6]string{"401", "200|404", "403", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/withdraw":         {submitted, [6]string{"401", "200|404", "403", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/provider-review":  {submitted, [6]string{"401", "403", "200|404", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/sms":              {smsDue, [6]string{"401", "200|404", "403", "403", "403", "403"}},
	"POST /api/v1/applications/{id}/void":             {submitted, [6]string{"401", "403", "200|404", "403", "403", "200"}},
	"POST /api/v1/applications/{id}/authority-review": {authorityDue, [6]string{"401", "403", "403", "200", "403", "403"}},
	"GET /api/v1/review/applications":                 {none, [6]string{"401", "403", "200", "200", "403", "403"}},
	"GET /api/v1/websites":                            {none, [6]string{"401", "200", "403", "403", "403", "403"}},
	"POST /api/v1/websites/{id}/go-live":              {filed, [6]string{"401", "204|404", "403", "403", "403", "403"}},
	"POST /api/v1/websites/{id}/psb":                  {filed, [6]string{"401", "201|404", "403", "403", "403", "403"}},
	"GET /api/v1/psb/filings":                         {none, [6]string{"401", "403", "403", "403", "200", "403"}},
	"GET /api/v1/psb/filings/{id}":                    {psbPending, [6]string{"401", "200|404", "403", "403", "200", "200"}},
	"POST /api/v1/psb/filings/{id}/review":            {psbPending, [6]string{"401", "403", "403", "403", "200", "403"}},
	"GET /api/v1/admin/outbox":                        {none, [6]string{"401", "403", "403", "403", "403", "200"}},
	"GET /api/v1/admin/holidays":                      {none, [6]string{"401", "403", "403", "403", "403", "200"}},
	"PUT /api/v1/admin/holidays":                      {none, [6]string{"401", "403", "403", "403", "403", "200"}},
	"GET /api/v1/audit/verify":                        {none, [6]string{"401", "403", "403", "403", "403", "200"}},
	"GET /api/v1/gate/snapshot":                       {none, [6]string{"401", "403", "200", "403", "403", "403"}},
	"GET /api/v1/gate/changes":                        {none, [6]string{"401", "403", "200", "403", "403", "403"}},
	"GET /api/v1/scan/summary":                        {none, [6]string{"401", "403", "200", "403", "403", "403"}},
	"GET /api/v1/scan/findings":                       {none, [6]string{"401", "403", "200", "403", "403", "403"}},
	"GET /api/v1/scan/websites/{id}":                  {filed, [6]string{"401", "403", "200|404", "403", "403", "403"}},
}
