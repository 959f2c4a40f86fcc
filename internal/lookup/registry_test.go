package lookup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beian/beian/internal/store"
)

// registry is the shared test registry: names chosen so that byte order and
// pinyin order disagree (北京 < 北亭 by pinyin, 京 < 北 by code point), a
// licence holder, a subdomain under a two-label suffix, a cancelled entity,
// a cancelled website and a removed domain.
func registry() []seedEntity {
	return []seedEntity{
		{name: "北京甲科技有限公司", number: "京ICP备2021000001号", sites: []seedSite{
			{number: "京ICP备2021000001号-1", name: "甲站", domains: []string{"example.com", "example.net"}},
			{number: "京ICP备2021000001号-2", name: "甲二站", domains: []string{"example.com.cn"}, limit: true},
			{number: "京ICP备2021000001号-3A", name: "甲App", domains: nil},
		}},
		{name: "北京乙网络有限公司", number: "京ICP备2021000002号", nature: "individual", sites: []seedSite{
			{number: "京ICP备2021000002号-1", name: "乙站", domains: []string{"yi.cn", "-old-yi.cn"}},
			{number: "京ICP备2021000002号-2X", name: "甲App助手", domains: nil},
		}},
		{name: "北亭丙有限公司", number: "京ICP备2021000003号", sites: []seedSite{
			{number: "京ICP备2021000003号-1", name: "丙站", domains: []string{"bing.org"}},
		}},
		{name: "北京丁公司", number: "京ICP备2021000004号", licence: "京ICP证030173号", sites: []seedSite{
			{number: "京ICP备2021000004号-1", name: "丁站", domains: []string{"ding.com"}},
		}},
		{name: "北京戊公司", number: "京ICP备2021000005号", status: "cancelled", sites: []seedSite{
			{number: "京ICP备2021000005号-1", name: "戊站", domains: []string{"wu.com"}},
		}},
		{name: "北京己公司", number: "京ICP备2021000006号", sites: []seedSite{
			{number: "京ICP备2021000006号-1", name: "己站", status: "cancelled", domains: []string{"ji.com"}},
			{number: "京ICP备2021000006号-2", name: "己二站", domains: []string{"ji2.com"}},
		}},
		// A row nobody can file (a public suffix), to prove lookups never
		// climb above the registrable domain.
		{name: "后缀公司", number: "京ICP备2021000007号", sites: []seedSite{
			{number: "京ICP备2021000007号-1", name: "后缀站", domains: []string{"com.cn"}},
		}},
	}
}

// services returns "serviceLicence domain" of each item, in order.
func services(p Page) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.ServiceLicence + " " + it.Domain
	}
	return out
}

// searchCase is a query of the shared registry and the rows it returns
// ("serviceLicence domain").
type searchCase struct {
	name string
	q    Query
	want []string
}

