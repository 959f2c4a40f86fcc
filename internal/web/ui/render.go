package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/beian/beian/internal/advisor"
	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/icpnum"
)

//go:embed templates/*.html
var templateFS embed.FS

// page is what every template gets: the request's language, the signed-in
// principal (nil when anonymous), the CSRF token for forms and the page's
// own data.
type page struct {
	L     Lang
	Name  string
	Title string
	User  *auth.Principal
	CSRF  string
	Path  string
	Flash string
	Data  any
}

// Is reports whether the signed-in user has role r.
func (p page) Is(r string) bool { return p.User != nil && string(p.User.Role) == r }

// engine holds one parsed template set per page: the layout, the shared
// partials and the page file. They are parsed and checked at start.
type engine struct {
	pages  map[string]*template.Template
	assets assets
}

// pageNames lists the page templates, one file each under templates/.
func pageNames() ([]string, error) {
	ents, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, "_") || path.Ext(n) != ".html" {
			continue
		}
		out = append(out, strings.TrimSuffix(n, ".html"))
	}
	return out, nil
}

// baseFuncs are the functions every template may call; the per-request ones
// (t, pick) are placeholders replaced on each render's clone.
func baseFuncs(a assets) template.FuncMap {
	return template.FuncMap{
		"t":     func(string, ...any) string { return "" },
		"pick":  func(zh, en string) string { return zh },
		"known": func(prefix, code string) string { return code },
		"asset": a.url,
		"sev":   func(f finding.Finding) string { return string(f.Severity) },
		"date": func(t time.Time) string {
			return t.In(calendar.Zone()).Format("2006-01-02 15:04")
		},
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"derefInt": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"abs": func(p *int) int {
			if p == nil {
				return 0
			}
			return max(*p, -*p)
		},
		"join": strings.Join,
		"province": func(code string) string {
			if p, ok := icpnum.LookupProvince(code); ok {
				return p.ICPAbbrs[0]
			}
			return code
		},
		"add": func(a, b int) int { return a + b },
		"neg": func(p *int) bool { return p != nil && *p < 0 },
		"needOf": func(key string, n advisor.Need) map[string]any {
			return map[string]any{"Key": key, "Need": n}
		},
	}
}

func newEngine(a assets) (*engine, error) {
	names, err := pageNames()
	if err != nil {
		return nil, err
	}
	e := &engine{pages: map[string]*template.Template{}, assets: a}
	for _, n := range names {
		t, err := template.New(n).Funcs(baseFuncs(a)).ParseFS(templateFS,
			"templates/_layout.html", "templates/_partials.html", "templates/"+n+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		if t.Lookup("content") == nil || t.Lookup("title") == nil {
			return nil, fmt.Errorf("template %s: defines no content or title", n)
		}
		e.pages[n] = t
	}
	return e, nil
}

// render executes page p.Name into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func (e *engine) render(w http.ResponseWriter, status int, p page) error {
	base, ok := e.pages[p.Name]
	if !ok {
		return fmt.Errorf("no page template %q", p.Name)
	}
	t, err := base.Clone()
	if err != nil {
		return fmt.Errorf("clone %s: %w", p.Name, err)
	}
	t.Funcs(template.FuncMap{"t": p.L.T, "pick": p.L.Pick, "known": p.L.Known})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", p.Name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}
