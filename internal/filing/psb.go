package filing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"regexp"
	"strings"
	"time"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/store"
)

// PSBDays is how long after going live a site has to file with the public
// security bureau (公安部令第33号 art. 12: 30 days).
const PSBDays = 30

// PSBFiling is a public-security filing (公安联网备案) of a website.
type PSBFiling struct {
	ID            int64  `json:"id"`
	WebsiteID     int64  `json:"website_id"`
	WebsiteNumber string `json:"website_number"`
	WebsiteName   string `json:"website_name"`
	// ServiceType is what is filed with the PSB: a website, an App, a
	// mini-program or a quick app (the PSB system files 网站 / APP / 小程序).
	ServiceType        string    `json:"service_type"`
	GoLive             string    `json:"go_live"`
	DueDate            string    `json:"due_date"`
	Interactive        bool      `json:"interactive"`
	InspectionRequired bool      `json:"inspection_required"`
	Status             string    `json:"status"` // pending | inspection | approved | rejected
	CountyCode         string    `json:"county_code,omitempty"`
	Number             string    `json:"number,omitempty"`
	Reasons            []string  `json:"reasons"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// PSBRequest is the body of POST /api/v1/websites/{id}/psb.
type PSBRequest struct {
	GoLive      string `json:"go_live"`
	Interactive bool   `json:"interactive"`
}

// Website is a filed website as its owner sees it.
type Website struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number"`
	EntityNumber  string     `json:"entity_number"`
	EntityName    string     `json:"entity_name"`
	Name          string     `json:"name"`
	ServiceType   string     `json:"service_type"`
	Domains       []string   `json:"domains"`
	Status        string     `json:"status"`
	GoLive        *string    `json:"go_live"`
	PSBDue        *string    `json:"psb_due"`
	PSBNumber     *string    `json:"psb_number"`
	PSBStatus     *string    `json:"psb_status"`
	ShellSince    *time.Time `json:"shell_since,omitempty"`
	LicenceNumber *string    `json:"licence_number,omitempty"`
}

// MyWebsites lists the websites of the applicant's entities.
func (s *Service) MyWebsites(ctx context.Context, actor auth.Principal) ([]Website, error) {
	if actor.Role != auth.RoleApplicant {
		return nil, forbidden("only applicants have websites (仅申请人可查看)")
	}
	q := s.db.R()
	out, err := store.All(ctx, q, scanWebsite, `SELECT w.id, w.number, e.number, e.name, w.name, w.service_type, w.status, w.go_live, w.psb_number, w.shell_since,
		e.license_number, (SELECT p.status FROM psb_filings p WHERE p.website_id = w.id ORDER BY p.id DESC LIMIT 1)
		FROM websites w JOIN entities e ON e.id = w.entity_id WHERE e.account_id = ? ORDER BY w.number`, actor.AccountID)
	if err != nil {
		return nil, fmt.Errorf("websites: %w", err)
	}
	// The active domains of all the listed websites come in one query, not
	// one per website.
	type domain struct {
		websiteID int64
		name      string
	}
	domains, err := store.All(ctx, q, func(r store.Row) (domain, error) {
		var d domain
		err := r.Scan(&d.websiteID, &d.name)
		return d, err
	}, `SELECT d.website_id, d.name FROM domains d JOIN websites w ON w.id = d.website_id JOIN entities e ON e.id = w.entity_id
		WHERE e.account_id = ? AND d.status = 'active' ORDER BY d.website_id, d.name`, actor.AccountID)
	if err != nil {
		return nil, fmt.Errorf("websites domains: %w", err)
	}
	byWebsite := make(map[int64][]string, len(out))
	for _, d := range domains {
		byWebsite[d.websiteID] = append(byWebsite[d.websiteID], d.name)
	}
	for i := range out {
		out[i].Domains = byWebsite[out[i].ID]
		if out[i].Domains == nil {
			out[i].Domains = []string{}
		}
	}
	if out == nil {
		out = []Website{}
	}
	return out, nil
}

