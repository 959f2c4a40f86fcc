package blobstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/secret"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 40), 200, 255})
		}
	}
	return img
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// minimalPDF is a one-page PDF with no content (hand-written; offsets in the
// xref table are those of the objects below).
const minimalPDF = "%PDF-1.4\n" +
	"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
	"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
	"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n" +
	"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n" +
	"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n"

// padded returns b followed by zero bytes up to n bytes: trailing bytes after
// a PNG's IEND chunk are ignored by decoders and do not change the sniffed type.
func padded(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// testBox seals with a fixed test key (byte i = i), or another one when
// other is set.
func testBox(t testing.TB, other bool) *secret.Box {
	t.Helper()
	key := make([]byte, secret.KeySize)
	for i := range key {
		key[i] = byte(i)
		if other {
			key[i] ^= 0xff
		}
	}
	box, err := secret.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "docs")
	s, err := Open(dir, testBox(t, false))
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestOpenCreatesPrivateDir(t *testing.T) {
	_, dir := newStore(t)
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("store dir mode = %04o, want 0700", info.Mode().Perm())
	}
	if _, err := Open("", testBox(t, false)); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, testBox(t, false)); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Open(regular file) = %v, want an error naming it", err)
	}
}

func TestPutAccepted(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		ct   string
	}{
		{"jpeg", jpegBytes(t), TypeJPEG},
		{"png", pngBytes(t), TypePNG},
		{"pdf", []byte(minimalPDF), TypePDF},
		{"exactly 4 MiB", padded(pngBytes(t), MaxSize), TypePNG},
		{"one byte short of 4 MiB", padded([]byte(minimalPDF), MaxSize-1), TypePDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t)
			ctx := context.Background()
			blob, err := s.Put(ctx, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			want := Blob{SHA256: sum(tt.data), Size: int64(len(tt.data)), ContentType: tt.ct}
			if blob != want {
				t.Fatalf("Put = %+v, want %+v", blob, want)
			}
			path := s.sealedPath(want.SHA256)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatalf("stored file: %v", err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("stored file mode = %04o, want 0600", info.Mode().Perm())
			}
			rc, got, err := s.Open(ctx, blob.SHA256)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer rc.Close()
			if got != want {
				t.Errorf("Open blob = %+v, want %+v", got, want)
			}
			data, err := io.ReadAll(rc)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if !bytes.Equal(data, tt.data) {
				t.Error("read bytes differ from the stored ones")
			}
			assertNoTemp(t, dir)
		})
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("temporary files left: %d", len(entries))
	}
}

func TestPutRefused(t *testing.T) {
	png := pngBytes(t)
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, CodeEmpty},
		{"text", []byte("这是一个文本文件, not a scan\n"), CodeBadType},
		{"html", []byte("<!DOCTYPE html><html><body>x</body></html>"), CodeBadType},
		{"gif", gifBytes(t), CodeBadType},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), CodeBadType},
		{"pdf after whitespace", []byte("  \n" + minimalPDF), CodeBadType},
		{"pdf lower case", []byte(strings.ToLower(minimalPDF)), CodeBadType},
		{"truncated png magic", png[:4], CodeBadType},
		{"jpeg magic only two bytes", []byte{0xFF, 0xD8}, CodeBadType},
		{"4 MiB + 1", padded(png, MaxSize+1), CodeTooLarge},
		{"8 MiB", padded([]byte(minimalPDF), 2*MaxSize), CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t)
			blob, err := s.Put(context.Background(), bytes.NewReader(tt.data))
			e, ok := fault.As(err)
			if !ok || e.Code != tt.code {
				t.Fatalf("Put = %+v, %v; want refusal %s", blob, err, tt.code)
			}
			if !strings.Contains(e.Message, " (") || e.Field != "file" {
				t.Errorf("refusal lacks a bilingual message or its field: %+v", e)
			}
			if blob != (Blob{}) {
				t.Errorf("refused Put returned %+v", blob)
			}
			assertNoTemp(t, dir)
			if n := countFiles(t, dir); n != 0 {
				t.Errorf("%d documents stored after a refusal", n)
			}
		})
	}
}

// countFiles counts stored documents (files outside tmp/).
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// failingReader returns data and then a read error.
type failingReader struct{ r io.Reader }

var errBoom = errors.New("connection reset")

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errBoom
	}
	return n, err
}

func TestPutReadError(t *testing.T) {
	s, dir := newStore(t)
	for _, size := range []int{100, 5000} { // fails while sniffing, and after
		_, err := s.Put(context.Background(), failingReader{bytes.NewReader(padded(pngBytes(t), size))})
		if !errors.Is(err, errBoom) {
			t.Errorf("size %d: Put error = %v, want it to wrap the read error", size, err)
		}
	}
	assertNoTemp(t, dir)
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d documents stored after a failed read", n)
	}
}

func TestPutCancelled(t *testing.T) {
	s, dir := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(pngBytes(t))); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v", err)
	}
	// Cancelled in the middle of a large upload.
	ctx, cancel = context.WithCancel(context.Background())
	r := io.MultiReader(bytes.NewReader(padded(pngBytes(t), 1<<20)), cancelReader{cancel}, bytes.NewReader(make([]byte, 1<<20)))
	if _, err := s.Put(ctx, r); !errors.Is(err, context.Canceled) {
		t.Errorf("Put cancelled mid-way = %v", err)
	}
	assertNoTemp(t, dir)
}

// cancelReader cancels its context when read, and yields nothing.
type cancelReader struct{ cancel context.CancelFunc }

func (c cancelReader) Read([]byte) (int, error) { c.cancel(); return 0, io.EOF }

