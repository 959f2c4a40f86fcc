package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	ops "github.com/beian/beian/internal/operation"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beian/beian/internal/apptest"
	"github.com/beian/beian/internal/web/api"
)

// openAPIPath is the document's own route: Register serves it outside
// Routes, so the document must describe it without a Route for it.
const openAPIPath = "GET /api/v1/openapi.json"

// httpMethods are the operation keys of an OpenAPI path item; the other
// keys (summary, parameters, servers…) are not operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// doc is the part of an OpenAPI 3 document the checks read.
type doc struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
	} `json:"components"`
}

// operation is one method of a path item.
type operation struct {
	Summary    string                 `json:"summary"`
	Security   *[]map[string][]string `json:"security"`
	Roles      []string               `json:"x-roles"`
	Parameters []parameter            `json:"parameters"`
	Responses  map[string]any         `json:"responses"`
}

type parameter struct {
	Name string `json:"name"`
	In   string `json:"in"`
}

var pathParamRE = regexp.MustCompile(`\{([^{}]+)\}`)

// checkDoc compares an OpenAPI document with the route table and returns
// every disagreement, one line each; nil means they are in step.
func checkDoc(raw []byte, routes []api.Route) []string {
	var d doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return []string{fmt.Sprintf("not valid JSON: %v", err)}
	}
	var probs []string
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		probs = append(probs, fmt.Sprintf("openapi is %q, want 3.x", d.OpenAPI))
	}
	if len(d.Paths) == 0 {
		probs = append(probs, "no paths")
	}
	// Every documented operation, keyed "METHOD /path".
	ops := map[string]operation{}
	for path, item := range d.Paths {
		var itemParams []parameter
		if p, ok := item["parameters"]; ok {
			if err := json.Unmarshal(p, &itemParams); err != nil {
				probs = append(probs, fmt.Sprintf("%s: parameters: %v", path, err))
			}
		}
		for key, v := range item {
			if !slices.Contains(httpMethods, key) {
				if key != "parameters" && key != "summary" && key != "description" && key != "servers" && !strings.HasPrefix(key, "x-") {
					probs = append(probs, fmt.Sprintf("%s: unknown path item key %q", path, key))
				}
				continue
			}
			var op operation
			if err := json.Unmarshal(v, &op); err != nil {
				probs = append(probs, fmt.Sprintf("%s %s: %v", strings.ToUpper(key), path, err))
				continue
			}
			op.Parameters = append(op.Parameters, itemParams...)
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	if _, ok := ops[openAPIPath]; !ok {
		probs = append(probs, openAPIPath+" is served but not documented")
	}
	served := map[string]bool{openAPIPath: true}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if served[key] {
			probs = append(probs, key+": declared twice in Routes")
		}
		served[key] = true
		op, ok := ops[key]
		if !ok {
			probs = append(probs, key+": route missing from openapi.json")
			continue
		}
		if op.Summary == "" {
			probs = append(probs, key+": no summary")
		}
		if len(op.Responses) == 0 {
			probs = append(probs, key+": no responses")
		}
		sec := d.Security
		if op.Security != nil {
			sec = *op.Security
		}
		if len(rt.Roles) > 0 {
			if len(sec) == 0 {
				probs = append(probs, key+": route needs a role but has no security requirement")
			}
			for _, req := range sec {
				if len(req) == 0 {
					probs = append(probs, key+": route needs a role but its security admits anonymous ({})")
				}
				for name := range req {
					if _, ok := d.Components.SecuritySchemes[name]; !ok {
						probs = append(probs, fmt.Sprintf("%s: security scheme %q is not in components.securitySchemes", key, name))
					}
				}
			}
			var want []string
			for _, r := range rt.Roles {
				want = append(want, string(r))
			}
			got := slices.Clone(op.Roles)
			sort.Strings(want)
			sort.Strings(got)
			if !slices.Equal(want, got) {
				probs = append(probs, fmt.Sprintf("%s: x-roles %v, Routes says %v", key, got, want))
			}
		} else {
			anonymous := len(sec) == 0
			for _, req := range sec {
				if len(req) == 0 {
					anonymous = true
				}
			}
			if !anonymous {
				probs = append(probs, key+": public route documented as needing a token")
			}
			if len(op.Roles) > 0 {
				probs = append(probs, fmt.Sprintf("%s: public route documented with x-roles %v", key, op.Roles))
			}
		}
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Path, -1) {
			found := false
			for _, p := range op.Parameters {
				if p.In == "path" && p.Name == m[1] {
					found = true
				}
			}
			if !found {
				probs = append(probs, fmt.Sprintf("%s: path parameter %q is not documented", key, m[1]))
			}
		}
	}
	for key := range ops {
		if !served[key] {
			probs = append(probs, key+": documented but no route serves it")
		}
	}
	sort.Strings(probs)
	return probs
}

func readDoc(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatalf("read openapi.json: %v", err)
	}
	return raw
}

// TestOpenAPIMatchesRoutes keeps openapi.json in step with Routes: every
// route documented with its security and roles, nothing documented that no
// route serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	routes := (&api.API{}).Routes()
	if len(routes) == 0 {
		t.Fatal("Routes is empty")
	}
	for _, p := range checkDoc(readDoc(t), routes) {
		t.Error(p)
	}
}

