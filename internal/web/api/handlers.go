package api

import (
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"net/http"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/audit"
	"github.com/beian/beian/internal/blobstore"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/web/httpx"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

func (a *API) signup(w http.ResponseWriter, r *http.Request) error {
	var c credentials
	if err := httpx.DecodeJSON(r, &c); err != nil {
		return err
	}
	acc, err := a.Accounts.Signup(r.Context(), c.Email, c.Password, c.Name)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, acc)
	return nil
}

func (a *API) tokens(w http.ResponseWriter, r *http.Request) error {
	var c credentials
	if err := httpx.DecodeJSON(r, &c); err != nil {
		return err
	}
	tok, acc, err := a.Accounts.IssueToken(r.Context(), c.Email, c.Password)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"token": tok, "account": acc})
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	p := principal(r.Context())
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": p.AccountID, "email": p.Email, "role": p.Role, "provider": p.ProviderCode})
	return nil
}

func (a *API) create(w http.ResponseWriter, r *http.Request) error {
	var req filing.CreateRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	app, err := a.Filing.Create(r.Context(), principal(r.Context()), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/applications/%d", app.ID))
	httpx.WriteJSON(w, http.StatusCreated, app)
	return nil
}

func (a *API) mine(w http.ResponseWriter, r *http.Request) error {
	apps, err := a.Filing.MyApplications(r.Context(), principal(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": apps})
	return nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	app, err := a.Filing.Get(r.Context(), principal(r.Context()), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}

func (a *API) update(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req filing.CreateRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	app, err := a.Filing.Update(r.Context(), principal(r.Context()), id, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}

func (a *API) upload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Check ownership and state before reading a large body.
	if _, err := a.Filing.Get(r.Context(), principal(r.Context()), id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, blobstore.MaxSize+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return &fault.Error{Kind: fault.TooLarge, Code: "document.too_large", Field: "file", Message: "the file is larger than 4 MiB (文件超过4MiB)"}
		}
		return &fault.Error{Kind: fault.Malformed, Code: "request.bad_multipart", Message: fmt.Sprintf("send multipart/form-data with kind and file: %v (请使用multipart上传)", err)}
	}
	defer r.MultipartForm.RemoveAll()
	kind := r.FormValue("kind")
	f, _, err := r.FormFile("file")
	if err != nil {
		return &fault.Error{Kind: fault.Invalid, Code: "document.file_required", Field: "file", Message: "the file field is missing (缺少文件)"}
	}
	defer f.Close()
	if kind == "" {
		return &fault.Error{Kind: fault.Invalid, Code: "document.kind_required", Field: "kind", Message: "the kind field is missing (缺少文件类型)"}
	}
	blob, err := a.Blobs.Put(r.Context(), f)
	if err != nil {
		return err
	}
	doc, err := a.Filing.AddDocument(r.Context(), principal(r.Context()), id, kind, blob)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, doc)
	return nil
}

func (a *API) transition(w http.ResponseWriter, r *http.Request, do func(id int64) (*filing.Application, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	app, err := do(id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}

func (a *API) submit(w http.ResponseWriter, r *http.Request) error {
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.Submit(r.Context(), principal(r.Context()), id)
	})
}

func (a *API) withdraw(w http.ResponseWriter, r *http.Request) error {
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.Withdraw(r.Context(), principal(r.Context()), id)
	})
}

func (a *API) providerReview(w http.ResponseWriter, r *http.Request) error {
	var d filing.Decision
	if err := httpx.DecodeJSON(r, &d); err != nil {
		return err
	}
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.ProviderReview(r.Context(), principal(r.Context()), id, d)
	})
}

// voidRequest is the body of POST /api/v1/applications/{id}/void.
type voidRequest struct {
	Reason string `json:"reason"`
}

func (a *API) void(w http.ResponseWriter, r *http.Request) error {
	var v voidRequest
	if err := httpx.DecodeJSON(r, &v); err != nil {
		return err
	}
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.Void(r.Context(), principal(r.Context()), id, v.Reason)
	})
}

func (a *API) authorityReview(w http.ResponseWriter, r *http.Request) error {
	var d filing.Decision
	if err := httpx.DecodeJSON(r, &d); err != nil {
		return err
	}
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.AuthorityReview(r.Context(), principal(r.Context()), id, d)
	})
}

