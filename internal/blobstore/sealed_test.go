package blobstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/fault"
)

// scan returns a PNG of n bytes whose tail is random, so that any 32-byte
// window of it found on disk can only be the scan itself.
func scan(t testing.TB, n int, seed uint64) []byte {
	t.Helper()
	b := padded(pngBytes(t), n)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := len(pngBytes(t)); i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// files returns every regular file under dir with its bytes.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assertSealed fails when any file under dir holds a 32-byte window of
// plain, or any path names its plain digest.
func assertSealed(t *testing.T, dir string, plain []byte) {
	t.Helper()
	digest := sum(plain)
	for p, b := range files(t, dir) {
		if strings.Contains(p, digest) {
			t.Errorf("%s: the path names the document's plain SHA-256", p)
		}
		for off := 0; off+32 <= len(plain); off += 4096 {
			if bytes.Contains(b, plain[off:off+32]) {
				t.Fatalf("%s holds the scan's bytes %d..%d in clear", p, off, off+32)
			}
		}
		if bytes.Contains(b, []byte("\x89PNG")) {
			t.Errorf("%s starts a PNG in clear", p)
		}
	}
}

func readAll(t *testing.T, s *Store, digest string) ([]byte, Blob) {
	t.Helper()
	rc, blob, err := s.Open(context.Background(), digest)
	if err != nil {
		t.Fatalf("Open %s: %v", digest, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", digest, err)
	}
	return b, blob
}

func TestDocumentsAreSealedAtRest(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	for i, n := range []int{1000, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17, MaxSize} {
		plain := scan(t, n, uint64(i))
		blob, err := s.Put(ctx, bytes.NewReader(plain))
		if err != nil {
			t.Fatalf("Put %d bytes: %v", n, err)
		}
		got, b := readAll(t, s, blob.SHA256)
		if !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: read back differs", n)
		}
		if b != (Blob{SHA256: sum(plain), Size: int64(n), ContentType: TypePNG}) {
			t.Errorf("Open of %d bytes = %+v", n, b)
		}
		assertSealed(t, dir, plain)
	}
	// Without the key the files are noise: another key opens none of them.
	other, err := Open(dir, testBox(t, true))
	if err != nil {
		t.Fatal(err)
	}
	plain := scan(t, 5000, 99)
	blob, err := s.Put(ctx, bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Open(ctx, blob.SHA256); !fault.Is(err, CodeNotFound) {
		t.Errorf("Open under another key = %v, want not found (the names are keyed too)", err)
	}
	// The same file moved to where the other key would look does not open.
	if err := os.MkdirAll(filepath.Dir(other.sealedPath(blob.SHA256)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(s.sealedPath(blob.SHA256), other.sealedPath(blob.SHA256)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Open(ctx, blob.SHA256); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open of a file sealed under another key = %v, want ErrCorrupt", err)
	}
}

func TestSealedFileTampering(t *testing.T) {
	ctx := context.Background()
	plain := scan(t, 3*chunkSize, 7) // three full chunks and an empty last one
	tests := []struct {
		name   string
		tamper func([]byte) []byte
	}{
		{"cut at a chunk boundary", func(b []byte) []byte { return b[:headerSize+3*sealedChunk] }},
		{"last chunk dropped and the one before cut short", func(b []byte) []byte { return b[:headerSize+2*sealedChunk+100] }},
		{"chunks swapped", func(b []byte) []byte {
			out := append([]byte(nil), b...)
			c0, c1 := b[headerSize:headerSize+sealedChunk], b[headerSize+sealedChunk:headerSize+2*sealedChunk]
			copy(out[headerSize:], c1)
			copy(out[headerSize+sealedChunk:], c0)
			return out
		}},
		{"a bit flipped in the middle", func(b []byte) []byte { b[headerSize+sealedChunk+5000] ^= 4; return b }},
		{"file id changed", func(b []byte) []byte { b[len(magic)] ^= 1; return b }},
		{"bytes appended", func(b []byte) []byte { return append(b, 0, 0, 0) }},
		{"header only", func(b []byte) []byte { return b[:headerSize] }},
		{"not sealed", func(b []byte) []byte { return plain }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newStore(t)
			blob, err := s.Put(ctx, bytes.NewReader(plain))
			if err != nil {
				t.Fatal(err)
			}
			path := s.sealedPath(blob.SHA256)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tt.tamper(b), 0o600); err != nil {
				t.Fatal(err)
			}
			rc, _, err := s.Open(ctx, blob.SHA256)
			if err == nil {
				_, err = io.ReadAll(rc)
				_ = rc.Close()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("reading a tampered file: %v, want ErrCorrupt", err)
			}
		})
	}
}

// putClear stores plain the way an earlier version did: in clear under its digest.
func putClear(t *testing.T, dir string, plain []byte) string {
	t.Helper()
	d := sum(plain)
	p := filepath.Join(dir, d[:2], d[2:4], d)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestClearDocumentsOfEarlierVersions(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	old := []byte(minimalPDF)
	big := scan(t, 200<<10, 3)
	d1, d2 := putClear(t, dir, old), putClear(t, dir, big)
	for _, c := range []struct {
		d     string
		plain []byte
		ct    string
	}{{d1, old, TypePDF}, {d2, big, TypePNG}} {
		got, b := readAll(t, s, c.d)
		if !bytes.Equal(got, c.plain) || b.ContentType != c.ct || b.Size != int64(len(c.plain)) {
			t.Fatalf("clear document %s read as %+v", c.d, b)
		}
	}
	// A corrupted clear document is sealed neither silently nor at all.
	bad := putClear(t, dir, scan(t, 3000, 4))
	if err := os.WriteFile(s.legacyPath(bad), scan(t, 3000, 5), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := s.Migrate(ctx)
	if n != 2 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Migrate = %d, %v; want the two good ones sealed and ErrCorrupt for the third", n, err)
	}
	if err := os.Remove(s.legacyPath(bad)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d     string
		plain []byte
	}{{d1, old}, {d2, big}} {
		if _, err := os.Stat(s.legacyPath(c.d)); !os.IsNotExist(err) {
			t.Errorf("clear file %s kept after Migrate: %v", c.d, err)
		}
		if got, _ := readAll(t, s, c.d); !bytes.Equal(got, c.plain) {
			t.Errorf("%s differs after Migrate", c.d)
		}
	}
	assertSealed(t, dir, big)
	if n, err := s.Migrate(ctx); n != 0 || err != nil {
		t.Errorf("second Migrate = %d, %v", n, err)
	}
	if err := s.Delete(ctx, d1); err != nil {
		t.Errorf("Delete of a migrated document: %v", err)
	}
	d3 := putClear(t, dir, scan(t, 2000, 6))
	if err := s.Delete(ctx, d3); err != nil {
		t.Errorf("Delete of a clear document: %v", err)
	}
	if _, _, err := s.Open(ctx, d3); !fault.Is(err, CodeNotFound) {
		t.Errorf("Open after Delete of a clear document = %v", err)
	}
}

// age sets the time of the file at p to d ago.
func age(t *testing.T, p string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestSweep(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	const grace = 24 * time.Hour
	put := func(seed uint64, ago time.Duration) string {
		b, err := s.Put(ctx, bytes.NewReader(scan(t, 3000, seed)))
		if err != nil {
			t.Fatal(err)
		}
		age(t, s.sealedPath(b.SHA256), ago)
		return b.SHA256
	}
	referencedOld := put(1, 30*24*time.Hour)
	orphanOld := put(2, grace+time.Minute)
	orphanYoung := put(3, grace-time.Hour)
	clearReferenced := putClear(t, dir, scan(t, 3000, 4))
	age(t, s.legacyPath(clearReferenced), 400*24*time.Hour)
	clearOrphan := putClear(t, dir, scan(t, 3000, 5))
	age(t, s.legacyPath(clearOrphan), 400*24*time.Hour)
	stray := filepath.Join(dir, "README")
	if err := os.WriteFile(stray, []byte("not a document"), 0o600); err != nil {
		t.Fatal(err)
	}

	res, err := s.Sweep(ctx, map[string]bool{referencedOld: true, clearReferenced: true}, grace)
	if err != nil {
		t.Fatal(err)
	}
	if res != (SweepResult{Removed: 2, Sealed: 1, Kept: 2}) {
		t.Errorf("Sweep = %+v, want 2 removed, 1 sealed, 2 kept", res)
	}
	for _, d := range []string{orphanOld, clearOrphan} {
		if _, _, err := s.Open(ctx, d); !fault.Is(err, CodeNotFound) {
			t.Errorf("orphan %s older than the grace period still opens: %v", d, err)
		}
	}
	for _, d := range []string{referencedOld, orphanYoung, clearReferenced} {
		readAll(t, s, d)
	}
	if exists(s.legacyPath(clearReferenced)) || !exists(s.sealedPath(clearReferenced)) {
		t.Error("the referenced clear document was not sealed in place")
	}
	if !exists(stray) {
		t.Error("a file that is no document was removed")
	}
	assertNoTemp(t, dir)

	// An upload of the same bytes as an old orphan, after the database
	// was read, renews the file: the sweep that read the database before
	// the upload keeps it.
	again := scan(t, 3000, 2)
	b, err := s.Put(ctx, bytes.NewReader(again))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Sweep(ctx, map[string]bool{referencedOld: true}, grace); err != nil || res.Removed != 0 {
		t.Errorf("Sweep after a fresh upload = %+v, %v; want nothing removed", res, err)
	}
	readAll(t, s, b.SHA256)
	if _, err := s.Sweep(ctx, nil, 0); err == nil {
		t.Error("Sweep with no grace period succeeded")
	}
}

func TestSweepRaceWithUpload(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	b, err := s.Put(ctx, bytes.NewReader(scan(t, 3000, 8)))
	if err != nil {
		t.Fatal(err)
	}
	p := s.sealedPath(b.SHA256)
	// The sweep saw an old file; by the time it moves it, a new upload of
	// the same bytes has replaced it (its time is now): it must be put back.
	removed, err := s.removeIfOld(p, true, time.Now().Add(-time.Hour))
	if err != nil || removed {
		t.Fatalf("removeIfOld of a fresh file = %v, %v; want kept", removed, err)
	}
	readAll(t, s, b.SHA256)
	assertNoTemp(t, dir)
	// A sweep that died between its two moves: Open puts the file back.
	claimed := filepath.Join(dir, "tmp", claimSealed+filepath.Base(p))
	if err := os.Rename(p, claimed); err != nil {
		t.Fatal(err)
	}
	age(t, claimed, 48*time.Hour) // older than the stale-temporary limit
	s2, err := Open(dir, testBox(t, false))
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, s2, b.SHA256)
	assertNoTemp(t, dir)
}
