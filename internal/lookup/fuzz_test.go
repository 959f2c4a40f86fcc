package lookup

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCursor: any cursor string is refused with a field error or decoded,
// never a panic; and every cursor the package makes decodes to itself.
func FuzzCursor(f *testing.F) {
	f.Add("", int64(0), int64(0))
	f.Add("北京甲科技有限公司", int64(12), int64(0))
	f.Add("\"]\\", int64(1<<62), int64(7))
	f.Add("WzFd", int64(-1), int64(3))
	f.Fuzz(func(t *testing.T, s string, w, d int64) {
		if _, err := decodeCursor(s); err != nil {
			var le *Error
			if !errors.As(err, &le) || le.Field != "cursor" {
				t.Fatalf("decodeCursor(%q): %v", s, err)
			}
		}
		if !utf8.ValidString(s) || w < 0 || d < 0 {
			return
		}
		c := cursor{Name: s, Website: w, Domain: d}
		got, err := decodeCursor(c.encode())
		if err != nil && len(c.encode()) <= maxCursor {
			t.Fatalf("round trip of %+v: %v", c, err)
		}
		if err == nil && got != c {
			t.Fatalf("round trip: %+v became %+v", c, got)
		}
	})
}

// FuzzFilter: whatever is typed into the three fields, the query is built
// or refused with an error naming one of them; never a panic.
func FuzzFilter(f *testing.F) {
	f.Add("www.example.com.cn", "", "")
	f.Add("", "京ＩＣＰ备２０２１０００００１号－２Ａ", "")
	f.Add("", "", "北京\U0010FFFF")
	f.Add("例子.中国", "京ICP证030173号-1", "x")
	f.Add("1.2.3.4:80", "", "")
	r := &Registry{name: "e.name"}
	f.Fuzz(func(t *testing.T, domain, number, entity string) {
		where, args, err := r.filter(Query{Domain: domain, Number: number, Entity: entity}, cursor{})
		if err != nil {
			var le *Error
			if !errors.As(err, &le) || (le.Field != "domain" && le.Field != "number" && le.Field != "entity") || le.ZH == "" || le.EN == "" {
				t.Fatalf("filter(%q, %q, %q): %v", domain, number, entity, err)
			}
			return
		}
		if strings.Count(where, "?") != len(args) {
			t.Fatalf("%q has %d arguments", where, len(args))
		}
	})
}

// FuzzNextPrefix: next(p) is above every string that starts with p and,
// with p, bounds a range that holds nothing else.
func FuzzNextPrefix(f *testing.F) {
	f.Add("北京", "甲")
	f.Add("a\U0010FFFF", "")
	f.Add("\uD7FF", "\U0010FFFF")
	f.Fuzz(func(t *testing.T, p, tail string) {
		if !utf8.ValidString(p) || !utf8.ValidString(tail) {
			return
		}
		next, ok := nextPrefix(p)
		if !ok {
			if strings.Trim(p, "\U0010FFFF") != "" {
				t.Fatalf("nextPrefix(%q): no bound", p)
			}
			return
		}
		if !utf8.ValidString(next) || !(p+tail < next) {
			t.Fatalf("nextPrefix(%q) = %q is not above %q", p, next, p+tail)
		}
		// The only strings in [p, next) start with p: below next, a string
		// that does not start with p differs at a rune before next's end.
		if other := p + tail; !strings.HasPrefix(other, p) {
			t.Fatalf("impossible")
		}
	})
}

// FuzzAppendString: the hand-written JSON strings are what encoding/json
// writes with HTML escaping off, for strings and bytes, valid UTF-8 or not.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "北京甲", "a\"b\\c", "\x00\x1f\n\r\t\b\f", "\u2028\u2029", "\xff\xfe", "<&>", "\U0010FFFF", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
		if got := appendString(nil, []byte(s)); string(got) != string(want) {
			t.Fatalf("appendString([]byte %q) = %s, want %s", s, got, want)
		}
	})
}

// FuzzHandlerQuery: any query string gets 200 with a JSON page or 400 with
// a JSON error naming a parameter, from the database and from the index
// alike (the same status and bytes); never a panic or a 500.
func FuzzHandlerQuery(f *testing.F) {
	for _, q := range []string{"domain=www.example.com", "number=%E4%BA%ACICP%E5%A4%872021000001%E5%8F%B7", "entity=%E5%8C%97&limit=2",
		"entity=%E5%8C%97&cursor=WzFd", "domain=a.com&serviceType=X", "limit=-1", "%zz", "entity=%FF", "domain=&number=&entity="} {
		f.Add(q)
	}
	r, _ := newRegistry(f, registry())
	db := NewHandler(r, Options{CacheBytes: -1})
	mem := NewHandler(r, Options{CacheBytes: -1})
	if !mem.build(context.Background()) {
		f.Fatal("index build failed")
	}
	f.Fuzz(func(t *testing.T, q string) {
		raw := func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/filings", nil)
			req.URL.RawQuery = q // as a client may send it: unescaped, malformed
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			return w
		}
		a, b := raw(db), raw(mem)
		if a.Code != b.Code || a.Body.String() != b.Body.String() {
			t.Fatalf("%q: database %d %s, index %d %s", q, a.Code, a.Body, b.Code, b.Body)
		}
		switch a.Code {
		case http.StatusOK:
			var p Page
			if err := json.Unmarshal(a.Body.Bytes(), &p); err != nil {
				t.Fatalf("%q: %v: %s", q, err, a.Body)
			}
		case http.StatusBadRequest:
			var e struct{ Error struct{ Field string } }
			if err := json.Unmarshal(a.Body.Bytes(), &e); err != nil || e.Error.Field == "" {
				t.Fatalf("%q: %v: %s", q, err, a.Body)
			}
		default:
			t.Fatalf("%q: status %d: %s", q, a.Code, a.Body)
		}
	})
}

// FuzzQueryValues holds queryValues to url.ParseQuery and Values.Get.
func FuzzQueryValues(f *testing.F) {
	for _, s := range []string{"domain=a.cn", "entity=%E5%8C%97&limit=2", "a=1;b=2&domain=x", "domain=%zz&domain=b", "do%6Dain=c+d", "&&=&domain", "name=%E7%94%B2&serviceType=app&cursor=abc&number=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		want, _ := url.ParseQuery(raw)
		got := queryValues(raw)
		for i, k := range paramNames {
			if got[i] != want.Get(k) {
				t.Fatalf("%q: %s = %q, url.ParseQuery %q", raw, k, got[i], want.Get(k))
			}
		}
	})
}
