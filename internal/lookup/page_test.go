package lookup

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func getPage(h http.Handler, query string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/lookup?"+query, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPage(t *testing.T) {
	es := append(registry(), seedEntity{name: `北京<script>alert("x")</script>&公司`, number: "京ICP备2021000009号", sites: []seedSite{
		{number: "京ICP备2021000009号-1", name: `<img src=x onerror=alert(1)>`, domains: []string{"xss.cn"}},
	}})
	r, _ := newRegistry(t, es)
	h := NewHandler(r, Options{}).Page()

	for _, tc := range []struct {
		name, query, accept string
		status              int
		want, not           []string
	}{
		{"empty form, Chinese by default", "", "", 200, []string{`lang="zh-CN"`, "ICP备案查询", `name="q"`}, []string{"lookup-result", "lookup-none"}},
		{"English by Accept-Language", "", "en-GB,en;q=0.9,zh;q=0.5", 200, []string{`lang="en"`, "ICP filing lookup"}, nil},
		{"Chinese ranked first", "", "zh-CN,en;q=0.5", 200, []string{"ICP备案查询"}, nil},
		{"domain detected", "q=www.example.com&lang=en", "", 200, []string{"lookup-result", "京ICP备2021000001号-1", "example.com", "website"}, []string{"lookup-none"}},
		{"number detected, zh type names", "q=" + url.QueryEscape("京ICP备2021000001号-3A"), "", 200, []string{"甲App", "<td>App</td>"}, nil},
		{"entity by choice", "by=entity&q=" + url.QueryEscape("北亭"), "", 200, []string{"北亭丙有限公司"}, nil},
		{"service type filter", "q=" + url.QueryEscape("京ICP备2021000001号") + "&serviceType=app&lang=en", "", 200,
			[]string{"京ICP备2021000001号-3A"}, []string{"example.com.cn"}},
		{"nothing found", "q=nobody.example.org&lang=en", "", 200, []string{"lookup-none", "No filing found."}, []string{"lookup-result"}},
		{"bad number, in the page's language", "by=number&q=123&lang=en", "", 400, []string{`role="alert"`, `data-field="number"`, "not a filing number"}, []string{"备案号无效"}},
		{"bad domain in Chinese", "by=domain&q=" + url.QueryEscape("a b.com"), "", 400, []string{`data-field="domain"`, "域名无效"}, nil},
		{"escaped", "q=xss.cn", "", 200, []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;"}, []string{"<script>", "<img src=x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.accept != "" {
				hdr = []string{"Accept-Language", tc.accept}
			}
			w := getPage(h, tc.query, hdr...)
			body := w.Body.String()
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
}

func TestPageNextAndLimit(t *testing.T) {
	r, _ := newRegistry(t, synthetic(90))
	h := NewHandler(r, Options{Limiter: &limiter{deny: "192.0.2.1"}, ClientIP: func(r *http.Request) string { return r.Header.Get("X-Test-Client") }}).Page()
	w := getPage(h, "by=entity&q="+url.QueryEscape("北京")+"&lang=en", "X-Test-Client", "192.0.2.2")
	body := w.Body.String()
	i := strings.Index(body, `id="next" href="`)
	if w.Code != 200 || i < 0 || strings.Count(body, "<tr>") != DefaultLimit+1 {
		t.Fatalf("first page: %d, next at %d, %d rows:\n%s", w.Code, i, strings.Count(body, "<tr>")-1, body)
	}
	href := body[i+len(`id="next" href="`):]
	href = strings.ReplaceAll(href[:strings.IndexByte(href, '"')], "&amp;", "&")
	// 90 entities, a third under 北京, each with a website and every tenth
	// with an App too: 30 + 3 rows, so the second page holds 13, the last
	// of them 北京000087公司's website, and no further link.
	w = getPage(h, strings.TrimPrefix(href, "?"), "X-Test-Client", "192.0.2.2")
	body = w.Body.String()
	if w.Code != 200 || strings.Count(body, "<tr>") != 13+1 || strings.Contains(body, `id="next"`) || !strings.Contains(body, "北京000087公司") {
		t.Errorf("next page: %d, %d rows\n%s", w.Code, strings.Count(body, "<tr>")-1, body)
	}
	w = getPage(h, "q=a.com", "X-Test-Client", "192.0.2.1")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" || !strings.Contains(w.Body.String(), "请求过于频繁") {
		t.Errorf("limited: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
}