// TestCheckDocFindsDrift proves that checkDoc notices each kind of drift,
// by feeding it documents edited from the real one.
func TestCheckDocFindsDrift(t *testing.T) {
	routes := (&api.API{}).Routes()
	var authed, public api.Route
	for _, rt := range routes {
		if len(rt.Roles) > 0 && strings.Contains(rt.Path, "{id}") && authed.Path == "" {
			authed = rt
		}
		if len(rt.Roles) == 0 && public.Path == "" {
			public = rt
		}
	}
	if authed.Path == "" || public.Path == "" {
		t.Fatal("Routes has no role-guarded {id} route or no public route to edit")
	}
	lower := strings.ToLower
	tests := []struct {
		name string
		edit func(d map[string]any)
		// routes, when not nil, replaces Routes.
		routes []api.Route
		want   string
	}{
		{"route missing", func(d map[string]any) {
			delete(paths(d)[authed.Path].(map[string]any), lower(authed.Method))
		}, nil, authed.Method + " " + authed.Path + ": route missing"},
		{"extra operation", func(d map[string]any) {
			paths(d)["/api/v1/nowhere"] = map[string]any{"delete": map[string]any{"summary": "x", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
		}, nil, "DELETE /api/v1/nowhere: documented but no route serves it"},
		{"extra method on a served path", func(d map[string]any) {
			paths(d)[authed.Path].(map[string]any)["delete"] = map[string]any{"summary": "x", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}
		}, nil, "DELETE " + authed.Path + ": documented but no route serves it"},
		{"security dropped", func(d map[string]any) {
			delete(opOf(d, authed), "security")
		}, nil, "has no security requirement"},
		{"security admits anonymous", func(d map[string]any) {
			opOf(d, authed)["security"] = []any{map[string]any{}}
		}, nil, "admits anonymous"},
		{"unknown security scheme", func(d map[string]any) {
			opOf(d, authed)["security"] = []any{map[string]any{"apikey": []any{}}}
		}, nil, `security scheme "apikey"`},
		{"x-roles drift", func(d map[string]any) {
			opOf(d, authed)["x-roles"] = []any{"psb"}
		}, nil, "x-roles [psb]"},
		{"public route needs a token", func(d map[string]any) {
			opOf(d, public)["security"] = []any{map[string]any{"bearer": []any{}}}
		}, nil, "public route documented as needing a token"},
		{"path parameter undocumented", func(d map[string]any) {
			delete(opOf(d, authed), "parameters")
		}, nil, `path parameter "id" is not documented`},
		{"openapi 2", func(d map[string]any) { d["openapi"] = "2.0" }, nil, `openapi is "2.0"`},
		{"document route undocumented", func(d map[string]any) {
			delete(paths(d), "/api/v1/openapi.json")
		}, nil, openAPIPath + " is served but not documented"},
		{"route declared twice", func(map[string]any) {}, append(slices.Clone(routes), authed), "declared twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(readDoc(t), &d); err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			raw, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			rts := routes
			if tc.routes != nil {
				rts = tc.routes
			}
			probs := checkDoc(raw, rts)
			if !slices.ContainsFunc(probs, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Fatalf("want a problem containing %q, got %q", tc.want, probs)
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		if probs := checkDoc([]byte(`{"openapi": "3.0.3",`), routes); len(probs) != 1 || !strings.Contains(probs[0], "not valid JSON") {
			t.Fatalf("got %q", probs)
		}
	})
}

func paths(d map[string]any) map[string]any { return d["paths"].(map[string]any) }

func opOf(d map[string]any, rt api.Route) map[string]any {
	return paths(d)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
}

// TestOpenAPIServed fetches the document from a running platform: it is the
// embedded file, served as JSON to anyone.
func TestOpenAPIServed(t *testing.T) {
	e := apptest.New(t)
	r := e.Do("GET", "/api/v1/openapi.json", "", nil).Must(t, 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	if !bytes.Equal(r.Raw, readDoc(t)) {
		t.Fatalf("served document (%d bytes) differs from openapi.json", len(r.Raw))
	}
	if v, _ := r.Body["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("served openapi %q", v)
	}
	// A token does not change the answer, and neither does a bad one.
	e.Do("GET", "/api/v1/openapi.json", e.Applicant("reader@example.com"), nil).Must(t, 200)
	e.Do("GET", "/api/v1/openapi.json", "not-a-token", nil).Must(t, 200)
}

// TestOpenAPIListsEveryOperation: the documented enum of operations is the
// catalogue's, in its order.
func TestOpenAPIListsEveryOperation(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(readDoc(t), &doc); err != nil {
		t.Fatal(err)
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	req, _ := schemas["ApplicationRequest"].(map[string]any)
	props, _ := req["properties"].(map[string]any)
	opProp, _ := props["operation"].(map[string]any)
	enum, _ := opProp["enum"].([]any)
	want := ops.Default().Strings()
	got := make([]string, len(enum))
	for i, v := range enum {
		got[i], _ = v.(string)
	}
	if !slices.Equal(got, want) {
		t.Errorf("openapi.json ApplicationRequest.operation enum = %v, want the catalogue %v", got, want)
	}
}
