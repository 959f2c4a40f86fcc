package lookup

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beian/beian/internal/store"
)

// renderAll is every search case's first page as the index renders it.
func renderAll(t *testing.T, r *Registry, s *snapshot) []string {
	t.Helper()
	var out []string
	for _, tc := range append(searchCases(), searchCase{q: Query{Entity: "北", Limit: 1}}) {
		rq, err := prepare(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(s.render(nil, rq, r.zone)))
	}
	return out
}

// TestSnapshotRoundTrip: a snapshot read back from its file answers every
// query with the same bytes; a damaged, truncated or other-version file is
// refused.
func TestSnapshotRoundTrip(t *testing.T) {
	r, _ := newRegistry(t, append(registry(), synthetic(300)...))
	s, err := r.load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	got, err := readSnapshot(bytes.NewReader(buf.Bytes()), s.version)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	want, have := renderAll(t, r, s), renderAll(t, r, got)
	for i := range want {
		if want[i] != have[i] {
			t.Errorf("case %d: loaded %s\nbuilt %s", i, have[i], want[i])
		}
	}
	if len(got.rows) != len(s.rows) || got.version != s.version {
		t.Errorf("loaded %d rows version %s, built %d %s", len(got.rows), got.version, len(s.rows), s.version)
	}
	b := buf.Bytes()
	for name, f := range map[string][]byte{
		"damaged":   append(append([]byte{}, b[:len(b)/2]...), append([]byte{b[len(b)/2] ^ 1}, b[len(b)/2+1:]...)...),
		"truncated": b[:len(b)-5],
		"empty":     nil,
		"other":     append([]byte("beian lookup snapshot 0\n"), b[len(snapshotMagic):]...),
	} {
		if _, err := readSnapshot(bytes.NewReader(f), s.version); !errors.Is(err, errSnapshot) {
			t.Errorf("%s file: %v, want errSnapshot", name, err)
		}
	}
	if _, err := readSnapshot(bytes.NewReader(b), s.version+"1"); !errors.Is(err, errSnapshot) {
		t.Errorf("file of another registry version: %v", err)
	}
}

// TestRunUsesSnapshotFile: Run writes the file after its first build; a
// later Run on the unchanged registry loads it instead of building, with
// the same answers; after a change it builds again.
func TestRunUsesSnapshotFile(t *testing.T) {
	r, db := newRegistry(t, registry())
	file := filepath.Join(t.TempDir(), "lookup.snapshot")
	run := func(want string) *Handler {
		t.Helper()
		h := NewHandler(r, Options{SnapshotFile: file, CacheBytes: -1})
		h.events = make(chan string, 16)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- h.Run(ctx) }()
		select {
		case e := <-h.events:
			if e != want {
				t.Fatalf("Run %s, want %s", e, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s from Run", want)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		return h
	}
	built := run("built")
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("no snapshot file after the first build: %v", err)
	}
	loaded := run("loaded")
	for _, q := range []string{"domain=www.ding.com", "entity=北京", "number=京ICP备2021000004号"} {
		a, b := get(built, q), get(loaded, q)
		if a.Code != 200 || a.Body.String() != b.Body.String() || a.Header().Get("ETag") != b.Header().Get("ETag") {
			t.Errorf("%s: built %d %s\nloaded %d %s", q, a.Code, a.Body, b.Code, b.Body)
		}
	}
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Q().ExecContext(ctx, `UPDATE entities SET name = '北京丁再改名公司', updated_at = updated_at + 1 WHERE number = '京ICP备2021000004号'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h := run("built")
	if p := decodePage(t, get(h, "domain=www.ding.com")); len(p.Items) != 1 || p.Items[0].UnitName != "北京丁再改名公司" {
		t.Errorf("after a change: %+v", p.Items)
	}
}
