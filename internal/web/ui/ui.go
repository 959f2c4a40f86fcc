// Package ui is the server-rendered web UI of beian, in Chinese and English:
// the public pages (lookup, licence advisor, footer-snippet generator), the
// applicant's dashboard and application wizard, the provider's and the
// authority's review desks and the admin pages. Handlers are thin adapters
// over the same services the JSON API calls (account, filing, advisor), so no
// flow is written twice.
//
// Safety by default: html/template escapes every user text; a
// Content-Security-Policy without inline script or style; a CSRF token on
// every POST form (double submit: a random HttpOnly cookie echoed in a hidden
// field) plus the standard library's cross-origin protection; the session is
// the bearer token of package account in an HttpOnly, SameSite=Lax cookie,
// Secure behind TLS; static assets are embedded and served under checksum
// URLs. The core flows work without JavaScript; static/app.js only adds live
// findings and the live footer preview.
package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/web/httpx"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/blobstore"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/filing"
)

// Config is what the UI needs: the services it adapts and where to find a
// CJK font for the PDF letters.
type Config struct {
	Accounts *account.Service
	Filing   *filing.Service
	Blobs    *blobstore.Store
	Log      *slog.Logger
	// Scans reads the compliance scan's results (nil: the page is empty).
	Scans ScanResults
	// Lookup answers the /lookup page (nil: the page fails with 500).
	Lookup Searcher
	// FontPath is a TrueType font (or collection) with CJK glyphs for the
	// PDF letters; empty means the usual Debian locations (see FontCandidates).
	FontPath string
}

// UI is the web UI; build it with New.
type UI struct {
	acc    *account.Service
	fil    *filing.Service
	blobs  *blobstore.Store
	log    *slog.Logger
	cats   Catalogues
	tpl    *engine
	assets assets
	fonts  *fontSource
	scans  ScanResults
	search Searcher
}

