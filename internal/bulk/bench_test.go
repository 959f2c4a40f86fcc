package bulk

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
)

// BenchmarkImport imports 100,000 rows into a new SQLite database per
// iteration and reports rows/s. The end-to-end comparison with the sqlite3
// command line is bench/import/run.sh.
func BenchmarkImport(b *testing.B) {
	const n = 100000
	in := genCSV(n)
	ctx := context.Background()
	b.SetBytes(int64(len(in)))
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.R().QueryContext(ctx, `SELECT 1`); err != nil {
			b.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Q().ExecContext(ctx, `INSERT INTO providers (code, name, created_at) VALUES ('isp', 'isp', 1)`)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		st, err := Import(ctx, db, strings.NewReader(in), Options{Provider: "isp"})
		total += time.Since(t)
		if err != nil || st.Rows != n {
			b.Fatalf("%+v %v", st, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "rows/s")
}
