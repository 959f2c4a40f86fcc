package appinfo

import (
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/vocab"
)

// checkPreApprovals runs the pre-approval checks of a mini-program with the
// given content on Checker c, returning the findings under pre_approvals.
func checkPreApprovals(t *testing.T, c Checker, content []string, list []form.PreApproval) []finding.Finding {
	t.Helper()
	m := validMiniProgram(t)
	m.ContentTypes, m.PreApprovals = content, list
	var out []finding.Finding
	for _, f := range c.CheckMiniProgram(m) {
		if strings.HasPrefix(f.Field, "pre_approvals") {
			out = append(out, f)
		}
	}
	return out
}

// newsLicence is an Internet news information service licence.
func newsLicence() form.PreApproval {
	return form.PreApproval{Type: "news", Number: "44120180003", IssuingBody: "广东省互联网信息办公室",
		ValidFrom: "2023-05-10", ValidTo: "2029-05-09", Document: "doc-12"}
}

func TestPreApprovals(t *testing.T) {
	news := []string{"news.general"}
	plain := []string{"life.catering"}
	with := func(change func(p *form.PreApproval)) []form.PreApproval {
		p := newsLicence()
		change(&p)
		return []form.PreApproval{p}
	}
	tests := []struct {
		name    string
		content []string
		list    []form.PreApproval
		field   string
		code    string // "" : no finding at all
		warning bool
	}{
		{name: "news licence", content: news, list: []form.PreApproval{newsLicence()}},
		{name: "long-term", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "长期" })},
		{name: "long-term in English", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "Long-term" })},
		{name: "full-width digits", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "２０２９-０５-０９" })},
		{name: "ends today", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "2026-12-04" })},
		{name: "none, nothing needs one", content: plain, list: []form.PreApproval{{Type: "none"}}},
		{name: "an approval for plain content", content: plain, list: []form.PreApproval{newsLicence()}},
		{name: "nothing declared", content: plain, field: "pre_approvals", code: "preapproval.required"},
		{name: "expired yesterday", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "2026-12-03" }),
			field: "pre_approvals[0].valid_to", code: "preapproval.expired"},
		{name: "not yet valid", content: news, list: with(func(p *form.PreApproval) { p.ValidFrom = "2027-01-01" }),
			field: "pre_approvals[0].valid_from", code: "preapproval.not_yet_valid", warning: true},
		{name: "ends before it starts", content: news, list: with(func(p *form.PreApproval) { p.ValidFrom, p.ValidTo = "2028-01-01", "2027-12-31" }),
			field: "pre_approvals[0].valid_to", code: "preapproval.range"},
		{name: "slashed date", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "2029/05/09" }),
			field: "pre_approvals[0].valid_to", code: "preapproval.date_format"},
		{name: "impossible date", content: news, list: with(func(p *form.PreApproval) { p.ValidFrom = "2023-02-30" }),
			field: "pre_approvals[0].valid_from", code: "preapproval.date_format"},
		{name: "long-term start", content: news, list: with(func(p *form.PreApproval) { p.ValidFrom = "长期" }),
			field: "pre_approvals[0].valid_from", code: "preapproval.date_format"},
		{name: "no end", content: news, list: with(func(p *form.PreApproval) { p.ValidTo = "" }),
			field: "pre_approvals[0].valid_to", code: "preapproval.valid_to_required"},
		{name: "no number", content: news, list: with(func(p *form.PreApproval) { p.Number = " " }),
			field: "pre_approvals[0].number", code: "preapproval.number_required"},
		{name: "no issuer", content: news, list: with(func(p *form.PreApproval) { p.IssuingBody = "" }),
			field: "pre_approvals[0].issuing_body", code: "preapproval.issuer_required"},
		{name: "no document", content: news, list: with(func(p *form.PreApproval) { p.Document = "" }),
			field: "pre_approvals[0].document", code: "preapproval.document_required"},
		{name: "no type", content: news, list: with(func(p *form.PreApproval) { p.Type = "" }),
			field: "pre_approvals[0].type", code: "preapproval.type_required"},
		{name: "free-text type", content: plain, list: with(func(p *form.PreApproval) { p.Type = "新闻" }),
			field: "pre_approvals[0].type", code: "preapproval.type_unknown"},
		{name: "twice", content: news, list: []form.PreApproval{newsLicence(), newsLicence()},
			field: "pre_approvals[1].type", code: "preapproval.duplicate"},
		{name: "none and news", content: news, list: []form.PreApproval{newsLicence(), {Type: "none"}},
			field: "pre_approvals[1].type", code: "preapproval.none_with_others"},
		{name: "none for news", content: news, list: []form.PreApproval{{Type: "none"}},
			field: "pre_approvals", code: "preapproval.missing_for_content"},
		{name: "the wrong approval", content: []string{"education.online_courses"}, list: []form.PreApproval{newsLicence()},
			field: "pre_approvals", code: "preapproval.missing_for_content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checkPreApprovals(t, checker(), tt.content, tt.list)
			if tt.code == "" {
				if len(fs) > 0 {
					t.Fatalf("want no findings, got %v", fs)
				}
				return
			}
			if !has(fs, tt.code, tt.field) {
				t.Fatalf("want %s at %s, got %v", tt.code, tt.field, fs)
			}
			if finding.HasError(fs) == tt.warning {
				t.Errorf("%s: blocking = %v, want %v", tt.code, finding.HasError(fs), !tt.warning)
			}
		})
	}
}

