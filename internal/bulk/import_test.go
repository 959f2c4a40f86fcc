package bulk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

const header = "unitName,natureName,mainLicence,serviceLicence,serviceName,domain,homeUrl,contentTypeName,limitAccess,updateRecordTime\n"

var fixedNow = time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)

// openDB opens a fresh database (SQLite, or PostgreSQL when
// BEIAN_TEST_POSTGRES is set) with provider codes "isp" and "other".
func openDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, code := range []string{"isp", "other"} {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, 1)`, code, code+" 接入商")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// genCSV writes n rows like the benchmark's generator, deterministic:
// entity e has website 1 with domain a, every third entity a second domain
// on website 1 and every fifth a website 2.
func genCSV(n int) string {
	var b strings.Builder
	b.WriteString(header)
	rows := 0
	for e := 1; rows < n; e++ {
		num := fmt.Sprintf("京ICP备2024%06d号", e)
		add := func(site int, dom string) {
			if rows < n {
				fmt.Fprintf(&b, "测试公司%d,企业,%s,%s-%d,网站%d-%d,%s,https://e%d-%d.example.cn/,,否,2024-05-01 10:00:%02d\n", e, num, num, site, e, site, dom, e, site, e%60)
				rows++
			}
		}
		add(1, fmt.Sprintf("e%d.example.cn", e))
		if e%3 == 0 {
			add(1, fmt.Sprintf("www.e%d-alt.example.cn", e))
		}
		if e%5 == 0 {
			add(2, fmt.Sprintf("e%d.example.com.cn", e))
		}
	}
	return b.String()
}

type result struct {
	st   Stats
	errs []*RowError
}

func run(t *testing.T, ctx context.Context, db *store.DB, in string, opt Options) (result, error) {
	t.Helper()
	var r result
	if opt.Provider == "" {
		opt.Provider = "isp"
	}
	opt.Now = func() time.Time { return fixedNow }
	opt.OnError = func(e *RowError) { r.errs = append(r.errs, e) }
	var err error
	r.st, err = Import(ctx, db, strings.NewReader(in), opt)
	return r, err
}

func mustRun(t *testing.T, db *store.DB, in string, opt Options) result {
	t.Helper()
	r, err := run(t, context.Background(), db, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// snapshot is the registry's content as text, to compare runs.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		`SELECT e.number || '|' || e.name || '|' || e.nature || '|' || e.province || '|' || COALESCE(e.license_number, '') || '|' || e.next_site || '|' || e.updated_at FROM entities e`,
		`SELECT w.number || '|' || w.name || '|' || w.home_url || '|' || w.limit_access || '|' || w.site_index || '|' || w.updated_at FROM websites w`,
		`SELECT d.name || '|' || w.number || '|' || d.status FROM domains d JOIN websites w ON w.id = d.website_id`,
		`SELECT w.number || '|' || a.provider_id || '|' || a.status FROM accesses a JOIN websites w ON w.id = a.website_id`,
		`SELECT g.domain || '|' || g.number || '|' || g.op || '|' || g.status FROM gate_log g`,
		`SELECT name || '=' || value FROM counters`,
		`SELECT 'audit ' || COUNT(*) FROM audit_log`,
	} {
		rows, err := store.All(ctx, db.R(), store.Scalar[string], q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		sort.Strings(rows)
		out = append(out, rows...)
	}
	return strings.Join(out, "\n")
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestImportIdempotent imports a file, checks what it made, and imports it
// again: the second run writes nothing (no row, no audit entry, no feed
// entry) and the registry reads the same.
func TestImportIdempotent(t *testing.T) {
	db := openDB(t)
	in := genCSV(200)
	r := mustRun(t, db, in, Options{Batch: 37})
	if len(r.errs) != 0 || r.st.Rows != 200 || r.st.Rejected != 0 {
		t.Fatalf("first run: %+v, errors %v", r.st, r.errs)
	}
	ents := count(t, db, `SELECT COUNT(*) FROM entities WHERE origin = 'imported' AND status = 'active'`)
	webs := count(t, db, `SELECT COUNT(*) FROM websites WHERE status = 'active'`)
	doms := count(t, db, `SELECT COUNT(*) FROM domains WHERE status = 'active'`)
	if doms != 200 || webs >= doms || ents >= webs || ents == 0 {
		t.Fatalf("entities %d, websites %d, domains %d", ents, webs, doms)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM accesses a JOIN providers p ON p.id = a.provider_id WHERE p.code = 'isp' AND a.status = 'active'`); n != webs {
		t.Fatalf("%d accesses at isp for %d websites", n, webs)
	}
	if n := count(t, db, `SELECT COUNT(DISTINCT domain) FROM gate_log`); n != doms {
		t.Fatalf("gate feed has %d domains, want %d", n, doms)
	}
	// Counter: the highest imported Beijing 2024 serial.
	top := count(t, db, `SELECT MAX(CAST(SUBSTR(number, 10, 6) AS INTEGER)) FROM entities`)
	if v := count(t, db, `SELECT value FROM counters WHERE name = 'icp:11:2024'`); v != top || top == 0 {
		t.Fatalf("counter icp:11:2024 = %d, highest imported serial %d", v, top)
	}
	// Entity 5 has websites 1 and 2: later numbers start at 3.
	if n := count(t, db, `SELECT next_site FROM entities WHERE number = ?`, "京ICP备2024000005号"); n != 3 {
		t.Fatalf("next_site of entity 5 = %d, want 3", n)
	}
	before := snapshot(t, db)
	r = mustRun(t, db, in, Options{Batch: 50})
	if r.st.Written() != 0 || r.st.Rows != 200 {
		t.Fatalf("second run wrote %+v", r.st)
	}
	if after := snapshot(t, db); after != before {
		t.Fatalf("second run changed the registry:\n%s\n----\n%s", before, after)
	}
	// A changed field is an update of that row alone.
	changed := strings.Replace(in, "网站7-1,", "网站七,", 1)
	r = mustRun(t, db, changed, Options{})
	if r.st.Websites != 1 || r.st.Entities != 0 || r.st.Domains != 0 || r.st.FeedEntries != 0 {
		t.Fatalf("one changed name: %+v", r.st)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM websites WHERE name = '网站七'`); n != 1 {
		t.Fatal("the changed name is not stored")
	}
}

// TestImportBadRows: every kind of bad row is reported with its line and
// reason, and every good row goes in.
func TestImportBadRows(t *testing.T) {
	db := openDB(t)
	good := func(e int) string {
		n := fmt.Sprintf("沪ICP备2023%06d号", e)
		return fmt.Sprintf("好公司%d,企业,%s,%s-1,站点%d,g%d.example.cn,,,否,", e, n, n, e, e)
	}
	huge := "大公司,企业,沪ICP备2023000099号,沪ICP备2023000099号-1,站点," + strings.Repeat("x", 10<<20) + ".cn,,,否,"
	lines := []string{
		good(1),    // 2
		"只有,三列,字段", // 3: wrong column count
		good(2),    // 4
		"坏号公司,企业,沪ICP备20230号,沪ICP备20230号-1,站,b.example.cn,,,否,",                  // 5: bad number
		"坏域名,企业,沪ICP备2023000010号,沪ICP备2023000010号-1,站,not a domain!,,,否,",        // 6: bad domain
		"\xff\xfe坏编码,企业,沪ICP备2023000011号,沪ICP备2023000011号-1,站,u.example.cn,,,否,", // 7: invalid UTF-8
		huge,    // 8: 10 MB line
		good(3), // 9
		"无性质,公司,沪ICP备2023000012号,沪ICP备2023000012号-1,站,n.example.cn,,,否,",   // 10: bad nature
		"主体号,企业,沪ICP备2023000013号,沪ICP备2023000013号,站,m.example.cn,,,否,",     // 11: entity number as service
		"错时间,企业,沪ICP备2023000014号,沪ICP备2023000014号-1,站,t.example.cn,,,否,昨天", // 12: bad time
		"双域名,企业,沪ICP备2023000015号,沪ICP备2023000015号-1,站,g1.example.cn,,,否,",  // 13: domain of line 2's site
		good(4) + "\n" + strings.Replace(good(4), "站点4", "别名", 1),          // 14, 15: website 4 named twice
		"\"未闭合,企业,沪ICP备2023000016号,沪ICP备2023000016号-1,站,q.example.cn,,,否,", // 16: open quote (to the end)
	}
	in := header + strings.Join(lines, "\n") + "\n"
	r := mustRun(t, db, in, Options{Batch: 4})
	want := map[int64]string{3: "bulk.field_count", 5: "", 6: "", 7: "bulk.bad_utf8", 8: "bulk.line_too_long",
		10: "bulk.bad_nature", 11: "bulk.not_service_number", 12: "bulk.bad_time", 13: "bulk.domain_twice", 15: "bulk.website_differs", 16: "bulk.csv_open_quote"}
	got := map[int64]string{}
	for _, e := range r.errs {
		got[e.Line] = e.Code
		if e.EN == "" || e.ZH == "" {
			t.Errorf("line %d: message missing a language: %+v", e.Line, e)
		}
	}
	for line, code := range want {
		c, ok := got[line]
		if !ok {
			t.Errorf("line %d not reported (got %v)", line, got)
			continue
		}
		if code != "" && c != code {
			t.Errorf("line %d: code %s, want %s", line, c, code)
		}
	}
	if len(got) != len(want) {
		t.Errorf("reported lines %v, want %v", got, want)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM websites`); n != 4 {
		t.Fatalf("%d websites imported, want the 4 good rows", n)
	}
	if r.st.Rows != 4 || r.st.Rejected != int64(len(want)) {
		t.Fatalf("stats %+v", r.st)
	}
}

