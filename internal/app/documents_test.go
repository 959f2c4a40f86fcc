package app_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/fixture"
)

func upload(t *testing.T, e *apptest.Env, tok string, id int64, kind string, content []byte) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if kind != "" {
		_ = w.WriteField("kind", kind)
	}
	fw, err := w.CreateFormFile("file", "scan.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	req, err := http.NewRequest("POST", e.Server.URL+apptest.Path(id, "/documents"), &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	return e.Send(req)
}

func TestDocumentUpload(t *testing.T) {
	e := apptest.New(t)
	tok := e.Applicant("docs@example.com")
	id := e.Do("POST", "/api/v1/applications", tok, request(fixture.FirstFiling(401))).Must(t, 201).ID()
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	r := upload(t, e, tok, id, "business_license", pngBytes.Bytes()).Must(t, 201)
	if r.Str("content_type") != "image/png" || len(r.Str("sha256")) != 64 {
		t.Fatalf("upload: %s", r.Raw)
	}
	// The type comes from the bytes, not the file name.
	if r := upload(t, e, tok, id, "business_license", []byte("just text, not a scan")).Must(t, 415); r.ErrorCode() != "document.bad_type" {
		t.Fatalf("text: %s", r.Raw)
	}
	big := append(append([]byte{}, pngBytes.Bytes()...), make([]byte, 4<<20)...)
	upload(t, e, tok, id, "business_license", big).Must(t, 413)
	if r := upload(t, e, tok, id, "passport_photo", pngBytes.Bytes()).Must(t, 422); r.ErrorCode() != "document.bad_kind" {
		t.Fatalf("bad kind: %s", r.Raw)
	}
	upload(t, e, tok, id, "", pngBytes.Bytes()).Must(t, 422)
	upload(t, e, e.Applicant("other-docs@example.com"), id, "business_license", pngBytes.Bytes()).Must(t, 404)
	docs := e.Do("GET", apptest.Path(id, ""), tok, nil).Must(t, 200).Body["documents"].([]any)
	if len(docs) != 1 || docs[0].(map[string]any)["kind"] != "business_license" {
		t.Fatalf("documents: %v", docs)
	}
}
