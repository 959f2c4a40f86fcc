package scan_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// registry writes registry rows straight into a fresh database: the
// sweeper only reads them, and building them through the filing
// lifecycle would test that instead.
type registry struct {
	t   *testing.T
	db  *store.DB
	ctx context.Context
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := &registry{t: t, db: db, ctx: ctx}
	r.exec(`INSERT INTO providers (id, code, name, created_at) VALUES (1, 'loop', 'Loopback Cloud', 0), (2, 'other', 'Other Cloud', 0)`)
	r.exec(`INSERT INTO provider_cidrs (provider_id, cidr) VALUES (1, '127.0.0.0/8'), (2, '127.0.0.0/8')`)
	r.exec(`INSERT INTO accounts (id, email, name, password_hash, role, created_at) VALUES (1, 'applicant@example.com', 'A', 'x', 'applicant', 0)`)
	r.exec(`INSERT INTO entities (id, account_id, cert_index, nature, name, province, number, status, data_enc, created_at, updated_at)
		VALUES (1, 1, 'c1', 'enterprise', '北京测试有限公司', '11', ?, 'active', '', 0, 0)`, entityNumber)
	return r
}

func (r *registry) exec(q string, args ...any) {
	r.t.Helper()
	if err := r.db.InTx(r.ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(r.ctx, q, args...)
		return err
	}); err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
}

// website adds website n (number …号-n) at home, live since goLive, with
// host as its domain, served by provider.
func (r *registry) website(n int, home, host, goLive string, provider int) {
	r.t.Helper()
	r.exec(`INSERT INTO websites (id, entity_id, site_index, number, name, home_url, content_types, status, go_live, data_enc, approved_at, updated_at)
		VALUES (?, 1, ?, ?, ?, ?, '[]', 'active', ?, '', 0, 0)`, n, n, fmt.Sprintf("%s-%d", entityNumber, n), fmt.Sprintf("site %d", n), home, goLive)
	r.exec(`INSERT INTO domains (website_id, name, status) VALUES (?, ?, 'active')`, n, host)
	r.exec(`INSERT INTO accesses (website_id, provider_id, status, ips, created_at, updated_at) VALUES (?, ?, 'active', '[]', 0, 0)`, n, provider)
}

// notices records what the sweeper would send.
type notices struct {
	mu   sync.Mutex
	sent []scan.Notice
}

func (n *notices) Notify(_ context.Context, x scan.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, x)
	return nil
}

func (n *notices) take() map[int64][]scan.Kind {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[int64][]scan.Kind{}
	for _, x := range n.sent {
		for _, f := range x.Findings {
			out[x.WebsiteID] = append(out[x.WebsiteID], f.Kind)
		}
		if x.To != "applicant@example.com" {
			panic("notice to " + x.To)
		}
	}
	for _, ks := range out {
		slices.Sort(ks)
	}
	n.sent = nil
	return out
}

func openKinds(t *testing.T, db *store.DB, provider int64) map[int64][]scan.Kind {
	t.Helper()
	fs, err := scan.OpenFindings(context.Background(), db.R(), provider, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]scan.Kind{}
	for _, f := range fs {
		out[f.WebsiteID] = append(out[f.WebsiteID], f.Kind)
	}
	for _, ks := range out {
		slices.Sort(ks)
	}
	return out
}

func ks(k ...scan.Kind) []scan.Kind { slices.Sort(k); return k }

