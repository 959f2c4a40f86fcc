package scan

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beian/beian/internal/jobs"
	"github.com/beian/beian/internal/store"
)

// ErrSweepRunning is returned by Sweep while another sweep of the same
// Sweeper runs: two sweeps at once would only fetch every site twice.
var ErrSweepRunning = errors.New("scan: a sweep is already running")

// SweeperConfig configures a Sweeper. DB and Scanner are required.
type SweeperConfig struct {
	DB      *store.DB
	Scanner *Scanner
	// Notifier tells applicants about new findings; nil tells no one (the
	// findings are still stored and shown to the provider).
	Notifier Notifier
	// Every is the interval of Task (default 24 h: a home page rarely
	// changes more often, and a sweep visits every filed site).
	Every time.Duration
	// Batch is how many reports are written per transaction (default 200).
	Batch int
	Now   func() time.Time
	Log   *slog.Logger
}

// Sweeper is the scheduled sweep of `serve`: it scans every active website
// of the registry and stores the findings with their history (migration
// 00005): each finding is open from the sweep that first reports it until
// the first sweep that no longer does. Applicants are notified once per
// finding that opens; an unreachable site only when a second sweep in a row
// finds it down, as one failed fetch is often the network's fault.
type Sweeper struct {
	db       *store.DB
	scanner  *Scanner
	registry *Registry
	notifier Notifier
	every    time.Duration
	batch    int
	now      func() time.Time
	log      *slog.Logger
	running  atomic.Bool
}

// NewSweeper checks c and returns a Sweeper.
func NewSweeper(c SweeperConfig) (*Sweeper, error) {
	if c.DB == nil || c.Scanner == nil {
		return nil, errors.New("scan: a sweeper needs a database and a scanner")
	}
	if c.Every <= 0 {
		c.Every = 24 * time.Hour
	}
	if c.Batch <= 0 {
		c.Batch = 200
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Sweeper{db: c.DB, scanner: c.Scanner, registry: NewRegistry(c.DB), notifier: c.Notifier,
		every: c.Every, batch: c.Batch, now: c.Now, log: c.Log}, nil
}

// Task is the sweep as a named task of package jobs, for serve's
// scheduler. It wakes every hour (or every Every, if shorter) and sweeps
// when the newest finished sweep is Every old or older, so that restarting
// serve neither sweeps again at once nor puts the next sweep off.
func (s *Sweeper) Task() jobs.Task {
	return jobs.Task{Name: "scan-sweep", Every: min(s.every, time.Hour), Run: func(ctx context.Context) error {
		due, err := s.due(ctx)
		if err != nil || !due {
			return err
		}
		st, err := s.Sweep(ctx)
		if errors.Is(err, ErrSweepRunning) {
			return nil
		}
		if err == nil {
			s.log.InfoContext(ctx, "scan sweep done", "run", st.Run, "sites", st.Sites, "compliant", st.Compliant,
				"opened", st.Opened, "resolved", st.Resolved, "notified", st.Notified)
		}
		return err
	}}
}

// due reports whether a sweep is due: none has finished yet, or the newest
// that did started Every ago or longer.
func (s *Sweeper) due(ctx context.Context) (bool, error) {
	var started sql.NullInt64
	err := s.db.R().QueryRowContext(ctx, `SELECT MAX(started_at) FROM scan_runs WHERE status = 'done'`).Scan(&started)
	if err != nil {
		return false, fmt.Errorf("scan sweep: last run: %w", err)
	}
	return !started.Valid || s.now().Sub(store.FromMicros(started.Int64)) >= s.every, nil
}

// SweepStats is what one sweep did.
type SweepStats struct {
	Run       int64
	Sites     int
	Compliant int
	// Opened and Resolved count findings that began and ended in this sweep.
	Opened   int
	Resolved int
	Notified int
	ByKind   map[Kind]int
}

// Sweep scans every active website once and stores the results. A sweep
// cut short (ctx ended, the database failed) keeps what it wrote; its run
// is marked failed, and findings of sites it did not reach stay as they were.
func (s *Sweeper) Sweep(ctx context.Context) (SweepStats, error) {
	if !s.running.CompareAndSwap(false, true) {
		return SweepStats{}, ErrSweepRunning
	}
	defer s.running.Store(false)
	st := SweepStats{ByKind: map[Kind]int{}}
	started := s.now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.Q().QueryRowContext(ctx, `INSERT INTO scan_runs (started_at, status) VALUES (?, 'running') RETURNING id`,
			store.Micros(started)).Scan(&st.Run)
	})
	if err != nil {
		return st, fmt.Errorf("scan sweep: start a run: %w", err)
	}
	var batch []Report
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.write(ctx, st.Run, batch, &st)
		batch = batch[:0]
		return err
	}
	err = s.scanner.Scan(ctx, s.registry.Targets(ctx), func(r Report) error {
		st.Sites++
		if len(r.Findings) == 0 {
			st.Compliant++
		}
		for _, k := range distinctKinds(r.Findings) {
			st.ByKind[k]++
		}
		batch = append(batch, r)
		if len(batch) >= s.batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = s.resolveInactive(ctx, &st)
	}
	// The run's own row is written even when ctx has ended, so that a
	// sweep stopped by shutdown does not stay "running" for ever.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	status, msg := "done", ""
	if err != nil {
		status, msg = "failed", err.Error()
	}
	if ferr := s.db.InTx(fctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(fctx, `UPDATE scan_runs SET finished_at = ?, status = ?, sites = ?, compliant = ?, error = ? WHERE id = ?`,
			store.Micros(s.now()), status, st.Sites, st.Compliant, msg, st.Run)
		return err
	}); ferr != nil && err == nil {
		err = fmt.Errorf("scan sweep: finish run %d: %w", st.Run, ferr)
	}
	if err != nil {
		return st, fmt.Errorf("scan sweep %d: %w", st.Run, err)
	}
	return st, nil
}