// TestImportRegistryConflicts: a domain filed under another website, and a
// licence number held by another entity, are refused rows.
func TestImportRegistryConflicts(t *testing.T) {
	db := openDB(t)
	mustRun(t, db, header+"甲公司,企业,粤ICP备2022000001号,粤ICP备2022000001号-1,甲站,shared.example.cn,,,否,\n"+
		"乙公司,企业,粤ICP证220001号,粤ICP备2022000002号-1,乙站,b.example.cn,,,否,\n", Options{})
	r := mustRun(t, db, header+"丙公司,企业,粤ICP备2022000003号,粤ICP备2022000003号-1,丙站,shared.example.cn,,,否,\n"+
		"丁公司,企业,粤ICP证220001号,粤ICP备2022000004号-1,丁站,d.example.cn,,,否,\n"+
		"戊公司,企业,粤ICP备2022000005号,粤ICP备2022000005号-1,戊站,e.example.cn,,,否,\n", Options{})
	codes := map[int64]string{}
	for _, e := range r.errs {
		codes[e.Line] = e.Code
	}
	if codes[2] != "bulk.domain_filed" || codes[3] != "bulk.licence_held" || len(codes) != 2 {
		t.Fatalf("errors %v", r.errs)
	}
	if r.st.Rows != 1 {
		t.Fatalf("stats %+v", r.st)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM websites w JOIN domains d ON d.website_id = w.id WHERE d.name = 'shared.example.cn' AND w.number = ?`, "粤ICP备2022000001号-1"); n != 1 {
		t.Fatal("the filed domain moved")
	}
}

// TestImportInterruptedResumes cancels an import after its first batch:
// that batch is whole in the database, nothing of the next, and a second
// run leaves exactly what one uninterrupted run leaves.
func TestImportInterruptedResumes(t *testing.T) {
	in := genCSV(300)
	clean := openDB(t)
	mustRun(t, clean, in, Options{Batch: 100})
	want := snapshot(t, clean)

	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := run(t, ctx, db, in, Options{Batch: 100, OnProgress: func(Stats) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted import: %v", err)
	}
	if r.st.Batches != 1 || r.st.Rows != 100 {
		t.Fatalf("committed %+v", r.st)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM domains`); n != 100 {
		t.Fatalf("%d domains after one batch of 100 rows", n)
	}
	r = mustRun(t, db, in, Options{Batch: 100})
	if r.st.Rows != 300 {
		t.Fatalf("resumed run %+v", r.st)
	}
	// The audit rows differ (batches split otherwise); the registry does not.
	strip := func(s string) string { return s[:strings.LastIndex(s, "\naudit ")] }
	if got := snapshot(t, db); strip(got) != strip(want) {
		t.Fatalf("resumed import differs from a clean one:\n%s\n----\n%s", want, got)
	}
}

