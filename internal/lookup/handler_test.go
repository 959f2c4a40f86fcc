package lookup

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
)

// get sends GET /api/v1/filings?query to h with the extra headers (name,
// value pairs).
func get(h http.Handler, query string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/api/v1/filings?"+query, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func decodePage(t *testing.T, w *httptest.ResponseRecorder) Page {
	t.Helper()
	var p Page
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return p
}

func TestHandlerAnswer(t *testing.T) {
	r, _ := newRegistry(t, registry())
	h := NewHandler(r, Options{MaxAge: 30 * time.Second})
	w := get(h, "domain=www.example.com")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	for k, want := range map[string]string{
		"Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=30", HeaderVersion: "v2",
		"Content-Length": itoa(w.Body.Len()),
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	etag := w.Header().Get("ETag")
	if len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' {
		t.Errorf("ETag %q: want a strong (quoted, unprefixed) tag", etag)
	}
	p := decodePage(t, w)
	if len(p.Items) != 1 || p.Items[0].Domain != "example.com" || p.Items[0].ServiceType != "website" {
		t.Errorf("items %+v", p.Items)
	}
	var raw map[string][]map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"unitName", "natureName", "mainLicence", "serviceLicence", "serviceName", "domain", "homeUrl",
		"contentTypeName", "limitAccess", "updateRecordTime", "serviceType"} {
		if _, ok := raw["items"][0][f]; !ok {
			t.Errorf("field %s missing from %s", f, w.Body)
		}
	}
	if len(raw["items"][0]) != 11 {
		t.Errorf("item has %d fields, want the 11 public ones: %s", len(raw["items"][0]), w.Body)
	}

	// Another answer has another tag; the same answer the same tag.
	if other := get(h, "domain=yi.cn").Header().Get("ETag"); other == etag {
		t.Errorf("two answers share the ETag %s", etag)
	}
	uncached := NewHandler(r, Options{CacheBytes: -1})
	if again := get(uncached, "domain=www.example.com").Header().Get("ETag"); again != etag {
		t.Errorf("ETag of the same body: %s, then %s", etag, again)
	}

	if w := get(h, "number="+url.QueryEscape("京ICP备2021000001号")+"&limit=2"); w.Code != http.StatusOK {
		t.Errorf("number: %d %s", w.Code, w.Body)
	} else if p := decodePage(t, w); len(p.Items) != 2 || p.Next == "" {
		t.Errorf("limit=2: %d items, next %q", len(p.Items), p.Next)
	} else if w2 := get(h, "number="+url.QueryEscape("京ICP备2021000001号")+"&limit=2&cursor="+p.Next); decodePage(t, w2).Items[0].Domain != "example.com.cn" {
		t.Errorf("second page: %s", w2.Body)
	}
}

func TestHandlerConditional(t *testing.T) {
	r, _ := newRegistry(t, registry())
	h := NewHandler(r, Options{})
	etag := get(h, "domain=example.com").Header().Get("ETag")
	for _, tc := range []struct {
		inm  string
		want int
	}{
		{etag, http.StatusNotModified},
		{"W/" + etag, http.StatusNotModified},
		{`"nope", ` + etag, http.StatusNotModified},
		{"*", http.StatusNotModified},
		{`"nope"`, http.StatusOK},
		{strings.Trim(etag, `"`), http.StatusOK},
	} {
		w := get(h, "domain=example.com", "If-None-Match", tc.inm)
		if w.Code != tc.want {
			t.Errorf("If-None-Match %s: status %d, want %d", tc.inm, w.Code, tc.want)
		}
		if w.Code == http.StatusNotModified && (w.Body.Len() != 0 || w.Header().Get("ETag") != etag || w.Header().Get("Cache-Control") == "") {
			t.Errorf("304: body %q, ETag %q, Cache-Control %q", w.Body, w.Header().Get("ETag"), w.Header().Get("Cache-Control"))
		}
	}
}

func TestHandlerCache(t *testing.T) {
	r, db := newRegistry(t, registry())
	ctx := context.Background()
	h := NewHandler(r, Options{Refresh: time.Hour})
	first := get(h, "domain=bing.org")
	n := db.Queries()
	for range 3 {
		if w := get(h, "domain=bing.org"); w.Body.String() != first.Body.String() {
			t.Fatalf("cached answer differs: %s", w.Body)
		}
	}
	if d := db.Queries() - n; d != 0 {
		t.Errorf("repeated query ran %d statements, want 0 (answered from the cache)", d)
	}
	if s := h.Stats(); s.Hits < 3 || s.Entries == 0 || s.Bytes == 0 {
		t.Errorf("stats %+v", s)
	}

	rename := func(name string) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, `UPDATE entities SET name = ?, updated_at = updated_at + 1 WHERE number = '京ICP备2021000003号'`, name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	rename("北亭丙新名称")
	if w := get(h, "domain=bing.org"); w.Body.String() != first.Body.String() {
		t.Errorf("answer changed before the refresh interval: the cache is not used")
	}
	h.Invalidate()
	if p := decodePage(t, get(h, "domain=bing.org")); p.Items[0].UnitName != "北亭丙新名称" {
		t.Errorf("after Invalidate: %+v", p.Items)
	}

	// With a refresh interval this short every request reads the version,
	// so a change shows on the next request without Invalidate.
	fresh := NewHandler(r, Options{Refresh: time.Nanosecond})
	before := get(fresh, "domain=bing.org").Header().Get("ETag")
	rename("北亭丙再改名")
	w := get(fresh, "domain=bing.org")
	if p := decodePage(t, w); p.Items[0].UnitName != "北亭丙再改名" || w.Header().Get("ETag") == before {
		t.Errorf("after a change: ETag %s (was %s), %+v", w.Header().Get("ETag"), before, p.Items)
	}
	if w := get(fresh, "domain=bing.org", "If-None-Match", before); w.Code != http.StatusOK {
		t.Errorf("old ETag after a change: status %d, want 200", w.Code)
	}
}

