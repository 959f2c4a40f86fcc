package ui_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/web/ui"
)

// browser is a cookie-keeping HTTP client that fills in the CSRF token the
// way a form does: a person without JavaScript.
type browser struct {
	t    *testing.T
	env  *apptest.Env
	c    *http.Client
	lang string
}

func newBrowser(t *testing.T, env *apptest.Env, lang string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, env: env, c: &http.Client{Jar: jar}, lang: lang}
	u, _ := url.Parse(env.Server.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: ui.LangCookie, Value: lang, Path: "/"}})
	return b
}

type page struct {
	Status int
	Body   string
	Header http.Header
	URL    string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Status: resp.StatusCode, Body: string(body), Header: resp.Header, URL: resp.Request.URL.Path}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.env.Server.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// csrf returns the CSRF cookie, fetching a page first when there is none.
func (b *browser) csrf() string {
	b.t.Helper()
	u, _ := url.Parse(b.env.Server.URL)
	for i := 0; i < 2; i++ {
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == ui.CSRFCookie {
				return c.Value
			}
		}
		b.get("/login")
	}
	b.t.Fatal("no CSRF cookie")
	return ""
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has(ui.CSRFField) {
		form.Set(ui.CSRFField, b.csrf())
	}
	req, err := http.NewRequest("POST", b.env.Server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// must fails unless the page has the status and no missing translation.
func (p page) must(t *testing.T, status int) page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, snippet(p.Body))
	}
	if strings.Contains(p.Body, ui.MissingPrefix) {
		i := strings.Index(p.Body, ui.MissingPrefix)
		t.Fatalf("%s: missing translation near %q", p.URL, p.Body[i:min(len(p.Body), i+80)])
	}
	return p
}

func snippet(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return s[:min(len(s), 3000)]
}
