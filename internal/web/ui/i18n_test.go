package ui

import (
	"github.com/beian/beian/internal/operation"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/beian/beian/internal/advisor"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/rules"
)

// TestCataloguesHaveTheSameKeys fails when a key is in one language's
// catalogue and not in the other.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	cs, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages() {
		if len(cs[l]) < 100 {
			t.Errorf("catalogue %s has only %d keys", l, len(cs[l]))
		}
	}
	if d := cs.Diff(); len(d) > 0 {
		t.Errorf("catalogues differ: %q", d)
	}
	// Diff itself must notice a gap.
	cs[LangEN] = Catalogue{"only.en": "x"}
	cs[LangZH] = Catalogue{}
	if d := cs.Diff(); len(d) != 1 || d[0] != "zh lacks only.en" {
		t.Errorf("Diff = %q", d)
	}
}

var (
	templateKey = regexp.MustCompile(`\bt "([a-z_][a-z0-9_.-]*)"`)
	goKey       = regexp.MustCompile(`(?:\.T\(|key: |label: )"([a-z_][a-z0-9_.-]*)"`)
)

// TestEveryKeyUsedExists reads the templates and the Go files for literal
// keys, and builds the keys made from enumerations (statuses, operations,
// natures …), and checks that both catalogues have each.
func TestEveryKeyUsedExists(t *testing.T) {
	cs, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	for _, glob := range []string{"templates/*.html", "*.go"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if filepath.Ext(f) == ".go" && regexp.MustCompile(`_test\.go$`).MatchString(f) {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			re := goKey
			if filepath.Ext(f) == ".html" {
				re = templateKey
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = f
			}
		}
	}
	add := func(prefix string, vals ...string) {
		for _, v := range vals {
			used[prefix+v] = "enumeration " + prefix
		}
	}
	for _, s := range []filing.Status{filing.StatusDraft, filing.StatusProviderReview, filing.StatusSMSVerification, filing.StatusAuthorityReview,
		filing.StatusApproved, filing.StatusRejected, filing.StatusWithdrawn, filing.StatusExpired} {
		add("status.", string(s))
	}
	for _, op := range operation.Default().Names() {
		add("op.", string(op))
	}
	for _, r := range auth.Roles() {
		add("role.", string(r))
	}
	add("role.", "system")
	for _, a := range []filing.Action{filing.ActSubmit, filing.ActWithdraw, filing.ActProviderApprove, filing.ActProviderReject, filing.ActSMSPassed,
		filing.ActSMSFailed, filing.ActSMSExpired, filing.ActAuthorityApprove, filing.ActAuthorityReject} {
		add("action.", string(a))
	}
	add("action.", "create")
	add("nature.", form.Natures...)
	add("idtype.", form.IDTypes...)
	add("cert.", rules.OrgCertificateTypes...)
	add("doc.", filing.DocumentKinds()...)
	for _, st := range icpnum.ServiceTypes() {
		add("svc.", string(st))
	}
	add("hosting.", advisor.Hostings...)
	add("stage.", advisor.StageFiling, advisor.StageLicense, advisor.StagePSB)
	add("sev.", "error", "warning")
	add("day.", "holiday", "makeup_workday")
	add("decide.title.", "provider", "authority")
	add("queue.heading.", "provider", "authority")
	add("wizard.step.", stepEntity, stepWebsites, stepDocuments, stepReview)
	add("wizard.intro.", stepEntity, stepWebsites, stepDocuments, stepReview)
	add("deadline.", "provider_review", "authority_review", "sms_verification")
	for _, q := range queueStatuses() {
		if q != "all" {
			add("status.", q)
		}
	}
	names, err := pageNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		switch n {
		case "error", "application", "wizard_step", "wizard_documents", "wizard_review":
		default: // shown with show(), titled name+".title"
			add("", n+".title")
		}
	}
	if len(used) < 200 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		if strings.HasSuffix(k, ".") {
			continue // a prefix completed by an enumeration above
		}
		if !cs.Has(k) {
			t.Errorf("key %q (used in %s) is missing from a catalogue", k, where)
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, cookie, accept, want string
	}{
		{"cookie wins", "en", "zh-CN,zh;q=0.9", "en"},
		{"cookie zh", "zh", "en-US", "zh"},
		{"bad cookie ignored", "fr", "en-GB,en;q=0.8", "en"},
		{"chinese browser", "", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"traditional chinese", "", "zh-TW", "zh"},
		{"english browser", "", "en-US,en;q=0.9", "en"},
		{"english preferred by q", "", "zh;q=0.5,en;q=0.9", "en"},
		{"unsupported falls back to chinese", "", "fr-FR", "zh"},
		{"empty", "", "", "zh"},
		{"garbage", "", ";;;q=x", "zh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.cookie, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.cookie, tc.accept, got, tc.want)
			}
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "zh-CN,zh;q=0.9", "en;q=0.1, *", "x-klingon;q=1.0"} {
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, cookie, accept string) {
		got := Negotiate(cookie, accept)
		if got != LangZH && got != LangEN {
			t.Fatalf("Negotiate(%q, %q) = %q", cookie, accept, got)
		}
	})
}

func TestMissingKeyIsVisible(t *testing.T) {
	l := Lang{Code: LangEN, cat: Catalogue{"a": "A %d"}}
	if got := l.T("a", 3); got != "A 3" {
		t.Errorf("T(a) = %q", got)
	}
	if got := l.T("nope"); got != MissingPrefix+"nope]]" {
		t.Errorf("T(nope) = %q", got)
	}
	if got := l.Known("x.", "y"); got != "y" {
		t.Errorf("Known = %q", got)
	}
}