// New loads the catalogues, the assets and the templates, failing at start
// when any is broken.
func New(c Config) (*UI, error) {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	cats, err := LoadCatalogues()
	if err != nil {
		return nil, err
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	e, err := newEngine(a)
	if err != nil {
		return nil, err
	}
	return &UI{acc: c.Accounts, fil: c.Filing, blobs: c.Blobs, log: c.Log, cats: cats, tpl: e, assets: a,
		fonts: newFontSource(c.FontPath), scans: c.Scans, search: c.Lookup}, nil
}

// request is what a handler knows about the caller.
type request struct {
	lang Lang
	user *auth.Principal
	csrf string
}

// handler is a UI handler; an error it returns becomes an error page.
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// Register adds every UI route to mux. Each route lists the roles it admits
// (none: public).
func (u *UI) Register(mux *http.ServeMux) {
	app, prov, authy, admin := auth.RoleApplicant, auth.RoleProvider, auth.RoleAuthority, auth.RoleAdmin
	all := []auth.Role{app, prov, authy, auth.RolePSB, admin}
	routes := []struct {
		pattern string
		roles   []auth.Role
		h       handler
	}{
		{"GET /{$}", nil, u.home},
		{"GET /lookup", nil, u.lookup},
		{"GET /advisor", nil, u.advisor},
		{"GET /footer-snippet", nil, u.footerSnippet},
		{"GET /signup", nil, u.signupForm},
		{"POST /signup", nil, u.signup},
		{"GET /login", nil, u.loginForm},
		{"POST /login", nil, u.login},
		{"POST /logout", nil, u.logout},
		{"POST /lang", nil, u.setLang},
		{"GET /dashboard", all, u.dashboard},
		{"GET /applications/new", []auth.Role{app}, u.newForm},
		{"POST /applications/new", []auth.Role{app}, u.create},
		{"GET /applications/{id}", []auth.Role{app, prov, authy, admin}, u.detail},
		{"GET /applications/{id}/edit/{step}", []auth.Role{app}, u.stepForm},
		{"POST /applications/{id}/edit/{step}", []auth.Role{app}, u.saveStep},
		{"POST /applications/{id}/documents", []auth.Role{app}, u.upload},
		{"POST /applications/{id}/services/{svc}/icon", []auth.Role{app}, u.uploadIcon},
		{"GET /applications/{id}/documents/{doc}", []auth.Role{app, prov, authy, admin}, u.document},
		{"POST /applications/{id}/submit", []auth.Role{app}, u.submit},
		{"POST /applications/{id}/withdraw", []auth.Role{app}, u.withdraw},
		{"GET /applications/{id}/sms", []auth.Role{app}, u.smsForm},
		{"POST /applications/{id}/sms", []auth.Role{app}, u.sms},
		{"GET /applications/{id}/letters/{kind}", []auth.Role{app, prov, authy}, u.letter},
		{"POST /applications/{id}/decision", []auth.Role{prov, authy}, u.decide},
		{"POST /applications/{id}/void", []auth.Role{prov, admin}, u.void},
		{"GET /review", []auth.Role{prov, authy}, u.queue},
		{"GET /scan", []auth.Role{prov}, u.scanPage},
		{"GET /websites", []auth.Role{app}, u.websites},
		{"POST /websites/{id}/go-live", []auth.Role{app}, u.goLive},
		{"POST /websites/{id}/psb", []auth.Role{app}, u.filePSB},
		{"GET /psb", []auth.Role{auth.RolePSB}, u.psbQueue},
		{"GET /psb/{id}", []auth.Role{auth.RolePSB}, u.psbDetail},
		{"POST /psb/{id}/decision", []auth.Role{auth.RolePSB}, u.psbDecide},
		{"GET /admin/providers", []auth.Role{admin}, u.adminProviders},
		{"POST /admin/providers", []auth.Role{admin}, u.addProvider},
		{"GET /admin/accounts", []auth.Role{admin}, u.adminAccounts},
		{"POST /admin/accounts", []auth.Role{admin}, u.addAccount},
		{"GET /admin/holidays", []auth.Role{admin}, u.adminHolidays},
		{"POST /admin/holidays", []auth.Role{admin}, u.saveHolidays},
		{"GET /admin/outbox", []auth.Role{admin}, u.adminOutbox},
		{"/", nil, u.notFound},
	}
	cop := http.NewCrossOriginProtection()
	for _, rt := range routes {
		mux.Handle(rt.pattern, cop.Handler(u.wrap(rt.roles, rt.h)))
	}
	mux.HandleFunc("GET /static/{file}", u.assets.serve)
}

// CSRFCookie is the double-submit cookie; CSRFField is the form field (and
// X-CSRF-Token the header for scripts) that must repeat it.
const (
	CSRFCookie    = "beian_csrf"
	CSRFField     = "csrf"
	SessionCookie = "beian_session"
)

// maxForm caps urlencoded bodies; uploads get the document limit.
const maxForm = 1 << 20

// wrap applies, in order: security headers, the language, the session, the
// CSRF check of unsafe methods, the role check, and the error page.
func (u *UI) wrap(roles []auth.Role, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		rq := &request{lang: u.lang(r)}
		rq.csrf = u.csrfToken(w, r)
		if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
			if p, err := u.acc.Authenticate(r.Context(), ck.Value); err == nil {
				rq.user = &p
				r = r.WithContext(auth.WithPrincipal(r.Context(), p))
			} else {
				clearCookie(w, r, SessionCookie)
			}
		}
		err := u.checkCSRF(w, r, rq)
		if err == nil && len(roles) > 0 {
			err = allowed(rq, roles)
		}
		if err == nil {
			err = h(w, r, rq)
		}
		if err != nil {
			u.fail(w, r, rq, err)
		}
	})
}

// securityHeaders sets the CSP (no inline script or style), framing and
// sniffing protections on every UI answer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// secure reports whether the client reached us over TLS: directly, or
// through a trusted proxy that says so. From any other peer
// X-Forwarded-Proto is the client's own claim and is ignored, so that a
// cookie is never marked Secure (or not) on a client's say-so.
func secure(r *http.Request) bool {
	return r.TLS != nil || (clientip.FromTrustedProxy(r.Context()) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) { setCookie(w, r, name, "", -1) }

// csrfToken returns the request's CSRF cookie, issuing one when absent.
func (u *UI) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(CSRFCookie); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	tok := base64.RawURLEncoding.EncodeToString(b)
	setCookie(w, r, CSRFCookie, tok, 0)
	return tok
}

