package app_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beian/beian/internal/app"
	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
)

// scanPNG is a small PNG followed by random bytes (decoders ignore them), so
// that its bytes cannot turn up on disk by chance.
func scanPNG(t *testing.T, seed uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 2))
	for range 4096 {
		b.WriteByte(byte(r.Uint32()))
	}
	return b.Bytes()
}

// ageFiles sets every file under dir to d ago.
func ageFiles(t *testing.T, dir string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDocumentSweep uploads scans through the API and checks the scheduled
// sweep: the bytes on disk are not the scans; an orphan upload older than
// the grace period is deleted; a referenced scan stays; the scans of a
// withdrawn application stay for the retention period and go after it.
func TestDocumentSweep(t *testing.T) {
	var dataDir string
	e := apptest.NewWith(t, func(c *app.Config) { dataDir = c.DataDir })
	ctx := context.Background()
	tok := e.Applicant("sweep@example.com")
	kept := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(601))).Must(t, 201).ID()
	withdrawn := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(602))).Must(t, 201).ID()
	scanKept, scanWithdrawn, scanOrphan := scanPNG(t, 1), scanPNG(t, 2), scanPNG(t, 3)
	digestKept := upload(t, e, tok, kept, "business_license", scanKept).Must(t, 201).Str("sha256")
	digestWithdrawn := upload(t, e, tok, withdrawn, "business_license", scanWithdrawn).Must(t, 201).Str("sha256")
	e.Do("POST", apptest.Path(withdrawn, "/withdraw"), tok, nil).Must(t, 200)
	// An upload whose row was never written: the request failed after the store.
	orphan, err := e.App.Blobs.Put(ctx, bytes.NewReader(scanOrphan))
	if err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join(dataDir, "documents")
	err = filepath.WalkDir(docs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		for _, plain := range [][]byte{scanKept, scanWithdrawn, scanOrphan} {
			if bytes.Contains(b, plain[len(plain)-64:]) {
				t.Errorf("%s holds an uploaded scan in clear", p)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	opens := func(digest string) bool {
		rc, _, err := e.App.Blobs.Open(ctx, digest)
		if fault.Is(err, "document.not_found") {
			return false
		}
		if err != nil {
			t.Fatalf("open %s: %v", digest, err)
		}
		defer rc.Close()
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("read %s: %v", digest, err)
		}
		return true
	}

	// Within the grace period nothing goes, not even the orphan.
	if purged, res, err := e.App.SweepDocuments(ctx); err != nil || purged != 0 || res.Removed != 0 || res.Kept != 3 {
		t.Fatalf("sweep of fresh uploads = %d rows, %+v, %v; want nothing removed", purged, res, err)
	}
	ageFiles(t, docs, 25*time.Hour)
	purged, res, err := e.App.SweepDocuments(ctx)
	if err != nil || purged != 0 || res.Removed != 1 || res.Kept != 2 {
		t.Fatalf("sweep a day later = %d rows, %+v, %v; want the orphan removed", purged, res, err)
	}
	if opens(orphan.SHA256) {
		t.Error("the orphan upload is still there")
	}
	if !opens(digestKept) || !opens(digestWithdrawn) {
		t.Fatal("a referenced scan was removed")
	}

	// The withdrawn application's scans go once the retention period is over.
	e.Clock.Advance(filing.DocumentRetention + time.Hour)
	purged, res, err = e.App.SweepDocuments(ctx)
	if err != nil || purged != 1 || res.Removed != 1 {
		t.Fatalf("sweep after the retention period = %d rows, %+v, %v; want the withdrawn application's scan purged", purged, res, err)
	}
	if opens(digestWithdrawn) {
		t.Error("the withdrawn application's scan is still there after the retention period")
	}
	if !opens(digestKept) {
		t.Error("the draft's scan was removed")
	}
	tok = e.Do("POST", "/api/v1/tokens", "", map[string]string{"email": "sweep@example.com", "password": "correct horse 1"}).Must(t, 201).Str("token")
	if d := e.Do("GET", apptest.Path(withdrawn, ""), tok, nil).Must(t, 200).Body["documents"]; d != nil && len(d.([]any)) != 0 {
		t.Errorf("the withdrawn application still lists documents: %v", d)
	}
	if d := e.Do("GET", apptest.Path(kept, ""), tok, nil).Must(t, 200).Body["documents"].([]any); len(d) != 1 {
		t.Errorf("the draft lists %d documents, want 1", len(d))
	}
}