func searchCases() []searchCase {
	return []searchCase{
		{"apex", Query{Domain: "example.com"}, []string{"京ICP备2021000001号-1 example.com"}},
		{"subdomain", Query{Domain: "www.example.com"}, []string{"京ICP备2021000001号-1 example.com"}},
		{"deep subdomain under a two-label suffix", Query{Domain: "a.b.example.com.cn"}, []string{"京ICP备2021000001号-2 example.com.cn"}},
		{"case, port and trailing dot", Query{Domain: " WWW.Example.NET.:443 "}, []string{"京ICP备2021000001号-1 example.net"}},
		{"not above the registrable domain", Query{Domain: "other.com.cn"}, nil},
		{"unfiled", Query{Domain: "nobody.example.org"}, nil},
		{"removed domain", Query{Domain: "old-yi.cn"}, nil},
		{"cancelled entity", Query{Domain: "wu.com"}, nil},
		{"cancelled website", Query{Domain: "ji.com"}, nil},
		{"entity number: every service", Query{Number: "京ICP备2021000001号"}, []string{
			"京ICP备2021000001号-1 example.com", "京ICP备2021000001号-1 example.net",
			"京ICP备2021000001号-2 example.com.cn", "京ICP备2021000001号-3A "}},
		{"service number", Query{Number: "京ICP备2021000001号-2"}, []string{"京ICP备2021000001号-2 example.com.cn"}},
		{"full-width, no 号", Query{Number: "京ＩＣＰ备２０２１０００００２－１"}, []string{"京ICP备2021000002号-1 yi.cn"}},
		{"service type letter, lower case", Query{Number: "京ICP备2021000001号-3a"}, []string{"京ICP备2021000001号-3A "}},
		{"licence number", Query{Number: "京ICP证030173号"}, []string{"京ICP备2021000004号-1 ding.com"}},
		{"unknown number", Query{Number: "京ICP备2021999999号"}, nil},
		{"cancelled website's number", Query{Number: "京ICP备2021000006号-1"}, nil},
		{"entity prefix", Query{Entity: "北京"}, []string{
			"京ICP备2021000004号-1 ding.com", // 北京丁
			"京ICP备2021000002号-1 yi.cn",    // 北京乙
			"京ICP备2021000002号-2X ",
			"京ICP备2021000006号-2 ji2.com",     // 北京己 (its cancelled site left out)
			"京ICP备2021000001号-1 example.com", // 北京甲
			"京ICP备2021000001号-1 example.net",
			"京ICP备2021000001号-2 example.com.cn",
			"京ICP备2021000001号-3A ",
		}},
		{"entity prefix is not a substring search", Query{Entity: "科技"}, nil},
		{"whole name", Query{Entity: "北亭丙有限公司"}, []string{"京ICP备2021000003号-1 bing.org"}},
		{"service type app", Query{Number: "京ICP备2021000001号", ServiceType: "app"}, []string{"京ICP备2021000001号-3A "}},
		{"service type by letter", Query{Entity: "北京", ServiceType: "a"}, []string{"京ICP备2021000001号-3A "}},
		{"service type website", Query{Number: "京ICP备2021000001号", ServiceType: "website"}, []string{
			"京ICP备2021000001号-1 example.com", "京ICP备2021000001号-1 example.net", "京ICP备2021000001号-2 example.com.cn"}},
		{"service type with no match", Query{Domain: "example.com", ServiceType: "mini_program"}, nil},
		{"App name prefix, every non-website type", Query{Name: "甲App"}, []string{"京ICP备2021000002号-2X ", "京ICP备2021000001号-3A "}},
		{"App name prefix and type", Query{Name: "甲", ServiceType: "mini_program"}, []string{"京ICP备2021000002号-2X "}},
		{"whole App name", Query{Name: "甲App", ServiceType: "app"}, []string{"京ICP备2021000001号-3A "}},
		{"name does not search websites", Query{Name: "甲站"}, nil},
		{"name is a prefix, not a substring", Query{Name: "App"}, nil},
	}
}

func TestSearch(t *testing.T) {
	r, _ := newRegistry(t, registry())
	ctx := context.Background()
	for _, tc := range searchCases() {
		t.Run(tc.name, func(t *testing.T) {
			p, err := r.Search(ctx, tc.q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", tc.q, err)
			}
			if got := services(p); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("Search(%+v)\n got %q\nwant %q", tc.q, got, tc.want)
			}
			if p.Next != "" {
				t.Errorf("Next = %q on a page shorter than the limit", p.Next)
			}
		})
	}
}

