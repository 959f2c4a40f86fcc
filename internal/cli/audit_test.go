package cli_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/cli"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/store/storetest"
)

// auditDataKey is the data key of these tests, as BEIAN_DATA_KEY holds it.
var auditDataKey = bytes.Repeat([]byte{0x5a}, 32)

// auditDB returns the DSN of a fresh database whose audit chain holds n rows
// written under auditDataKey (or unkeyed), and a function appending more.
func auditDB(t *testing.T, n int, keyed bool) (string, func(n int)) {
	t.Helper()
	dsn := storetest.DSN(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	chain := audit.Unkeyed()
	if keyed {
		if chain, err = audit.New(audit.KeyFrom(auditDataKey)); err != nil {
			t.Fatal(err)
		}
	}
	seq := 0
	add := func(n int) {
		t.Helper()
		for range n {
			seq++
			e := audit.Entry{At: time.Unix(int64(1_700_000_000+seq), 0), ActorID: 1, ActorRole: "reviewer", Action: "application.review", Subject: fmt.Sprint("application:", seq)}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return chain.Append(ctx, tx, e) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(n)
	return dsn, add
}

// runAuditCmd runs `beian audit ARGS…` with BEIAN_DATA_KEY set to key (hex) when key is not nil.
func runAuditCmd(key []byte, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	getenv := func(name string) string {
		if name == "BEIAN_DATA_KEY" && key != nil {
			return hex.EncodeToString(key)
		}
		return ""
	}
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv, Now: time.Now}
	code = cli.Run(env, append([]string{"audit"}, args...))
	return code, out.String(), errb.String()
}

func TestAuditVerifyKeyed(t *testing.T) {
	dsn, _ := auditDB(t, 3, true)
	if code, out, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn, "--require-keyed"); code != 0 || !strings.Contains(out, "verified: 3 rows (3 keyed)") {
		t.Fatalf("verify with the key: exit %d\n%s%s", code, out, errs)
	}
	// Without the key: a clear refusal naming where the key comes from.
	code, out, errs := runAuditCmd(nil, "verify", "--db", dsn, "--data-dir", t.TempDir()+"/none")
	if code != 1 || !strings.Contains(errs, "no data.key") {
		t.Fatalf("verify with a --data-dir lacking the key: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runAuditCmd(nil, "verify", "--db", dsn)
	if code != 1 || !strings.Contains(errs, "BEIAN_DATA_KEY") || !strings.Contains(errs, "row 1") {
		t.Fatalf("verify without a key: exit %d\n%s%s", code, out, errs)
	}
	// Another key: every row fails its HMAC.
	if code, _, errs := runAuditCmd(bytes.Repeat([]byte{1}, 32), "verify", "--db", dsn); code != 1 || !strings.Contains(errs, "broken at row 1") {
		t.Fatalf("verify with another key: exit %d %s", code, errs)
	}
	// The key file, as serve keeps it.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.key"), []byte(hex.EncodeToString(auditDataKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runAuditCmd(nil, "verify", "--db", dsn, "--data-dir", dir, "--json"); code != 0 || !strings.Contains(out, `"keyed_rows":3`) || !strings.Contains(out, `"head":"3:hmac:`) {
		t.Fatalf("verify with the key file: exit %d\n%s%s", code, out, errs)
	}
}

func TestAuditHeadPinsTheChain(t *testing.T) {
	dsn, add := auditDB(t, 4, true)
	code, out, errs := runAuditCmd(auditDataKey, "head", "--db", dsn)
	head := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(head, "4:hmac:") {
		t.Fatalf("head: exit %d\n%s%s", code, out, errs)
	}
	if _, err := audit.ParseHead(head); err != nil {
		t.Fatalf("head printed %q: %v", head, err)
	}
	add(2)
	if code, out, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn, "--expect-head", head); code != 0 {
		t.Fatalf("verify --expect-head after growth: exit %d\n%s%s", code, out, errs)
	}
	// Cut back to 3 rows with the head moved to match: consistent, and
	// caught only by the pinned head.
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.InTx(context.Background(), func(tx *store.Tx) error {
		for _, q := range []string{`DELETE FROM audit_log WHERE id > 3`,
			`UPDATE audit_head SET last_id = 3, last_hash = (SELECT hash FROM audit_log WHERE id = 3)`} {
			if _, err := tx.Q().ExecContext(context.Background(), q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn); code != 0 {
		t.Fatalf("cut-back chain without a pin: exit %d %s", code, errs)
	}
	if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn, "--expect-head", head); code != 1 || !strings.Contains(errs, "rows were removed") {
		t.Fatalf("cut-back chain with the pin: exit %d %s", code, errs)
	}
}

func TestAuditCommandErrors(t *testing.T) {
	dsn, _ := auditDB(t, 2, false)
	if code, out, _ := runAuditCmd(nil, "verify", "--db", dsn); code != 0 || !strings.Contains(out, "2 rows (0 keyed)") {
		t.Fatalf("unkeyed chain without a key: exit %d %s", code, out)
	}
	if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn, "--require-keyed"); code != 1 || !strings.Contains(errs, "not keyed") {
		t.Fatalf("--require-keyed on an unkeyed chain: exit %d %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify", "--db", dsn, "--expect-head", "3:nothex"}, 2, "--expect-head"},
		{[]string{"verify", "--db", dsn, "extra"}, 2, "unexpected argument"},
		{[]string{"sign"}, 2, "Usage"},
		{nil, 2, "Usage"},
	} {
		if code, _, errs := runAuditCmd(nil, tc.args...); code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("audit %q: exit %d %q; want %d with %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

// TestAuditVerifyExitCodes: `beian audit verify` exits 1, naming the row,
// for each way the chain can be made to lie: a changed row, the newest row
// deleted, and a head that is not the one exported.
func TestAuditVerifyExitCodes(t *testing.T) {
	sql := func(t *testing.T, dsn, q string) {
		t.Helper()
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.InTx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(context.Background(), q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("changed row", func(t *testing.T) {
		dsn, _ := auditDB(t, 4, true)
		sql(t, dsn, `UPDATE audit_log SET subject = 'application:999' WHERE id = 2`)
		if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn); code != 1 || !strings.Contains(errs, "broken at row 2") {
			t.Fatalf("exit %d %s", code, errs)
		}
	})
	t.Run("last row deleted", func(t *testing.T) {
		dsn, _ := auditDB(t, 4, true)
		sql(t, dsn, `DELETE FROM audit_log WHERE id = 4`)
		if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn); code != 1 || !strings.Contains(errs, "rows were removed") {
			t.Fatalf("exit %d %s", code, errs)
		}
	})
	t.Run("wrong head", func(t *testing.T) {
		dsn, _ := auditDB(t, 4, true)
		wrong := "4:hmac:" + strings.Repeat("0", 64)
		if code, _, errs := runAuditCmd(auditDataKey, "verify", "--db", dsn, "--expect-head", wrong); code != 1 || !strings.Contains(errs, "broken at row 4") {
			t.Fatalf("exit %d %s", code, errs)
		}
	})
}
