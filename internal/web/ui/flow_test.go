package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
)

// entityForm is the entity step of the wizard filled from c.
func entityForm(c form.Content) url.Values {
	e, p := c.Entity, c.Entity.Principal
	return url.Values{
		"entity.nature": {e.Nature}, "entity.name": {e.Name}, "entity.certificate_type": {"uscc"},
		"entity.certificate_number": {e.CertificateNumber}, "entity.province": {e.Province}, "entity.address": {e.Address},
		"entity.principal.name": {p.Name}, "entity.principal.id_type": {p.IDType}, "entity.principal.id_number": {p.IDNumber},
		"entity.principal.id_expiry": {p.IDExpiry}, "entity.principal.phone": {p.Phone}, "entity.principal.email": {p.Email},
	}
}

// websiteForm is the websites step of the wizard filled from c's first website.
func websiteForm(c form.Content) url.Values {
	w, p := c.Websites[0], c.Websites[0].Principal
	return url.Values{
		"websites[0].name": {w.Name}, "websites[0].domains": {w.Domains[0].Name}, "websites[0].home_url": {w.HomeURL},
		"websites[0].content_types": {strings.Join(w.ContentTypes, ",")}, "websites[0].access.ips": {strings.Join(w.Access.IPs, "\n")},
		"websites[0].principal.name": {p.Name}, "websites[0].principal.id_type": {p.IDType}, "websites[0].principal.id_number": {p.IDNumber},
		"websites[0].principal.id_expiry": {p.IDExpiry}, "websites[0].principal.phone": {p.Phone}, "websites[0].principal.email": {p.Email},
	}
}

var appPath = regexp.MustCompile(`/applications/(\d+)/`)

// signIn signs an operator in through the login form.
func signIn(t *testing.T, env *apptest.Env, role auth.Role, lang string) *browser {
	t.Helper()
	env.Operator(role)
	b := newBrowser(t, env, lang)
	b.post("/login", url.Values{"email": {string(role) + "@ops.test"}, "password": {"operator pass 1"}}).must(t, 200)
	return b
}

// fileFirst signs up and fills a first filing through the forms, with a
// bad USCC first (the blocking finding shows next to its field) and then
// the right one. It returns the applicant's browser and the application id.
func fileFirst(t *testing.T, env *apptest.Env, lang string, n int) (*browser, string, form.Content) {
	t.Helper()
	c := fixture.FirstFiling(n)
	b := newBrowser(t, env, lang)
	email := fmt.Sprintf("applicant%d@example.com", n)
	b.post("/signup", url.Values{"email": {email}, "name": {"张三"}, "password": {"correct horse 1"}, "password2": {"correct horse 1"}}).must(t, 200)
	p := b.post("/applications/new", url.Values{"operation": {"first_filing"}, "provider": {apptest.ProviderCode}}).must(t, 200)
	m := appPath.FindStringSubmatch(p.URL)
	if m == nil {
		t.Fatalf("no application in %s", p.URL)
	}
	id := m[1]
	bad := entityForm(c)
	good := c.Entity.CertificateNumber
	bad.Set("entity.certificate_number", good[:17]+map[bool]string{true: "1", false: "0"}[good[17] == '0'])
	bad.Set("go", "stay")
	p = b.post("/applications/"+id+"/edit/entity", bad).must(t, 200)
	if !strings.Contains(p.Body, `data-code="uscc.checksum"`) {
		t.Fatalf("no inline uscc.checksum finding:\n%s", snippet(p.Body))
	}
	ok := entityForm(c)
	ok.Set("go", "next")
	p = b.post("/applications/"+id+"/edit/entity", ok).must(t, 200)
	if strings.Contains(p.Body, `data-code="uscc.checksum"`) || !strings.HasSuffix(p.URL, "/edit/websites") {
		t.Fatalf("after the fix: %s\n%s", p.URL, snippet(p.Body))
	}
	ws := websiteForm(c)
	ws.Set("go", "next")
	p = b.post("/applications/"+id+"/edit/websites", ws).must(t, 200)
	if !strings.HasSuffix(p.URL, "/edit/documents") {
		t.Fatalf("websites step went to %s", p.URL)
	}
	p = b.get("/applications/"+id+"/edit/review").must(t, 200)
	if strings.Contains(p.Body, `class="finding error"`) {
		t.Fatalf("review still has errors:\n%s", snippet(p.Body))
	}
	return b, id, c
}

// TestFirstFilingWithoutJavaScript walks the core flow through plain form
// posts: sign-up, a first filing with a blocking error corrected, submit,
// provider approval, SMS codes, authority approval, the number on the
// dashboard and in the public lookup.
func TestFirstFilingWithoutJavaScript(t *testing.T) {
	for i, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			b, id, c := fileFirst(t, env, lang, 40+i)
			p := b.post("/applications/"+id+"/submit", nil).must(t, 200)
			if !strings.Contains(p.Body, "status-provider_review") {
				t.Fatalf("after submit:\n%s", snippet(p.Body))
			}
			prov := signIn(t, env, auth.RoleProvider, lang)
			q := prov.get("/review").must(t, 200)
			if !strings.Contains(q.Body, "/applications/"+id+`"`) {
				t.Fatalf("queue lacks #%s:\n%s", id, snippet(q.Body))
			}
			prov.get("/applications/"+id).must(t, 200)
			prov.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)

			for _, phone := range []string{c.Entity.Principal.Phone, c.Websites[0].Principal.Phone} {
				p = b.post("/applications/"+id+"/sms", url.Values{"phone": {phone}, "code": {env.SMSCode(phone)}}).must(t, 200)
			}
			if !strings.Contains(p.Body, "status-authority_review") {
				t.Fatalf("after SMS:\n%s", snippet(p.Body))
			}
			authy := signIn(t, env, auth.RoleAuthority, lang)
			authy.post("/applications/"+id+"/decision", url.Values{"decision": {"approve"}}).must(t, 200)

			d := b.get("/dashboard").must(t, 200)
			num := regexp.MustCompile(`data-number="([^"]+)"`).FindStringSubmatch(d.Body)
			if num == nil || !strings.HasPrefix(num[1], "京ICP备2026") {
				t.Fatalf("dashboard shows no number:\n%s", snippet(d.Body))
			}
			l := newBrowser(t, env, lang).get("/lookup?q="+url.QueryEscape(c.Websites[0].Domains[0].Name)).must(t, 200)
			if !strings.Contains(l.Body, num[1]) || !strings.Contains(l.Body, c.Entity.Name) {
				t.Fatalf("lookup lacks %s:\n%s", num[1], snippet(l.Body))
			}
		})
	}
}