func TestSearchPublicFields(t *testing.T) {
	r, _ := newRegistry(t, registry())
	ctx := context.Background()
	p, err := r.Search(ctx, Query{Domain: "yi.cn"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("Search: %v, %d items", err, len(p.Items))
	}
	want := Record{UnitName: "北京乙网络有限公司", NatureName: "个人", MainLicence: "京ICP备2021000002号",
		ServiceLicence: "京ICP备2021000002号-1", ServiceName: "乙站", Domain: "yi.cn", HomeURL: "https://yi.cn/",
		ContentTypeName: "综合门户", LimitAccess: "否", UpdateRecordTime: "2024-05-06 15:08:09", ServiceType: "website"}
	if p.Items[0] != want {
		t.Errorf("record\n got %+v\nwant %+v", p.Items[0], want)
	}
	p, err = r.Search(ctx, Query{Domain: "ding.com"})
	if err != nil || len(p.Items) != 1 || p.Items[0].MainLicence != "京ICP证030173号" {
		t.Errorf("licence holder: %v %+v, want mainLicence 京ICP证030173号", err, p.Items)
	}
	p, err = r.Search(ctx, Query{Domain: "example.com.cn"})
	if err != nil || len(p.Items) != 1 || p.Items[0].LimitAccess != "是" {
		t.Errorf("limited access: %v %+v, want limitAccess 是", err, p.Items)
	}
}

func TestSearchPages(t *testing.T) {
	// Many entities under one prefix, including equal names (two people
	// called 王伟 file separately), so the cursor has ties to break.
	var es []seedEntity
	const n = 40 // 120 rows: more than MaxLimit
	for i := range n {
		name := "王伟"
		if i%4 != 0 {
			name += string(rune('A' + i))
		}
		n := "京ICP备2022" + pad6(i+1) + "号"
		es = append(es, seedEntity{name: name, number: n, sites: []seedSite{
			{number: n + "-1", name: "s", domains: []string{"w" + pad6(i) + ".com", "x" + pad6(i) + ".com"}},
			{number: n + "-2", name: "t", domains: []string{"y" + pad6(i) + ".com"}},
		}})
	}
	r, _ := newRegistry(t, es)
	ctx := context.Background()
	// Every row, in order, straight from the database.
	var all Page
	rows, err := r.db.R().QueryContext(ctx, `SELECT w.number || ' ' || d.name FROM entities e JOIN websites w ON w.entity_id = e.id
		JOIN domains d ON d.website_id = w.id ORDER BY e.name, w.id, d.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		num, dom, _ := strings.Cut(s, " ")
		all.Items = append(all.Items, Record{ServiceLicence: num, Domain: dom})
	}
	rows.Close()
	if len(all.Items) != n*3 {
		t.Fatalf("%d rows seeded, want %d", len(all.Items), n*3)
	}
	for _, limit := range []int{1, 2, 7, MaxLimit - 1, MaxLimit} {
		var got []string
		q := Query{Entity: "王伟", Limit: limit}
		for pages := 0; ; pages++ {
			if pages > len(all.Items) {
				t.Fatalf("limit %d: no end after %d pages", limit, pages)
			}
			p, err := r.Search(ctx, q)
			if err != nil {
				t.Fatalf("limit %d page %d: %v", limit, pages, err)
			}
			if len(p.Items) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(p.Items))
			}
			got = append(got, services(p)...)
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
		}
		if want := services(all); !slices.Equal(got, want) {
			t.Errorf("limit %d: pages\n %q\nwant %q", limit, got, want)
		}
	}
	// Pages are a keyset: cancelling rows already shown does not shift the
	// next page (with an offset it would skip three rows).
	p1, err := r.Search(ctx, Query{Entity: "王伟", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `UPDATE entities SET status = 'cancelled' WHERE number = ?`, "京ICP备2022000001号")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p2, err := r.Search(ctx, Query{Entity: "王伟", Limit: 5, Cursor: p1.Next})
	if err != nil {
		t.Fatal(err)
	}
	if want := services(all)[5:10]; !slices.Equal(services(p2), want) {
		t.Errorf("second page after a cancellation\n got %q\nwant %q", services(p2), want)
	}
	if big, err := r.Search(ctx, Query{Entity: "王伟", Limit: 100000}); err != nil || len(big.Items) != MaxLimit || big.Next == "" {
		t.Errorf("limit above the cap: %v, %d items (next %q), want %d and a next page", err, len(big.Items), big.Next, MaxLimit)
	}
}

func pad6(i int) string {
	s := "000000" + itoa(i)
	return s[len(s)-6:]
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

func TestSearchErrors(t *testing.T) {
	r, _ := newRegistry(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		name, field, code string
		q                 Query
	}{
		{"nothing", "domain", "lookup.query_required", Query{Domain: "  "}},
		{"two criteria", "number", "lookup.one_criterion", Query{Domain: "a.com", Number: "京ICP备2021000001号"}},
		{"bad domain", "domain", "lookup.bad_domain", Query{Domain: "exa mple.com"}},
		{"IP address", "domain", "lookup.bad_domain", Query{Domain: "1.2.3.4"}},
		{"public suffix", "domain", "lookup.bad_domain", Query{Domain: "com.cn"}},
		{"bad number", "number", "lookup.bad_number", Query{Number: "京ICP备123号"}},
		{"PSB number", "number", "lookup.bad_number", Query{Number: "京公网安备 11010602005139号"}},
		{"invalid UTF-8", "entity", "lookup.bad_entity", Query{Entity: "北京\xff"}},
		{"long name", "entity", "lookup.bad_entity", Query{Entity: strings.Repeat("北", maxEntityRunes+1)}},
		{"bad cursor", "cursor", "lookup.bad_cursor", Query{Entity: "北京", Cursor: "!!"}},
		{"cursor of another shape", "cursor", "lookup.bad_cursor", Query{Entity: "北京", Cursor: "WzFd"}}, // [1]
		{"negative limit", "limit", "lookup.bad_limit", Query{Entity: "北京", Limit: -1}},
		{"unknown service type", "serviceType", "lookup.bad_service_type", Query{Entity: "北京", ServiceType: "wechat"}},
		{"entity and name", "name", "lookup.one_criterion", Query{Entity: "北京", Name: "甲"}},
		{"name of a website", "name", "lookup.name_not_website", Query{Name: "甲站", ServiceType: "website"}},
		{"invalid UTF-8 name", "name", "lookup.bad_name", Query{Name: "甲\xff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Search(ctx, tc.q)
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("Search(%+v) = %v, want a *lookup.Error", tc.q, err)
			}
			if le.Field != tc.field || le.Code != tc.code {
				t.Errorf("field %q code %q, want %q %q", le.Field, le.Code, tc.field, tc.code)
			}
			if le.ZH == "" || le.EN == "" || !utf8.ValidString(le.Message()) {
				t.Errorf("message %q: want Chinese and English", le.Message())
			}
		})
	}
}

func TestVersion(t *testing.T) {
	r, db := newRegistry(t, registry())
	ctx := context.Background()
	v0, err := r.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Version(ctx); v != v0 {
		t.Fatalf("version moved without a change: %s then %s", v0, v)
	}
	changes := []struct {
		name, sql string
	}{
		{"entity renamed", `UPDATE entities SET name = '北京甲新名称有限公司', updated_at = updated_at + 1 WHERE number = '京ICP备2021000001号'`},
		{"website changed", `UPDATE websites SET name = '新站', updated_at = updated_at + 5 WHERE number = '京ICP备2021000002号-1'`},
		{"domain added", `INSERT INTO domains (website_id, name, status) VALUES (1, 'added.com', 'active')`},
		{"gate feed", `INSERT INTO gate_log (provider_id, domain, op, number, status, at) VALUES (1, 'yi.cn', 'delete', '', '', 0)`},
	}
	for _, c := range changes {
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Q().ExecContext(ctx, c.sql); return err }); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		v, err := r.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v == v0 {
			t.Errorf("%s: version still %s", c.name, v)
		}
		v0 = v
	}
}

func TestNextPrefix(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"a", "b", true},
		{"北京", "北亭", true},
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"x\uD7FF", "x\uE000", true},
		{"", "", false},
	} {
		got, ok := nextPrefix(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("nextPrefix(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
