package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
)

// TestHolidayOverrides: an admin saves the next year's arrangement; bad text
// is refused with its line and changes nothing; good text covers the year at
// once, deadlines use it, and it survives a restart on the same database.
func TestHolidayOverrides(t *testing.T) {
	db := t.TempDir() + "/beian.db"
	e := apptest.NewWith(t, func(c *app.Config) { c.DB = db })
	admin := e.Operator(auth.RoleAdmin)
	r := e.Do("GET", "/api/v1/admin/holidays", admin, nil).Must(t, 200)
	if r.Str("overrides") != "" || r.Body["last_year"].(float64) != 2026 {
		t.Fatalf("initial: %s", r.Raw)
	}
	e.Do("GET", "/api/v1/admin/holidays", e.Applicant("h@example.com"), nil).Must(t, 403)
	bad := "year 2027\n2027-02-30 off 春节\n"
	r = e.Do("PUT", "/api/v1/admin/holidays", admin, map[string]string{"overrides": bad}).Must(t, 422)
	if r.ErrorCode() != "holidays.bad_overrides" || !strings.Contains(string(r.Raw), "line 2") {
		t.Fatalf("bad overrides: %s", r.Raw)
	}
	// 2027-01-04 is a Monday; declared a holiday here, the first business day after Friday 01-01 is 01-05.
	good := "year 2027\n2027-01-01 off 元旦\n2027-01-04 off 测试假日\n"
	r = e.Do("PUT", "/api/v1/admin/holidays", admin, map[string]string{"overrides": good}).Must(t, 200)
	if r.Body["last_year"].(float64) != 2027 {
		t.Fatalf("after save: %s", r.Raw)
	}
	d, _ := calendar.ParseDate("2027-01-01")
	if got := e.App.Filing.Calendar().AddBusinessDays(d, 1).String(); got != "2027-01-05" {
		t.Fatalf("calendar not applied: %s", got)
	}
	e.App.Close()
	// A second platform on the same database loads the saved overrides at start.
	a2, err := app.New(context.Background(), app.Config{DB: db, DataDir: t.TempDir(),
		DataKey: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if got := a2.Filing.Calendar().AddBusinessDays(d, 1).String(); got != "2027-01-05" {
		t.Fatalf("after restart: %s", got)
	}
}
