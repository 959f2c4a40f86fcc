package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/web/ui"
)

// chromePath finds Debian's chromium (or BEIAN_CHROME); browser tests skip
// only when there is none.
func chromePath() string {
	if p := os.Getenv("BEIAN_CHROME"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is artifacts/screenshots at the repository root, or
// $BEIAN_ARTIFACTS/screenshots.
func screenshotDir(t *testing.T) string {
	root := os.Getenv("BEIAN_ARTIFACTS")
	if root == "" {
		root = filepath.Join("..", "..", "..", "artifacts")
	}
	dir := filepath.Join(root, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshots: %v", err)
	}
	return dir
}

// session is one headless browser with its own profile, watching the
// console for errors.
type session struct {
	t    *testing.T
	env  *apptest.Env
	ctx  context.Context
	lang string
	flow string
	dir  string
	n    int
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func newSession(t *testing.T, env *apptest.Env, lang, flow string) *session {
	t.Helper()
	path := chromePath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium found on CI: .ci/run installs it with scripts/install-browser.sh")
		}
		t.Skip("no chromium found (install it with scripts/install-browser.sh or set BEIAN_CHROME)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("lang", map[string]string{"zh": "zh-CN", "en": "en-US"}[lang]),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	s := &session{t: t, env: env, ctx: ctx, lang: lang, flow: flow, dir: screenshotDir(t)}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
		}
	}()
	s.open("/")
	// The language comes from the switch, remembered in a cookie.
	s.submit(fmt.Sprintf(`form.lang button[value="%s"]`, lang))
	return s
}

func (s *session) run(actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.fail("%v", err)
	}
}

func (s *session) fail(format string, args ...any) {
	s.t.Helper()
	loc, _ := chromedp.Run(s.ctx, chromedp.Location())
	s.shot("FAILED")
	s.t.Fatalf("at %s: %s", loc, fmt.Sprintf(format, args...))
}

func (s *session) open(path string) {
	s.t.Helper()
	s.run(chromedp.Navigate(s.env.Server.URL+path), chromedp.WaitReady("body"))
}

// submit clicks a submit button and waits for the page it leads to.
func (s *session) submit(sel string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
		s.fail("click %s: %v", sel, err)
	}
	s.run(chromedp.WaitReady("body"))
}

// fill sets the value of inputs by name, as typing would, without events.
func (s *session) fill(values map[string]string) {
	s.t.Helper()
	for name, v := range values {
		s.run(chromedp.SetValue(fmt.Sprintf(`[name="%s"]`, name), v))
	}
}

// changed fires the change event of an input, as leaving it does.
func (s *session) changed(name string) {
	s.t.Helper()
	js := fmt.Sprintf(`document.querySelector('[name="%s"]').dispatchEvent(new Event("change", {bubbles: true})); true`, name)
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](js)); err != nil {
		s.fail("change %s: %v", name, err)
	}
}

func (s *session) text(sel string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		s.fail("text %s: %v", sel, err)
	}
	return v
}

func (s *session) eval(js string) []string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		s.fail("eval: %v", err)
	}
	return v
}

const unlabelled = `(() => { const bad = []; document.querySelectorAll("input, select, textarea").forEach(el => {
  if (["hidden", "submit", "button"].includes(el.type)) return;
  if ((el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return;
  bad.push(el.name || el.id || el.outerHTML.slice(0, 80)); }); return bad; })()`

const overflowing = `(() => { const w = document.documentElement.clientWidth; const out = [];
  if (document.documentElement.scrollWidth <= w + 1) return out;
  document.querySelectorAll("body *").forEach(e => { const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1) out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "")); });
  if (!out.length) out.push("document " + document.documentElement.scrollWidth + " > " + w); return out.slice(0, 8); })()`

const missingKeys = `(() => { const html = document.documentElement.outerHTML; const out = []; let i = html.indexOf("` + ui.MissingPrefix + `");
  while (i >= 0 && out.length < 5) { out.push(html.slice(i, i + 60)); i = html.indexOf("` + ui.MissingPrefix + `", i + 1); } return out; })()`

