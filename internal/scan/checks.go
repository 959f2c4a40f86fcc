package scan

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beian/beian/internal/footer"
	"github.com/beian/beian/internal/icpnum"
)

// Observation is what fetching a site gave, the input of Check. Body is
// the page as UTF-8.
type Observation struct {
	// Err is set when no usable response was received (DNS, connection,
	// TLS, timeout, refused address, redirect out of the site); Status is
	// then 0 unless the failure came after the headers.
	Err         error
	Status      int
	ContentType string
	Body        []byte
	// Truncated reports that the body was longer than the cap and only
	// its beginning was read.
	Truncated bool
	// Resolved holds the addresses of each host that was resolved (the
	// URL's host and the registry's domains); Unresolved the error of
	// each that failed.
	Resolved   map[string][]netip.Addr
	Unresolved map[string]error
}

// miitHost is where the filing number must link; miitOldHost is the
// address used before 2019 that some footers still carry.
const (
	miitHost    = "beian.miit.gov.cn"
	miitOldHost = "miitbeian.gov.cn"
	psbDays     = 30
)

// Check judges one site: the numbers extracted from its page and the
// findings, given what the registry says (f, nil for a bare URL) and the
// current time (for the PSB deadline). It is pure: no network, no clock.
func Check(o Observation, f *Filing, now time.Time) (footer.Result, []Finding) {
	out := []Finding{}
	if f != nil {
		out = append(out, accessFindings(o, f)...)
	}
	if o.Err != nil {
		return emptyResult(), append([]Finding{{Kind: KindUnreachable, Detail: "the home page could not be fetched (首页无法访问)", Evidence: o.Err.Error()}}, out...)
	}
	if o.Status >= 400 {
		return emptyResult(), append([]Finding{{Kind: KindUnreachable, Detail: fmt.Sprintf("the home page answers HTTP %d (首页返回错误状态)", o.Status), Evidence: fmt.Sprintf("HTTP %d", o.Status)}}, out...)
	}
	if !isHTML(o.ContentType) {
		return emptyResult(), append([]Finding{{Kind: KindNotHTML, Detail: "the home page is not HTML (首页不是 HTML 页面)", Evidence: "Content-Type: " + o.ContentType}}, out...)
	}
	res := footer.Extract(o.Body)
	ev := evidence{body: o.Body}
	page := append(numberFindings(res, f, &ev, o.Truncated), linkFindings(res)...)
	if f != nil {
		page = append(page, psbFindings(res, f, now)...)
	}
	return res, append(append([]Finding{}, page...), out...)
}

func emptyResult() footer.Result {
	return footer.Result{ICPFilings: []string{}, ICPLicenses: []string{}, OperatingLicenses: []string{}, PSB: []string{}, Hidden: []footer.Hidden{}}
}