// errCSRF is the answer to a POST without a matching token.
var errCSRF = &pageError{kind: fault.Forbidden, key: "err.csrf"}

// checkCSRF parses the body of an unsafe request (capped) and compares its
// token with the cookie in constant time.
func (u *UI) checkCSRF(w http.ResponseWriter, r *http.Request, rq *request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, blobstore.MaxSize+64<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return &pageError{kind: fault.TooLarge, key: "err.too_large"}
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			return &pageError{kind: fault.Malformed, key: "err.bad_form"}
		}
	}
	ck, err := r.Cookie(CSRFCookie)
	if err != nil {
		return errCSRF
	}
	sent := r.PostFormValue(CSRFField)
	if sent == "" {
		sent = r.Header.Get("X-CSRF-Token")
	}
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(ck.Value)) != 1 {
		return errCSRF
	}
	return nil
}

func allowed(rq *request, roles []auth.Role) error {
	if rq.user == nil {
		return errSignIn
	}
	for _, r := range roles {
		if rq.user.Role == r {
			return nil
		}
	}
	return &pageError{kind: fault.Forbidden, key: "err.forbidden"}
}

var errSignIn = &pageError{kind: fault.Unauthenticated, key: "err.sign_in"}

// pageError is an error the UI shows with a catalogue message.
type pageError struct {
	kind fault.Kind
	key  string
	args []any
}

func (e *pageError) Error() string { return e.key }

// fail renders err as an error page: a sign-in redirect for anonymous
// callers, the catalogue message for known codes, the service's own
// bilingual message otherwise, and a logged 500 for the rest.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if errors.Is(err, errSignIn) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status, msg := u.describe(rq.lang, err)
	if status >= 500 {
		u.log.ErrorContext(r.Context(), "ui request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := u.page(r, rq, "error", rq.lang.T("error.title"), map[string]any{"Status": status, "Message": msg})
	if rerr := u.tpl.render(w, status, p); rerr != nil {
		u.log.ErrorContext(r.Context(), "ui error page failed", "err", rerr)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// op is the descriptor of a stored application's operation (a zero
// descriptor, which shows nothing, if the catalogue no longer has it).
func (u *UI) op(name filing.Operation) operation.Descriptor {
	d, _ := u.fil.Operations().Get(name)
	return d
}

// describe maps an error to a status and a message in the request language.
func (u *UI) describe(l Lang, err error) (int, string) {
	var pe *pageError
	if errors.As(err, &pe) {
		return httpx.StatusOf(pe.kind), l.T(pe.key, pe.args...)
	}
	status, fe := httpx.Describe(err)
	if fe == nil {
		return status, l.T("err.internal")
	}
	return status, u.codeMessage(l, fe.Code, fe.Message)
}

// codeMessage translates a stable service error code when the catalogue has
// it ("err.<code>"), else shows the service's bilingual message.
func (u *UI) codeMessage(l Lang, code, msg string) string {
	if k := "err." + code; l.Has(k) {
		return l.T(k)
	}
	return msg
}

// page builds the data every template gets.
func (u *UI) page(r *http.Request, rq *request, name, title string, data any) page {
	return page{L: rq.lang, Name: name, Title: title, User: rq.user, CSRF: rq.csrf, Path: r.URL.RequestURI(), Data: data}
}

// show renders a page with status 200.
func (u *UI) show(w http.ResponseWriter, r *http.Request, rq *request, name string, data any) error {
	return u.tpl.render(w, http.StatusOK, u.page(r, rq, name, rq.lang.T(name+".title"), data))
}

func (u *UI) notFound(w http.ResponseWriter, r *http.Request, rq *request) error {
	return &pageError{kind: fault.NotFound, key: "err.not_found"}
}