// TestExpiryUsesTheGivenDate: the same approval is valid on one Today and
// expired on the next; the check never reads the clock.
func TestExpiryUsesTheGivenDate(t *testing.T) {
	p := newsLicence()
	p.ValidTo = "2026-12-04"
	c := checker()
	for _, tt := range []struct {
		today   time.Time
		expired bool
	}{
		{time.Date(2026, 12, 4, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)), false},
		{time.Date(2026, 12, 5, 0, 1, 0, 0, time.FixedZone("CST", 8*3600)), true},
		{time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		c.Today = tt.today
		fs := checkPreApprovals(t, c, []string{"news.general"}, []form.PreApproval{p})
		if got := has(fs, "preapproval.expired", "pre_approvals[0].valid_to"); got != tt.expired {
			t.Errorf("on %v: expired = %v, want %v (%v)", tt.today, got, tt.expired, fs)
		}
	}
}

func TestCommitmentRules(t *testing.T) {
	rules, err := LoadCommitmentRules(strings.NewReader(`{
		"version": 1,
		"source": ["https://example.gov.cn/notice (test table)"],
		"default": {"all": false, "content": ["finance"], "source": "test default"},
		"provinces": [
			{"code": "440000", "name_zh": "广东", "all": true, "source": "test: Guangdong asks every service"},
			{"code": "110000", "content": [], "source": "test: Beijing asks none"}
		]
	}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		province string
		content  string
		document string
		needs    bool
	}{
		{"粤", "life.catering", "", true},
		{"广东省", "life.catering", "", true},
		{"440000", "life.catering", "doc-3", false},
		{"京", "finance.information", "", false},
		{"浙", "finance.information", "", true},
		{"浙", "life.catering", "", false},
		{"", "finance.information", "", true},
		{"nowhere", "life.catering", "", false},
	}
	for _, tt := range tests {
		c := checker()
		c.Commitments, c.Province = rules, tt.province
		fs := checkPreApprovals(t, c, []string{tt.content}, []form.PreApproval{{Type: "none", Document: tt.document}})
		if got := has(fs, "preapproval.commitment_required", "pre_approvals[0].document"); got != tt.needs {
			t.Errorf("%s, %s, document %q: commitment required = %v, want %v", tt.province, tt.content, tt.document, got, tt.needs)
		}
	}
}

// TestDefaultCommitmentRules: the embedded table asks for a commitment
// where finance or education content declares that none applies.
func TestDefaultCommitmentRules(t *testing.T) {
	r := DefaultCommitmentRules()
	if !r.For("粤").needs(mustContent(t, "education.vocational")) || r.For("京").needs(mustContent(t, "life.catering")) {
		t.Errorf("default rule = %+v", r.For(""))
	}
	fs := checkPreApprovals(t, checker(), []string{"education.vocational"}, []form.PreApproval{{Type: "none"}})
	if !has(fs, "preapproval.commitment_required", "pre_approvals[0].document") {
		t.Errorf("vocational training without a pre-approval needs the commitment: %v", fs)
	}
}

func TestLoadCommitmentRulesErrors(t *testing.T) {
	const ok = `"source": ["s"], "default": {"source": "d"}`
	tests := []struct{ in, want string }{
		{`{"version": 2, ` + ok + `}`, "field version"},
		{`{"version": 1, "default": {"source": "d"}}`, "field source"},
		{`{"version": 1, ` + ok + `, "extra": 1}`, "unknown field"},
		{`{"version": 1, "source": ["s"], "default": {}}`, "field default.source"},
		{`{"version": 1, "source": ["s"], "default": {"source": "d", "content": ["finance.payment"]}}`, "field default.content[0]"},
		{`{"version": 1, ` + ok + `, "provinces": [{"code": "44", "source": "x"}]}`, "field provinces[0].code"},
		{`{"version": 1, ` + ok + `, "provinces": [{"code": "990000", "source": "x"}]}`, "field provinces[0].code"},
		{`{"version": 1, ` + ok + `, "provinces": [{"code": "440000", "source": "x"}, {"code": "440000", "source": "y"}]}`, "field provinces[1].code"},
		{`{"version": 1, ` + ok + `, "provinces": [{"code": "440000", "content": ["nope"], "source": "x"}]}`, "field provinces[0].content[0]"},
		{`[`, "commitment rules"},
	}
	for _, tt := range tests {
		_, err := LoadCommitmentRules(strings.NewReader(tt.in), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadCommitmentRules(%s) = %v, want an error naming %q", tt.in, err, tt.want)
		}
	}
}

func mustContent(t *testing.T, codes ...string) []vocab.ContentType {
	t.Helper()
	var out []vocab.ContentType
	for _, c := range codes {
		ct, ok := checker().vocab().ContentType(c)
		if !ok {
			t.Fatalf("no content type %q", c)
		}
		out = append(out, ct)
	}
	return out
}

// TestMissingOncePerType: two news content types without a news licence
// give one finding, naming the first.
func TestMissingOncePerType(t *testing.T) {
	fs := checkPreApprovals(t, checker(), []string{"news.general", "news.current_affairs", "reading.ebooks"}, []form.PreApproval{{Type: "none"}})
	n := 0
	for _, f := range fs {
		if f.Code == "preapproval.missing_for_content" {
			n++
		}
	}
	if n != 2 { // news and publishing
		t.Errorf("%d missing-approval findings, want 2: %v", n, fs)
	}
}
