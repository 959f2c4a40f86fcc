package scan

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/beian/beian/internal/hostname"
)

// maxRedirects bounds a redirect chain; browsers allow about 20, a home
// page that needs more than a few is broken.
const maxRedirects = 5

// errLeftSite is wrapped by the error of a redirect out of the site.
var errLeftSite = errors.New("redirect leaves the site's registrable domain; not followed")

// fetchResult is one fetch of a home page.
type fetchResult struct {
	finalURL    string
	status      int
	contentType string
	body        []byte
	truncated   bool
	err         error
}

// fetcher fetches home pages: one client for the whole scan, no cookies,
// no proxy from the environment, no connection reuse (each site is
// visited once; idle connections to thousands of hosts would only hold
// memory).
type fetcher struct {
	client    *http.Client
	userAgent string
	bodyCap   int64
}

func newFetcher(o Options, d *dialer, p *pacer) *fetcher {
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs},
		TLSHandshakeTimeout:    o.Timeout / 2,
		ResponseHeaderTimeout:  o.Timeout / 2,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c := &http.Client{
		Transport: pacedTransport{next: tr, pacer: p},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			from, to := registrable(via[0].URL.Hostname()), registrable(req.URL.Hostname())
			if from != to {
				return fmt.Errorf("%s → %s: %w", via[len(via)-1].URL, req.URL, errLeftSite)
			}
			return nil
		},
	}
	return &fetcher{client: c, userAgent: o.UserAgent, bodyCap: o.BodyCap}
}

// registrable is the registrable domain (eTLD+1) of host, or host itself
// for an IP address or a name the public suffix list cannot place.
func registrable(host string) string {
	h, err := hostname.Parse(host)
	if err != nil {
		return strings.ToLower(host)
	}
	return h.Registrable
}

// pacedTransport waits for the host's turn before every request,
// redirects included.
type pacedTransport struct {
	next  http.RoundTripper
	pacer *pacer
}

func (t pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pacer.wait(req.Context(), req.URL.Hostname()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// fetch gets rawURL and reads at most bodyCap bytes of it, decoded to UTF-8.
func (f *fetcher) fetch(ctx context.Context, u *url.URL) fetchResult {
	r := fetchResult{finalURL: u.String()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		r.err = fmt.Errorf("request %s: %w", u, err)
		return r
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	resp, err := f.client.Do(req)
	if resp != nil {
		r.status = resp.StatusCode
		r.finalURL = resp.Request.URL.String()
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		r.err = cleanErr(err)
		return r
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.bodyCap+1))
	if err != nil {
		r.err = fmt.Errorf("reading the body after %d bytes: %w", len(body), cleanErr(err))
		return r
	}
	if int64(len(body)) > f.bodyCap {
		body, r.truncated = body[:f.bodyCap], true
	}
	r.contentType = resp.Header.Get("Content-Type")
	if r.contentType == "" {
		r.contentType = http.DetectContentType(body)
	}
	r.body = toUTF8(body, r.contentType)
	return r
}

// cleanErr drops the *url.Error wrapper's repetition of method and URL
// where it adds nothing, and names timeouts plainly.
func cleanErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("timeout: %w", ue.Err)
		}
		return ue.Err
	}
	return err
}

// toUTF8 decodes body when the Content-Type header names a legacy charset
// (charset=gbk) and the body is not valid UTF-8. A charset declared only in
// a <meta> tag is left to package footer, which sniffs it.
func toUTF8(body []byte, contentType string) []byte {
	if utf8.Valid(body) {
		return body
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["charset"] == "" {
		return body
	}
	enc, name := charset.Lookup(params["charset"])
	if enc == nil || name == "utf-8" {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// defaultTimeout is the whole budget of one site: DNS, connection, TLS,
// redirects and body. A home page that takes longer is unusable anyway.
const defaultTimeout = 15 * time.Second
