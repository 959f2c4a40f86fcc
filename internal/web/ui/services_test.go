package ui_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/web/ui"
)

// iconPNG is a 48×48 App icon well under the 100 KB limit.
func iconPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for x := 0; x < 48; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(200 - x*2), uint8(80 + y*3), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// principalForm is principal p's inputs under prefix, the emergency phone
// and the legal-representative block included.
func principalForm(v url.Values, prefix string, p form.Principal) {
	v.Set(prefix+".name", p.Name)
	v.Set(prefix+".id_type", p.IDType)
	v.Set(prefix+".id_number", p.IDNumber)
	v.Set(prefix+".id_expiry", p.IDExpiry)
	v.Set(prefix+".phone", p.Phone)
	v.Set(prefix+".email", p.Email)
	v.Set(prefix+".emergency_phone", p.EmergencyPhone)
	switch {
	case p.IsLegalRepresentative == nil:
		v.Set(prefix+".is_legal_representative", "")
	case *p.IsLegalRepresentative:
		v.Set(prefix+".is_legal_representative", "yes")
	default:
		v.Set(prefix+".is_legal_representative", "no")
	}
	if lr := p.LegalRepresentative; lr != nil {
		v.Set(prefix+".legal_representative.name", lr.Name)
		v.Set(prefix+".legal_representative.id_type", lr.IDType)
		v.Set(prefix+".legal_representative.id_number", lr.IDNumber)
	}
}

// entityServicesForm is the entity step filled from c, the principal's
// emergency phone and legal-representative answer included.
func entityServicesForm(c form.Content) url.Values {
	v := entityForm(c)
	principalForm(v, "entity.principal", c.Entity.Principal)
	return v
}

// serviceForm is the inputs of service i filled from c's service i; lists
// (platforms, pre-approvals) fill as many rows as the step shows, so a
// service with two platforms takes two saves.
func serviceForm(c form.Content, i int) url.Values {
	w := c.Websites[i]
	p := fmt.Sprintf("websites[%d]", i)
	v := url.Values{}
	v.Set(p+".service_type", string(w.Type()))
	v.Set(p+".name", w.Name)
	var names []string
	for _, d := range w.Domains {
		names = append(names, d.Name)
	}
	v.Set(p+".domains", strings.Join(names, "\n"))
	v.Set(p+".access.ips", strings.Join(w.Access.IPs, "\n"))
	v.Set(p+".remarks", w.Remarks)
	if w.Type() == icpnum.ServiceWebsite {
		v.Set(p+".home_url", w.HomeURL)
		v.Set(p+".content_types", strings.Join(w.ContentTypes, ","))
	} else {
		v[p+".content_types"] = w.ContentTypes
	}
	for j, pa := range w.PreApprovals {
		setAll(v, fmt.Sprintf("%s.pre_approvals[%d].", p, j), "type", pa.Type, "number", pa.Number, "issuing_body", pa.IssuingBody,
			"valid_from", pa.ValidFrom, "valid_to", pa.ValidTo)
	}
	if a := w.App; a != nil {
		v[p+".app.languages"] = a.Languages
		var notes []string
		for _, s := range a.SDKs {
			if s.Code == "other" {
				notes = append(notes, s.Note)
			} else {
				v.Add(p+".app.sdks", s.Code)
			}
		}
		v.Set(p+".app.sdks_other", strings.Join(notes, "\n"))
		for j, pl := range a.Platforms {
			setAll(v, fmt.Sprintf("%s.app.platforms[%d].", p, j), "platform", pl.Platform, "id", pl.ID, "public_key", pl.PublicKey,
				"fingerprint", pl.Fingerprint)
		}
	}
	if h := w.Hosted(); h != nil {
		setAll(v, p+"."+string(w.Type())+".", "platform", h.Platform, "app_id", h.AppID, "description", h.Description)
	}
	principalForm(v, p+".principal", w.Principal)
	return v
}

// setAll sets the pairs name, value of kv under prefix.
func setAll(v url.Values, prefix string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(prefix+kv[i], kv[i+1])
	}
}

// merge adds every value of more to v.
func merge(v url.Values, more url.Values) url.Values {
	for k, vs := range more {
		v[k] = vs
	}
	return v
}

