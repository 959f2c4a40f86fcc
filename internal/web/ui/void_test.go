package ui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
)

// TestVoidButton: the provider desk sees a void form on a submitted
// application, a void without a reason is refused on the page, and with
// one the application ends voided with the reason in its history; the
// applicant never sees the form.
func TestVoidButton(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t)
			owner := env.Applicant("void-" + lang + "@example.com")
			a := env.File(owner, apptest.FirstFiling(631), filing.StatusProviderReview)
			path := fmt.Sprintf("/applications/%d", a.ID)
			desk := signIn(t, env, auth.RoleProvider, lang)
			if p := desk.get(path).must(t, 200); !strings.Contains(p.Body, `action="`+path+`/void"`) {
				t.Fatalf("no void form for the desk:\n%s", snippet(p.Body))
			}
			desk.post(path+"/void", url.Values{"void_reason": {""}}).must(t, 422)
			const reason = "USCC used without consent 未经授权"
			p := desk.post(path+"/void", url.Values{"void_reason": {reason}}).must(t, 200)
			if !strings.Contains(p.Body, reason) || strings.Contains(p.Body, `action="`+path+`/void"`) {
				t.Fatalf("after the void the page lacks the reason or still offers the form:\n%s", snippet(p.Body))
			}
			got, err := env.App.Filing.Get(t.Context(), env.Principal(owner), a.ID)
			if err != nil || got.Status != filing.StatusVoided {
				t.Fatalf("status after void: %v %v", got, err)
			}
			b := newBrowser(t, env, lang)
			b.post("/login", url.Values{"email": {"void-" + lang + "@example.com"}, "password": {"correct horse 1"}})
			if p := b.get(path).must(t, 200); strings.Contains(p.Body, "/void\"") {
				t.Errorf("the applicant is offered the void form")
			}
		})
	}
}
