package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// feedServer implements the platform's side of the feed contract for tests:
// a snapshot with ETag/If-None-Match, a change log with ?since= and 410 Gone
// below its oldest retained version.
type feedServer struct {
	mu       sync.Mutex
	token    string
	version  int64
	entries  map[string]FeedEntry
	log      []Change
	oldest   int64 // changes since a version below this are 410
	down     bool
	requests []string
}

func newFeedServer(t *testing.T) (*feedServer, *httptest.Server) {
	fs := &feedServer{token: "t0ken", version: 1, entries: map[string]FeedEntry{
		"example.com":        {Domain: "example.com", Number: numCom, Status: FeedApproved},
		"example.com.cn":     {Domain: "example.com.cn", Number: numCN, Status: FeedApproved},
		"pending.example.cn": {Domain: "pending.example.cn", Status: FeedPending},
	}}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	return fs, srv
}

func (fs *feedServer) upsert(domain, number, status string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.version++
	fs.entries[domain] = FeedEntry{Domain: domain, Number: number, Status: status}
	fs.log = append(fs.log, Change{Version: fs.version, Op: OpUpsert, Domain: domain, Number: number, Status: status})
}

func (fs *feedServer) del(domain string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.version++
	delete(fs.entries, domain)
	fs.log = append(fs.log, Change{Version: fs.version, Op: OpDelete, Domain: domain})
}

func (fs *feedServer) set(f func(fs *feedServer)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f(fs)
}

func (fs *feedServer) seen() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return slices.Clone(fs.requests)
}

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.requests = append(fs.requests, r.URL.RequestURI()+" "+r.Header.Get("If-None-Match"))
	if fs.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+fs.token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	switch r.URL.Path {
	case FeedSnapshotPath:
		etag := `"` + strconv.FormatInt(fs.version, 10) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		entries := slices.Sorted(maps.Keys(fs.entries))
		_ = WriteSnapshot(w, fs.version, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), func(yield func(FeedEntry) bool) {
			for _, d := range entries {
				if !yield(fs.entries[d]) {
					return
				}
			}
		})
	case FeedChangesPath:
		since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		if err != nil {
			http.Error(w, "bad since", http.StatusBadRequest)
			return
		}
		if since < fs.oldest {
			http.Error(w, "too old", http.StatusGone)
			return
		}
		out := Changes{Version: fs.version, Changes: []Change{}}
		for _, c := range fs.log {
			if c.Version > since {
				out.Changes = append(out.Changes, c)
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	default:
		http.NotFound(w, r)
	}
}

