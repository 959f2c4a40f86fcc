package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// seed writes rows into several tables, with NULLs, non-ASCII text and
// foreign keys, so that a round trip has something to lose.
func seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		q := tx.Q()
		for i := 1; i <= 30; i++ {
			var pid, aid int64
			if err := q.QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, ?, ?) RETURNING id`,
				fmt.Sprintf("p%d", i), fmt.Sprintf("接入商 %d \"quoted\"\n", i), int64(1700000000000000+i)).Scan(&pid); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO provider_cidrs (provider_id, cidr) VALUES (?, ?)`, pid, fmt.Sprintf("10.%d.0.0/16", i)); err != nil {
				return err
			}
			var prov any
			if i%2 == 0 {
				prov = pid
			}
			if err := q.QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, role, provider_id, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				fmt.Sprintf("u%d@example.cn", i), "张三", "hash", "provider", prov, int64(i)).Scan(&aid); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO entities (account_id, cert_index, nature, name, province, number, status, data_enc, created_at, updated_at)
				VALUES (?, ?, 'enterprise', ?, '110000', ?, 'active', '', 1, 2)`, aid, fmt.Sprintf("c%d", i), fmt.Sprintf("公司%d", i), fmt.Sprintf("京ICP备2024%06d号", i)); err != nil {
				return err
			}
		}
		_, err := q.ExecContext(ctx, `UPDATE audit_head SET last_id = 7, last_hash = 'abc' WHERE id = 1`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dump is every table's rows as sorted text, to compare two databases.
func dump(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	var err error
	if db.Dialect() == store.Postgres {
		tables, err = store.All(ctx, db.R(), store.Scalar[string], `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	} else {
		tables, err = store.All(ctx, db.R(), store.Scalar[string], `SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := db.R().QueryContext(ctx, `SELECT * FROM `+tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		lines := []string{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&b, "%s=%v|", cols[i], v)
			}
			lines = append(lines, b.String())
		}
		rows.Close()
		sort.Strings(lines)
		out[tb] = lines
	}
	return out
}

func sameData(t *testing.T, want, got map[string][]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("tables: %d in the source, %d restored", len(want), len(got))
	}
	for tb, rows := range want {
		g := got[tb]
		if strings.Join(rows, "\n") != strings.Join(g, "\n") {
			t.Fatalf("table %s differs:\nsource   %q\nrestored %q", tb, rows, g)
		}
	}
}

// TestBackupRestoreRoundTrip backs up a database while a writer keeps
// committing, restores it into a new database of each kind available, and
// checks that the copy is one consistent moment (each writer transaction
// adds a provider and its CIDR together, so the two counts match), that the
// rest is identical, and that the restored database goes on numbering keys.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed(t, db)
	before := dump(t, db)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	var wrote int
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var id int64
				if err := tx.Q().QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES (?, 'w', 1) RETURNING id`, fmt.Sprintf("w%d", i)).Scan(&id); err != nil {
					return err
				}
				_, err := tx.Q().ExecContext(ctx, `INSERT INTO provider_cidrs (provider_id, cidr) VALUES (?, '192.0.2.0/24')`, id)
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
			wrote++
		}
	}()
	path := filepath.Join(t.TempDir(), "beian.backup")
	info, err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Schema <= 0 || info.Bytes <= 0 {
		t.Fatalf("backup info %+v", info)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode: %v %v", st.Mode(), err)
	}
	if _, err := db.Backup(ctx, path); err == nil {
		t.Fatal("a second backup over an existing file was accepted")
	}

	targets := map[string]string{"sqlite": filepath.Join(t.TempDir(), "restored.db")}
	if os.Getenv(storetest.EnvPostgres) != "" {
		targets["postgres"] = storetest.Postgres(t)
	}
	for kind, dsn := range targets {
		t.Run(kind, func(t *testing.T) {
			ri, err := store.Restore(ctx, dsn, path)
			if err != nil {
				t.Fatal(err)
			}
			if ri.Schema != info.Schema || ri.Tables == 0 || ri.Rows == 0 {
				t.Fatalf("restore info %+v, backup %+v", ri, info)
			}
			r, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := dump(t, r)
			var p, c int
			if err := r.R().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM providers), (SELECT COUNT(*) FROM provider_cidrs)`).Scan(&p, &c); err != nil {
				t.Fatal(err)
			}
			if p != c || p < 30 {
				t.Fatalf("restored %d providers and %d CIDRs: not one snapshot", p, c)
			}
			// Leave out the concurrent writer's rows and compare the rest.
			for _, tb := range []string{"providers", "provider_cidrs"} {
				got[tb] = got[tb][:0:0]
				for _, row := range dump(t, r)[tb] {
					if !strings.Contains(row, "=w|") && !strings.Contains(row, "192.0.2.0/24") {
						got[tb] = append(got[tb], row)
					}
				}
			}
			sameData(t, before, got)
			var id int64
			err = r.InTx(ctx, func(tx *store.Tx) error {
				return tx.Q().QueryRowContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES ('after', 'n', 1) RETURNING id`).Scan(&id)
			})
			if err != nil {
				t.Fatalf("insert after restore: %v", err)
			}
			if id != int64(p)+1 {
				t.Fatalf("key after restore %d, want %d", id, p+1)
			}
			if _, err := store.Restore(ctx, dsn, path); err == nil {
				t.Fatal("restore into a database that has data was accepted")
			}
		})
	}
	t.Logf("writer committed %d transactions during the backup", wrote)
}