func TestPutSameContentConcurrently(t *testing.T) {
	s, dir := newStore(t)
	data := jpegBytes(t)
	const n = 16
	blobs := make([]Blob, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { blobs[i], errs[i] = s.Put(context.Background(), bytes.NewReader(data)) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Put %d: %v", i, errs[i])
		}
		if blobs[i] != blobs[0] {
			t.Fatalf("Put %d = %+v, Put 0 = %+v", i, blobs[i], blobs[0])
		}
	}
	if got := countFiles(t, dir); got != 1 {
		t.Errorf("%d files for one content, want 1", got)
	}
	assertNoTemp(t, dir)
	rc, _, err := s.Open(context.Background(), blobs[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, err := io.ReadAll(rc); err != nil || !bytes.Equal(got, data) {
		t.Errorf("content after concurrent Puts differs (err %v)", err)
	}
}

func TestPutDeleteConcurrently(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	// Putting and deleting the same document from several goroutines: every
	// Put succeeds, every Delete succeeds or finds nothing.
	data := pngBytes(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if _, err := s.Put(ctx, bytes.NewReader(data)); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				if err := s.Delete(ctx, sum(data)); err != nil && !fault.Is(err, CodeNotFound) {
					t.Errorf("Delete: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestDigestValidation(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	valid := sum([]byte("x"))
	tests := []struct{ name, digest string }{
		{"empty", ""},
		{"parent", "../../../../etc/passwd"},
		{"parent padded to 64", "../" + valid[3:]},
		{"slash", valid[:10] + "/" + valid[11:]},
		{"backslash", valid[:10] + "\\" + valid[11:]},
		{"absolute", "/" + valid[1:]},
		{"tmp dir", "tmp/" + valid[4:]},
		{"upper case", strings.ToUpper(valid)},
		{"63 digits", valid[:63]},
		{"65 digits", valid + "0"},
		{"nul byte", valid[:63] + "\x00"},
		{"not hex", strings.Repeat("g", 64)},
		{"dot dot in hex position", ".." + valid[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := s.Open(ctx, tt.digest); !fault.Is(err, CodeBadDigest) {
				t.Errorf("Open(%q) = %v, want %s", tt.digest, err, CodeBadDigest)
			}
			if err := s.Delete(ctx, tt.digest); !fault.Is(err, CodeBadDigest) {
				t.Errorf("Delete(%q) = %v, want %s", tt.digest, err, CodeBadDigest)
			}
		})
	}
}

func TestOpenDeleteMissing(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	data := []byte(minimalPDF)
	blob, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, sum([]byte("never stored"))); !fault.Is(err, CodeNotFound) {
		t.Errorf("Open(missing) = %v", err)
	}
	if err := s.Delete(ctx, blob.SHA256); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Open(ctx, blob.SHA256); !fault.Is(err, CodeNotFound) {
		t.Errorf("Open after Delete = %v", err)
	}
	if err := s.Delete(ctx, blob.SHA256); !fault.Is(err, CodeNotFound) {
		t.Errorf("second Delete = %v", err)
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files left after Delete", n)
	}
	if _, err := s.Put(ctx, bytes.NewReader(data)); err != nil {
		t.Fatalf("Put after Delete: %v", err)
	}
}

func TestOpenDetectsCorruption(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	data := padded(pngBytes(t), 64<<10)
	blob, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	path := s.sealedPath(blob.SHA256)
	sealed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed[len(sealed)-1] ^= 1 // a flipped bit on disk
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.Open(ctx, blob.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading a corrupted document: err = %v, want ErrCorrupt", err)
	}
}

func TestOpenRemovesStaleTemp(t *testing.T) {
	_, dir := newStore(t)
	tmp := filepath.Join(dir, "tmp")
	stale, fresh := filepath.Join(tmp, "put-stale"), filepath.Join(tmp, "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, testBox(t, false)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file (maybe another process's Put) removed: %v", err)
	}
}

func FuzzPut(f *testing.F) {
	// Short seeds: every input the fuzzer finds interesting is minimised
	// through real file writes, which is slow for kilobyte-sized seeds.
	f.Add(pngBytes(f)[:33]) // signature and IHDR
	f.Add(jpegBytes(f)[:20])
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Add(gifBytes(f)[:13])
	f.Add([]byte("%PDF"))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{})
	f.Add([]byte("hello"))
	s, err := Open(f.TempDir(), testBox(f, false))
	if err != nil {
		f.Fatal(err)
	}
	s.skipSync = true // durability is not under test here; see TestPutAccepted
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		blob, err := s.Put(ctx, bytes.NewReader(data))
		want := ""
		switch {
		case bytes.HasPrefix(data, []byte("%PDF-")):
			want = TypePDF
		case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
			want = TypeJPEG
		case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
			want = TypePNG
		}
		if want == "" {
			if !fault.Is(err, CodeBadType) && !fault.Is(err, CodeEmpty) {
				t.Fatalf("Put(%q) = %+v, %v; want a refusal", data, blob, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Put(%q): %v", data, err)
		}
		if blob.ContentType != want || blob.SHA256 != sum(data) || blob.Size != int64(len(data)) {
			t.Fatalf("Put = %+v, want %s of %d bytes", blob, want, len(data))
		}
		rc, _, err := s.Open(ctx, blob.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %q, %v", got, err)
		}
	})
}

// BenchmarkPut stores a 1 MiB document (distinct bytes each time, so every
// Put writes, syncs and renames a new file) and reports the throughput.
func BenchmarkPut(b *testing.B) {
	s, err := Open(b.TempDir(), testBox(b, false))
	if err != nil {
		b.Fatal(err)
	}
	data := padded(pngBytes(b), 1<<20)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		data[len(data)-8] = byte(i)
		data[len(data)-7] = byte(i >> 8)
		data[len(data)-6] = byte(i >> 16)
		if _, err := s.Put(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