func TestFeedLoadAndPoll(t *testing.T) {
	fs, srv := newFeedServer(t)
	f, err := NewFeed(srv.URL+"/", "t0ken", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.Len() != 3 || s.Pending() != 1 {
		t.Fatalf("snapshot: version %d, %d entries, %d pending", s.Version, s.Len(), s.Pending())
	}
	if d := s.Lookup("x.pending.example.cn"); d.Status != StatusPending {
		t.Errorf("pending entry: %v", d.Status)
	}

	same, err := f.Poll(ctx, s)
	if err != nil || same != s {
		t.Fatalf("poll without changes: %p, %v; want the same set %p", same, err, s)
	}

	fs.upsert("new.cn", numIDN, FeedApproved)
	fs.upsert("example.com", numShare, FeedApproved) // renumbered
	fs.del("example.com.cn")
	fs.upsert("pending.example.cn", numOrg, FeedApproved) // pending → approved
	fs.upsert("gone.cn", numDeep, FeedApproved)
	fs.del("gone.cn")
	next, err := f.Poll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != 7 {
		t.Errorf("version %d, want 7", next.Version)
	}
	for host, want := range map[string]string{
		"www.new.cn": numIDN, "example.com": numShare, "example.com.cn": "", "pending.example.cn": numOrg, "gone.cn": "",
	} {
		if d := next.Lookup(host); d.Number != want || d.Allowed() != (want != "") {
			t.Errorf("after changes %s: %v %q, want %q", host, d.Status, d.Number, want)
		}
	}
	if !s.Lookup("example.com.cn").Allowed() {
		t.Error("Poll modified the set it was given")
	}
	if got := fs.seen(); !slices.Contains(got, FeedChangesPath+"?since=1 ") {
		t.Errorf("requests %q lack changes?since=1", got)
	}
}

func TestFeedGoneRefetchesSnapshot(t *testing.T) {
	fs, srv := newFeedServer(t)
	f, _ := NewFeed(srv.URL, "t0ken", srv.Client())
	ctx := context.Background()
	s, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs.upsert("late.cn", numIDN, FeedApproved)
	fs.set(func(fs *feedServer) { fs.oldest = 5 })
	next, err := f.Poll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != 2 || !next.Lookup("late.cn").Allowed() {
		t.Errorf("after 410: version %d, late.cn %v", next.Version, next.Lookup("late.cn").Status)
	}
	got := fs.seen()
	if want := FeedSnapshotPath + ` "1"`; got[len(got)-1] != want {
		t.Errorf("last request %q, want %q (a conditional snapshot)", got[len(got)-1], want)
	}
	// A snapshot that has not changed is a 304 and keeps the set.
	same, err := f.snapshot(ctx, next)
	if err != nil || same != next {
		t.Errorf("conditional snapshot: %p %v, want the same set", same, err)
	}
}

func TestFeedErrors(t *testing.T) {
	fs, srv := newFeedServer(t)
	ctx := context.Background()
	bad, _ := NewFeed(srv.URL, "wrong", srv.Client())
	if _, err := bad.Load(ctx); err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad token: %v (want 401, without the token)", err)
	}
	f, _ := NewFeed(srv.URL, "t0ken", srv.Client())
	s, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs.set(func(fs *feedServer) { fs.down = true })
	if _, err := f.Poll(ctx, s); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("feed down: %v", err)
	}
	fs.set(func(fs *feedServer) {
		fs.down = false
		fs.entries["bad"] = FeedEntry{Domain: "not a domain", Number: numCom, Status: FeedApproved}
	})
	if _, err := f.Load(ctx); !errors.Is(err, ErrDomain) {
		t.Errorf("bad entry: %v, want ErrDomain", err)
	}
	fs.set(func(fs *feedServer) {
		fs.entries["bad"] = FeedEntry{Domain: "revoked.cn", Number: numCom, Status: "revoked"}
	})
	if s, err := f.Load(ctx); err != nil || s.Lookup("revoked.cn").Status != StatusSuspended {
		t.Errorf("unknown status: %v, %v; want the entry left out", s, err)
	}
	for _, tt := range []struct{ url, token string }{
		{"ftp://x", "t"}, {"http://", "t"}, {"http://x?q=1", "t"}, {"http://x", ""}, {"http://x", "a b"}, {"::", "t"},
	} {
		if _, err := NewFeed(tt.url, tt.token, nil); err == nil {
			t.Errorf("NewFeed(%q, %q) accepted", tt.url, tt.token)
		}
	}
}

func TestApplyChangesRejectsBadLogs(t *testing.T) {
	s := testSet(t) // version 7
	for _, tt := range []struct {
		name string
		ch   Changes
	}{
		{"version not after the set's", Changes{Version: 8, Changes: []Change{{Version: 7, Op: OpDelete, Domain: "example.com"}}}},
		{"out of order", Changes{Version: 9, Changes: []Change{{Version: 9, Op: OpDelete, Domain: "example.com"}, {Version: 8, Op: OpDelete, Domain: "example.org"}}}},
		{"unknown op", Changes{Version: 8, Changes: []Change{{Version: 8, Op: "merge", Domain: "example.com"}}}},
		{"bad domain", Changes{Version: 8, Changes: []Change{{Version: 8, Op: OpDelete, Domain: "1.2.3.4"}}}},
		{"upsert without number", Changes{Version: 8, Changes: []Change{{Version: 8, Op: OpUpsert, Domain: "a.cn", Status: FeedApproved}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := applyChanges(s, tt.ch); err == nil {
				t.Error("applied")
			}
		})
	}
	moved, err := applyChanges(s, Changes{Version: 9})
	if err != nil || moved.Version != 9 || moved.Len() != s.Len() || !moved.sameEntries(s) {
		t.Errorf("empty changes with a new version: %v, %v", moved, err)
	}
}

func TestWriteSnapshotRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	entries := []FeedEntry{{Domain: "a.cn", Number: numCom, Status: FeedApproved}, {Domain: "b.cn", Status: FeedPending}}
	if err := WriteSnapshot(&buf, 42, time.Unix(0, 0), slices.Values(entries)); err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	if err := json.Unmarshal(buf.Bytes(), &snap); err != nil || snap.Version != 42 || len(snap.Entries) != 2 {
		t.Fatalf("not valid JSON of a Snapshot: %v %s", err, buf.String())
	}
	s, err := decodeSnapshot(&buf)
	if err != nil || s.Version != 42 || !s.Lookup("a.cn").Allowed() || s.Lookup("b.cn").Status != StatusPending {
		t.Fatalf("decode: %v %v", s, err)
	}
}

