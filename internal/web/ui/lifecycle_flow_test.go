package ui_test

import (
	"fmt"
	"github.com/beian/beian/internal/filing"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

// filedFirst takes a first filing through the API to approval and returns
// its content and the entity and website numbers issued; the applicant's
// password is "correct horse 1".
func filedFirst(t *testing.T, env *apptest.Env, email string, n int) (form.Content, string, string) {
	t.Helper()
	a := env.File(env.Applicant(email), apptest.FirstFiling(n), filing.StatusApproved)
	if a.EntityNumber == nil || len(a.WebsiteNumbers) != 1 {
		t.Fatalf("first filing approved without its numbers: %+v", a)
	}
	return *a.Content, *a.EntityNumber, a.WebsiteNumbers[0]
}

var (
	formRE     = regexp.MustCompile(`(?s)<form method="post" action="/applications/\d+/edit/[a-z]+".*?</form>`)
	inputRE    = regexp.MustCompile(`<input [^>]*>`)
	selectRE   = regexp.MustCompile(`(?s)<select [^>]*name="([^"]*)"[^>]*>(.*?)</select>`)
	optionRE   = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]*)"[^>]*>(.*?)</textarea>`)
	attrRE     = regexp.MustCompile(`(name|value|type)="([^"]*)"`)
)

// stepForm reads the wizard form of a page the way a browser submits it:
// every input, the selected option of every select (the first when none
// is), every textarea; the buttons are left to the caller.
func stepForm(t *testing.T, p page) url.Values {
	t.Helper()
	f := formRE.FindString(p.Body)
	if f == "" {
		t.Fatalf("%s: no wizard form:\n%s", p.URL, snippet(p.Body))
	}
	v := url.Values{}
	for _, in := range inputRE.FindAllString(f, -1) {
		a := map[string]string{}
		for _, m := range attrRE.FindAllStringSubmatch(in, -1) {
			a[m[1]] = html.UnescapeString(m[2])
		}
		if a["name"] != "" && a["type"] != "submit" {
			v.Set(a["name"], a["value"])
		}
	}
	for _, s := range selectRE.FindAllStringSubmatch(f, -1) {
		opts := optionRE.FindAllStringSubmatch(s[2], -1)
		if len(opts) == 0 {
			continue
		}
		val := opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				val = o[1]
			}
		}
		v.Set(html.UnescapeString(s[1]), html.UnescapeString(val))
	}
	for _, ta := range textareaRE.FindAllStringSubmatch(f, -1) {
		v.Set(html.UnescapeString(ta[1]), html.UnescapeString(ta[2]))
	}
	return v
}

// startOp posts the new-application form for op on a filed number and
// returns the application id and the entity step it lands on.
func startOp(t *testing.T, b *browser, op string, numbers url.Values) (string, page) {
	t.Helper()
	np := b.get("/applications/new").must(t, 200)
	for _, name := range []string{`name="entity_number"`, `name="website_number"`} {
		if !strings.Contains(np.Body, name) {
			t.Fatalf("new-application form lacks %s:\n%s", name, snippet(np.Body))
		}
	}
	numbers.Set("operation", op)
	numbers.Set("provider", apptest.ProviderCode)
	p := b.post("/applications/new", numbers).must(t, 200)
	m := appPath.FindStringSubmatch(p.URL)
	if m == nil || !strings.HasSuffix(p.URL, "/edit/entity") {
		t.Fatalf("%s: landed on %s:\n%s", op, p.URL, snippet(p.Body))
	}
	return m[1], p
}

// next submits a step's form with the "next" button and checks where it lands.
func next(t *testing.T, b *browser, id, step string, v url.Values, want string) page {
	t.Helper()
	v.Set("go", "next")
	p := b.post("/applications/"+id+"/edit/"+step, v).must(t, 200)
	if !strings.HasSuffix(p.URL, "/edit/"+want) {
		t.Fatalf("step %s went to %s, want %s:\n%s", step, p.URL, want, snippet(p.Body))
	}
	return p
}

// submitClean checks the review step has no blocking finding and submits.
func submitClean(t *testing.T, b *browser, id string) {
	t.Helper()
	p := b.get("/applications/"+id+"/edit/review").must(t, 200)
	if strings.Contains(p.Body, `class="finding error"`) {
		t.Fatalf("review of #%s has errors:\n%s", id, snippet(p.Body))
	}
	p = b.post("/applications/"+id+"/submit", nil).must(t, 200)
	if !strings.Contains(p.Body, "status-provider_review") {
		t.Fatalf("after submit of #%s:\n%s", id, snippet(p.Body))
	}
}

// approveWithSMS has the provider approve #id, enters the codes sent to
// phones on the SMS page and has the authority approve.
func approveWithSMS(t *testing.T, env *apptest.Env, b, prov, authy *browser, id string, phones ...string) {
	t.Helper()
	prov.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
	p := b.get("/applications/"+id+"/sms").must(t, 200)
	if !strings.Contains(p.Body, `action="/applications/`+id+`/sms"`) {
		t.Fatalf("no SMS form for #%s:\n%s", id, snippet(p.Body))
	}
	for _, phone := range phones {
		p = b.post("/applications/"+id+"/sms", url.Values{"phone": {phone}, "code": {env.SMSCode(phone)}}).must(t, 200)
	}
	if !strings.Contains(p.Body, "status-authority_review") {
		t.Fatalf("#%s after SMS:\n%s", id, snippet(p.Body))
	}
	authy.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
	if p = b.get("/applications/"+id).must(t, 200); !strings.Contains(p.Body, "status-approved") {
		t.Fatalf("#%s after the authority:\n%s", id, snippet(p.Body))
	}
}