// upload posts one file as a multipart form, as the icon form does.
func (b *browser) upload(path, field, name string, data []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField(ui.CSRFField, b.csrf())
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.env.Server.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestAppFilingWithoutJavaScript files a website and an App in one first
// filing through plain form posts, in both languages: the service type is
// chosen, the App's fields appear, a bad fingerprint and an oversized icon
// are refused next to their fields, the icon is uploaded, and after both
// desks approve the dashboard and the desks show …号-1 (website) and
// …号-2A (App) with the type names.
func TestAppFilingWithoutJavaScript(t *testing.T) {
	for i, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			n := 60 + i
			c := fixture.AppFiling(n)
			b := newBrowser(t, env, lang)
			email := fmt.Sprintf("app%d@example.com", n)
			id := startServices(b, email, c)
			base := "/applications/" + id + "/edit/"

			ws := websiteForm(c)
			ws.Set("go", "add")
			p := b.post(base+"websites", ws).must(t, 200)
			if !strings.Contains(p.Body, `name="websites[1].service_type"`) {
				t.Fatalf("no second service:\n%s", snippet(p.Body))
			}
			// Choosing the App type shows the App's inputs.
			p = b.post(base+"websites", merge(websiteForm(c), url.Values{"websites[1].service_type": {"app"}, "go": {"stay"}})).must(t, 200)
			for _, want := range []string{`name="websites[1].app.platforms[0].fingerprint"`, `name="websites[1].app.languages" value="zh-Hans"`,
				`name="websites[1].content_types" value="commerce.own_goods"`, `name="websites[1].pre_approvals[0].type"`,
				`name="websites[1].principal.emergency_phone"`, `form="icon-1"`, `action="/applications/` + id + `/services/1/icon"`} {
				if !strings.Contains(p.Body, want) {
					t.Fatalf("App inputs lack %s:\n%s", want, snippet(p.Body))
				}
			}
			if strings.Contains(p.Body, `name="websites[1].home_url"`) {
				t.Error("an App has no home URL input")
			}
			// A wrong fingerprint is refused next to its input.
			bad := fixture.AppFiling(n)
			bad.Websites[1].App.Platforms[0].Fingerprint = strings.Repeat("0", 31)
			p = b.post(base+"websites", merge(merge(websiteForm(c), serviceForm(bad, 1)), url.Values{"go": {"stay"}})).must(t, 200)
			box := regexp.MustCompile(`(?s)data-for="websites\[1\]\.app\.platforms\[0\]\.fingerprint">(.*?)</div>`).FindStringSubmatch(p.Body)
			if box == nil || !strings.Contains(box[1], `class="finding error"`) {
				t.Fatalf("no finding next to the fingerprint:\n%v", box)
			}
			// The second save takes the second platform.
			for range 2 {
				p = b.post(base+"websites", merge(merge(websiteForm(c), serviceForm(c, 1)), url.Values{"go": {"stay"}})).must(t, 200)
			}
			big := append(iconPNG(t), make([]byte, 101*1024)...)
			p = b.upload("/applications/"+id+"/services/1/icon", "icon", "big.png", big).must(t, 422)
			if !strings.Contains(p.Body, "102400") && !strings.Contains(p.Body, "102,400") {
				t.Errorf("oversized icon: no size message:\n%s", snippet(p.Body))
			}
			p = b.upload("/applications/"+id+"/services/1/icon", "icon", "icon.png", iconPNG(t)).must(t, 200)
			if !regexp.MustCompile(`<img src="/applications/` + id + `/documents/\d+" alt="[^"]+" class="app-icon"`).MatchString(p.Body) {
				t.Fatalf("no icon preview:\n%s", snippet(p.Body))
			}
			tok, _, err := env.App.Accounts.IssueToken(t.Context(), email, "correct horse 1")
			if err != nil {
				t.Fatal(err)
			}
			appID, _ := strconv.ParseInt(id, 10, 64)
			got, err := env.App.Filing.Get(t.Context(), env.Principal(tok), appID)
			if err != nil {
				t.Fatal(err)
			}
			app := got.Content.Websites[1]
			want := c.Websites[1]
			// Inputs are trimmed: the PEM keeps no final newline.
			for j := range want.App.Platforms {
				want.App.Platforms[j].PublicKey = strings.TrimSpace(want.App.Platforms[j].PublicKey)
			}
			if app.Type() != icpnum.ServiceApp || app.Name != want.Name || len(app.App.Platforms) != 2 || app.App.Platforms[1] != want.App.Platforms[1] ||
				!strings.HasPrefix(app.App.Icon, "doc-") || len(app.PreApprovals) != 1 || app.PreApprovals[0].Type != "none" ||
				app.Principal.EmergencyPhone != want.Principal.EmergencyPhone || app.Principal.LegalRepresentative == nil ||
				*app.Principal.LegalRepresentative != *want.Principal.LegalRepresentative || app.HomeURL != "" || got.Content.Websites[0].App != nil {
				t.Fatalf("stored App %+v %+v\nwant %+v %+v", app, *app.App, want, *want.App)
			}
			for _, f := range got.Findings {
				if f.Severity == "error" {
					t.Errorf("finding %s %s: %s", f.Code, f.Field, f.MessageEN)
				}
			}
			rv := b.get(base+"review").must(t, 200)
			for _, w := range []string{want.App.Platforms[0].ID, want.App.Platforms[1].Fingerprint, want.Principal.LegalRepresentative.Name} {
				if !strings.Contains(rv.Body, w) {
					t.Errorf("review summary lacks %s", w)
				}
			}
			p = b.post("/applications/"+id+"/submit", nil).must(t, 200)
			if !strings.Contains(p.Body, "status-provider_review") {
				t.Fatalf("after submit:\n%s", snippet(p.Body))
			}
			prov := signIn(t, env, auth.RoleProvider, lang)
			q := prov.get("/review").must(t, 200)
			if !strings.Contains(q.Body, `data-service-type="app"`) || !strings.Contains(q.Body, want.Name) {
				t.Errorf("provider queue lacks the App:\n%s", snippet(q.Body))
			}
			d := prov.get("/applications/"+id).must(t, 200)
			if !strings.Contains(d.Body, want.App.Platforms[0].Fingerprint) {
				t.Errorf("provider desk lacks the App's fingerprint")
			}
			prov.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
			for _, phone := range smsPhones(c) {
				p = b.post("/applications/"+id+"/sms", url.Values{"phone": {phone}, "code": {env.SMSCode(phone)}}).must(t, 200)
			}
			if !strings.Contains(p.Body, "status-authority_review") {
				t.Fatalf("after SMS:\n%s", snippet(p.Body))
			}
			authy := signIn(t, env, auth.RoleAuthority, lang)
			if q := authy.get("/review").must(t, 200); !strings.Contains(q.Body, `data-service-type="app"`) {
				t.Errorf("authority queue lacks the App")
			}
			authy.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
			dash := b.get("/dashboard").must(t, 200)
			m := regexp.MustCompile(`data-service-type="app"><span class="svc-type">([^<]+)</span> <span class="number" data-service-number="([^"]+)"`).FindStringSubmatch(dash.Body)
			if m == nil || !strings.HasSuffix(m[2], "号-2A") || m[1] != map[string]string{"zh": "App", "en": "App"}[lang] {
				t.Fatalf("dashboard shows no App number:\n%s", snippet(dash.Body))
			}
			if !regexp.MustCompile(`data-service-type="website"><span class="svc-type">` + map[string]string{"zh": "网站", "en": "Website"}[lang] + `</span> <span class="number" data-service-number="[^"]+号-1"`).MatchString(dash.Body) {
				t.Errorf("dashboard shows no website number:\n%s", snippet(dash.Body))
			}
		})
	}
}