func TestSweepStoresFindingsWithHistory(t *testing.T) {
	f := newFixture(t)
	reg := newRegistry(t)
	day := now.AddDate(0, 0, -60).Format(time.DateOnly)
	reg.website(1, f.url("nopsb.test"), "nopsb.test", day, 1)       // psb_missing, fixed before sweep 2
	reg.website(2, f.url("unlinked.test"), "unlinked.test", day, 1) // shows -1: number_wrong, link_missing
	reg.website(3, f.url("nowhere.test"), "nowhere.test", day, 1)   // down: unreachable, access_mismatch
	reg.website(4, f.url("access-out.test"), "access-out.test", day, 2)
	clock := now
	n := &notices{}
	sw, err := scan.NewSweeper(scan.SweeperConfig{DB: reg.db, Scanner: f.scanner(func(o *scan.Options) { o.Now = func() time.Time { return clock } }),
		Notifier: n, Batch: 2, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	st, err := sw.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sites != 4 || st.Compliant != 0 || st.Opened != 7 || st.Resolved != 0 {
		t.Errorf("sweep 1: %+v", st)
	}
	want1 := map[int64][]scan.Kind{
		1: {scan.KindPSBMissing},
		2: ks(scan.KindNumberWrong, scan.KindLinkMissing),
		3: ks(scan.KindUnreachable, scan.KindAccess),
	}
	if got := openKinds(t, reg.db, 1); !mapsEqual(got, want1) {
		t.Errorf("provider 1 open after sweep 1: %v, want %v", got, want1)
	}
	if got := openKinds(t, reg.db, 2); !mapsEqual(got, map[int64][]scan.Kind{4: ks(scan.KindNumberWrong, scan.KindAccess)}) {
		t.Errorf("provider 2 open after sweep 1: %v", got)
	}
	// One failed fetch is not worth an e-mail: unreachable waits for sweep 2.
	told1 := map[int64][]scan.Kind{1: want1[1], 2: want1[2], 3: {scan.KindAccess}, 4: ks(scan.KindNumberWrong, scan.KindAccess)}
	if got := n.take(); !mapsEqual(got, told1) {
		t.Errorf("notified after sweep 1: %v, want %v", got, told1)
	}
	c, err := scan.CountsForProvider(ctx, reg.db.R(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Websites != 3 || c.Scanned != 3 || c.Compliant != 0 || c.ByKind[scan.KindPSBMissing] != 1 || c.ByKind[scan.KindAccess] != 1 ||
		c.ByKind[scan.KindLinkOutdated] != 0 || c.LastRun == nil || c.LastRun.Status != "done" || c.LastRun.Sites != 4 {
		t.Errorf("counts of provider 1: %+v", c)
	}
	if _, ok := c.ByKind[scan.KindNotHTML]; !ok {
		t.Error("counts omit kinds with no finding; want every kind, 0 when none")
	}
	metrics := gather(t, reg.db)
	for key, v := range map[string]float64{"beian_scan_open_findings{kind=psb_missing,provider=loop}": 1, "beian_scan_open_findings{kind=access_mismatch,provider=other}": 1,
		"beian_scan_last_run_sites{}": 4, "beian_scan_scrape_error{}": 0} {
		if got, ok := metrics[key]; !ok || got != v {
			t.Errorf("metric %s = %v (present %v), want %v; all: %v", key, got, ok, v, metrics)
		}
	}

	// The owner of site 1 fixes it; site 4 is cancelled.
	clock = clock.Add(24 * time.Hour)
	reg.exec(`UPDATE websites SET home_url = ? WHERE id = 1`, f.url("ok.test"))
	reg.exec(`UPDATE domains SET name = 'ok.test' WHERE website_id = 1`)
	reg.exec(`UPDATE websites SET status = 'cancelled' WHERE id = 4`)
	st, err = sw.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sites != 3 || st.Compliant != 1 || st.Opened != 0 || st.Resolved != 3 {
		t.Errorf("sweep 2: %+v", st)
	}
	delete(want1, 1)
	if got := openKinds(t, reg.db, 1); !mapsEqual(got, want1) {
		t.Errorf("provider 1 open after sweep 2: %v, want %v", got, want1)
	}
	if got := n.take(); !mapsEqual(got, map[int64][]scan.Kind{3: {scan.KindUnreachable}}) {
		t.Errorf("notified after sweep 2: %v, want only site 3's unreachable", got)
	}
	h, err := scan.WebsiteHistory(ctx, reg.db.R(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Kind != scan.KindPSBMissing || h[0].ResolvedAt == nil || !h[0].ResolvedAt.Equal(clock) ||
		!h[0].FirstSeen.Equal(now) || h[0].NotifiedAt == nil {
		t.Errorf("history of site 1: %+v", h)
	}
	if _, err := scan.ProviderWebsiteHistory(ctx, reg.db.R(), 2, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("provider 2 reads site 1's history: %v, want ErrNotFound", err)
	}
	h2, err := scan.ProviderWebsiteHistory(ctx, reg.db.R(), 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range h2 {
		if !x.FirstSeen.Equal(now) || !x.LastSeen.Equal(clock) || x.ResolvedAt != nil {
			t.Errorf("site 2's finding followed, not reopened: %+v", x)
		}
	}
	if got := openKinds(t, reg.db, 2); len(got) != 0 {
		t.Errorf("cancelled site 4 still has open findings: %v", got)
	}
	c, err = scan.CountsForProvider(ctx, reg.db.R(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Compliant != 1 || c.ByKind[scan.KindPSBMissing] != 0 || c.ByKind[scan.KindUnreachable] != 1 {
		t.Errorf("counts of provider 1 after sweep 2: %+v", c)
	}
	// A third sweep tells no one again.
	clock = clock.Add(24 * time.Hour)
	if _, err := sw.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := n.take(); len(got) != 0 {
		t.Errorf("sweep 3 notified %v again", got)
	}
}

func TestSweepCancelledMarksRunFailed(t *testing.T) {
	f := newFixture(t)
	reg := newRegistry(t)
	reg.website(1, f.url("slow.test"), "slow.test", "", 1)
	sw, err := scan.NewSweeper(scan.SweeperConfig{DB: reg.db, Scanner: f.scanner(nil)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := sw.Sweep(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("sweep with an ending context: %v, want deadline exceeded", err)
	}
	run, err := scan.LastRun(context.Background(), reg.db.R())
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "failed" || run.FinishedAt == nil || !strings.Contains(run.Error, "deadline") {
		t.Errorf("run after cancel: %+v", run)
	}
}

func TestSweeperNeedsDBAndScanner(t *testing.T) {
	if _, err := scan.NewSweeper(scan.SweeperConfig{}); err == nil {
		t.Fatal("NewSweeper without a database or scanner: no error")
	}
	if _, err := scan.LastRun(context.Background(), newRegistry(t).db.R()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("LastRun before any sweep: %v, want ErrNotFound", err)
	}
}

// gather scrapes scan.Collector into "name{label=value,…}" → value.
func gather(t *testing.T, db *store.DB) map[string]float64 {
	t.Helper()
	r := prometheus.NewRegistry()
	r.MustRegister(scan.Collector(db))
	mfs, err := r.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var vals []string
			for _, l := range m.GetLabel() {
				vals = append(vals, l.GetName()+"="+l.GetValue())
			}
			out[mf.GetName()+"{"+strings.Join(vals, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}

func mapsEqual(a, b map[int64][]scan.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestSweepTaskRunsWhenDue(t *testing.T) {
	f := newFixture(t)
	reg := newRegistry(t)
	reg.website(1, f.url("ok.test"), "ok.test", "", 1)
	clock := now
	sw, err := scan.NewSweeper(scan.SweeperConfig{DB: reg.db, Scanner: f.scanner(nil), Every: 6 * time.Hour, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	task := sw.Task()
	if task.Every != time.Hour {
		t.Errorf("task wakes every %s, want 1h", task.Every)
	}
	ctx := context.Background()
	for i, step := range []struct {
		advance time.Duration
		wantRun int64
	}{{0, 1}, {time.Minute, 1}, {5 * time.Hour, 1}, {time.Hour, 2}, {0, 2}} {
		clock = clock.Add(step.advance)
		if err := task.Run(ctx); err != nil {
			t.Fatal(err)
		}
		run, err := scan.LastRun(ctx, reg.db.R())
		if err != nil || run.ID != step.wantRun {
			t.Errorf("step %d (+%s): last run %d (%v), want %d", i, step.advance, run.ID, err, step.wantRun)
		}
	}
}

func TestRegistryPages(t *testing.T) {
	reg := newRegistry(t)
	for i := 1; i <= 5; i++ {
		reg.website(i, fmt.Sprintf("https://s%d.example/", i), fmt.Sprintf("s%d.example", i), "2026-01-02", 1+i%2)
	}
	reg.exec(`INSERT INTO domains (website_id, name, status) VALUES (3, 'old.example', 'cancelled'), (3, 'www.s3.example', 'active')`)
	reg.exec(`UPDATE websites SET status = 'cancelled' WHERE id = 4`)
	// An App's registry row has no home page: it is not a scan target.
	reg.website(6, "", "", "2026-01-02", 1)
	reg.exec(`UPDATE websites SET service_type = 'app', number = number || 'A' WHERE id = 6`)
	r := scan.NewRegistry(reg.db)
	r.PageSize = 2
	ctx := context.Background()
	if n, err := r.Count(ctx); err != nil || n != 4 {
		t.Fatalf("Count = %d, %v; want 4", n, err)
	}
	var got []string
	for tg, err := range r.Targets(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		fl := tg.Filing
		got = append(got, fmt.Sprintf("%d %s %s %v %s/%d", fl.WebsiteID, tg.URL, fl.Number, fl.Domains, fl.Providers[0].Code, len(fl.Providers[0].CIDRs)))
		if fl.Entity != entityNumber || fl.Province != "11" || fl.GoLive != "2026-01-02" {
			t.Errorf("website %d: %+v", fl.WebsiteID, fl)
		}
	}
	want := []string{
		"1 https://s1.example/ " + entityNumber + "-1 [s1.example] other/1",
		"2 https://s2.example/ " + entityNumber + "-2 [s2.example] loop/1",
		"3 https://s3.example/ " + entityNumber + "-3 [s3.example www.s3.example] other/1",
		"5 https://s5.example/ " + entityNumber + "-5 [s5.example] other/1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
