// Package api is the JSON API under /api/v1: a thin adapter over the domain
// services (account, filing). Every route is declared in Routes with the
// roles it admits; handlers decode, call one service method, encode.
package api

import (
	"context"
	"fmt"
	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/fault"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/blobstore"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/web/httpx"
)

// API holds the services the handlers call.
type API struct {
	Accounts *account.Service
	Filing   *filing.Service
	Blobs    *blobstore.Store
	DB       *store.DB
	// Chain verifies the audit log (nil: the unkeyed chain).
	Chain *audit.Chain
	// Lookup answers GET /api/v1/filings (internal/lookup); nil answers 503.
	Lookup http.Handler
	Log    *slog.Logger
}

// Route is one entry of the URL map; the OpenAPI test walks this list.
type Route struct {
	Method, Path string
	// Roles admitted; empty means public.
	Roles   []auth.Role
	Summary string
	handler httpx.HandlerFunc
}

// Routes is the whole /api/v1 URL map.
func (a *API) Routes() []Route {
	app := auth.RoleApplicant
	prov, authy, admin := auth.RoleProvider, auth.RoleAuthority, auth.RoleAdmin
	return []Route{
		{"POST", "/api/v1/signup", nil, "create an applicant account", a.signup},
		{"POST", "/api/v1/tokens", nil, "sign in and get a bearer token", a.tokens},
		{"GET", "/api/v1/me", []auth.Role{app, prov, authy, auth.RolePSB, admin}, "the caller's account", a.me},
		{"POST", "/api/v1/applications", []auth.Role{app}, "create an application (draft)", a.create},
		{"GET", "/api/v1/applications", []auth.Role{app}, "the caller's applications", a.mine},
		{"GET", "/api/v1/applications/{id}", []auth.Role{app, prov, authy, admin}, "one application", a.get},
		{"PUT", "/api/v1/applications/{id}", []auth.Role{app}, "replace the content of a draft or rejected application", a.update},
		{"POST", "/api/v1/applications/{id}/documents", []auth.Role{app}, "upload a scan (JPEG, PNG or PDF, at most 4 MiB)", a.upload},
		{"POST", "/api/v1/applications/{id}/submit", []auth.Role{app}, "submit to the provider's review", a.submit},
		{"POST", "/api/v1/applications/{id}/withdraw", []auth.Role{app}, "withdraw before the authority's review", a.withdraw},
		{"POST", "/api/v1/applications/{id}/provider-review", []auth.Role{prov}, "the provider desk's decision", a.providerReview},
		{"POST", "/api/v1/applications/{id}/sms", []auth.Role{app}, "verify one principal's SMS code", a.sms},
		{"POST", "/api/v1/applications/{id}/void", []auth.Role{prov, admin}, "void a submitted application that blocks its entity (reason required; audited)", a.void},
		{"POST", "/api/v1/applications/{id}/authority-review", []auth.Role{authy}, "the authority's decision", a.authorityReview},
		{"GET", "/api/v1/review/applications", []auth.Role{prov, authy}, "the review queue, oldest deadline first", a.queue},
		{"GET", "/api/v1/admin/outbox", []auth.Role{admin}, "messages the built-in SMS/e-mail gateway kept", a.outbox},
		{"GET", "/api/v1/filings", nil, "the public lookup", a.lookup},
		{"GET", "/api/v1/websites", []auth.Role{app}, "the caller's filed websites, with go-live, PSB due date and numbers", a.websites},
		{"POST", "/api/v1/websites/{id}/go-live", []auth.Role{app}, "record the day a filed website went live", a.goLive},
		{"POST", "/api/v1/websites/{id}/psb", []auth.Role{app}, "file the PSB (公安联网备案) filing of an approved website", a.filePSB},
		{"GET", "/api/v1/scan/summary", []auth.Role{prov}, "the compliance scan's open findings at the caller's provider, counted by kind", a.scanSummary},
		{"GET", "/api/v1/scan/findings", []auth.Role{prov}, "open findings at the caller's provider (?kind=&limit=)", a.scanFindings},
		{"GET", "/api/v1/scan/websites/{id}", []auth.Role{prov}, "the finding history of one website the caller's provider serves", a.scanWebsite},
		{"GET", "/api/v1/psb/filings", []auth.Role{auth.RolePSB}, "the PSB desk's queue, earliest due date first", a.psbQueue},
		{"GET", "/api/v1/psb/filings/{id}", []auth.Role{app, auth.RolePSB, admin}, "one PSB filing", a.getPSB},
		{"POST", "/api/v1/psb/filings/{id}/review", []auth.Role{auth.RolePSB}, "the PSB desk's decision (interactive sites pass an on-site inspection first)", a.reviewPSB},
		{"GET", "/api/v1/admin/holidays", []auth.Role{admin}, "the holiday overrides an admin saved and the years the calendar covers", a.getHolidays},
		{"PUT", "/api/v1/admin/holidays", []auth.Role{admin}, "replace the holiday overrides (calendar override-file format); applied at once", a.putHolidays},
		{"GET", "/api/v1/audit/verify", []auth.Role{admin}, "verify the hash-chained audit log", a.auditVerify},
		{"GET", "/api/v1/gate/snapshot", []auth.Role{prov}, "the gate allow-list snapshot", a.gateSnapshot},
		{"GET", "/api/v1/gate/changes", []auth.Role{prov}, "gate allow-list changes since a version", a.gateChanges},
	}
}

