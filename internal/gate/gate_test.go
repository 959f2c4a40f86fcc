package gate

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flipSource alternates between two sets on each Load, and fails every
// third load, so a reload test sees swaps and failures.
type flipSource struct {
	sets  [2]*Set
	calls atomic.Int64
}

var errFlip = errors.New("flip: failing on purpose")

func (f *flipSource) Load(context.Context) (*Set, error) {
	n := f.calls.Add(1)
	if n%3 == 0 {
		return nil, errFlip
	}
	return f.sets[n%2], nil
}

func twoSets(t *testing.T) [2]*Set {
	var sets [2]*Set
	for i, num := range []string{numCom, numCN} {
		b := NewBuilder(0)
		for _, d := range []string{"example.com", "example.org"} {
			if err := b.Add(d, num, StatusApproved); err != nil {
				t.Fatal(err)
			}
		}
		sets[i] = b.Build(int64(i + 1))
	}
	return sets
}

// TestReloadUnderConcurrentRequests hammers the gate (in process and over
// HTTP) while it reloads, swapping between two sets and failing every third
// load. Every answer must come whole from one set: a filed host is never
// refused and its number is one of the two. Run it with -race.
func TestReloadUnderConcurrentRequests(t *testing.T) {
	src := &flipSource{sets: twoSets(t)}
	g, err := New(Config{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	srv := newLocalServer(t, g)
	valid := func(n string) bool { return n == numCom || n == numCN }

	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for range 4 {
		wg.Go(func() {
			for range 2000 {
				d := g.Decide("www.example.org")
				if !d.Allowed() || !valid(d.Number) || d.Domain != "example.org" {
					errc <- errors.New("in-process decision torn: " + d.Status.String() + " " + d.Number)
					return
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			c := srv.Client()
			for range 100 {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
				req.Host = "shop.example.com"
				resp, err := c.Do(req)
				if err != nil {
					errc <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent || !valid(resp.Header.Get("X-ICP-Number")) {
					errc <- errors.New("HTTP decision torn: " + resp.Status)
					return
				}
			}
		})
	}
	failures := 0
	for range 300 {
		if err := g.Load(ctx); errors.Is(err, errFlip) {
			failures++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if failures != 100 {
		t.Errorf("%d failed loads, want 100", failures)
	}
	if g.Set() == nil || !g.Decide("example.com").Allowed() {
		t.Error("a failed load dropped the set")
	}
}

func newLocalServer(t *testing.T, g *Gate) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln) }()
	s := &testServer{URL: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 10 * time.Second}}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		s.client.CloseIdleConnections()
	})
	return s
}

type testServer struct {
	URL    string
	client *http.Client
}

func (s *testServer) Client() *http.Client { return s.client }

func TestFailedReloadKeepsLastSet(t *testing.T) {
	good := testSet(t)
	src := &switchSource{}
	src.set(good, nil)
	g, _ := New(Config{Source: src})
	ctx := context.Background()
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	_, parseErr := ParseHosts([]byte("example.com\t" + numCom + "\nbroken line\n"))
	src.set(nil, parseErr)
	if err := g.Load(ctx); err == nil {
		t.Fatal("a bad file loaded")
	}
	if g.Set() != good || !g.Decide("example.com").Allowed() {
		t.Error("the last good set was not kept")
	}
}

type switchSource struct {
	mu  sync.Mutex
	s   *Set
	err error
}

func (w *switchSource) set(s *Set, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.s, w.err = s, err
}

func (w *switchSource) Load(context.Context) (*Set, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.s, w.err
}

// signalSource tells the test each time it is loaded or polled.
type signalSource struct {
	switchSource
	loads, polls chan struct{}
}

func (s *signalSource) Load(ctx context.Context) (*Set, error) {
	defer notify(s.loads)
	return s.switchSource.Load(ctx)
}

func (s *signalSource) Poll(ctx context.Context, cur *Set) (*Set, error) {
	defer notify(s.polls)
	return s.switchSource.Load(ctx)
}

// notify signals without ever blocking the gate (a full channel drops it).
func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// TestRunReloadsAndPolls drives Run through a SIGHUP-style Reload and a
// poll tick, then stops it, and checks that nothing is left running.
func TestRunReloadsAndPolls(t *testing.T) {
	base := runtime.NumGoroutine()
	src := &signalSource{loads: make(chan struct{}, 4), polls: make(chan struct{}, 64)}
	sets := twoSets(t)
	src.set(sets[0], nil)
	g, err := New(Config{Source: src, PollInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	<-src.loads
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runDone, serveDone := make(chan error, 1), make(chan error, 1)
	go func() { runDone <- g.Run(ctx) }()
	go func() { serveDone <- g.Serve(ctx, ln) }()

	src.set(sets[1], nil)
	g.Reload()
	<-src.loads
	<-src.polls // a poll after the reload has swapped sets[1] in (or kept it)
	<-src.polls
	if v := g.Set().Version; v != 2 {
		t.Errorf("after reload and polls: version %d, want 2", v)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	cancel()
	if err := <-serveDone; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if err := <-runDone; err != nil {
		t.Errorf("Run: %v", err)
	}
	client.CloseIdleConnections()
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > base; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond) // connection goroutines wind down after Shutdown returns
	}
}