// TestOperationsOnFiledWithoutJavaScript walks the wizard through plain form
// posts, in both languages, for the operations on an approved first filing:
// new_website (a second website, number …-2), change_website (a new name
// for …-1, seen in the public lookup) and cancel_access (no SMS step: the
// provider's approval goes straight to the authority). The wizard starts
// from the filed data: the steps are submitted as a browser would, with
// the values the pages show.
func TestOperationsOnFiledWithoutJavaScript(t *testing.T) {
	for i, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			email := fmt.Sprintf("ops%d@example.com", i)
			c, entity, site1 := filedFirst(t, env, email, 70+i)
			b, _ := signInAs(t, env, lang, email, "correct horse 1")
			prov := signIn(t, env, auth.RoleProvider, lang)
			authy := signIn(t, env, auth.RoleAuthority, lang)

			// A number of another account is refused on the first form, in the chosen language.
			_, oentity, _ := filedFirst(t, env, "other"+email, 80+i)
			p := b.post("/applications/new", url.Values{"operation": {"new_website"}, "provider": {apptest.ProviderCode},
				"entity_number": {oentity}}).must(t, 422)
			if !strings.Contains(p.Body, `role="alert"`) || !strings.Contains(p.Body, `value="`+oentity+`"`) {
				t.Fatalf("foreign entity not refused on the form:\n%s", snippet(p.Body))
			}

			// (a) new_website: the entity comes from the filing, the new website is typed in.
			id, p := startOp(t, b, "new_website", url.Values{"entity_number": {entity}})
			ent := stepForm(t, p)
			if ent.Get("entity_number") != entity || ent.Get("entity.name") != c.Entity.Name ||
				ent.Get("entity.certificate_number") != c.Entity.CertificateNumber {
				t.Fatalf("entity step not filled from the filing: %v", ent)
			}
			next(t, b, id, "entity", ent, "websites")
			nc := fixture.FirstFiling(90 + i)
			ws := websiteForm(nc)
			next(t, b, id, "websites", ws, "documents")
			submitClean(t, b, id)
			approveWithSMS(t, env, b, prov, authy, id, c.Entity.Principal.Phone, nc.Websites[0].Principal.Phone)
			site2 := entity + "-2"
			d := b.get("/dashboard").must(t, 200)
			if !strings.Contains(d.Body, `data-service-number="`+site2+`">`+site2+`</span> `+nc.Websites[0].Name) {
				t.Fatalf("dashboard lacks %s %s:\n%s", site2, nc.Websites[0].Name, snippet(d.Body))
			}
			l := newBrowser(t, env, lang).get("/lookup?q="+url.QueryEscape(nc.Websites[0].Domains[0].Name)).must(t, 200)
			if !strings.Contains(l.Body, site2) || !strings.Contains(l.Body, c.Entity.Name) {
				t.Fatalf("lookup lacks %s:\n%s", site2, snippet(l.Body))
			}

			// (b) change_website: only the website number is given; the entity number follows from it.
			id, p = startOp(t, b, "change_website", url.Values{"website_number": {site1}})
			ent = stepForm(t, p)
			if ent.Get("entity_number") != entity || ent.Get("entity.name") != c.Entity.Name {
				t.Fatalf("entity step not filled from the filing: %v", ent)
			}
			p = next(t, b, id, "entity", ent, "websites")
			ws = stepForm(t, p)
			if ws.Get("websites[0].number") != site1 || ws.Get("websites[0].name") != c.Websites[0].Name ||
				ws.Get("websites[0].domains") != c.Websites[0].Domains[0].Name {
				t.Fatalf("website step not filled from the filing: %v", ws)
			}
			renamed := fmt.Sprintf("改名门户%d", i)
			ws.Set("websites[0].name", renamed)
			next(t, b, id, "websites", ws, "documents")
			submitClean(t, b, id)
			approveWithSMS(t, env, b, prov, authy, id, c.Websites[0].Principal.Phone)
			l = newBrowser(t, env, lang).get("/lookup?q="+url.QueryEscape(c.Websites[0].Domains[0].Name)).must(t, 200)
			if !strings.Contains(l.Body, site1) || !strings.Contains(l.Body, renamed) || strings.Contains(l.Body, c.Websites[0].Name) {
				t.Fatalf("lookup does not show %s renamed to %s:\n%s", site1, renamed, snippet(l.Body))
			}

			// (c) cancel_access of the second website: no SMS, straight to the authority.
			id, p = startOp(t, b, "cancel_access", url.Values{"entity_number": {entity}, "website_number": {site2}})
			p = next(t, b, id, "entity", stepForm(t, p), "websites")
			ws = stepForm(t, p)
			if ws.Get("websites[0].number") != site2 || ws.Get("websites[0].name") != nc.Websites[0].Name {
				t.Fatalf("website step not filled from the filing: %v", ws)
			}
			next(t, b, id, "websites", ws, "documents")
			submitClean(t, b, id)
			prov.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
			p = b.get("/applications/"+id).must(t, 200)
			if !strings.Contains(p.Body, "status-authority_review") || strings.Contains(p.Body, `href="/applications/`+id+`/sms"`) {
				t.Fatalf("cancel_access after the provider: want authority review and no SMS link:\n%s", snippet(p.Body))
			}
			authy.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)
			if p = b.get("/applications/"+id).must(t, 200); !strings.Contains(p.Body, "status-approved") {
				t.Fatalf("cancel_access after the authority:\n%s", snippet(p.Body))
			}
		})
	}
}
