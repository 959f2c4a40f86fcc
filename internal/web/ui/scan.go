package ui

import (
	"context"
	"net/http"
	"slices"

	"github.com/beian/beian/internal/scan"
)

// ScanResults is what the scan page reads: package scan's results for one
// provider (app wires it to the database).
type ScanResults interface {
	Counts(ctx context.Context, provider int64) (scan.ProviderCounts, error)
	Open(ctx context.Context, provider int64, kind scan.Kind, limit int) ([]scan.StoredFinding, error)
}

type scanKindRow struct {
	Kind  scan.Kind
	Count int
	Open  bool
}

type scanData struct {
	Counts   scan.ProviderCounts
	Kinds    []scanKindRow
	Kind     scan.Kind
	Findings []scan.StoredFinding
}

// scanPage shows the provider what the compliance sweep found on the sites
// it serves: counts by kind and the open findings, newest first.
func (u *UI) scanPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := scanData{}
	kind := scan.Kind(r.URL.Query().Get("kind"))
	if !slices.Contains(scan.Kinds(), kind) {
		kind = ""
	}
	d.Kind = kind
	if u.scans != nil {
		var err error
		if d.Counts, err = u.scans.Counts(r.Context(), rq.user.ProviderID); err != nil {
			return err
		}
		if d.Findings, err = u.scans.Open(r.Context(), rq.user.ProviderID, kind, 200); err != nil {
			return err
		}
	}
	for _, k := range scan.Kinds() {
		if k == scan.KindOK {
			continue
		}
		d.Kinds = append(d.Kinds, scanKindRow{Kind: k, Count: d.Counts.ByKind[k], Open: k == kind})
	}
	return u.show(w, r, rq, "scan", d)
}
