// Package scan is the compliance scanner: it fetches the home page of each
// live website, extracts the numbers it shows (package footer), and reports
// what a provider must correct before the administration does it for them:
// a missing or wrong filing number, a number not linked to
// https://beian.miit.gov.cn/, a PSB number missing once the 30 days after
// going live are over, a domain that no longer points at the provider's
// servers (an "empty shell", 空壳网站), or a site that does not answer.
//
// Why each check exists, with public sources:
//   - The home-page footer must show the filing number and link it to
//     https://beian.miit.gov.cn/ (formerly http://www.miitbeian.gov.cn);
//     outside Guangdong the website number with its -N suffix is shown:
//     https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案成功后咨询.md
//   - The PSB number is due within 30 days of the site going live
//     (公安部令第33号 art. 12, as quoted by
//     https://github.com/anyesu/blog/blob/master/docs/阿里云域名购买及个人备案/README.md).
//   - A filed domain must resolve to the access provider's servers, else
//     the filing is an empty shell and is cancelled:
//     https://cloud.baidu.com/theme/I/3237991-7 and
//     https://help.aliyun.com/en/icp-filing/basic-icp-service/product-overview/limits
//
// The scanner is a crawler that visits hosts named by other people, so it
// is built like one (as miniflux's fetcher is): one HTTP client with
// explicit timeouts and a body cap, redirects only within the site's
// registrable domain, a descriptive User-Agent, one request at a time per
// host, and the SSRF check made in net.Dialer.Control after DNS resolution,
// so that a name resolving to 127.0.0.1 or 10.0.0.1 is refused however it
// was written.
package scan

import (
	"net/netip"

	"github.com/beian/beian/internal/footer"
)

// Kind is the stable code of a finding.
type Kind string

// The finding kinds. A compliant site has no finding; KindOK only appears
// in counts and in the text format.
const (
	KindOK            Kind = "ok"
	KindNumberMissing Kind = "number_missing"
	KindNumberWrong   Kind = "number_wrong"
	KindLinkMissing   Kind = "link_missing"
	KindLinkOutdated  Kind = "link_outdated"
	KindPSBMissing    Kind = "psb_missing"
	KindAccess        Kind = "access_mismatch"
	KindUnreachable   Kind = "unreachable"
	KindNotHTML       Kind = "not_html"
)

// Kinds lists every finding kind in the order reports and counts show them.
func Kinds() []Kind {
	return []Kind{KindNumberMissing, KindNumberWrong, KindLinkMissing, KindLinkOutdated,
		KindPSBMissing, KindAccess, KindUnreachable, KindNotHTML}
}

// Finding is one thing wrong with a site. Detail says what, in English and
// Chinese; Evidence is what was seen (the snippet of the page, the
// addresses resolved, the error), so that a provider can check it.
type Finding struct {
	Kind     Kind   `json:"kind"`
	Detail   string `json:"detail"`
	Evidence string `json:"evidence"`
}

// Report is the result for one site, printed as one JSON line. Status is
// nil when no HTTP response was received. Findings is empty, never nil,
// for a compliant site.
type Report struct {
	URL      string        `json:"url"`
	FinalURL string        `json:"final_url"`
	Status   *int          `json:"status"`
	Numbers  footer.Result `json:"numbers"`
	Findings []Finding     `json:"findings"`

	// Target is the site scanned (its registry row, if any); not printed.
	Target Target `json:"-"`
	// Addrs are the addresses the site's host resolved to; not printed
	// (they appear in an access finding's evidence).
	Addrs []netip.Addr `json:"-"`
}

// Target is a site to scan: a URL and, when the site comes from the
// registry, what the registry says about it.
type Target struct {
	URL string
	// Filing is nil for a URL given on the command line: the checks that
	// need the registry are skipped.
	Filing *Filing
}

// Filing is what the registry holds about a website, for the checks that
// compare the page with it.
type Filing struct {
	WebsiteID int64
	// Number is the website number (京ICP备2021000001号-1).
	Number string
	// Entity is the entity number (京ICP备2021000001号); License the
	// entity's ICP licence number (京ICP证030173号), if any, which licence
	// holders may show instead.
	Entity  string
	License string
	// Province is the entity's province code (GB/T 2260, "44" = Guangdong).
	Province string
	// GoLive is the date the site went live (YYYY-MM-DD), "" if unknown:
	// then the PSB deadline cannot be judged and is not.
	GoLive string
	// PSB is the PSB number on record, "" if none.
	PSB string
	// Domains are the website's active domains; each must resolve into
	// the ranges of one of its providers.
	Domains []string
	// Providers are the providers with an active access to the site.
	Providers []Provider
}

// Provider is an access provider and the address ranges its servers use.
type Provider struct {
	ID    int64
	Code  string
	CIDRs []netip.Prefix
}

// guangdong is the GB/T 2260 code of Guangdong, where sites show the
// entity number rather than the website number (see the package doc).
const guangdong = "44"