// scanWebsite reads one row of MyWebsites; the PSB due date is derived from
// the go-live date here so that every listing shows the same deadline.
func scanWebsite(r store.Row) (Website, error) {
	var w Website
	var goLive, psb, lic, psbStatus sql.NullString
	var shell sql.NullInt64
	if err := r.Scan(&w.ID, &w.Number, &w.EntityNumber, &w.EntityName, &w.Name, &w.ServiceType, &w.Status, &goLive, &psb, &shell, &lic, &psbStatus); err != nil {
		return Website{}, err
	}
	if goLive.Valid {
		w.GoLive = &goLive.String
		if d, err := calendar.ParseDate(goLive.String); err == nil {
			due := (d + PSBDays).String()
			w.PSBDue = &due
		}
	}
	if psb.Valid {
		w.PSBNumber = &psb.String
	}
	if psbStatus.Valid {
		w.PSBStatus = &psbStatus.String
	}
	if lic.Valid {
		w.LicenceNumber = &lic.String
	}
	if shell.Valid {
		t := store.FromMicros(shell.Int64)
		w.ShellSince = &t
	}
	return w, nil
}

// ownActiveWebsite loads a website of the applicant that is filed and active.
func (s *Service) ownActiveWebsite(ctx context.Context, q store.Querier, actor auth.Principal, id int64) (*regWebsite, error) {
	if actor.Role != auth.RoleApplicant {
		return nil, forbidden("only the website's owner does this (仅网站所有者可操作)")
	}
	var number, status string
	var owner int64
	err := store.One(q.QueryRowContext(ctx, `SELECT w.number, w.status, e.account_id FROM websites w JOIN entities e ON e.id = w.entity_id
		WHERE w.id = ?`, id).Scan(&number, &status, &owner))
	if errors.Is(err, store.ErrNotFound) || (err == nil && owner != actor.AccountID) {
		return nil, notFound("website")
	}
	if err != nil {
		return nil, fmt.Errorf("website %d: %w", id, err)
	}
	if status != "active" {
		return nil, &fault.Error{Kind: fault.Conflict, Code: "website.not_active", Message: fmt.Sprintf("website %s is %s (网站备案状态不可用)", number, status)}
	}
	return s.websiteByNumber(ctx, q, number)
}

// SetGoLive records the day a filed website went live; the PSB filing is due 30 days later.
func (s *Service) SetGoLive(ctx context.Context, actor auth.Principal, websiteID int64, date string) error {
	d, err := calendar.ParseDate(strings.TrimSpace(date))
	if err != nil {
		return invalid("go_live", "psb.bad_go_live", fmt.Sprintf("go_live must be a date YYYY-MM-DD: %v (上线日期格式错误)", err))
	}
	if d > calendar.DateOf(s.now()) {
		return invalid("go_live", "psb.go_live_future", "go_live cannot be in the future (上线日期不能晚于今天)")
	}
	rw, err := s.ownActiveWebsite(ctx, s.db.R(), actor, websiteID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `UPDATE websites SET go_live = ?, updated_at = ? WHERE id = ?`, d.String(), store.Micros(s.now()), rw.id); err != nil {
			return fmt.Errorf("go-live %s: %w", rw.number, err)
		}
		return s.auditEvent(ctx, tx, actor, "website.go_live", fmt.Sprintf("website:%d", rw.id), map[string]any{"go_live": d.String()})
	})
}