// check is run on every page the flows reach: no missing translation, every
// input labelled, no horizontal scrolling at 1280 px and at 375 px, no
// console error (except those named in allow, such as an expected 404),
// and a screenshot at both widths.
func (s *session) check(name string, allow ...string) {
	s.t.Helper()
	if m := s.eval(missingKeys); len(m) > 0 {
		s.fail("%s: missing translations %q", name, m)
	}
	if m := s.eval(unlabelled); len(m) > 0 {
		s.fail("%s: inputs without a label: %q", name, m)
	}
	if m := s.eval(overflowing); len(m) > 0 {
		s.fail("%s: wider than 1280 px: %q", name, m)
	}
	s.shot(name + "-1280")
	s.run(chromedp.EmulateViewport(375, 812))
	if m := s.eval(overflowing); len(m) > 0 {
		s.shot(name + "-375")
		s.fail("%s: wider than 375 px: %q", name, m)
	}
	s.shot(name + "-375")
	s.run(chromedp.EmulateViewport(1280, 900))
	s.mu.Lock()
	msgs := s.msgs
	s.msgs = nil
	s.mu.Unlock()
	for _, m := range msgs {
		if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
			continue
		}
		ok := false
		for _, a := range allow {
			ok = ok || strings.Contains(m.Text, a)
		}
		if !ok {
			s.fail("%s: console %s (%s)", name, m, m.URL)
		}
	}
}

func (s *session) shot(name string) {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return
	}
	s.n++
	file := filepath.Join(s.dir, fmt.Sprintf("%s-%s-%02d-%s.png", s.flow, s.lang, s.n, name))
	if err := os.WriteFile(file, b, 0o644); err != nil {
		s.t.Errorf("screenshot %s: %v", file, err)
	}
}

func (s *session) login(email, password string) {
	s.t.Helper()
	s.open("/login")
	s.fill(map[string]string{"email": email, "password": password})
	s.submit(`form[action="/login"] button[type=submit]`)
}

func (s *session) logout() {
	s.t.Helper()
	s.submit(`form.logout button`)
}

// scanPNG writes a small PNG to stand for a scanned document.
func scanPNG(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for x := 0; x < 60; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 6), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "scan.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var langs = []string{"zh", "en"}

