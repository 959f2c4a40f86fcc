package lookup

import (
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
)

// BenchmarkIndexLoad measures building the in-memory index: on the
// database named by BEIAN_LOOKUP_DB (seeded by `go run ./bench/lookup/server
// -db FILE -seed 1000000`), else on 20,000 seeded filings.
func BenchmarkIndexLoad(b *testing.B) {
	ctx := context.Background()
	var db *store.DB
	if dsn := os.Getenv("BEIAN_LOOKUP_DB"); dsn != "" {
		var err error
		if db, err = store.Open(ctx, dsn); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
	} else {
		db = openDB(b)
		seed(b, db, synthetic(20000))
	}
	r, err := New(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	var s *snapshot
	cpu0 := cpuTime()
	for b.Loop() {
		if s, err = r.load(ctx); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time stays comparable on a shared machine, where wall time does not.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(len(s.rows)), "rows")
	b.ReportMetric(float64(s.size())/1e6, "index-MB")
	b.ReportMetric(float64(m.HeapInuse)/1e6, "heap-MB")
	runtime.KeepAlive(s)
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