// openFinding is a stored finding still open, as write reads it back.
type openFinding struct {
	id       int64
	website  int64
	kind     Kind
	firstRun int64
	notified bool
}

// write stores one batch of reports in one transaction: each site's latest
// result, and its findings opened, followed or resolved. Notices are built
// inside the transaction (which sees the findings it opens) and sent once
// it has committed.
func (s *Sweeper) write(ctx context.Context, run int64, reports []Report, st *SweepStats) error {
	var notices []Notice
	var opened, resolved int
	now := store.Micros(s.now())
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		notices, opened, resolved = nil, 0, 0
		q := tx.Q()
		ids := make([]any, 0, len(reports))
		for _, r := range reports {
			ids = append(ids, r.Target.Filing.WebsiteID)
		}
		open, err := store.All(ctx, q, func(row store.Row) (openFinding, error) {
			var f openFinding
			var notified *int64
			err := row.Scan(&f.id, &f.website, &f.kind, &f.firstRun, &notified)
			f.notified = notified != nil
			return f, err
		}, `SELECT id, website_id, kind, first_run, notified_at FROM scan_findings WHERE resolved_at IS NULL AND website_id IN (`+marks(len(ids))+`)`, ids...)
		if err != nil {
			return fmt.Errorf("open findings: %w", err)
		}
		byKey := map[int64]map[Kind]openFinding{}
		for _, f := range open {
			if byKey[f.website] == nil {
				byKey[f.website] = map[Kind]openFinding{}
			}
			byKey[f.website][f.kind] = f
		}
		var tell []Notice
		for _, r := range reports {
			wid := r.Target.Filing.WebsiteID
			numbers, err := json.Marshal(r.Numbers)
			if err != nil {
				return fmt.Errorf("website %d: numbers: %w", wid, err)
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO scan_sites (website_id, run_id, scanned_at, url, final_url, status, numbers, findings)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (website_id) DO UPDATE SET run_id = excluded.run_id, scanned_at = excluded.scanned_at, url = excluded.url,
				final_url = excluded.final_url, status = excluded.status, numbers = excluded.numbers, findings = excluded.findings`,
				wid, run, now, r.URL, r.FinalURL, r.Status, string(numbers), len(r.Findings)); err != nil {
				return fmt.Errorf("website %d: latest result: %w", wid, err)
			}
			have := byKey[wid]
			n := Notice{WebsiteID: wid, Website: r.Target.Filing.Number, URL: r.URL}
			var told []int64
			seen := map[Kind]bool{}
			for _, f := range r.Findings {
				if seen[f.Kind] {
					continue
				}
				seen[f.Kind] = true
				prev, ok := have[f.Kind]
				id := prev.id
				if ok {
					if _, err := q.ExecContext(ctx, `UPDATE scan_findings SET last_seen = ?, detail = ?, evidence = ? WHERE id = ?`,
						now, f.Detail, f.Evidence, id); err != nil {
						return fmt.Errorf("website %d: finding %s: %w", wid, f.Kind, err)
					}
				} else {
					if err := q.QueryRowContext(ctx, `INSERT INTO scan_findings (website_id, kind, detail, evidence, first_run, first_seen, last_seen)
						VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wid, string(f.Kind), f.Detail, f.Evidence, run, now, now).Scan(&id); err != nil {
						return fmt.Errorf("website %d: finding %s: %w", wid, f.Kind, err)
					}
					opened++
					prev = openFinding{id: id, website: wid, kind: f.Kind, firstRun: run}
				}
				if s.notifier != nil && !prev.notified && (f.Kind != KindUnreachable || prev.firstRun != run) {
					n.Findings = append(n.Findings, f)
					told = append(told, id)
				}
			}
			for k, f := range have {
				if seen[k] {
					continue
				}
				if _, err := q.ExecContext(ctx, `UPDATE scan_findings SET resolved_at = ? WHERE id = ?`, now, f.id); err != nil {
					return fmt.Errorf("website %d: resolve %s: %w", wid, k, err)
				}
				resolved++
			}
			if len(told) > 0 {
				args := append([]any{now}, int64s(told)...)
				if _, err := q.ExecContext(ctx, `UPDATE scan_findings SET notified_at = ? WHERE id IN (`+marks(len(told))+`)`, args...); err != nil {
					return fmt.Errorf("website %d: mark notified: %w", wid, err)
				}
				tell = append(tell, n)
			}
		}
		if err := addRecipients(ctx, q, tell); err != nil {
			return err
		}
		notices = tell
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing %d results: %w", len(reports), err)
	}
	st.Opened += opened
	st.Resolved += resolved
	for _, n := range notices {
		if n.To == "" {
			continue
		}
		if err := s.notifier.Notify(ctx, n); err != nil {
			s.log.WarnContext(ctx, "scan notice not sent", "website", n.Website, "err", err)
			continue
		}
		st.Notified++
	}
	return nil
}

