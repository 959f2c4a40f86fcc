package lookup

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
)

// searchBoth runs q on the database and on the snapshot and fails the test
// when the pages differ in any field, the cursor included.
func searchBoth(t *testing.T, r *Registry, s *snapshot, q Query) Page {
	t.Helper()
	ctx := context.Background()
	want, err := r.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	rq, err := prepare(q)
	if err != nil {
		t.Fatal(err)
	}
	got := s.search(rq, r.zone)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v:\nindex    %+v\ndatabase %+v", q, got, want)
	}
	return got
}

func TestIndexMatchesDatabase(t *testing.T) {
	r, _ := newRegistry(t, registry())
	s, err := r.load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range searchCases() {
		t.Run(tc.name, func(t *testing.T) {
			// Every page size, following the cursors to the end.
			for limit := 1; limit <= 8; limit++ {
				q := tc.q
				q.Limit = limit
				var got []string
				for pages := 0; ; pages++ {
					if pages > 10 {
						t.Fatalf("limit %d: no end", limit)
					}
					p := searchBoth(t, r, s, q)
					got = append(got, services(p)...)
					if p.Next == "" {
						break
					}
					q.Cursor = p.Next
				}
				if len(got) != len(tc.want) {
					t.Errorf("limit %d: %q, want %q", limit, got, tc.want)
				}
			}
		})
	}
	// Every field of every row, through the entity prefix of everything.
	p := searchBoth(t, r, s, Query{Entity: "北", Limit: MaxLimit})
	if len(p.Items) != 9 {
		t.Errorf("%d rows under 北, want 9", len(p.Items))
	}
	if it := p.Items[7]; it.ServiceType != "app" || it.ServiceLicence != "京ICP备2021000001号-3A" || it.Domain != "" {
		t.Errorf("the App row: %+v", it)
	}
	if last := p.Items[8]; last.UnitName != "北亭丙有限公司" { // 京 U+4EAC sorts before 亭 U+4EAD
		t.Errorf("last row %+v, want 北亭丙有限公司's", last)
	}
}

func TestIndexPages(t *testing.T) {
	// Equal names (two entities called 王伟 and more) interleave their
	// websites by id in the lookup's order; the index must do the same.
	var es []seedEntity
	for i := range 30 {
		name := "王伟"
		if i%3 == 1 {
			name += "甲"
		}
		n := "京ICP备2022" + pad6(i+1) + "号"
		es = append(es, seedEntity{name: name, number: n, sites: []seedSite{
			{number: n + "-1", name: "s", domains: []string{"w" + pad6(i) + ".com", "x" + pad6(i) + ".com"}},
			{number: n + "-2", name: "t"},
			{number: n + "-3X", name: "u", domains: []string{"-gone" + pad6(i) + ".com"}},
		}})
	}
	r, _ := newRegistry(t, es)
	s, err := r.load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Read in three ranges of website ids at once and merged: the same.
	r.parts = 3
	s3, err := r.load(context.Background())
	r.parts = 0
	if err != nil {
		t.Fatal(err)
	}
	if len(s3.rows) != len(s.rows) || len(s3.ents) != 30 || len(s3.sites) != 90 {
		t.Fatalf("merged: %d rows, %d entities, %d sites", len(s3.rows), len(s3.ents), len(s3.sites))
	}
	if len(s.rows) != 30*4 {
		t.Fatalf("%d rows, want %d", len(s.rows), 30*4)
	}
	for _, q := range []Query{{Entity: "王"}, {Entity: "王伟"}, {Entity: "王伟甲"}, {Entity: "王", ServiceType: "mini_program"},
		{Number: "京ICP备2022000002号"}, {Domain: "www.x000004.com"}} {
		for _, limit := range []int{1, 3, 7, MaxLimit} {
			q.Limit, q.Cursor = limit, ""
			for {
				p := searchBoth(t, r, s, q)
				if p3 := searchBoth(t, r, s3, q); !reflect.DeepEqual(p3, p) {
					t.Fatalf("%+v: merged index %+v, one part %+v", q, p3, p)
				}
				if p.Next == "" {
					break
				}
				q.Cursor = p.Next
			}
		}
	}
}

