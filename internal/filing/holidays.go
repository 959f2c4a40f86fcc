package filing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/store"
)

// settingHolidays names the admin's holiday overrides in the settings table.
const settingHolidays = "holiday_overrides"

// MaxHolidayOverrides caps the override text an admin may save.
const MaxHolidayOverrides = 64 << 10

// HolidayOverrides returns the override text an admin saved ("" if none).
func (s *Service) HolidayOverrides(ctx context.Context) (string, error) {
	var v string
	err := store.One(s.db.R().QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, settingHolidays).Scan(&v))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("holiday overrides: %w", err)
	}
	return v, nil
}

// LoadSettings applies the saved holiday overrides on top of the base
// calendar; `serve` calls it at start.
func (s *Service) LoadSettings(ctx context.Context) error {
	text, err := s.HolidayOverrides(ctx)
	if err != nil || text == "" {
		return err
	}
	cal, err := calendar.WithOverrides(s.base, strings.NewReader(text))
	if err != nil {
		return fmt.Errorf("saved holiday overrides: %w", err)
	}
	s.cal.Store(cal)
	return nil
}

// SetHolidayOverrides validates, saves and applies the admin's holiday
// overrides (the override-file format of package calendar, e.g. the State
// Council's notice for a year not yet embedded). Bad text is refused with
// the line number and nothing changes. Deadlines computed from now on use
// the new calendar; stored due dates are not recomputed.
func (s *Service) SetHolidayOverrides(ctx context.Context, actor auth.Principal, text string) (*calendar.Calendar, error) {
	if actor.Role != auth.RoleAdmin {
		return nil, forbidden("only an admin edits the holiday overrides (仅管理员可修改节假日)")
	}
	if len(text) > MaxHolidayOverrides {
		return nil, invalid("overrides", "holidays.too_long", fmt.Sprintf("at most %d bytes (内容过长)", MaxHolidayOverrides))
	}
	cal, err := calendar.WithOverrides(s.base, strings.NewReader(text))
	if err != nil {
		return nil, invalid("overrides", "holidays.bad_overrides", fmt.Sprintf("%v (节假日调整格式错误)", err))
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Q().ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			settingHolidays, text, store.Micros(s.now())); err != nil {
			return fmt.Errorf("save holiday overrides: %w", err)
		}
		first, last := cal.Years()
		return s.auditEvent(ctx, tx, actor, "calendar.overrides", "settings:"+settingHolidays,
			map[string]any{"bytes": len(text), "first_year": first, "last_year": last})
	})
	if err != nil {
		return nil, err
	}
	s.cal.Store(cal)
	return cal, nil
}