// addRecipients fills each notice's To with the e-mail of the account that
// holds the website's entity (the applicant).
func addRecipients(ctx context.Context, q store.Querier, ns []Notice) error {
	if len(ns) == 0 {
		return nil
	}
	ids := make([]any, len(ns))
	for i, n := range ns {
		ids[i] = n.WebsiteID
	}
	type rcpt struct {
		id    int64
		email string
	}
	rows, err := store.All(ctx, q, func(r store.Row) (rcpt, error) {
		var x rcpt
		err := r.Scan(&x.id, &x.email) // before x is read: the order of return operands is unspecified
		return x, err
	}, `SELECT w.id, a.email FROM websites w JOIN entities e ON e.id = w.entity_id JOIN accounts a ON a.id = e.account_id
		WHERE w.id IN (`+marks(len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("applicants to notify: %w", err)
	}
	to := map[int64]string{}
	for _, r := range rows {
		to[r.id] = r.email
	}
	for i := range ns {
		ns[i].To = to[ns[i].WebsiteID]
	}
	return nil
}

// resolveInactive closes the open findings of websites that are no longer
// active (cancelled since the last sweep): there is nothing left to fix.
func (s *Sweeper) resolveInactive(ctx context.Context, st *SweepStats) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Q().ExecContext(ctx, `UPDATE scan_findings SET resolved_at = ? WHERE resolved_at IS NULL
			AND website_id NOT IN (SELECT id FROM websites WHERE status = 'active')`, store.Micros(s.now()))
		if err != nil {
			return fmt.Errorf("resolve findings of inactive websites: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("resolve findings of inactive websites: %w", err)
		}
		tx.AfterCommit(func() { st.Resolved += int(n) })
		return nil
	})
}

// marks returns n comma-separated placeholders for an IN list.
func marks(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func int64s(v []int64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func distinctKinds(fs []Finding) []Kind {
	var out []Kind
	seen := map[Kind]bool{}
	for _, f := range fs {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, f.Kind)
		}
	}
	return out
}
