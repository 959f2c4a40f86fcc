package httpx

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/beian/beian/internal/fault"
)

type fuzzBody struct {
	Operation string            `json:"operation"`
	Entity    map[string]string `json:"entity"`
	Websites  []struct {
		Name    string   `json:"name"`
		Domains []string `json:"domains"`
	} `json:"websites"`
	N int `json:"n"`
}

// FuzzDecodeJSON: any body is decoded or refused as a client error
// (malformed, unsupported or too large), never a panic or a server error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"operation":"first_filing","entity":{"name":"x"},"websites":[{"name":"a","domains":["a.cn"]}]}`,
		`{"n":"x"}`, `{} {}`, `[`, "\xff\xfe", `{"entity":{"name":"\u0000<script>"}}`, `{"n":1e400}`} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		r := httptest.NewRequest("POST", "/x", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var v fuzzBody
		err := DecodeJSON(r, &v)
		if err == nil {
			return
		}
		fe, ok := fault.As(err)
		if !ok {
			t.Fatalf("DecodeJSON(%q) = %v, not a refusal", body, err)
		}
		switch fe.Kind {
		case fault.Malformed, fault.Unsupported, fault.TooLarge:
		default:
			t.Fatalf("DecodeJSON(%q): kind %s", body, fe.Kind)
		}
	})
}

func TestDecodeJSONTooLarge(t *testing.T) {
	big := `{"operation":"` + strings.Repeat("a", MaxBody) + `"}`
	r := httptest.NewRequest("POST", "/x", strings.NewReader(big))
	var v fuzzBody
	if fe, ok := fault.As(DecodeJSON(r, &v)); !ok || fe.Kind != fault.TooLarge || StatusOf(fe.Kind) != 413 {
		t.Errorf("a %d-byte body: %v, want 413 too_large", len(big), fe)
	}
	r = httptest.NewRequest("POST", "/x", strings.NewReader(`{"operation":"x"`))
	if fe, ok := fault.As(DecodeJSON(r, &v)); !ok || fe.Kind != fault.Malformed {
		t.Errorf("truncated JSON: %v, want malformed", fe)
	}
}