// TestImportJSONLAndExportRoundTrip imports JSON Lines (limitAccess as a
// boolean, fields in any order), exports CSV and JSONL, and imports the
// export into a new database, which then exports the same bytes.
func TestImportJSONLAndExportRoundTrip(t *testing.T) {
	db := openDB(t)
	in := `{"serviceLicence":"浙ICP备2021000007号-1","unitName":"杭州\"引号\"公司","natureName":"企业","mainLicence":"浙ICP备2021000007号","serviceName":"站, 逗号","domain":"例子.中国","homeUrl":"https://例子.中国/","contentTypeName":"新闻","limitAccess":true,"updateRecordTime":"2021-03-04 05:06:07"}
{"unitName":"个人甲","natureName":"个人","mainLicence":"浙ICP备2021000008号","serviceLicence":"浙ICP备2021000008号-2","serviceName":"博客","domain":"blog.example.cn","limitAccess":"否","serviceType":"website"}

{"unitName":"x","natureName":"企业","mainLicence":"浙ICP备2021000009号","serviceLicence":"浙ICP备2021000009号-1A","serviceName":"App","domain":"","serviceType":"app"}
{"unitName":"y","natureName":"企业","mainLicence":"浙ICP备2021000010号","serviceLicence":"浙ICP备2021000010号-1A","serviceName":"App2","domain":"api.example.cn"}
{"unitName":"z","natureName":"企业","mainLicence":"浙ICP备2021000011号","serviceLicence":"浙ICP备2021000011号-1X","serviceName":"小程序","homeUrl":"https://z.example.cn/"}
{"unitName":"w","natureName":"企业","mainLicence":"浙ICP备2021000012号","serviceLicence":"浙ICP备2021000012号-1","serviceName":"站","serviceType":"app"}
`
	r := mustRun(t, db, in, Options{Name: "in.jsonl"})
	codes := map[int64]string{}
	for _, e := range r.errs {
		codes[e.Line] = e.Code
	}
	if r.st.Rows != 3 || len(codes) != 3 || codes[5] != "bulk.domain_not_website" || codes[6] != "bulk.home_url_not_website" ||
		codes[7] != "bulk.service_type_mismatch" {
		t.Fatalf("stats %+v errors %v", r.st, r.errs)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM domains WHERE name = 'xn--fsqu00a.xn--fiqs8s'`); n != 1 {
		t.Fatal("IDN domain not stored as its A-label")
	}
	// The App is a service of the registry with its type and the
	// provider's access, and has no domain, so nothing of it enters the gate.
	if n := count(t, db, `SELECT COUNT(*) FROM websites w JOIN accesses a ON a.website_id = w.id
		WHERE w.number = '浙ICP备2021000009号-1A' AND w.service_type = 'app' AND w.home_url = ''`); n != 1 {
		t.Fatal("App not stored as a service of type app with its access")
	}
	if n := count(t, db, `SELECT COUNT(*) FROM gate_log WHERE number = '浙ICP备2021000009号-1A'`); n != 0 {
		t.Fatal("an App entered the gate feed")
	}
	ctx := context.Background()
	for _, f := range []Format{CSV, JSONL} {
		var out bytes.Buffer
		n, err := Export(ctx, db, &out, f, nil)
		if err != nil || n != 3 {
			t.Fatalf("export %s: %d %v", f, n, err)
		}
		if want := map[Format]string{CSV: ",app\n", JSONL: `"serviceType":"app"`}[f]; !strings.Contains(out.String(), want) {
			t.Fatalf("%s export has no App record with its service type (%s):\n%s", f, want, out.String())
		}
		if f == CSV && !strings.HasPrefix(out.String(), strings.Join(Fields(), ",")+"\n") {
			t.Fatalf("CSV header: %q", out.String())
		}
		if !strings.Contains(out.String(), "2021-03-04 05:06:07") || !strings.Contains(out.String(), "是") {
			t.Fatalf("%s export lost a field:\n%s", f, out.String())
		}
		db2 := openDB(t)
		r := mustRun(t, db2, out.String(), Options{Format: f})
		if len(r.errs) != 0 || r.st.Rows != 3 {
			t.Fatalf("re-import of the %s export: %+v %v", f, r.st, r.errs)
		}
		var again bytes.Buffer
		if _, err := Export(ctx, db2, &again, f, nil); err != nil {
			t.Fatal(err)
		}
		if again.String() != out.String() {
			t.Fatalf("%s export of the re-import differs:\n%s\n----\n%s", f, out.String(), again.String())
		}
	}
}

// TestImportNeedsProvider: an unknown or missing provider stops the import
// before anything is written.
func TestImportNeedsProvider(t *testing.T) {
	db := openDB(t)
	for _, p := range []string{"nope", " "} {
		_, err := run(t, context.Background(), db, genCSV(3), Options{Provider: p})
		if err == nil || !strings.Contains(err.Error(), "provider") {
			t.Fatalf("provider %q: %v", p, err)
		}
	}
	if _, err := run(t, context.Background(), db, "unitName,domain\nx,y\n", Options{}); err == nil || !strings.Contains(err.Error(), "mainLicence") {
		t.Fatalf("header without required columns: %v", err)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM entities`); n != 0 {
		t.Fatalf("%d entities written", n)
	}
}