// TestRestoreRefusesDamagedArchive cuts an archive short and flips its end
// marker: restore must fail and write nothing.
func TestRestoreRefusesDamagedArchive(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.Postgres(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed(t, db)
	dir := t.TempDir()
	path := filepath.Join(dir, "b.gz")
	if _, err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := plain.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(plain.String(), "\n")
	cases := map[string]string{
		"cut":         strings.Join(lines[:len(lines)/2], ""),
		"no end":      strings.Join(lines[:len(lines)-2], ""),
		"row dropped": strings.Join(append(append([]string{}, lines[:3]...), lines[4:]...), ""),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".gz")
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write([]byte(body))
			zw.Close()
			if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".db")
			if _, err := store.Restore(ctx, target, p); err == nil {
				t.Fatal("damaged archive restored")
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a failed restore left %s: %v", target, err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*restoring*")); len(left) > 0 {
				t.Fatalf("a failed restore left %v", left)
			}
		})
	}
	if _, err := store.Restore(ctx, filepath.Join(dir, "x.db"), filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing backup: %v", err)
	}
}

// TestMigrationsStatus: a database opened without migrating reports every
// migration pending, MigrateUp applies them, and the version is the last.
func TestMigrationsStatus(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenUnmigrated(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) < 3 {
		t.Fatalf("%d migrations", len(st))
	}
	for _, m := range st {
		if m.Applied {
			t.Fatalf("%s applied before migrating", m.Name)
		}
	}
	applied, err := db.MigrateUp(ctx, st[0].Version)
	if err != nil || len(applied) != 1 {
		t.Fatalf("up to %d: %v %v", st[0].Version, applied, err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != st[0].Version {
		t.Fatalf("version %d %v", v, err)
	}
	applied, err = db.MigrateUp(ctx, 0)
	if err != nil || len(applied) != len(st)-1 {
		t.Fatalf("up: %d applied, %v", len(applied), err)
	}
	if v, _ := db.SchemaVersion(ctx); v != st[len(st)-1].Version {
		t.Fatalf("version %d, want %d", v, st[len(st)-1].Version)
	}
	if again, err := db.MigrateUp(ctx, 0); err != nil || len(again) != 0 {
		t.Fatalf("second up: %v %v", again, err)
	}
}
