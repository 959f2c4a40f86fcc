package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestJudgeMemory(t *testing.T) {
	warm := []float64{540, 380, 220, 62} // the sign-ups' password hashes, then released
	flat := append(append([]float64{}, warm...), 100, 104, 98, 103, 101, 99, 105, 102, 100, 104, 101, 103)
	if m := judgeMemory(flat); !m.Flat || m.FirstMB != 540 || m.LastMB != 103 || m.MaxMB != 540 {
		t.Errorf("steady memory judged %+v", m)
	}
	var leak []float64
	for i := range 16 {
		leak = append(leak, 100+float64(i)*10) // 10 MiB more every sample
	}
	if m := judgeMemory(leak); m.Flat {
		t.Errorf("memory growing 10 MiB a sample judged flat: %+v", m)
	}
	if m := judgeMemory(nil); !m.Flat {
		t.Error("no samples judged as growth")
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if q := quantile(d, 0.99); q != 99*time.Millisecond {
		t.Errorf("p99 of 1..100 ms = %v", q)
	}
	if q := quantile(d, 0.5); q != 50*time.Millisecond {
		t.Errorf("p50 of 1..100 ms = %v", q)
	}
	if q := quantile(nil, 0.99); q != 0 {
		t.Errorf("p99 of nothing = %v", q)
	}
}

// TestOutcomes checks how answers are judged: only the platform's JSON
// error makes a 5xx clean, a 4xx other than 429 is bad, a slow answer a hang.
func TestOutcomes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(201)
		case "/busy":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
		case "/db-down":
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error":{"code":"server.error","message":"internal error (服务器内部错误)"}}`))
		case "/bare-500":
			http.Error(w, "oops", 500)
		case "/conflict":
			w.WriteHeader(409)
			_, _ = w.Write([]byte(`{"error":{"code":"application.open_exists","message":"x"}}`))
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		}
	}))
	defer srv.Close()
	c := newClient(srv.URL, 2, 100*time.Millisecond)
	ctx := context.Background()
	for path, want := range map[string]Outcome{"/ok": OK, "/busy": RateLimited, "/db-down": Clean5xx, "/bare-500": Bad, "/conflict": Bad, "/slow": Hang} {
		if a := c.do(ctx, "GET", path, "", "", "", nil, nil); a.Outcome != want {
			t.Errorf("%s: %s, want %s", path, a.Outcome, want)
		}
	}
	srv.Close()
	if a := c.do(ctx, "GET", "/ok", "", "", "", nil, nil); a.Outcome != Unanswered {
		t.Errorf("closed server: %s, want unanswered", a.Outcome)
	}
	tl := newTally()
	tl.add("x", answer{Outcome: Clean5xx, Status: 500})
	if err := judge(tl, map[Outcome]bool{OK: true}); err == nil {
		t.Error("a clean 5xx passed a run that does not allow it")
	}
	allow, err := allowed("clean_5xx")
	if err != nil || judge(tl, allow) != nil {
		t.Errorf("a clean 5xx failed a run that allows it: %v", err)
	}
	if _, err := allowed("bad"); err == nil {
		t.Error("--allow bad accepted")
	}
}