func (a *API) sms(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Phone string `json:"phone"`
		Code  string `json:"code"`
	}
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	return a.transition(w, r, func(id int64) (*filing.Application, error) {
		return a.Filing.VerifySMS(r.Context(), principal(r.Context()), id, body.Phone, body.Code)
	})
}

func (a *API) queue(w http.ResponseWriter, r *http.Request) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	apps, err := a.Filing.Queue(r.Context(), principal(r.Context()), r.URL.Query().Get("status"), limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": apps})
	return nil
}

func (a *API) outbox(w http.ResponseWriter, r *http.Request) error {
	msgs, err := a.Filing.Outbox(r.Context(), principal(r.Context()), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": msgs})
	return nil
}

// lookup delegates to the lookup package's handler, which validates the
// query, rate-limits the client and answers with ETag and Cache-Control.
func (a *API) lookup(w http.ResponseWriter, r *http.Request) error {
	if a.Lookup == nil {
		return &fault.Error{Kind: fault.Unavailable, Code: "lookup.unavailable", Message: "the public lookup is not configured (备案查询不可用)"}
	}
	a.Lookup.ServeHTTP(w, r)
	return nil
}

func (a *API) gateSnapshot(w http.ResponseWriter, r *http.Request) error {
	snap, err := a.Filing.Snapshot(r.Context(), principal(r.Context()))
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"%d"`, snap.Version)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, snap)
	return nil
}

func (a *API) gateChanges(w http.ResponseWriter, r *http.Request) error {
	since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	if err != nil || since < 0 {
		return &fault.Error{Kind: fault.Malformed, Code: "gate.bad_since", Field: "since", Message: "since must be a version number (since须为版本号)"}
	}
	ch, err := a.Filing.Changes(r.Context(), principal(r.Context()), since)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ch)
	return nil
}

func (a *API) websites(w http.ResponseWriter, r *http.Request) error {
	ws, err := a.Filing.MyWebsites(r.Context(), principal(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ws})
	return nil
}

func (a *API) goLive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Date string `json:"date"`
	}
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	if err := a.Filing.SetGoLive(r.Context(), principal(r.Context()), id, body.Date); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) filePSB(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req filing.PSBRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	p, err := a.Filing.FilePSB(r.Context(), principal(r.Context()), id, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (a *API) psbQueue(w http.ResponseWriter, r *http.Request) error {
	items, err := a.Filing.PSBQueue(r.Context(), principal(r.Context()), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (a *API) getPSB(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := a.Filing.GetPSB(r.Context(), principal(r.Context()), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) reviewPSB(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var d filing.PSBDecision
	if err := httpx.DecodeJSON(r, &d); err != nil {
		return err
	}
	p, err := a.Filing.ReviewPSB(r.Context(), principal(r.Context()), id, d)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) auditVerify(w http.ResponseWriter, r *http.Request) error {
	chain := a.Chain
	if chain == nil {
		chain = audit.Unkeyed()
	}
	rep, err := chain.Verify(r.Context(), a.DB, audit.VerifyOptions{})
	if err != nil && !errors.Is(err, audit.ErrBroken) {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

type holidaysBody struct {
	Overrides string `json:"overrides"`
	First     int    `json:"first_year"`
	Last      int    `json:"last_year"`
	Covered   []int  `json:"covered_years"`
}

func (a *API) holidays(w http.ResponseWriter, status int, text string) {
	cal := a.Filing.Calendar()
	first, last := cal.Years()
	httpx.WriteJSON(w, status, holidaysBody{Overrides: text, First: first, Last: last, Covered: cal.CoveredYears()})
}

func (a *API) getHolidays(w http.ResponseWriter, r *http.Request) error {
	text, err := a.Filing.HolidayOverrides(r.Context())
	if err != nil {
		return err
	}
	a.holidays(w, http.StatusOK, text)
	return nil
}

func (a *API) putHolidays(w http.ResponseWriter, r *http.Request) error {
	var body holidaysBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	if _, err := a.Filing.SetHolidayOverrides(r.Context(), principal(r.Context()), body.Overrides); err != nil {
		return err
	}
	a.holidays(w, http.StatusOK, body.Overrides)
	return nil
}