// TestImportNeverRenamesPlatformEntity: an entity this platform filed
// keeps its name; a row with its number and another name is refused, one
// with the same name adds the website.
func TestImportNeverRenamesPlatformEntity(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var acc int64
		if err := tx.Q().QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, created_at) VALUES ('a@example.cn', 'a', 'x', 'applicant', 1) RETURNING id`).Scan(&acc); err != nil {
			return err
		}
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO entities (account_id, cert_index, nature, name, province, number, status, next_site, data_enc, created_at, updated_at)
			VALUES (?, 'k1', 'enterprise', '本平台公司', '31', '沪ICP备2026000001号', 'active', 2, '', 1, 1)`, acc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, db, header+"冒名公司,企业,沪ICP备2026000001号,沪ICP备2026000001号-3,冒名站,x.example.cn,,,否,\n", Options{})
	if len(r.errs) != 1 || r.errs[0].Line != 2 || r.errs[0].Code != "bulk.number_held" {
		t.Fatalf("errors %v", r.errs)
	}
	r = mustRun(t, db, header+"本平台公司,企业,沪ICP备2026000001号,沪ICP备2026000001号-2,第二站,y.example.cn,,,否,\n", Options{})
	if len(r.errs) != 0 || r.st.Websites != 1 {
		t.Fatalf("matching row: %+v %v", r.st, r.errs)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM entities WHERE name = '本平台公司' AND origin = 'issued' AND next_site = 3 AND updated_at = 1`); n != 1 {
		t.Fatal("the platform's entity was changed beyond its next site index")
	}
	if n := count(t, db, `SELECT COUNT(*) FROM websites WHERE number = '沪ICP备2026000001号-2'`); n != 1 {
		t.Fatal("the matching row's website is missing")
	}
}

// TestImportDefersIndexes: an import into an empty registry runs without
// the indexes it does not read and leaves them as they were, when it
// finishes and when it is interrupted; an import into a registry with
// filings keeps them; indexes left dropped by an import that died are
// built by the next one.
func TestImportDefersIndexes(t *testing.T) {
	ctx := context.Background()
	defs := func(db *store.DB) map[string]string {
		m := map[string]string{}
		for _, name := range deferrable {
			d, err := indexDef(ctx, db.R(), db.Dialect(), name)
			if err != nil {
				t.Fatal(err)
			}
			m[name] = d
		}
		return m
	}
	settings := func(db *store.DB) int {
		return count(t, db, `SELECT COUNT(*) FROM settings WHERE name = ?`, settingDeferred)
	}
	db := openDB(t)
	want := defs(db)
	for name, d := range want {
		if d == "" {
			t.Fatalf("schema has no index %s", name)
		}
	}
	in := genCSV(300)
	var during []map[string]string
	mustRun(t, db, in, Options{Batch: 100, OnProgress: func(Stats) { during = append(during, defs(db)) }})
	if len(during) < 3 {
		t.Fatalf("%d progress calls for 3 batches", len(during))
	}
	for _, d := range during {
		for name, def := range d {
			if def != "" {
				t.Fatalf("index %s present during the import into an empty registry", name)
			}
		}
	}
	if got := defs(db); fmt.Sprint(got) != fmt.Sprint(want) || settings(db) != 0 {
		t.Fatalf("indexes after the import %v, want %v (settings row %d)", got, want, settings(db))
	}

	// A registry with filings keeps its indexes during an import.
	during = nil
	mustRun(t, db, genCSV(350), Options{Batch: 100, OnProgress: func(Stats) { during = append(during, defs(db)) }})
	for _, d := range during {
		if fmt.Sprint(d) != fmt.Sprint(want) {
			t.Fatalf("an import into a registry with filings dropped indexes: %v", d)
		}
	}

	// Interrupted after its first batch: the indexes are back.
	db2 := openDB(t)
	want = defs(db2) // PostgreSQL's definitions name the test's schema
	cctx, cancel := context.WithCancel(ctx)
	if _, err := run(t, cctx, db2, in, Options{Batch: 100, OnProgress: func(Stats) { cancel() }}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted import: %v", err)
	}
	if got := defs(db2); fmt.Sprint(got) != fmt.Sprint(want) || settings(db2) != 0 {
		t.Fatalf("indexes after an interrupted import %v, want %v", got, want)
	}

	// What a killed import leaves: an index dropped and the settings row.
	// The next import builds the index first.
	v, err := json.Marshal([]deferredIndex{{Name: "entities_name", SQL: want["entities_name"]}})
	if err != nil {
		t.Fatal(err)
	}
	err = db2.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `DROP INDEX entities_name`); err != nil {
			return err
		}
		_, err := tx.Q().ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, 1)`, settingDeferred, string(v))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, db2, in, Options{Batch: 100})
	if got := defs(db2); fmt.Sprint(got) != fmt.Sprint(want) || settings(db2) != 0 {
		t.Fatalf("indexes after a killed import and a re-run %v, want %v", got, want)
	}
}
