package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file under its checksum URL.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assets maps the plain name (app.css) to its versioned URL and the versioned
// file name (app.3f2a9c1e.css) to its content.
type assets struct {
	urls  map[string]string
	files map[string]asset
}

// loadAssets reads every embedded static file and names it by the first 8
// bytes of its SHA-256, so that a changed file gets a new URL and old ones
// can be cached forever.
func loadAssets() (assets, error) {
	a := assets{urls: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("static %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:8])
		name := path.Base(p)
		ext := path.Ext(name)
		versioned := strings.TrimSuffix(name, ext) + "." + h + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.urls[name] = "/static/" + versioned
		a.files[versioned] = asset{body: b, contentType: ct, etag: `"` + h + `"`}
		return nil
	})
	return a, err
}

// url returns the checksum URL of a plain asset name; an unknown name is a
// template bug, caught by the page tests (the link 404s).
func (a assets) url(name string) string {
	if u, ok := a.urls[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

func (a assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", f.etag)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(f.body)
}