func TestHandlerErrors(t *testing.T) {
	r, _ := newRegistry(t, registry())
	h := NewHandler(r, Options{})
	for _, tc := range []struct{ query, field string }{
		{"", "domain"},
		{"domain=exa%20mple.com", "domain"},
		{"number=123", "number"},
		{"entity=%FF", "entity"},
		{"entity=x&limit=ten", "limit"},
		{"entity=x&limit=0", "limit"},
		{"entity=x&cursor=bad", "cursor"},
		{"domain=a.com&entity=x", "entity"},
	} {
		w := get(h, tc.query)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400: %s", tc.query, w.Code, w.Body)
			continue
		}
		var body struct {
			Error struct{ Code, Message, Field string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Errorf("%q: %v: %s", tc.query, err, w.Body)
			continue
		}
		if body.Error.Field != tc.field {
			t.Errorf("%q: field %q, want %q (%s)", tc.query, body.Error.Field, tc.field, w.Body)
		}
		if body.Error.Code == "" || !strings.Contains(w.Body.String(), `"message_zh"`) || !strings.Contains(w.Body.String(), `"message_en"`) {
			t.Errorf("%q: want a code and both languages: %s", tc.query, w.Body)
		}
		if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get(HeaderVersion) != "v2" {
			t.Errorf("%q: headers %v", tc.query, w.Header())
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/filings?domain=a.com", nil))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") == "" {
		t.Errorf("POST: %d %v", w.Code, w.Header())
	}
}

// limiter refuses the keys in deny and records the keys it was asked.
type limiter struct {
	deny  string
	asked []string
}

func (l *limiter) Allow(key string) (bool, time.Duration) {
	l.asked = append(l.asked, key)
	return key != l.deny, 1500 * time.Millisecond
}

func TestHandlerRateLimit(t *testing.T) {
	r, _ := newRegistry(t, registry())
	l := &limiter{deny: "203.0.113.9"}
	h := NewHandler(r, Options{Limiter: l, ClientIP: func(req *http.Request) string { return req.Header.Get("X-Test-Client") }})
	if w := get(h, "domain=example.com", "X-Test-Client", "198.51.100.1"); w.Code != http.StatusOK {
		t.Errorf("allowed client: %d", w.Code)
	}
	w := get(h, "domain=example.com", "X-Test-Client", "203.0.113.9")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" || !strings.Contains(w.Body.String(), "rate_limited") {
		t.Errorf("limited client: %d Retry-After %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if !slices.Equal(l.asked, []string{"198.51.100.1", "203.0.113.9"}) {
		t.Errorf("limiter asked for %q", l.asked)
	}
	// Without a ClientIP function the key is the peer's address.
	l = &limiter{}
	h = NewHandler(r, Options{Limiter: l})
	req := httptest.NewRequest(http.MethodGet, "/api/v1/filings?domain=example.com", nil)
	req.RemoteAddr = "[2001:db8::1]:4242"
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !slices.Equal(l.asked, []string{"2001:db8::1"}) {
		t.Errorf("default key %q, want the remote host", l.asked)
	}
}

func TestCacheBounded(t *testing.T) {
	const budget = 64 << 10
	c := newCache(budget)
	hot := &entry{body: make([]byte, 300)}
	c.put(0, "hot", hot)
	for i := range 5000 {
		_, epoch := c.get("hot") // kept warm
		c.put(epoch, "k"+itoa(i), &entry{body: make([]byte, 200+i%300)})
		if s := c.stats(); s.Bytes > budget {
			t.Fatalf("after %d puts: %d bytes, budget %d", i, s.Bytes, budget)
		}
	}
	if e, _ := c.get("hot"); e != hot {
		t.Errorf("an entry asked for between rotations was dropped")
	}
	if e, _ := c.get("k0"); e != nil {
		t.Errorf("an entry never asked for again survived 5000 puts into %d bytes", budget)
	}
	c.put(0, "huge", &entry{body: make([]byte, budget)})
	if e, _ := c.get("huge"); e != nil {
		t.Errorf("an entry larger than a generation was stored")
	}
	_, epoch := c.get("x")
	c.clear()
	c.put(epoch, "x", hot)
	if e, _ := c.get("x"); e != nil {
		t.Errorf("an answer computed before a clear was stored after it")
	}
	if s := c.stats(); s.Entries != 0 || s.Clears != 1 {
		t.Errorf("after clear: %+v", s)
	}
}
