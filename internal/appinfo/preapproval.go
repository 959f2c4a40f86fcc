package appinfo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/vocab"
)

//go:embed provinces/commitments.json
var commitmentFile embed.FS

// CommitmentRule says when "none applies" needs a signed commitment
// (不涉及前置审批承诺书): always (All), or when the service has content of
// one of the first-level Content types.
type CommitmentRule struct {
	All     bool     `json:"all"`
	Content []string `json:"content,omitempty"`
	Source  string   `json:"source"`
}

// needs reports whether the rule asks for a commitment for a service with
// the given (second-level) content types.
func (r CommitmentRule) needs(content []vocab.ContentType) bool {
	if r.All {
		return true
	}
	for _, c := range content {
		for _, top := range r.Content {
			if c.Parent == top {
				return true
			}
		}
	}
	return false
}

// CommitmentRules is the commitment rule of every province: a default and
// the provinces that differ, as data (provinces/commitments.json). It is
// immutable.
type CommitmentRules struct {
	def       CommitmentRule
	provinces map[string]CommitmentRule // by 2-digit GB/T 2260 prefix
}

type commitmentFileFormat struct {
	Version   int                  `json:"version"`
	Source    []string             `json:"source"`
	Note      string               `json:"note,omitempty"`
	Default   CommitmentRule       `json:"default"`
	Provinces []provinceCommitment `json:"provinces"`
}

type provinceCommitment struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh,omitempty"`
	CommitmentRule
}

var defaultCommitments = sync.OnceValue(func() *CommitmentRules {
	b, err := commitmentFile.ReadFile("provinces/commitments.json")
	if err != nil {
		panic(fmt.Sprintf("appinfo: embedded commitment rules: %v", err))
	}
	r, err := parseCommitments(b, vocab.Default())
	if err != nil {
		panic(fmt.Sprintf("appinfo: embedded commitment rules: %v", err))
	}
	return r
})

// DefaultCommitmentRules is the embedded table, parsed once (a test makes
// sure it parses).
func DefaultCommitmentRules() *CommitmentRules { return defaultCommitments() }

// LoadCommitmentRules reads an operator's table in the format of the
// embedded one, checking content codes against v (nil: vocab.Default()).
// Errors name the field.
func LoadCommitmentRules(r io.Reader, v *vocab.Vocab) (*CommitmentRules, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("appinfo: reading commitment rules: %w", err)
	}
	if v == nil {
		v = vocab.Default()
	}
	return parseCommitments(b, v)
}

var provinceCode = regexp.MustCompile(`^[1-9][0-9]0000$`)

func parseCommitments(b []byte, v *vocab.Vocab) (*CommitmentRules, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f commitmentFileFormat
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("appinfo: commitment rules: %w", err)
	}
	switch {
	case f.Version != 1:
		return nil, fmt.Errorf("appinfo: commitment rules: field version: got %d, want 1", f.Version)
	case len(f.Source) == 0:
		return nil, fmt.Errorf("appinfo: commitment rules: field source: name the public pages the table follows")
	}
	check := func(at string, r CommitmentRule) error {
		if strings.TrimSpace(r.Source) == "" {
			return fmt.Errorf("appinfo: commitment rules: field %s.source: every rule needs a source", at)
		}
		for i, c := range r.Content {
			if ct, ok := v.ContentType(c); !ok || ct.Leaf() {
				return fmt.Errorf("appinfo: commitment rules: field %s.content[%d]: %q is not a first-level content type", at, i, c)
			}
		}
		return nil
	}
	if err := check("default", f.Default); err != nil {
		return nil, err
	}
	out := &CommitmentRules{def: f.Default, provinces: map[string]CommitmentRule{}}
	for i, p := range f.Provinces {
		at := fmt.Sprintf("provinces[%d]", i)
		if _, ok := icpnum.ProvinceByCode(p.Code); !ok || !provinceCode.MatchString(p.Code) {
			return nil, fmt.Errorf("appinfo: commitment rules: field %s.code: %q is not a 6-digit Mainland province code such as 440000", at, p.Code)
		}
		if _, dup := out.provinces[p.Code[:2]]; dup {
			return nil, fmt.Errorf("appinfo: commitment rules: field %s.code: province %s appears twice", at, p.Code)
		}
		if err := check(at, p.CommitmentRule); err != nil {
			return nil, err
		}
		out.provinces[p.Code[:2]] = p.CommitmentRule
	}
	return out, nil
}

// For returns the rule of a province given as an abbreviation (粤), a name
// or a GB/T 2260 code; unknown or empty provinces get the default.
func (c *CommitmentRules) For(province string) CommitmentRule {
	if p, ok := icpnum.LookupProvince(strings.TrimSpace(province)); ok && len(p.Code) >= 2 {
		if r, ok := c.provinces[p.Code[:2]]; ok {
			return r
		}
	}
	return c.def
}

// parseDate reads YYYY-MM-DD (full-width digits allowed).
func parseDate(v string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, norm.NFKC.String(strings.TrimSpace(v)))
	return t, err == nil
}