// startServices signs up as email, starts a first filing and fills the
// entity step from c; it returns the application's id.
func startServices(b *browser, email string, c form.Content) string {
	b.t.Helper()
	b.post("/signup", url.Values{"email": {email}, "name": {"张三"}, "password": {"correct horse 1"}, "password2": {"correct horse 1"}}).must(b.t, 200)
	p := b.post("/applications/new", url.Values{"operation": {"first_filing"}, "provider": {apptest.ProviderCode}}).must(b.t, 200)
	m := appPath.FindStringSubmatch(p.URL)
	if m == nil {
		b.t.Fatalf("no application in %s", p.URL)
	}
	ev := entityServicesForm(c)
	ev.Set("go", "next")
	b.post("/applications/"+m[1]+"/edit/entity", ev).must(b.t, 200)
	return m[1]
}

// smsPhones are the distinct principals' phones of c, which receive the
// verification codes.
func smsPhones(c form.Content) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range append([]string{c.Entity.Principal.Phone}, func() []string {
		var ps []string
		for _, w := range c.Websites {
			ps = append(ps, w.Principal.Phone)
		}
		return ps
	}()...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// hostedFiling is FirstFiling(n) with a mini-program and a quick app filed
// in the same order.
func hostedFiling(n int) form.Content {
	c := fixture.AppFiling(n)
	mini := fixture.MiniProgram(n)
	quick := fixture.MiniProgram(n)
	quick.ServiceType, quick.Name, quick.MiniProgram = icpnum.ServiceQuickApp, fmt.Sprintf("星野快应用%d号", n),
		nil
	quick.QuickApp = &form.MiniApp{Platform: "quick_app_alliance", AppID: fmt.Sprintf("com.xingye.coffee%d", n),
		Description: mini.MiniProgram.Description}
	c.Websites = []form.Website{c.Websites[0], mini, quick}
	return c
}

// TestHostedServicesWithoutJavaScript files a website, a mini-program and
// a quick app through the forms: their platform, app ID and description
// inputs, a description too short refused next to its input, and after
// approval …号-1, …号-2X and …号-3K with their type names on the
// dashboard and the authority's desk.
func TestHostedServicesWithoutJavaScript(t *testing.T) {
	env := apptest.New(t)
	c := hostedFiling(64)
	b := newBrowser(t, env, "en")
	id := startServices(b, "hosted@example.com", c)
	base := "/applications/" + id + "/edit/"
	form := websiteForm(c)
	for range 2 {
		form.Set("go", "add")
		b.post(base+"websites", form).must(t, 200)
	}
	form.Set("go", "stay")
	form.Set("websites[1].service_type", "mini_program")
	form.Set("websites[2].service_type", "quick_app")
	p := b.post(base+"websites", form).must(t, 200)
	for _, want := range []string{`name="websites[1].mini_program.app_id"`, `name="websites[2].quick_app.description"`,
		`<option value="wechat">`, `<option value="quick_app_alliance">`} {
		if !strings.Contains(p.Body, want) {
			t.Fatalf("hosted inputs lack %s:\n%s", want, snippet(p.Body))
		}
	}
	short := hostedFiling(64)
	short.Websites[1].MiniProgram.Description = "咖啡点单"
	all := merge(merge(merge(websiteForm(c), serviceForm(short, 1)), serviceForm(c, 2)), url.Values{"go": {"stay"}})
	p = b.post(base+"websites", all).must(t, 200)
	box := regexp.MustCompile(`(?s)data-for="websites\[1\]\.mini_program\.description">(.*?)</div>`).FindStringSubmatch(p.Body)
	if box == nil || !strings.Contains(box[1], `class="finding error"`) {
		t.Fatalf("no finding next to the short description: %v", box)
	}
	all = merge(merge(merge(websiteForm(c), serviceForm(c, 1)), serviceForm(c, 2)), url.Values{"go": {"next"}})
	p = b.post(base+"websites", all).must(t, 200)
	if !strings.HasSuffix(p.URL, "/edit/documents") {
		t.Fatalf("services step went to %s", p.URL)
	}
	rv := b.get(base+"review").must(t, 200)
	if strings.Contains(rv.Body, `class="finding error"`) {
		t.Fatalf("review has errors:\n%s", snippet(rv.Body))
	}
	b.post("/applications/"+id+"/submit", nil).must(t, 200)
	signIn(t, env, auth.RoleProvider, "en").post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
	for _, phone := range smsPhones(c) {
		b.post("/applications/"+id+"/sms", url.Values{"phone": {phone}, "code": {env.SMSCode(phone)}}).must(t, 200)
	}
	authy := signIn(t, env, auth.RoleAuthority, "en")
	q := authy.get("/review").must(t, 200)
	for _, want := range []string{`data-service-type="mini_program"><span class="svc-type">Mini-program</span>`, `data-service-type="quick_app"><span class="svc-type">Quick app</span>`} {
		if !strings.Contains(q.Body, want) {
			t.Errorf("authority queue lacks %s", want)
		}
	}
	authy.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
	dash := b.get("/dashboard").must(t, 200)
	for typ, suffix := range map[string]string{"website": "号-1", "mini_program": "号-2X", "quick_app": "号-3K"} {
		re := regexp.MustCompile(`data-service-type="` + typ + `"><span class="svc-type">[^<]+</span> <span class="number" data-service-number="[^"]+` + suffix + `"`)
		if !re.MatchString(dash.Body) {
			t.Errorf("dashboard lacks the %s numbered …%s:\n%s", typ, suffix, snippet(dash.Body))
		}
	}
}
