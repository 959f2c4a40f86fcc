package filing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/operation"
	"strings"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/store"
)

// The scheduled work of the lifecycle. Every task is idempotent and does each
// thing once: a flag that is already set, a reminder already sent (the
// reminders table's key) or a shell already cancelled is skipped, so the
// scheduler may run them as often as it likes and tests may move the clock.

// ReminderDays are how many business days ahead of a deadline reminders go out.
var ReminderDays = [...]int{7, 1}

// ShellGraceDays is how many business days a website may stay with no access
// (an empty shell, 空壳) before its number is cancelled: the administration's
// offline cancellation of empty shells takes about 5 business days (Huawei
// Cloud, https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案注销咨询.md).
const ShellGraceDays = 5

// RunScheduled runs every scheduled task once and reports what each did.
func (s *Service) RunScheduled(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []struct {
		name string
		fn   func(context.Context) (int, error)
	}{
		{"sms_expired", s.ExpireSMS},
		{"drafts_expired", s.ExpireDrafts},
		{"overdue_flagged", s.FlagOverdue},
		{"reminders_sent", s.SendReminders},
		{"shells_cancelled", s.SweepShells},
		{"emails_delivered", s.DeliverEmail},
		{"sms_delivered", s.DeliverSMS},
	} {
		n, err := t.fn(ctx)
		out[t.name] = n
		if err != nil {
			return out, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return out, nil
}

// ExpireDrafts expires the drafts nobody changed for the configured idle
// age (Config.DraftMaxAge) and returns how many.
func (s *Service) ExpireDrafts(ctx context.Context) (int, error) {
	if s.draftAge < 0 {
		return 0, nil
	}
	cutoff := store.Micros(s.now().Add(-s.draftAge))
	ids, err := store.All(ctx, s.db.R(), store.Scalar[int64], `SELECT id FROM applications WHERE status = 'draft' AND updated_at <= ? ORDER BY id`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("idle drafts: %w", err)
	}
	days := int(s.draftAge.Hours() / 24)
	return s.moveEach(ctx, ids, ActDraftExpired, fmt.Sprintf("draft not changed for %d days (草稿超过%d天未修改，已失效)", days, days),
		func(cur *Application) bool {
			// Edited or submitted since the list was read: not idle.
			return cur.Status == StatusDraft && store.Micros(cur.UpdatedAt) <= cutoff
		})
}

// FlagOverdue marks reviews whose business-day deadline has passed.
func (s *Service) FlagOverdue(ctx context.Context) (int, error) {
	now := s.now()
	today := calendar.DateOf(now).String()
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Q().ExecContext(ctx, `UPDATE applications SET overdue_at = ? WHERE overdue_at IS NULL
			AND status IN ('provider_review', 'authority_review') AND due_date < ?`, store.Micros(now), today)
		if err != nil {
			return fmt.Errorf("flag overdue: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("flag overdue: %w", err)
		}
		if n > 0 {
			return s.auditEvent(ctx, tx, systemActor(), "application.overdue", "applications", map[string]any{"count": n, "today": today})
		}
		return nil
	})
	return int(n), err
}

// reminderDue reports whether today is a reminder day for deadline due, and which.
func (s *Service) reminderDue(today, due calendar.Date) (int, bool) {
	for _, k := range ReminderDays {
		if s.Calendar().AddBusinessDays(due, -k) == today {
			return k, true
		}
	}
	return 0, false
}

// SendReminders reminds owners of PSB filings due (30 days after go-live)
// and of changes to be filed (30 days before they take effect), 7 and 1
// business days ahead, by SMS and e-mail, once each.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	today := calendar.DateOf(s.now())
	sent := 0
	type job struct {
		kind, subject, due, phone, email, body string
		days                                   int
	}
	var jobs []job
	// PSB: websites that went live and have no approved PSB number yet.
	type live struct {
		id                                int64
		number, name, goLive, data, email string
	}
	q := s.db.R()
	sites, err := store.All(ctx, q, func(r store.Row) (live, error) {
		var l live
		err := r.Scan(&l.id, &l.number, &l.name, &l.goLive, &l.data, &l.email)
		return l, err
	}, `SELECT w.id, w.number, w.name, w.go_live, w.data_enc, a.email FROM websites w
		JOIN entities e ON e.id = w.entity_id JOIN accounts a ON a.id = e.account_id
		WHERE w.status = 'active' AND w.go_live IS NOT NULL AND w.psb_number IS NULL`)
	if err != nil {
		return 0, fmt.Errorf("psb reminders: %w", err)
	}
	for _, l := range sites {
		gl, err := calendar.ParseDate(l.goLive)
		if err != nil {
			continue
		}
		due := gl + PSBDays
		k, ok := s.reminderDue(today, due)
		if !ok {
			continue
		}
		var w form.Website
		if plain, err := s.box.OpenString(l.data, fmt.Sprintf("website:%d", l.id)); err == nil {
			_ = decodeJSON(plain, &w)
		}
		jobs = append(jobs, job{kind: "psb", subject: fmt.Sprintf("website:%d", l.id), due: due.String(), days: k, phone: w.Principal.Phone, email: l.email,
			body: fmt.Sprintf("【ICP备案】网站“%s”（%s）须在%s前完成公安联网备案（还剩%d个工作日）。Website %s must complete its PSB filing by %s (%d business days left).",
				l.name, l.number, due, k, l.number, due, k)})
	}
	// Changes: draft change applications with an effective date.
	notice := s.ops.With(func(d operation.Descriptor) bool { return d.ChangeNotice })
	args := make([]any, len(notice))
	for i, n := range notice {
		args[i] = string(n)
	}
	type draft struct {
		id                 int64
		op, payload, email string
	}
	drafts, err := store.All(ctx, q, func(r store.Row) (draft, error) {
		var d draft
		err := r.Scan(&d.id, &d.op, &d.payload, &d.email)
		return d, err
	}, `SELECT ap.id, ap.operation, ap.payload_enc, a.email FROM applications ap JOIN accounts a ON a.id = ap.account_id
		WHERE ap.status IN ('draft', 'rejected') AND ap.operation IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("change reminders: %w", err)
	}
	for _, d := range drafts {
		plain, err := s.box.OpenString(d.payload, fmt.Sprintf("application:%d", d.id))
		if err != nil {
			continue
		}
		var c form.Content
		if decodeJSON(plain, &c) != nil {
			continue
		}
		eff, err := calendar.ParseDate(c.EffectiveDate)
		if err != nil {
			continue
		}
		fileBy := eff - ChangeNoticeDays
		k, ok := s.reminderDue(today, fileBy)
		if !ok {
			continue
		}
		jobs = append(jobs, job{kind: "change", subject: fmt.Sprintf("application:%d", d.id), due: fileBy.String(), days: k, phone: c.Entity.Principal.Phone, email: d.email,
			body: fmt.Sprintf("【ICP备案】变更申请%d须在%s前提交（生效日%s前30日，还剩%d个工作日）。Change application %d must be filed by %s, 30 days before it takes effect on %s (%d business days left).",
				d.id, fileBy, eff, k, d.id, fileBy, eff, k)})
	}
	for _, j := range jobs {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			now := s.now()
			res, err := tx.Q().ExecContext(ctx, `INSERT INTO reminders (kind, subject, due_date, days_ahead, sent_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, j.kind, j.subject, j.due, j.days, store.Micros(now))
			if err != nil {
				return fmt.Errorf("reminder %s %s: %w", j.kind, j.subject, err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // already sent
			}
			if j.phone != "" {
				if err := s.enqueue(ctx, tx, "sms", j.phone, j.body, now); err != nil {
					return err
				}
			}
			if j.email != "" {
				if err := s.enqueue(ctx, tx, "email", j.email, j.body, now); err != nil {
					return err
				}
			}
			tx.AfterCommit(func() { sent++ })
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// SweepShells cancels the numbers of websites that have had no access for
// ShellGraceDays business days.
func (s *Service) SweepShells(ctx context.Context) (int, error) {
	today := calendar.DateOf(s.now())
	type shell struct {
		number string
		since  int64
	}
	shells, err := store.All(ctx, s.db.R(), func(r store.Row) (shell, error) {
		var sh shell
		err := r.Scan(&sh.number, &sh.since)
		return sh, err
	}, `SELECT number, shell_since FROM websites WHERE status = 'active' AND shell_since IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("shell sweep: %w", err)
	}
	cal := s.Calendar()
	var due []string
	for _, sh := range shells {
		if cal.AddBusinessDays(calendar.DateOf(store.FromMicros(sh.since)), ShellGraceDays) <= today {
			due = append(due, sh.number)
		}
	}
	n := 0
	for _, num := range due {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			rw, err := s.websiteByNumber(ctx, tx.Q(), num)
			if err != nil || rw == nil || rw.status != "active" {
				return err
			}
			var shell sql.NullInt64
			if err := tx.Q().QueryRowContext(ctx, `SELECT shell_since FROM websites WHERE id = ?`, rw.id).Scan(&shell); err != nil || !shell.Valid {
				return err
			}
			if err := s.cancelWebsite(ctx, tx, rw, s.now()); err != nil {
				return err
			}
			tx.AfterCommit(func() { n++ })
			return s.auditEvent(ctx, tx, systemActor(), "website.shell_cancelled", fmt.Sprintf("website:%d", rw.id), map[string]any{"number": num})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// DeliverEmail sends the outbox's unsent e-mail through the configured
// Mailer, marking each sent; a failed message stays for the next run.
func (s *Service) DeliverEmail(ctx context.Context) (int, error) {
	if s.mail == nil {
		return 0, nil
	}
	return s.deliver(ctx, "email", func(ctx context.Context, to, body string) error {
		return s.mail.SendMail(ctx, to, "ICP备案通知 / ICP filing notice", body)
	})
}

// DeliverSMS sends the outbox's unsent text messages through a configured
// SMS gateway; with the built-in gateway they stay in the outbox.
func (s *Service) DeliverSMS(ctx context.Context) (int, error) {
	if s.sms == nil {
		return 0, nil
	}
	return s.deliver(ctx, "sms", s.sms.SendSMS)
}

func (s *Service) deliver(ctx context.Context, channel string, send func(ctx context.Context, to, body string) error) (int, error) {
	type sealed struct {
		id              int64
		idx, rcpt, body string
	}
	rows, err := store.All(ctx, s.db.R(), func(r store.Row) (sealed, error) {
		var m sealed
		err := r.Scan(&m.id, &m.idx, &m.rcpt, &m.body)
		return m, err
	}, `SELECT id, recipient_index, recipient_enc, body_enc FROM outbox
		WHERE channel = ? AND sent_at IS NULL ORDER BY id LIMIT 100`, channel)
	if err != nil {
		return 0, fmt.Errorf("deliver %s: %w", channel, err)
	}
	type msg struct {
		id       int64
		to, body string
	}
	// Every message is opened before any is sent, so a key problem stops the
	// run instead of sending part of the batch.
	msgs := make([]msg, 0, len(rows))
	for _, r := range rows {
		m := msg{id: r.id}
		var e1, e2 error
		m.to, e1 = s.box.OpenString(r.rcpt, "outbox:"+r.idx)
		m.body, e2 = s.box.OpenString(r.body, "outbox:"+r.idx)
		if e1 != nil || e2 != nil {
			return 0, fmt.Errorf("deliver %s %d: cannot decrypt: %w", channel, m.id, errors.Join(e1, e2))
		}
		msgs = append(msgs, m)
	}
	n := 0
	for _, m := range msgs {
		if err := send(ctx, m.to, m.body); err != nil {
			s.log.WarnContext(ctx, "delivery failed", "channel", channel, "outbox_id", m.id, "err", err)
			continue
		}
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, `UPDATE outbox SET sent_at = ? WHERE id = ?`, store.Micros(s.now()), m.id)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("deliver %s %d: %w", channel, m.id, err)
		}
		n++
	}
	return n, nil
}

// placeholders returns "?, ?, …" for n arguments; for none it returns NULL,
// so that IN (NULL) stays valid SQL that matches nothing.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}
