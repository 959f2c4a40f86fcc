package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/beian/beian/internal/fault"
	"github.com/beian/beian/internal/scan"
	"github.com/beian/beian/internal/store"
	"github.com/beian/beian/internal/web/httpx"
)

// The compliance scan's results, for the provider whose sites they are
// (the sweep in serve writes them; package scan owns their tables).

func (a *API) scanSummary(w http.ResponseWriter, r *http.Request) error {
	c, err := scan.CountsForProvider(r.Context(), a.DB.R(), principal(r.Context()).ProviderID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) scanFindings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := scan.Kind(q.Get("kind"))
	if kind != "" && !slices.Contains(scan.Kinds(), kind) {
		return &fault.Error{Kind: fault.Malformed, Code: "scan.bad_kind", Field: "kind",
			Message: fmt.Sprintf("unknown finding kind %q (未知的检查结果类型)", kind)}
	}
	limit := 100
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return &fault.Error{Kind: fault.Malformed, Code: "scan.bad_limit", Field: "limit",
				Message: "limit must be a number from 1 to 1000 (limit须为1至1000)"}
		}
		limit = n
	}
	items, err := scan.OpenFindings(r.Context(), a.DB.R(), principal(r.Context()).ProviderID, kind, limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []scan.StoredFinding{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (a *API) scanWebsite(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return &fault.Error{Kind: fault.NotFound, Code: "scan.website_not_found", Message: "website not found (未找到网站)"}
	}
	items, err := scan.ProviderWebsiteHistory(r.Context(), a.DB.R(), principal(r.Context()).ProviderID, id)
	if errors.Is(err, store.ErrNotFound) {
		return &fault.Error{Kind: fault.NotFound, Code: "scan.website_not_found", Message: "website not found (未找到网站)"}
	}
	if err != nil {
		return err
	}
	if items == nil {
		items = []scan.StoredFinding{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}
