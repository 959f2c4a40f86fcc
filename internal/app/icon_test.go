package app_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/operation"
)

// TestAppIconUpload: an upload of kind app_icon is checked as an icon
// before it is kept (a text file or a 200 KB PNG is refused with the
// icon's finding code), and an App's icon must name an app_icon upload of
// its own application: a made-up reference, another kind of document or
// another application's icon is the blocking finding icon.not_uploaded.
func TestAppIconUpload(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("icons@example.com")
	c := fixture.AppFiling(402)
	id := e.Do("POST", "/api/v1/applications", tok, request(c)).Must(t, 201).ID()

	var icon bytes.Buffer
	if err := png.Encode(&icon, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	if r := upload(t, e, tok, id, "app_icon", []byte("not an image at all")).Must(t, 422); !strings.HasPrefix(r.ErrorCode(), "icon.") {
		t.Fatalf("text as icon: %s", r.Raw)
	}
	big := append(append([]byte{}, icon.Bytes()...), make([]byte, 200<<10)...)
	if r := upload(t, e, tok, id, "app_icon", big).Must(t, 422); r.ErrorCode() != "icon.too_large" {
		t.Fatalf("200 KB icon: %s", r.Raw)
	}
	iconID := upload(t, e, tok, id, "app_icon", icon.Bytes()).Must(t, 201).ID()
	otherKind := upload(t, e, tok, id, "other", icon.Bytes()).Must(t, 201).ID()
	otherApp := e.Do("POST", "/api/v1/applications", tok, request(fixture.AppFiling(403))).Must(t, 201).ID()
	foreign := upload(t, e, tok, otherApp, "app_icon", icon.Bytes()).Must(t, 201).ID()

	iconFinding := func(ref string) bool {
		t.Helper()
		c.Websites[1].App.Icon = ref
		r := e.Do("PUT", apptest.Path(id, ""), tok, request(c)).Must(t, 200)
		for _, f := range r.Body["findings"].([]any) {
			m := f.(map[string]any)
			if m["code"] == "icon.not_uploaded" {
				if m["field"] != "websites[1].app.icon" || m["severity"] != "error" {
					t.Fatalf("icon finding %v", m)
				}
				return true
			}
		}
		return false
	}
	for _, ref := range []string{"icon-402", fmt.Sprintf("doc-%d", otherKind), fmt.Sprintf("doc-%d", foreign)} {
		if !iconFinding(ref) {
			t.Errorf("icon %q: no icon.not_uploaded finding", ref)
		}
	}
	if iconFinding(fmt.Sprintf("doc-%d", iconID)) {
		t.Errorf("the application's own icon upload was refused")
	}
}

// TestPublicRecordShowsContentLabels: the public lookup shows an App's
// content types as the vocabulary's labels (商家自营), not its codes
// (commerce.own_goods), the way the MIIT query prints them.
func TestPublicRecordShowsContentLabels(t *testing.T) {
	e := apptest.New(t)
	a := e.File(e.Applicant("labels@example.com"), filing.CreateRequest{Operation: string(operation.FirstFiling),
		Entity: fixture.AppFiling(404).Entity, Websites: fixture.AppFiling(404).Websites}, filing.StatusApproved)
	items := lookup(t, e, "number="+url.QueryEscape(a.WebsiteNumbers[1]))
	if len(items) != 1 || items[0]["contentTypeName"] != "商家自营" || items[0]["serviceType"] != "app" {
		t.Fatalf("public record of the App %s: %v", a.WebsiteNumbers[1], items)
	}
}