// TestBrowserFirstFiling clicks through, in both languages: the public
// pages and the advisor, sign-up, a first filing whose blocking error shows
// live next to its field and is corrected, a document upload, submit, the
// provider's approval, the SMS codes, the authority's approval, and the
// number on the dashboard and in the public lookup.
func TestBrowserFirstFiling(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			s := newSession(t, env, lang, "filing")
			c := fixture.FirstFiling(70 + i)
			s.check("home")
			s.open("/advisor")
			s.check("advisor-1")
			s.run(chromedp.Click(`input[value="mainland"]`))
			s.submit(`main form button[type=submit]`)
			s.check("advisor-2")
			s.run(chromedp.Click(`input[value="yes"]`))
			s.submit(`main form button[type=submit]`)
			s.check("advisor-3")
			s.submit(`main form button[type=submit]`)
			s.check("advisor-4")
			s.submit(`main form button[type=submit]`)
			s.run(chromedp.WaitVisible(`svg.timeline-svg`))
			s.check("advisor-plan")

			s.open("/signup")
			s.check("signup")
			email := fmt.Sprintf("first%d@example.com", i)
			s.fill(map[string]string{"name": "王芳", "email": email, "password": "correct horse 1", "password2": "correct horse 1"})
			s.submit(`form[action="/signup"] button[type=submit]`)
			s.check("dashboard-empty")
			s.open("/applications/new")
			s.check("wizard-new")
			s.submit(`form[action="/applications/new"] button[type=submit]`)

			vals := entityForm(c)
			form := map[string]string{}
			for k := range vals {
				form[k] = vals.Get(k)
			}
			form["entity.certificate_number"] = "91110105MA0000000X"
			s.fill(form)
			s.changed("entity.certificate_number")
			bad := `[data-for="entity.certificate_number"] [data-code^="uscc."]`
			s.run(chromedp.WaitVisible(bad))
			s.check("wizard-entity-error")
			s.fill(map[string]string{"entity.certificate_number": c.Entity.CertificateNumber})
			s.changed("entity.certificate_number")
			s.run(chromedp.WaitNotPresent(bad))
			s.submit(`button[value="next"]`)

			form = map[string]string{}
			wv := websiteForm(c)
			for k := range wv {
				form[k] = wv.Get(k)
			}
			s.fill(form)
			s.check("wizard-websites")
			s.submit(`button[value="next"]`)
			s.run(chromedp.SetValue(`#kind`, "business_license"), chromedp.SetUploadFiles(`#file`, []string{scanPNG(t)}))
			s.submit(`form[enctype] button[type=submit]`)
			s.run(chromedp.WaitVisible(`ul.docs li`))
			s.check("wizard-documents")
			s.submit(`p.actions a.button`)
			s.check("wizard-review")
			s.submit(`form[action$="/submit"] button[type=submit]`)
			s.run(chromedp.WaitVisible(`.status-provider_review`))
			s.check("application-submitted")
			loc, _ := chromedp.Run(s.ctx, chromedp.Location())
			id := loc[strings.LastIndex(loc, "/")+1:]
			s.logout()

			env.Operator(auth.RoleProvider)
			s.open("/login")
			s.check("login")
			s.login("provider@ops.test", "operator pass 1")
			s.run(chromedp.WaitVisible(`svg.chart-svg`))
			s.check("queue-provider")
			s.open("/applications/" + id)
			s.run(chromedp.WaitVisible(`.doc img`))
			s.check("review-provider")
			s.submit(`button[value="approve"]`)
			s.run(chromedp.WaitVisible(`p.flash`))
			s.check("queue-after-decision")
			s.logout()

			s.login(email, "correct horse 1")
			s.open("/applications/" + id + "/sms")
			s.check("sms")
			for _, phone := range []string{c.Entity.Principal.Phone, c.Websites[0].Principal.Phone} {
				s.fill(map[string]string{"phone": phone, "code": env.SMSCode(phone)})
				s.submit(`form[action$="/sms"] button[type=submit]`)
			}
			s.run(chromedp.WaitVisible(`.status-authority_review`))
			s.check("application-sms-done")
			s.logout()

			env.Operator(auth.RoleAuthority)
			s.login("authority@ops.test", "operator pass 1")
			s.check("queue-authority")
			s.open("/applications/" + id)
			s.submit(`button[value="approve"]`)
			s.logout()

			s.login(email, "correct horse 1")
			number := s.text(`.filed [data-number]`)
			if !strings.HasPrefix(number, "京ICP备2026") {
				s.fail("dashboard number %q", number)
			}
			s.check("dashboard-number")
			s.open("/lookup?q=" + c.Websites[0].Domains[0].Name)
			if got := s.text(`table.results`); !strings.Contains(got, number) {
				s.fail("lookup shows %q, want %s", got, number)
			}
			s.check("lookup-result")
			s.open("/no-such-page")
			s.check("not-found", "404")
		})
	}
}

// submitted files a valid first filing through the API, as a program
// would, and submits it; the browser flows then pick it up.
func submitted(t *testing.T, env *apptest.Env, email string, n int) string {
	t.Helper()
	tok := env.Applicant(email)
	c := fixture.FirstFiling(n)
	r := env.Do("POST", "/api/v1/applications", tok, map[string]any{"operation": "first_filing", "provider": apptest.ProviderCode,
		"entity": c.Entity, "websites": c.Websites}).Must(t, 201)
	env.Do("POST", apptest.Path(r.ID(), "/submit"), tok, nil).Must(t, 200)
	return fmt.Sprint(r.ID())
}