// FilePSB opens the PSB filing of an approved website.
func (s *Service) FilePSB(ctx context.Context, actor auth.Principal, websiteID int64, req PSBRequest) (*PSBFiling, error) {
	rw, err := s.ownActiveWebsite(ctx, s.db.R(), actor, websiteID)
	if err != nil {
		return nil, err
	}
	var goLive sql.NullString
	if err := s.db.R().QueryRowContext(ctx, `SELECT go_live FROM websites WHERE id = ?`, rw.id).Scan(&goLive); err != nil {
		return nil, fmt.Errorf("website %s: %w", rw.number, err)
	}
	if strings.TrimSpace(req.GoLive) != "" {
		if err := s.SetGoLive(ctx, actor, websiteID, req.GoLive); err != nil {
			return nil, err
		}
		goLive = sql.NullString{String: strings.TrimSpace(req.GoLive), Valid: true}
	}
	if !goLive.Valid {
		return nil, invalid("go_live", "psb.go_live_required", "record the go-live date first (请填写网站开通日期)")
	}
	d, _ := calendar.ParseDate(goLive.String)
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.Q().QueryRowContext(ctx, `INSERT INTO psb_filings (website_id, account_id, go_live, due_date, interactive, status, inspection_required, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`, rw.id, actor.AccountID, d.String(), (d + PSBDays).String(),
			boolInt(req.Interactive), boolInt(req.Interactive), store.Micros(now), store.Micros(now)).Scan(&id)
		if store.IsUnique(err) {
			return &fault.Error{Kind: fault.Conflict, Code: "psb.exists", Message: "this website already has an open or approved PSB filing (该网站已有公安备案申请)"}
		}
		if err != nil {
			return fmt.Errorf("psb filing %s: %w", rw.number, err)
		}
		return s.auditEvent(ctx, tx, actor, "psb.file", fmt.Sprintf("psb:%d", id), map[string]any{"website": rw.number})
	})
	if err != nil {
		return nil, err
	}
	return s.psbFiling(ctx, s.db.R(), id)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) psbFiling(ctx context.Context, q store.Querier, id int64) (*PSBFiling, error) {
	ps, err := s.psbFilings(ctx, q, `p.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("psb %d: %w", id, err)
	}
	if len(ps) == 0 {
		return nil, notFound("psb")
	}
	return ps[0], nil
}

// psbFilings loads the PSB filings matching where (and its order and limit)
// in one statement, whatever their number.
func (s *Service) psbFilings(ctx context.Context, q store.Querier, where string, args ...any) ([]*PSBFiling, error) {
	return store.All(ctx, q, scanPSB, `SELECT p.id, p.website_id, w.number, w.name, w.service_type, p.go_live, p.due_date, p.interactive,
		p.inspection_required, p.status, p.county_code, p.number, p.reasons, p.created_at, p.updated_at
		FROM psb_filings p JOIN websites w ON w.id = p.website_id WHERE `+where, args...)
}

// scanPSB reads one row of psbFilings.
func scanPSB(r store.Row) (*PSBFiling, error) {
	var p PSBFiling
	var county, number sql.NullString
	var inter, insp int
	var reasons string
	var created, updated int64
	if err := r.Scan(&p.ID, &p.WebsiteID, &p.WebsiteNumber, &p.WebsiteName, &p.ServiceType,
		&p.GoLive, &p.DueDate, &inter, &insp, &p.Status, &county, &number, &reasons, &created, &updated); err != nil {
		return nil, err
	}
	p.Interactive, p.InspectionRequired = inter != 0, insp != 0
	p.CountyCode, p.Number = county.String, number.String
	p.CreatedAt, p.UpdatedAt = store.FromMicros(created), store.FromMicros(updated)
	if err := decodeJSON(reasons, &p.Reasons); err != nil {
		return nil, fmt.Errorf("psb %d reasons: %w", p.ID, err)
	}
	return &p, nil
}

// PSBQueue lists PSB filings for the PSB desk, earliest due date first, in
// one statement however long the queue.
func (s *Service) PSBQueue(ctx context.Context, actor auth.Principal, status string) ([]*PSBFiling, error) {
	if actor.Role != auth.RolePSB {
		return nil, forbidden("only the PSB desk has this queue (仅公安备案审核人员可查看)")
	}
	if status == "" {
		status = "pending"
	}
	out, err := s.psbFilings(ctx, s.db.R(), `p.status = ? ORDER BY p.due_date, p.id LIMIT 200`, status)
	if err != nil {
		return nil, fmt.Errorf("psb queue: %w", err)
	}
	if out == nil {
		out = []*PSBFiling{}
	}
	return out, nil
}

// PSBDecision is the PSB desk's decision.
type PSBDecision struct {
	Decision   string   `json:"decision"` // approve | reject
	CountyCode string   `json:"county_code"`
	Reasons    []string `json:"reasons"`
}

var countyRE = regexp.MustCompile(`^\d{6}$`)

// ReviewPSB records the PSB desk's decision. An interactive site goes
// through the on-site inspection step first: its first approval moves it to
// "inspection", the second issues the number.
func (s *Service) ReviewPSB(ctx context.Context, actor auth.Principal, id int64, d PSBDecision) (*PSBFiling, error) {
	if actor.Role != auth.RolePSB {
		return nil, forbidden("only the PSB desk decides here (仅公安备案审核人员可操作)")
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.psbFiling(ctx, tx.Q(), id)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case d.Decision == "reject":
			if p.Status != "pending" && p.Status != "inspection" {
				return &fault.Error{Kind: fault.Conflict, Code: "psb.illegal_transition", Message: fmt.Sprintf("a PSB filing in state %s cannot be rejected (当前状态不可驳回)", p.Status)}
			}
			if len(d.Reasons) == 0 {
				return invalid("reasons", "review.reasons_required", "a rejection needs at least one reason (驳回须说明理由)")
			}
			err = s.psbMove(ctx, tx, p, "rejected", now, "reasons = ?", marshal(d.Reasons))
		case d.Decision == "approve" && p.Status == "pending" && p.InspectionRequired:
			err = s.psbMove(ctx, tx, p, "inspection", now, "")
		case d.Decision == "approve" && (p.Status == "pending" || p.Status == "inspection"):
			county := strings.TrimSpace(d.CountyCode)
			prov, ok := icpnum.ProvinceByCode(county)
			if !countyRE.MatchString(county) || !ok {
				return invalid("county_code", "psb.bad_county", "county_code must be the 6-digit GB/T 2260 code of the accepting police unit (须填写受理公安机关的6位行政区划代码)")
			}
			// The status moves first, conditionally: a racing approval waits
			// on the row, then finds it approved and takes no serial.
			if err := s.psbMove(ctx, tx, p, "approved", now, "county_code = ?", county); err != nil {
				return err
			}
			serial, err := nextSerial(ctx, tx, "psb:"+county)
			if err != nil {
				return err
			}
			num := icpnum.FormatPSB(prov.PSBAbbr, county, serial)
			if _, err := tx.Q().ExecContext(ctx, `UPDATE psb_filings SET number = ? WHERE id = ?`, num, id); err != nil {
				return fmt.Errorf("psb %d: %w", id, err)
			}
			res, err := tx.Q().ExecContext(ctx, `UPDATE websites SET psb_number = ?, updated_at = ? WHERE id = ? AND psb_number IS NULL`, num, store.Micros(now), p.WebsiteID)
			if err != nil {
				return fmt.Errorf("psb %d: %w", id, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("psb %d: %w", id, err)
			} else if n != 1 {
				return &fault.Error{Kind: fault.Conflict, Code: "psb.exists", Message: "this website already has a PSB number (该网站已有公安备案号)"}
			}
		case d.Decision == "approve":
			return &fault.Error{Kind: fault.Conflict, Code: "psb.illegal_transition", Message: fmt.Sprintf("a PSB filing in state %s cannot be approved (当前状态不可通过)", p.Status)}
		default:
			return invalid("decision", "review.bad_decision", `decision must be "approve" or "reject" (决定须为 approve 或 reject)`)
		}
		if err != nil {
			return err
		}
		return s.auditEvent(ctx, tx, actor, "psb."+d.Decision, fmt.Sprintf("psb:%d", id), map[string]any{"from": p.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.psbFiling(ctx, s.db.R(), id)
}

// psbMove moves PSB filing p from the status it was read in to status,
// setting one more column when set is not empty. The WHERE on the old status
// makes the second of two racing decisions (PostgreSQL runs them at once)
// change nothing, and it is refused instead of deciding twice.
func (s *Service) psbMove(ctx context.Context, tx *store.Tx, p *PSBFiling, status string, now time.Time, set string, arg ...any) error {
	cols := "status = ?, updated_at = ?"
	args := []any{status, store.Micros(now)}
	if set != "" {
		cols += ", " + set
		args = append(args, arg...)
	}
	args = append(args, p.ID, p.Status)
	res, err := tx.Q().ExecContext(ctx, `UPDATE psb_filings SET `+cols+` WHERE id = ? AND status = ?`, args...)
	if err != nil {
		return fmt.Errorf("psb %d: %w", p.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("psb %d: %w", p.ID, err)
	} else if n != 1 {
		return &fault.Error{Kind: fault.Conflict, Code: "psb.illegal_transition",
			Message: "the PSB filing changed state meanwhile (公安备案状态已变化)", State: p.Status}
	}
	return nil
}

// GetPSB returns a PSB filing to its owner or the PSB desk.
func (s *Service) GetPSB(ctx context.Context, actor auth.Principal, id int64) (*PSBFiling, error) {
	p, err := s.psbFiling(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if actor.Role == auth.RolePSB || actor.Role == auth.RoleAdmin {
		return p, nil
	}
	var owner int64
	if err := s.db.R().QueryRowContext(ctx, `SELECT account_id FROM psb_filings WHERE id = ?`, id).Scan(&owner); err != nil {
		return nil, fmt.Errorf("psb %d: %w", id, err)
	}
	if actor.Role == auth.RoleApplicant && owner == actor.AccountID {
		return p, nil
	}
	return nil, notFound("psb")
}
