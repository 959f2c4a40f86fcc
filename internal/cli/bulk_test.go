package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/cli"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// runCLI runs one command in-process; the clock moves 10 s per reading so
// that plain progress lines (every 5 s) show up.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	now := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(10 * time.Second); return now }
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: clock}
	code := cli.Run(env, args)
	return out.String(), errb.String(), code
}

const bulkCSV = `unitName,natureName,mainLicence,serviceLicence,serviceName,domain,homeUrl,contentTypeName,limitAccess,updateRecordTime
甲公司,企业,京ICP备2024000001号,京ICP备2024000001号-1,甲站,a.example.cn,https://a.example.cn/,,否,2024-05-01 10:00:00
乙公司,企业,京ICP备2024000002号,京ICP备2024000002号-1,乙站,not a domain,,,否,
丙个人,个人,京ICP备2024000003号,京ICP备2024000003号-1,丙的博客,c.example.cn,,,是,2024-06-01 09:00:00
`

// TestImportExportCommands: import reports the bad row by line and exits 1
// with the rest imported, a re-run writes nothing, and export prints the
// imported filings.
func TestImportExportCommands(t *testing.T) {
	dsn := storetest.DSN(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "filings.csv")
	if err := os.WriteFile(file, []byte(bulkCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "import", "--db", dsn, file); code != 2 || !strings.Contains(errs, "--provider") {
		t.Fatalf("import without --provider: exit %d, %s", code, errs)
	}
	if _, errs, code := runCLI(t, "provider", "add", "--db", dsn, "--code", "isp", "--name", "ISP"); code != 0 {
		t.Fatalf("provider add: %s", errs)
	}
	out, errs, code := runCLI(t, "import", file, "--db", dsn, "--provider", "isp", "--batch", "1")
	if code != 1 || !strings.Contains(errs, "line 3: domain:") || !strings.Contains(out, "imported 2 rows, refused 1") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "rows, ") {
		t.Fatalf("no progress lines on stderr:\n%s", errs)
	}
	out, errs, code = runCLI(t, "import", "--db", dsn, "--provider", "isp", file)
	if code != 1 || !strings.Contains(out, "written 0 entities, 0 websites, 0 domains, 0 accesses, 0 gate feed entries") {
		t.Fatalf("second import: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = runCLI(t, "export", "--db", dsn, "--format", "jsonl")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, `"serviceLicence":"京ICP备2024000003号-1"`) || !strings.Contains(out, `"limitAccess":"是"`) {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errs)
	}
	outFile := filepath.Join(dir, "out.csv")
	if _, errs, code := runCLI(t, "export", "--db", dsn, "--format", "csv", "--out", outFile); code != 0 {
		t.Fatalf("export --out: %s", errs)
	}
	b, err := os.ReadFile(outFile)
	if err != nil || !strings.HasPrefix(string(b), "unitName,natureName,mainLicence") || strings.Count(string(b), "\n") != 3 {
		t.Fatalf("export file: %q %v", b, err)
	}
	if _, errs, code := runCLI(t, "export", "--db", dsn, "--format", "xml"); code != 2 || !strings.Contains(errs, "csv") {
		t.Fatalf("export --format xml: exit %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, "export", "--db", filepath.Join(dir, "missing.db"), "--format", "csv"); code != 1 || !strings.Contains(errs, "no database") {
		t.Fatalf("export of a missing database: exit %d %s", code, errs)
	}
}

// TestMigrateAndBackupCommands: migrate --status on a new database lists
// every migration pending, migrate applies them, backup and restore copy
// the data into a new database at the same version.
func TestMigrateAndBackupCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "b.db")
	if _, errs, code := runCLI(t, "migrate", "--status", "--db", db); code != 1 || !strings.Contains(errs, "no database") {
		t.Fatalf("status of a missing file: exit %d %s", code, errs)
	}
	out, errs, code := runCLI(t, "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, "applied 00001_core.sql") || !strings.Contains(out, ", 0 pending") {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, code = runCLI(t, "migrate", "--db", db, "--status")
	if code != 0 || strings.Contains(out, "pending\n") || !strings.Contains(out, "00001_core.sql") {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	if _, errs, code := runCLI(t, "provider", "add", "--db", db, "--code", "isp", "--name", "接入商"); code != 0 {
		t.Fatal(errs)
	}
	bk := filepath.Join(dir, "b.backup")
	if out, errs, code := runCLI(t, "backup", "--db", db, bk); code != 0 || !strings.Contains(out, "sqlite") {
		t.Fatalf("backup: exit %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "backup", "--db", db); code != 2 || !strings.Contains(errs, "FILE") {
		t.Fatalf("backup without FILE: exit %d %s", code, errs)
	}
	targets := []string{filepath.Join(dir, "restored.db")}
	if os.Getenv(storetest.EnvPostgres) != "" {
		targets = append(targets, storetest.Postgres(t))
	}
	for _, target := range targets {
		if out, errs, code := runCLI(t, "restore", "--db", target, bk); code != 0 || !strings.Contains(out, "restored") {
			t.Fatalf("restore into %s: exit %d %s %s", target, code, out, errs)
		}
		if _, errs, code := runCLI(t, "restore", "--db", target, bk); code != 1 || !strings.Contains(errs, "restore") {
			t.Fatalf("second restore into %s: exit %d %s", target, code, errs)
		}
		r, err := store.Open(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		err = r.R().QueryRowContext(context.Background(), `SELECT name FROM providers WHERE code = 'isp'`).Scan(&name)
		r.Close()
		if err != nil || name != "接入商" {
			t.Fatalf("restored provider %q %v", name, err)
		}
	}
}