// isHTML reports whether a media type is a web page. An absent type was
// sniffed by the fetcher already.
func isHTML(ct string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	mt = strings.TrimSpace(mt)
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// evidence finds the page snippets numbers were read from, lazily: the
// occurrence list is only built when a finding needs it.
type evidence struct {
	body    []byte
	matches []footer.Match
	done    bool
}

// snippet returns the text a number was read from, or the number itself.
func (e *evidence) snippet(number string) string {
	if !e.done {
		e.matches, e.done = footer.Matches(e.body), true
	}
	for _, m := range e.matches {
		if m.Number == number {
			return strings.TrimSpace(m.Text)
		}
	}
	return number
}

// numberFindings checks the ICP number shown. With a registry row the
// site must show its own website number (its entity number in Guangdong,
// or the entity's ICP licence number); without one, only the shape can be
// judged: an entity number without -N outside Guangdong is wrong.
func numberFindings(res footer.Result, f *Filing, ev *evidence, truncated bool) []Finding {
	shown := len(res.ICPFilings) + len(res.ICPLicenses) + len(res.OperatingLicenses)
	if shown == 0 {
		d := Finding{Kind: KindNumberMissing, Detail: "no ICP filing number on the home page (首页未展示 ICP 备案号)", Evidence: ""}
		if h := hiddenICP(res); h != "" {
			d.Detail = "the ICP number is present only in a comment, not displayed (备案号仅出现在注释中，未展示)"
			d.Evidence = h
		} else if truncated {
			d.Evidence = "page larger than the size cap; only its beginning was read"
		}
		return []Finding{d}
	}
	if f == nil {
		return shapeFindings(res, ev)
	}
	if slices.Contains(res.ICPFilings, f.Number) || (f.License != "" && slices.Contains(res.ICPLicenses, f.License)) {
		return nil
	}
	if f.Province == guangdong && slices.Contains(res.ICPFilings, f.Entity) {
		return nil
	}
	if slices.Contains(res.ICPFilings, f.Entity) {
		return []Finding{{Kind: KindNumberWrong,
			Detail:   fmt.Sprintf("the entity number is shown where the website number %s is due (应展示网站备案号 %s，而非主体备案号)", f.Number, f.Number),
			Evidence: ev.snippet(f.Entity)}}
	}
	if len(res.ICPFilings) == 0 {
		return []Finding{{Kind: KindNumberMissing,
			Detail:   fmt.Sprintf("the filing number %s is not shown, only a licence number (未展示备案号 %s)", f.Number, f.Number),
			Evidence: firstOf(res.ICPLicenses, res.OperatingLicenses)}}
	}
	other := res.ICPFilings[0]
	detail := fmt.Sprintf("the page shows %s, not this site's %s (展示的备案号不是本网站的 %s)", other, f.Number, f.Number)
	if fl, err := icpnum.ParseFiling(other); err == nil && fl.Entity().String() == f.Entity {
		detail = fmt.Sprintf("the page shows another website's number %s of the same entity, not %s (展示的是同一主体其他网站的备案号)", other, f.Number)
	} else if err == nil {
		detail = fmt.Sprintf("the page shows another entity's number %s, not %s (展示的是其他主体的备案号)", other, f.Number)
	}
	return []Finding{{Kind: KindNumberWrong, Detail: detail, Evidence: ev.snippet(other)}}
}

// shapeFindings judges the numbers of a site the registry is not asked
// about: at least one filing number must be a website number, unless the
// entity is in Guangdong or only licence numbers are shown.
func shapeFindings(res footer.Result, ev *evidence) []Finding {
	var entity string
	for _, n := range res.ICPFilings {
		fl, err := icpnum.ParseFiling(n)
		if err != nil {
			continue
		}
		if fl.Site > 0 || fl.Province.Code == guangdong {
			return nil
		}
		if entity == "" {
			entity = n
		}
	}
	if entity == "" {
		return nil
	}
	return []Finding{{Kind: KindNumberWrong,
		Detail:   "only the entity number is shown; outside Guangdong the website number (…号-N) is due (应展示带 -N 的网站备案号)",
		Evidence: ev.snippet(entity)}}
}

func hiddenICP(res footer.Result) string {
	for _, h := range res.Hidden {
		if h.Kind != footer.KindPSB {
			return h.Number + " in " + h.Where
		}
	}
	return ""
}

func firstOf(lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return ""
}

// linkFindings checks where the ICP number links: https://beian.miit.gov.cn/
// (any path or fragment, http too as it redirects there). The old
// miitbeian.gov.cn address is link_outdated; no link, or a link elsewhere,
// is link_missing.
func linkFindings(res footer.Result) []Finding {
	if len(res.ICPFilings)+len(res.ICPLicenses)+len(res.OperatingLicenses) == 0 {
		return nil
	}
	if res.ICPLink == nil {
		return []Finding{{Kind: KindLinkMissing, Detail: "the ICP number is not linked to https://beian.miit.gov.cn/ (备案号未链接到工信部网站)", Evidence: firstOf(res.ICPFilings, res.ICPLicenses, res.OperatingLicenses)}}
	}
	link := *res.ICPLink
	host := linkHost(link)
	switch {
	case host == miitHost:
		return nil
	case host == miitOldHost || host == "www."+miitOldHost:
		return []Finding{{Kind: KindLinkOutdated, Detail: "the ICP number links to the retired miitbeian.gov.cn; link https://beian.miit.gov.cn/ (链接地址已停用)", Evidence: link}}
	default:
		return []Finding{{Kind: KindLinkMissing, Detail: "the ICP number links elsewhere, not to https://beian.miit.gov.cn/ (备案号链接地址错误)", Evidence: link}}
	}
}

// linkHost returns the lower-case host of an absolute or scheme-relative link.
func linkHost(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// psbFindings checks the PSB number once the 30 days after go-live are over.
func psbFindings(res footer.Result, f *Filing, now time.Time) []Finding {
	if f.GoLive == "" {
		return nil
	}
	live, err := time.ParseInLocation(time.DateOnly, f.GoLive, shanghai)
	if err != nil {
		return nil
	}
	due := live.AddDate(0, 0, psbDays)
	if now.Before(due) {
		return nil
	}
	if f.PSB != "" && len(res.PSB) > 0 && !slices.Contains(res.PSB, f.PSB) {
		return []Finding{{Kind: KindPSBMissing,
			Detail:   fmt.Sprintf("the PSB number on record %s is not shown (未展示登记的公安备案号)", f.PSB),
			Evidence: strings.Join(res.PSB, ", ")}}
	}
	if len(res.PSB) > 0 {
		return nil
	}
	ev := fmt.Sprintf("live since %s, due %s", f.GoLive, due.Format(time.DateOnly))
	for _, h := range res.Hidden {
		if h.Kind == footer.KindPSB {
			ev += "; " + h.Number + " only in " + h.Where
			break
		}
	}
	return []Finding{{Kind: KindPSBMissing,
		Detail:   fmt.Sprintf("no PSB number %d days after going live (上线 %d 日后仍未展示公安联网备案号)", psbDays, psbDays),
		Evidence: ev}}
}

// shanghai is Mainland civil time (UTC+8, no DST since 1991): go-live
// dates are Mainland dates.
var shanghai = time.FixedZone("CST", 8*3600)

// accessFindings checks that every address of every domain lies in the
// ranges of one of the site's providers. Providers without ranges cannot
// be judged; when none has any, the check is skipped.
func accessFindings(o Observation, f *Filing) []Finding {
	var ranges []netip.Prefix
	var codes []string
	for _, p := range f.Providers {
		ranges = append(ranges, p.CIDRs...)
		codes = append(codes, p.Code)
	}
	if len(ranges) == 0 {
		return nil
	}
	var bad []string
	var hosts []string
	for host := range o.Resolved {
		hosts = append(hosts, host)
	}
	for host := range o.Unresolved {
		hosts = append(hosts, host)
	}
	slices.Sort(hosts)
	for _, host := range hosts {
		if err, ok := o.Unresolved[host]; ok {
			bad = append(bad, host+" does not resolve: "+err.Error())
			continue
		}
		for _, a := range o.Resolved[host] {
			if !inAny(ranges, a) {
				bad = append(bad, host+" "+a.String())
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return []Finding{{Kind: KindAccess,
		Detail:   fmt.Sprintf("the domain resolves outside the ranges of %s (域名解析地址不在接入服务商的 IP 段内，可能被认定为空壳网站)", strings.Join(codes, ", ")),
		Evidence: strings.Join(bad, "; ")}}
}

func inAny(ranges []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ranges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