// openEnded reports whether a validity end means "no end".
func openEnded(v string) bool {
	switch strings.ToLower(strings.Join(strings.Fields(v), "")) {
	case "长期", "長期", "长期有效", "long-term", "longterm", "permanent":
		return true
	}
	return false
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var preApprovalField = codeField{empty: "preapproval.type_required", unknown: "preapproval.type_unknown", duplicate: "preapproval.duplicate",
	zh: "前置审批类型", en: "pre-approval type"}

// preApprovals checks the declared pre-approvals of a service whose valid
// content types are content; field is the JSON path of the list.
func (c Checker) preApprovals(r *report, field string, list []form.PreApproval, content []vocab.ContentType) {
	v := c.vocab()
	if len(list) == 0 {
		r.errorf(field, "preapproval.required",
			"请填写前置审批信息；不涉及前置审批时请选择“不涉及前置审批”",
			"declare the service's pre-approvals, or choose \"no pre-approval applies\" (none)")
		return
	}
	today := dateOnly(c.Today)
	declared := map[string]bool{}
	for i, p := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		typ := strings.TrimSpace(p.Type)
		t, ok := pickCode(r, at+".type", preApprovalField, typ, v.PreApprovalType,
			func(t vocab.PreApprovalType) vocab.Term { return t.Term }, declared)
		if !ok {
			continue
		}
		if typ == vocab.PreApprovalNone {
			c.noneApplies(r, at, p, len(list), content)
			continue
		}
		c.approval(r, at, t, p, today)
	}
	// Content that needs a pre-approval the service does not declare, once
	// per missing type.
	for _, ct := range content {
		if ct.PreApproval == "" || declared[ct.PreApproval] {
			continue
		}
		declared[ct.PreApproval] = true
		need, _ := v.PreApprovalType(ct.PreApproval)
		r.errorf(field, "preapproval.missing_for_content",
			"服务内容“"+ct.ZH+"”须取得“"+need.ZH+"”前置审批："+need.DocumentZH,
			"the content type "+ct.EN+" needs a "+need.EN+" pre-approval ("+need.DocumentEN+")")
	}
}

// noneApplies checks the "no pre-approval applies" answer.
func (c Checker) noneApplies(r *report, at string, p form.PreApproval, n int, content []vocab.ContentType) {
	if n > 1 {
		r.errorf(at+".type", "preapproval.none_with_others",
			"“不涉及前置审批”不能与其他前置审批同时填写", "\"no pre-approval applies\" cannot be declared together with pre-approvals")
		return
	}
	rules := c.Commitments
	if rules == nil {
		rules = DefaultCommitmentRules()
	}
	if strings.TrimSpace(p.Document) == "" && rules.For(c.Province).needs(content) {
		r.errorf(at+".document", "preapproval.commitment_required",
			"本省要求上传签字的《不涉及前置审批承诺书》", "this province requires a signed commitment that no pre-approval applies (不涉及前置审批承诺书)")
	}
}

// approval checks one declared pre-approval.
func (c Checker) approval(r *report, at string, t vocab.PreApprovalType, p form.PreApproval, today time.Time) {
	if strings.TrimSpace(p.Number) == "" {
		r.errorf(at+".number", "preapproval.number_required",
			"未填写“"+t.ZH+"”前置审批的审批文号或许可证号", "the "+t.EN+" pre-approval has no approval or licence number")
	}
	if strings.TrimSpace(p.IssuingBody) == "" {
		r.errorf(at+".issuing_body", "preapproval.issuer_required",
			"未填写“"+t.ZH+"”前置审批的审批部门", "the "+t.EN+" pre-approval has no issuing body")
	}
	if strings.TrimSpace(p.Document) == "" {
		r.errorf(at+".document", "preapproval.document_required",
			"请上传“"+t.ZH+"”前置审批文件的扫描件", "upload a scan of the "+t.EN+" pre-approval")
	}
	from, hasFrom := c.date(r, at+".valid_from", p.ValidFrom, false)
	if hasFrom && from.After(today) {
		r.warnf(at+".valid_from", "preapproval.not_yet_valid",
			"前置审批自"+p.ValidFrom+"起才生效", "the pre-approval takes effect only on "+p.ValidFrom)
	}
	if strings.TrimSpace(p.ValidTo) == "" {
		r.errorf(at+".valid_to", "preapproval.valid_to_required",
			"未填写前置审批的有效期截止日期（长期有效填“长期”）", "the pre-approval's end of validity is empty (write long-term when it has none)")
		return
	}
	to, hasTo := c.date(r, at+".valid_to", p.ValidTo, true)
	switch {
	case !hasTo:
	case hasFrom && to.Before(from):
		r.errorf(at+".valid_to", "preapproval.range",
			"前置审批有效期截止日期"+p.ValidTo+"早于起始日期"+p.ValidFrom, "the pre-approval ends ("+p.ValidTo+") before it starts ("+p.ValidFrom+")")
	case to.Before(today):
		r.errorf(at+".valid_to", "preapproval.expired",
			"“"+t.ZH+"”前置审批已于"+p.ValidTo+"过期", "the "+t.EN+" pre-approval expired on "+p.ValidTo)
	}
}

// date parses an optional date field; ok is false when it is empty, open
// ended (long-term, where allowed) or malformed (reported).
func (c Checker) date(r *report, field, v string, openOK bool) (time.Time, bool) {
	if strings.TrimSpace(v) == "" || openOK && openEnded(v) {
		return time.Time{}, false
	}
	t, ok := parseDate(v)
	if !ok {
		r.errorf(field, "preapproval.date_format",
			"日期"+quote(v)+"格式不正确：请填写YYYY-MM-DD", "the date "+quote(v)+" is not YYYY-MM-DD")
	}
	return t, ok
}
