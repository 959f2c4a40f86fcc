package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/clientip"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/web/ui"
)

func TestSecurityHeadersAndAssets(t *testing.T) {
	env := apptest.New(t)
	b := newBrowser(t, env, "en")
	p := b.get("/").must(t, 200)
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP = %q", csp)
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if got := p.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(p.Body, "<script>") || regexp.MustCompile(`\sstyle=`).MatchString(p.Body) || regexp.MustCompile(`\son[a-z]+=`).MatchString(p.Body) {
		t.Error("inline script, style or handler in the page")
	}
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{16}\.css)"`).FindStringSubmatch(p.Body)
	if css == nil {
		t.Fatalf("no checksum CSS URL in the page")
	}
	a := b.get(css[1])
	if a.Status != 200 || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/css") {
		t.Errorf("asset: %d %v", a.Status, a.Header)
	}
	if s := b.get("/static/app.0000000000000000.css").Status; s != 404 {
		t.Errorf("unknown asset: %d", s)
	}
}

func TestCSRFAndCrossOrigin(t *testing.T) {
	env := apptest.New(t)
	b := newBrowser(t, env, "en")
	form := url.Values{"email": {"x@example.com"}, "password": {"whatever pass"}}
	form.Set(ui.CSRFField, "wrong")
	if p := b.post("/login", form); p.Status != 403 || !strings.Contains(p.Body, "expired") {
		t.Errorf("wrong token: %d", p.Status)
	}
	form.Del(ui.CSRFField)
	form.Set(ui.CSRFField, "")
	if p := b.post("/login", form); p.Status != 403 {
		t.Errorf("empty token: %d", p.Status)
	}
	// A cross-site POST is refused before the token is even read.
	req, _ := http.NewRequest("POST", env.Server.URL+"/lang", strings.NewReader("lang=en&csrf="+b.csrf()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.Status != 403 {
		t.Errorf("cross-site POST: %d", p.Status)
	}
}

func TestEveryPostFormHasCSRF(t *testing.T) {
	env := apptest.New(t)
	b := newBrowser(t, env, "zh")
	b.post("/signup", url.Values{"email": {"forms@example.com"}, "password": {"correct horse 1"}, "password2": {"correct horse 1"}}).must(t, 200)
	p := b.post("/applications/new", url.Values{"operation": {"first_filing"}, "provider": {apptest.ProviderCode}}).must(t, 200)
	id := appPath.FindStringSubmatch(p.URL)[1]
	formRE := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, path := range []string{"/", "/login", "/signup", "/dashboard", "/applications/new", "/applications/" + id,
		"/applications/" + id + "/edit/entity", "/applications/" + id + "/edit/websites", "/applications/" + id + "/edit/documents",
		"/applications/" + id + "/edit/review"} {
		body := b.get(path).must(t, 200).Body
		forms := formRE.FindAllString(body, -1)
		if len(forms) == 0 {
			t.Errorf("%s: no POST form found", path)
		}
		for _, f := range forms {
			if !strings.Contains(f, `name="csrf"`) {
				t.Errorf("%s: form without CSRF token: %.120s", path, f)
			}
		}
	}
}

// TestSessionCookie: the session cookie is HttpOnly and SameSite=Lax, and
// Secure when a trusted proxy says the client used HTTPS; the same header
// from any other peer is the client's claim and changes nothing.
func TestSessionCookie(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		secure  bool
	}{{"untrusted peer", []netip.Prefix{}, false}, {"trusted proxy", clientip.Loopback(), true}} {
		t.Run(tc.name, func(t *testing.T) {
			env := apptest.NewWith(t, func(c *app.Config) { c.TrustedProxies = tc.trusted })
			env.Applicant("cookie@example.com")
			b := newBrowser(t, env, "en")
			form := url.Values{"email": {"cookie@example.com"}, "password": {"correct horse 1"}, ui.CSRFField: {b.csrf()}}
			req, _ := http.NewRequest("POST", env.Server.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", "https")
			c := &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var sess *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == ui.SessionCookie {
					sess = ck
				}
			}
			if resp.StatusCode != 303 || sess == nil || !sess.HttpOnly || sess.Secure != tc.secure || sess.SameSite != http.SameSiteLaxMode || !strings.HasPrefix(sess.Value, "bn_") {
				t.Fatalf("login: %d, cookie %+v (want Secure=%v)", resp.StatusCode, sess, tc.secure)
			}
			if loc := resp.Header.Get("Location"); loc != "/dashboard" {
				t.Errorf("redirect to %q", loc)
			}
		})
	}
}

func TestRolesAndRedirects(t *testing.T) {
	env := apptest.New(t)
	anon := newBrowser(t, env, "en")
	if p := anon.get("/dashboard"); p.URL != "/login" || p.Status != 200 {
		t.Errorf("anonymous dashboard: %d at %s", p.Status, p.URL)
	}
	app := newBrowser(t, env, "en")
	app.post("/signup", url.Values{"email": {"roles@example.com"}, "password": {"correct horse 1"}, "password2": {"correct horse 1"},
		"next": {"//evil.example/"}}).must(t, 200)
	for _, path := range []string{"/review", "/admin/providers", "/admin/outbox"} {
		if p := app.get(path); p.Status != 403 {
			t.Errorf("applicant %s: %d", path, p.Status)
		}
	}
	psb := signIn(t, env, auth.RolePSB, "en")
	if p := psb.get("/dashboard"); p.Status != 200 || p.URL != "/psb" {
		t.Errorf("psb dashboard: %d at %s", p.Status, p.URL)
	}
	prov := signIn(t, env, auth.RoleProvider, "en")
	if p := prov.get("/applications/new"); p.Status != 403 {
		t.Errorf("provider new application: %d", p.Status)
	}
	// An application that is not the caller's is simply not found.
	if p := app.get("/applications/999"); p.Status != 404 {
		t.Errorf("unknown application: %d", p.Status)
	}
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	env := apptest.New(t)
	for accept, want := range map[string]string{"en-US,en;q=0.9": `lang="en"`, "zh-CN": `lang="zh-CN"`, "": `lang="zh-CN"`} {
		req, _ := http.NewRequest("GET", env.Server.URL+"/", nil)
		req.Header.Set("Accept-Language", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if !strings.Contains(buf.String(), "<html "+want) {
			t.Errorf("Accept-Language %q: no %s", accept, want)
		}
	}
}

// TestUserTextIsEscaped stores markup as an entity name and a website name
// and checks that every page shows it as text.
func TestUserTextIsEscaped(t *testing.T) {
	env := apptest.New(t)
	b := newBrowser(t, env, "en")
	b.post("/signup", url.Values{"email": {"xss@example.com"}, "password": {"correct horse 1"}, "password2": {"correct horse 1"}}).must(t, 200)
	p := b.post("/applications/new", url.Values{"operation": {"first_filing"}, "provider": {apptest.ProviderCode}}).must(t, 200)
	id := appPath.FindStringSubmatch(p.URL)[1]
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	f := entityForm(fixture.FirstFiling(3))
	f.Set("entity.name", evil)
	b.post("/applications/"+id+"/edit/entity", f).must(t, 200)
	for _, path := range []string{"/applications/" + id, "/applications/" + id + "/edit/entity", "/applications/" + id + "/edit/review", "/dashboard"} {
		body := b.get(path).must(t, 200).Body
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: markup not escaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s: escaped name not shown", path)
		}
	}
}

// TestLettersAndDocuments fetches both PDF letters and uploads a scan that
// the provider then previews.
func TestLettersAndDocuments(t *testing.T) {
	// The letters need a CJK font, which the machine may lack (the skip
	// depends on that alone; .ci/run installs one, and on CI its absence
	// fails the test). The server looks it up the same way.
	if err := ui.FindFont(t.Context(), os.Getenv("BEIAN_CJK_FONT")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no CJK font on CI: .ci/run installs one with scripts/install-browser.sh: %v", err)
		}
		t.Skip("no CJK TrueType font here: run scripts/install-browser.sh")
	}
	env := apptest.New(t)
	b, id, _ := fileFirst(t, env, "zh", 5)
	for _, kind := range []string{"commitment", "authenticity"} {
		p := b.get("/applications/" + id + "/letters/" + kind + ".pdf")
		if p.Status != 200 || p.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.Body, "%PDF-") || len(p.Body) < 2000 {
			t.Fatalf("%s letter: %d %s %d bytes", kind, p.Status, p.Header.Get("Content-Type"), len(p.Body))
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", b.csrf())
	_ = mw.WriteField("kind", "business_license")
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", env.Server.URL+"/applications/"+id+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	p := b.do(req).must(t, 200)
	doc := regexp.MustCompile(`/applications/` + id + `/documents/(\d+)`).FindStringSubmatch(p.Body)
	if doc == nil {
		t.Fatalf("no document link:\n%s", snippet(p.Body))
	}
	b.post("/applications/"+id+"/submit", nil).must(t, 200)
	prov := signIn(t, env, auth.RoleProvider, "zh")
	d := prov.get(doc[0])
	if d.Status != 200 || d.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(d.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("document preview: %d %v", d.Status, d.Header)
	}
	stranger := newBrowser(t, env, "zh")
	env.Applicant("stranger@example.com")
	stranger.post("/login", url.Values{"email": {"stranger@example.com"}, "password": {"correct horse 1"}}).must(t, 200)
	if s := stranger.get(doc[0]).Status; s != 404 {
		t.Errorf("stranger sees the document: %d", s)
	}
}