// Register adds every route to mux, wrapped with authentication and the role check.
func (a *API) Register(mux *http.ServeMux) {
	ad := a.adapter()
	for _, rt := range a.Routes() {
		rt := rt
		mux.Handle(rt.Method+" "+rt.Path, ad.Handle(a.guard(rt)))
	}
	mux.Handle("GET /api/v1/openapi.json", http.HandlerFunc(a.openAPI))
	routes := a.Routes()
	mux.Handle("/api/v1/", ad.Handle(func(w http.ResponseWriter, r *http.Request) error {
		// A known path with another method is 405 with Allow, as the mux alone would answer.
		var allow []string
		for _, rt := range routes {
			if pathMatches(rt.Path, r.URL.Path) {
				allow = append(allow, rt.Method)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &fault.Error{Kind: fault.MethodNotAllowed, Code: "route.method_not_allowed",
				Message: fmt.Sprintf("use %s (请求方法不支持)", strings.Join(allow, " or "))}
		}
		return &fault.Error{Kind: fault.NotFound, Code: "route.not_found", Message: "no such endpoint (接口不存在)"}
	}))
}

func (a *API) adapter() httpx.Adapter {
	return httpx.Adapter{Log: a.Log}
}

// pathMatches reports whether path fits pattern, whose {name} segments match any one segment.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !(strings.HasPrefix(ps[i], "{") && xs[i] != "") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// guard authenticates the bearer token and checks the route's roles. On a
// public route a stale or bad token does not refuse the request: the caller
// is served as anonymous, as the public lookup promises.
func (a *API) guard(rt Route) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		h := r.Header.Get("Authorization")
		if h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return &fault.Error{Kind: fault.Unauthenticated, Code: "auth.bad_token", Message: "use Authorization: Bearer TOKEN (认证格式错误)"}
			}
			p, err := a.Accounts.Authenticate(r.Context(), strings.TrimSpace(tok))
			switch {
			case err == nil:
				r = r.WithContext(auth.WithPrincipal(r.Context(), p))
			case len(rt.Roles) > 0:
				return err
			}
		}
		if len(rt.Roles) > 0 {
			p, ok := auth.FromContext(r.Context())
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="beian"`)
				return &fault.Error{Kind: fault.Unauthenticated, Code: "auth.required", Message: "sign in first (请先登录)"}
			}
			allowed := false
			for _, role := range rt.Roles {
				if p.Role == role {
					allowed = true
				}
			}
			if !allowed {
				return &fault.Error{Kind: fault.Forbidden, Code: "auth.forbidden",
					Message: fmt.Sprintf("role %s may not %s %s (无权访问)", p.Role, rt.Method, rt.Path)}
			}
		}
		return rt.handler(w, r)
	}
}

func principal(ctx context.Context) auth.Principal {
	p, _ := auth.FromContext(ctx)
	return p
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &fault.Error{Kind: fault.NotFound, Code: "application.not_found", Message: "application not found (未找到申请)"}
	}
	return id, nil
}
