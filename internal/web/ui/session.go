package ui

import (
	"github.com/beian/beian/internal/fault"
	"net/http"
	"net/url"
	"strings"

	"github.com/beian/beian/internal/account"
	"github.com/beian/beian/internal/auth"
)

// localPath returns next when it is a path on this site, else "".
// "//host" and "/\host" are other sites to a browser and are refused.
func localPath(next string) string {
	// Browsers drop tabs and newlines inside URLs (https://url.spec.whatwg.org/#concept-basic-url-parser),
	// so "/\t/evil.example" would become "//evil.example": refuse every control
	// character, then anything that is not a path on this host.
	for i := 0; i < len(next); i++ {
		if next[i] < 0x20 || next[i] == 0x7f {
			return ""
		}
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// home is where a role lands after signing in.
func home(role auth.Role) string {
	switch role {
	case auth.RoleProvider, auth.RoleAuthority:
		return "/review"
	case auth.RoleAdmin:
		return "/admin/providers"
	case auth.RolePSB:
		return "/psb"
	}
	return "/dashboard"
}

type authForm struct {
	Email, Name, Next string
	Error             string
	Field             string
}

func (u *UI) signupForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.show(w, r, rq, "signup", authForm{Next: localPath(r.URL.Query().Get("next"))})
}

// signup creates an applicant account and signs it in.
func (u *UI) signup(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := authForm{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Next: localPath(r.PostFormValue("next"))}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		f.Error, f.Field = rq.lang.T("signup.mismatch"), "password2"
		return u.tpl.render(w, http.StatusUnprocessableEntity, u.page(r, rq, "signup", rq.lang.T("signup.title"), f))
	}
	if _, err := u.acc.Signup(r.Context(), f.Email, pw, f.Name); err != nil {
		return u.authRetry(w, r, rq, "signup", f, err)
	}
	return u.startSession(w, r, rq, "signup", f, pw)
}

func (u *UI) loginForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return u.show(w, r, rq, "login", authForm{Next: localPath(r.URL.Query().Get("next"))})
}

func (u *UI) login(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := authForm{Email: r.PostFormValue("email"), Next: localPath(r.PostFormValue("next"))}
	return u.startSession(w, r, rq, "login", f, r.PostFormValue("password"))
}

// startSession issues a bearer token and keeps it in the session cookie.
func (u *UI) startSession(w http.ResponseWriter, r *http.Request, rq *request, name string, f authForm, pw string) error {
	tok, acc, err := u.acc.IssueToken(r.Context(), f.Email, pw)
	if err != nil {
		return u.authRetry(w, r, rq, name, f, err)
	}
	setCookie(w, r, SessionCookie, tok, int(account.TokenLifetime.Seconds()))
	next := f.Next
	if next == "" {
		next = home(acc.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// authRetry shows the form again with the account error next to its field.
func (u *UI) authRetry(w http.ResponseWriter, r *http.Request, rq *request, name string, f authForm, err error) error {
	status, msg := u.describe(rq.lang, err)
	if status >= 500 {
		return err
	}
	f.Error = msg
	if ae, ok := fault.As(err); ok {
		f.Field = ae.Field
	}
	return u.tpl.render(w, status, u.page(r, rq, name, rq.lang.T(name+".title"), f))
}

// logout revokes the session's token and forgets the cookie.
func (u *UI) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := u.acc.RevokeToken(r.Context(), c.Value); err != nil {
			return err
		}
	}
	clearCookie(w, r, SessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// setLang remembers the chosen language for a year and goes back.
func (u *UI) setLang(w http.ResponseWriter, r *http.Request, rq *request) error {
	l := r.PostFormValue("lang")
	if l != LangZH && l != LangEN {
		return &pageError{kind: fault.Malformed, key: "err.bad_form"}
	}
	setCookie(w, r, LangCookie, l, 365*24*3600)
	next := localPath(r.PostFormValue("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
