package app

import (
	"context"
	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/store"
	"net/http"
	"os"

	"github.com/beian/beian/internal/web/ui"
)

// mountUI adds the server-rendered web UI to mux. The UI package owns its
// routes; this file is the one place the composition root wires it. The PDF
// letters' CJK font comes from BEIAN_CJK_FONT, else the usual Debian paths.
//
// The templates, catalogues and assets are embedded and checked by the UI's
// tests, so ui.New failing is a build defect; should it happen, the API
// keeps serving and the UI paths answer 503 with the reason logged once.
func (a *App) mountUI(mux *http.ServeMux) {
	u, err := ui.New(ui.Config{Accounts: a.Accounts, Filing: a.Filing, Blobs: a.Blobs, Scans: scanResults{a.DB}, Lookup: a.Lookup,
		Log: a.Log.With("component", "ui"), FontPath: os.Getenv("BEIAN_CJK_FONT")})
	if err != nil {
		a.Log.Error("web UI disabled", "err", err)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "web UI unavailable (网页界面不可用)", http.StatusServiceUnavailable)
		})
		return
	}
	u.Register(mux)
}

// scanResults reads the compliance scan's results for the UI.
type scanResults struct{ db *store.DB }

func (s scanResults) Counts(ctx context.Context, provider int64) (scan.ProviderCounts, error) {
	return scan.CountsForProvider(ctx, s.db.R(), provider)
}

func (s scanResults) Open(ctx context.Context, provider int64, kind scan.Kind, limit int) ([]scan.StoredFinding, error) {
	return scan.OpenFindings(ctx, s.db.R(), provider, kind, limit)
}