// FuzzDecodeSnapshot feeds arbitrary bytes to the snapshot decoder: it must
// fail cleanly or return a set in which every entry finds itself.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(`{"version":3,"generated_at":"2026-05-01T00:00:00Z","entries":[{"domain":"a.cn","number":"` + numCom + `","status":"approved"}]}`)
	f.Add(`{"entries":[{"domain":"b.cn","status":"pending"},{"domain":"c.cn","status":"x"}],"version":1,"extra":{"k":[1,2]}}`)
	f.Add(`{"version":1,"entries":[{"domain":"a.cn","status":"approved"}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := decodeSnapshot(strings.NewReader(in))
		if err != nil {
			if s != nil {
				t.Fatal("a set and an error")
			}
			return
		}
		for e := range s.All() {
			if d := s.Lookup(e.Domain); d.Domain != e.Domain || d.Number != e.Number {
				t.Fatalf("entry %+v looks up as %+v", e, d)
			}
		}
	})
}

// TestFeedOutageKeepsLastSet runs a Gate on the feed, takes the feed down,
// and checks that the gate keeps answering from its last set and counts
// the failed polls, and that the time the source last answered (which a
// poll with no change moves too) stays where the outage began.
func TestFeedOutageKeepsLastSet(t *testing.T) {
	fs, srv := newFeedServer(t)
	f, _ := NewFeed(srv.URL, "t0ken", srv.Client())
	g, err := New(Config{Source: f})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1000, 0)
	g.now = func() time.Time { return clock }
	lastSuccess := func() string {
		m := do(g.Handler(), req{target: "/metrics", host: "gate"}).Body.String()
		return grepLines(m, "beian_gate_source_last_success_timestamp_seconds ")
	}
	ctx := context.Background()
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	fs.upsert("fresh.cn", numIDN, FeedApproved)
	if err := g.poll(ctx, f); err != nil || !g.Decide("fresh.cn").Allowed() {
		t.Fatalf("poll: %v", err)
	}
	clock = time.Unix(1500, 0)
	if err := g.poll(ctx, f); err != nil {
		t.Fatalf("poll with no change: %v", err)
	}
	if got, want := lastSuccess(), "[beian_gate_source_last_success_timestamp_seconds 1500]"; got != want {
		t.Errorf("after a poll with no change: %s, want %s", got, want)
	}
	clock = time.Unix(2000, 0)
	before := g.Set()
	fs.set(func(fs *feedServer) { fs.down = true })
	for range 3 {
		if err := g.poll(ctx, f); err == nil {
			t.Fatal("poll of a down feed succeeded")
		}
	}
	srv.Close()
	if err := g.poll(ctx, f); err == nil {
		t.Fatal("poll of a closed feed succeeded")
	}
	if g.Set() != before || !g.Decide("www.fresh.cn").Allowed() || !g.Decide("example.com").Allowed() {
		t.Error("the gate dropped its last set during the outage")
	}
	body := do(g.Handler(), req{target: "/metrics", host: "gate"}).Body.String()
	if !strings.Contains(body, "beian_gate_reload_errors_total 4") || !strings.Contains(body, "beian_gate_set_version 2") {
		t.Errorf("metrics after the outage:\n%s", grepLines(body, "beian_gate_re", "beian_gate_set_version"))
	}
	if got, want := lastSuccess(), "[beian_gate_source_last_success_timestamp_seconds 1500]"; got != want {
		t.Errorf("after the outage: %s, want %s", got, want)
	}
}

// TestFeedChangesTimeout: a feed that takes the poll's request and never
// answers (a frozen server, a path cut without a reset) fails the poll after
// the changes timeout, instead of holding the gate's polling for the
// client's whole timeout once the feed is back.
func TestFeedChangesTimeout(t *testing.T) {
	_, srv := newFeedServer(t)
	f, _ := NewFeed(srv.URL, "t0ken", &http.Client{}) // no client timeout
	cur, err := f.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer stuck.Close()
	f, _ = NewFeed(stuck.URL, "t0ken", &http.Client{})
	f.changesTimeout = 50 * time.Millisecond
	errc := make(chan error, 1)
	go func() {
		_, err := f.Poll(context.Background(), cur)
		errc <- err
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("poll of a feed that never answers: %v, want the deadline exceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the poll still hangs 10 s on (the changes timeout is 50 ms)")
	}
}

func grepLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return fmt.Sprint(out)
}