// TestBrowserRejection clicks through a rejection round-trip in both
// languages: the provider rejects with a reason template and a note, the
// applicant sees the reasons and what to fix, corrects the website name and
// submits again.
func TestBrowserRejection(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			email := fmt.Sprintf("reject%d@example.com", i)
			id := submitted(t, env, email, 80+i)
			s := newSession(t, env, lang, "rejection")
			env.Operator(auth.RoleProvider)
			s.login("provider@ops.test", "operator pass 1")
			s.open("/applications/" + id)
			s.run(chromedp.Click(`input[name="reason"][value="sitename"]`))
			s.fill(map[string]string{"note": "网站名称请与网站内容一致"})
			s.check("reject-form")
			s.submit(`button[value="reject"]`)
			s.logout()

			s.login(email, "correct horse 1")
			s.check("dashboard-rejected")
			s.open("/applications/" + id)
			reasons := s.text(`.rejected .reasons`)
			if !strings.Contains(reasons, "网站名称不符合要求") || !strings.Contains(reasons, "网站名称请与网站内容一致") {
				s.fail("rejection reasons %q", reasons)
			}
			s.check("application-rejected")
			s.open("/applications/" + id + "/edit/websites")
			s.fill(map[string]string{"websites[0].name": "测试八零科技产品介绍"})
			s.submit(`button[value="next"]`)
			s.open("/applications/" + id + "/edit/review")
			s.check("resubmit-review")
			s.submit(`form[action$="/submit"] button[type=submit]`)
			s.run(chromedp.WaitVisible(`.status-provider_review`))
			if got := s.text(`ol.history`); !strings.Contains(got, "网站名称请与网站内容一致") {
				s.fail("history lacks the reason: %q", got)
			}
			s.check("resubmitted")
		})
	}
}

// TestBrowserFooterGenerator types the numbers into the footer generator
// and waits for the live preview and the code, in both languages, then
// uses the plain form (no script needed).
func TestBrowserFooterGenerator(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			s := newSession(t, env, lang, "footer")
			s.open("/footer-snippet")
			s.check("footer-empty")
			s.run(chromedp.SendKeys(`#icp`, "京ICP备2026000001号-1"), chromedp.SendKeys(`#psb`, "11010602005139"))
			s.run(chromedp.WaitVisible(`#snippet-output .preview a[href="https://beian.miit.gov.cn/"]`))
			s.run(chromedp.WaitVisible(`#snippet-output .preview img`))
			code, err := chromedp.Run(s.ctx, chromedp.Value(`#snippet`))
			if err != nil {
				s.fail("snippet: %v", err)
			}
			for _, want := range []string{`href="https://beian.miit.gov.cn/"`, "京ICP备2026000001号-1",
				`https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139`, "京公网安备11010602005139号", `src="/beian-gongan.png"`} {
				if !strings.Contains(code, want) {
					s.fail("snippet lacks %q:\n%s", want, code)
				}
			}
			s.check("footer-live")
			s.open("/footer-snippet")
			s.fill(map[string]string{"icp": "粤ICP备2026000002号"})
			s.submit(`#footer-form button[type=submit]`)
			s.run(chromedp.WaitVisible(`#snippet`))
			s.check("footer-form")
		})
	}
}

// TestBrowserOperatorPages visits the admin pages and the authority's
// empty queue, adding a provider and an account through the forms.
func TestBrowserOperatorPages(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			s := newSession(t, env, lang, "admin")
			env.Operator(auth.RoleAdmin)
			s.login("admin@ops.test", "operator pass 1")
			s.check("admin-providers")
			s.fill(map[string]string{"code": "east-idc", "name": "华东数据中心", "cidrs": "203.0.113.0/24\n2001:db8::/48"})
			s.submit(`form[action="/admin/providers"] button[type=submit]`)
			if got := s.text(`table.list`); !strings.Contains(got, "east-idc") || !strings.Contains(got, "203.0.113.0/24") {
				s.fail("provider list %q", got)
			}
			s.open("/admin/accounts")
			s.check("admin-accounts")
			s.fill(map[string]string{"email": "desk@east.example", "password": "desk password 1", "role": "provider", "provider": "east-idc"})
			s.submit(`form[action="/admin/accounts"] button[type=submit]`)
			s.run(chromedp.WaitVisible(`p.ok`))
			s.open("/admin/holidays?year=2026")
			s.check("admin-holidays")
			s.open("/admin/outbox")
			s.check("admin-outbox")
			s.logout()
			s.login("desk@east.example", "desk password 1")
			s.check("queue-new-provider")
		})
	}
}