func TestRunKeepsIndexCurrent(t *testing.T) {
	r, db := newRegistry(t, registry())
	ctx, cancel := context.WithCancel(context.Background())
	h := NewHandler(r, Options{Refresh: time.Millisecond, Rebuild: time.Millisecond})
	h.events = make(chan string, 16)
	done := make(chan error)
	go func() { done <- h.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	wait := func(what string) {
		t.Helper()
		for {
			select {
			case e := <-h.events:
				if e == what {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no %q from Run", what)
			}
		}
	}
	wait("built")
	if st := h.Stats(); st.IndexRows != 10 || st.IndexBytes == 0 {
		t.Fatalf("stats %+v", st)
	}
	// An answer from the index costs no statement. Run's version checks
	// (every millisecond) may fall in between on a busy machine: one of a
	// few answers must see none.
	free := false
	for range 20 {
		n := db.Queries()
		if p := decodePage(t, get(h, "domain=www.ding.com")); len(p.Items) != 1 || p.Items[0].MainLicence != "京ICP证030173号" {
			t.Fatalf("from the index: %+v", p.Items)
		}
		if db.Queries() == n {
			free = true
			break
		}
	}
	if !free {
		t.Error("every answer from the index ran statements")
	}
	// A change: the version moves, the index and cache are dropped, the
	// database answers, then a new index.
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `UPDATE entities SET name = '北京丁改名公司', updated_at = updated_at + 1 WHERE number = '京ICP备2021000004号'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	wait("dropped")
	wait("built")
	if p := decodePage(t, get(h, "domain=www.ding.com")); p.Items[0].UnitName != "北京丁改名公司" {
		t.Errorf("after a change: %+v", p.Items)
	}
	// Invalidate drops the index at once.
	h.Invalidate()
	if st := h.Stats(); st.IndexRows != 0 {
		t.Errorf("after Invalidate the index still answers: %+v", st)
	}
	wait("built")
}

// TestHandlerSameBytes: the handler's bodies and ETags are the same with
// and without the index, and the JSON is what encoding/json makes of the
// Page.
func TestHandlerSameBytes(t *testing.T) {
	r, _ := newRegistry(t, registry())
	db := NewHandler(r, Options{CacheBytes: -1})
	mem := NewHandler(r, Options{CacheBytes: -1})
	if !mem.build(context.Background()) {
		t.Fatal("index build failed")
	}
	for _, tc := range searchCases() {
		v := url.Values{}
		for k, s := range map[string]string{"domain": tc.q.Domain, "number": tc.q.Number, "entity": tc.q.Entity, "name": tc.q.Name, "serviceType": tc.q.ServiceType} {
			if s != "" {
				v.Set(k, s)
			}
		}
		for _, limit := range []string{"1", "2", "100"} {
			v.Set("limit", limit)
			v.Del("cursor")
			for {
				a, b := get(db, v.Encode()), get(mem, v.Encode())
				if a.Code != 200 || a.Body.String() != b.Body.String() || a.Header().Get("ETag") != b.Header().Get("ETag") {
					t.Fatalf("%s: database %d %s %s\nindex %d %s %s", v.Encode(), a.Code, a.Header().Get("ETag"), a.Body, b.Code, b.Header().Get("ETag"), b.Body)
				}
				p := decodePage(t, a)
				if want, err := marshal(p); err != nil || string(want) != a.Body.String() {
					t.Fatalf("%s: body %s\nencoding/json %s", v.Encode(), a.Body, want)
				}
				if p.Next == "" {
					break
				}
				v.Set("cursor", p.Next)
			}
		}
	}
}

// TestIndexSparseIDs: entity ids far apart (rows copied from elsewhere)
// are indexed through a map instead of a slice, with the same answers.
func TestIndexSparseIDs(t *testing.T) {
	r, db := newRegistry(t, registry())
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		q := tx.Q()
		for _, st := range []string{
			`INSERT INTO entities (id, account_id, cert_index, nature, name, province, number, status, data_enc, created_at, updated_at)
				VALUES (900000000, 1, 'sparse', 'enterprise', '北京稀疏公司', '11', '京ICP备2021000099号', 'active', '', 0, 0)`,
			`INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, status, data_enc, approved_at, updated_at)
				VALUES (800000000, 900000000, 1, '京ICP备2021000099号-1', '稀疏站', 'https://sparse.cn/', '', 'active', '', 0, 0)`,
			`INSERT INTO domains (website_id, name, status) VALUES (800000000, 'sparse.cn', 'active')`,
			// A separator inside a field: the row is read again unjoined.
			`INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, status, data_enc, approved_at, updated_at)
				VALUES (800000001, 900000000, 2, '京ICP备2021000099号-2', '分` + "\x1f" + `隔站', 'https://sep.cn/', '', 'active', '', 0, 0)`,
			`INSERT INTO domains (website_id, name, status) VALUES (800000001, 'sep.cn', 'active')`,
		} {
			if _, err := q.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := r.load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{{Domain: "www.sparse.cn"}, {Entity: "北京"}, {Number: "京ICP备2021000099号"}, {Number: "京ICP备2021000001号"}} {
		searchBoth(t, r, s, q)
	}
	if p := searchBoth(t, r, s, Query{Domain: "sparse.cn"}); len(p.Items) != 1 || p.Items[0].UnitName != "北京稀疏公司" {
		t.Errorf("sparse entity: %+v", p.Items)
	}
	if p := searchBoth(t, r, s, Query{Domain: "sep.cn"}); len(p.Items) != 1 || p.Items[0].ServiceName != "分\x1f隔站" || p.Items[0].Domain != "sep.cn" {
		t.Errorf("a separator in a field: %+v", p.Items)
	}
}

func TestSortParallel(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1<<16 + 3, 200000} {
		x := make([]int32, n)
		for i := range x {
			x[i] = int32((i * 7919) % (n/3 + 1)) // ties
		}
		want := slices.Clone(x)
		slices.Sort(want)
		if got := sortParallel(x, func(a, b int32) int { return int(a - b) }); !slices.Equal(got, want) {
			t.Errorf("n=%d: not sorted", n)
		}
	}
}

// TestNameOrder: names that tie on the 16-byte key (a shared prefix of
// five Chinese characters and more), shorter ones, equal ones, and bytes
// above 0x7f all come out in bytes.Compare order, ties by index.
func TestNameOrder(t *testing.T) {
	names := []string{"北京市海淀区科技有限公司乙", "北京市海淀区科技有限公司甲", "北京市海淀区", "北京市海淀区科技有限公司甲", "a", "",
		"北京市海淀区科技有限公司", "ab\x00", "ab", "\xff", "北京市海淀区科技有限公司甲乙"}
	var s snapshot
	for _, n := range names {
		s.ents = append(s.ents, ent{off: s.add([]byte(n)).off, nameN: uint16(len(n))})
	}
	got := s.nameOrder()
	want := make([]int32, len(names))
	for i := range want {
		want[i] = int32(i)
	}
	slices.SortStableFunc(want, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
