package lookup

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

//go:embed templates/page.html
var templates embed.FS

// pageText is the page's wording in one language.
type pageText struct {
	Title, Intro, By, Placeholder, Service, Search, Next, None, Source               string
	Unit, Nature, Main, Number, Type, Name, Domain, Home, Content, Limit, Time, Auto string
	ByDomain, ByNumber, ByEntity, ByName, AllTypes                                   string
}

func texts(en bool) pageText {
	if en {
		return pageText{Title: "ICP filing lookup", Intro: "Look a filing up by domain (a subdomain finds the filing of its domain), by filing number (with or without -N), or by the start of the entity's name.",
			By: "Search by", Placeholder: "example.com, 京ICP备2021000001号-1 or an entity name", Service: "Service type", Search: "Search",
			Next: "Next page", None: "No filing found.", Source: "The public fields of the registry, as the MIIT public query shows them:",
			Unit: "Entity", Nature: "Nature", Main: "Entity number", Number: "Service number", Type: "Type", Name: "Service name",
			Domain: "Domain", Home: "Home page", Content: "Content", Limit: "Restricted access", Time: "Approved", Auto: "Detect",
			ByDomain: "Domain", ByNumber: "Filing number", ByEntity: "Entity name", ByName: "App / mini program name", AllTypes: "All"}
	}
	return pageText{Title: "ICP备案查询", Intro: "可按域名（子域名查到其所属域名的备案）、备案号（带或不带 -N）或主办单位名称开头查询。",
		By: "查询方式", Placeholder: "example.com、京ICP备2021000001号-1 或主办单位名称", Service: "服务类型", Search: "查询",
		Next: "下一页", None: "未查到备案信息。", Source: "公开字段与工信部备案查询一致：",
		Unit: "主办单位名称", Nature: "主办单位性质", Main: "主体备案号", Number: "服务备案号", Type: "服务类型", Name: "服务名称",
		Domain: "域名", Home: "首页网址", Content: "内容类型", Limit: "是否限制接入", Time: "审核通过日期", Auto: "自动识别",
		ByDomain: "域名", ByNumber: "备案号", ByEntity: "主办单位名称", ByName: "App/小程序名称", AllTypes: "全部"}
}

// option is one entry of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// pageData is what the page template renders.
type pageData struct {
	EN             bool
	Lang           string
	T              pageText
	Q, By          string
	Kinds          []option
	Services       []option
	Asked          bool
	Page           Page
	Error          string
	ErrorField     string
	Next           string
	ZHHref, ENHref string
	TypeNames      map[string]string // service type → its name in the page's language
}

func parsePage() *template.Template {
	return template.Must(template.ParseFS(templates, "templates/page.html"))
}

// Page returns the public lookup page (Chinese or English, from ?lang= or
// Accept-Language): one search box whose kind is chosen or detected, a
// service type, the rows, and a link to the next page. It answers from the
// same index and limiter as the JSON handler; every value is escaped by
// html/template.
func (h *Handler) Page() http.Handler {
	return http.HandlerFunc(h.servePage)
}

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr["X-Content-Type-Options"] = h.hv.nosniff
	v := r.URL.Query()
	d := pageData{Lang: pageLang(v.Get("lang"), r.Header.Get("Accept-Language"))}
	d.EN = d.Lang == "en"
	d.T = texts(d.EN)
	status := http.StatusOK
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr["Allow"] = []string{"GET, HEAD"}
		http.Error(w, "405 method not allowed (仅支持 GET)", http.StatusMethodNotAllowed)
		return
	}
	if h.opts.Limiter != nil {
		if ok, wait := h.opts.Limiter.Allow(h.opts.ClientIP(r)); !ok {
			e, secs := rateLimited(wait)
			hdr["Retry-After"] = []string{secs}
			status, d.Error = http.StatusTooManyRequests, pick(d.EN, e)
			h.render(w, status, d)
			return
		}
	}
	d.Q, d.By = strings.TrimSpace(v.Get("q")), v.Get("by")
	st := v.Get("serviceType")
	d.Kinds = []option{{"", d.T.Auto, false}, {"domain", d.T.ByDomain, false}, {"number", d.T.ByNumber, false}, {"entity", d.T.ByEntity, false}, {"name", d.T.ByName, false}}
	for i := range d.Kinds {
		d.Kinds[i].Selected = d.Kinds[i].Value == d.By
	}
	d.Services = []option{{"", d.T.AllTypes, st == ""}}
	d.TypeNames = map[string]string{}
	for _, t := range serviceTypes {
		name := t.NameZH()
		if d.EN {
			name = t.NameEN()
		}
		d.TypeNames[string(t)] = name
		d.Services = append(d.Services, option{string(t), name, string(t) == st})
	}
	d.ZHHref, d.ENHref = langHref(v, "zh"), langHref(v, "en")
	if d.Q != "" {
		d.Asked = true
		q, _ := FreeText(d.Q, d.By, st, v.Get("cursor"))
		page, err := h.Search(r.Context(), q)
		var le *Error
		switch {
		case errors.As(err, &le):
			status, d.Error, d.ErrorField = http.StatusBadRequest, pick(d.EN, le), le.Field
		case err != nil:
			if r.Context().Err() == nil {
				h.opts.Log.ErrorContext(r.Context(), "lookup page failed", "err", err)
			}
			http.Error(w, "500 internal error (服务器内部错误)", http.StatusInternalServerError)
			return
		}
		d.Page = page
		if page.Next != "" {
			nv := url.Values{}
			for k, vs := range v {
				nv[k] = vs
			}
			nv.Set("cursor", page.Next)
			d.Next = "?" + nv.Encode()
		}
	}
	h.render(w, status, d)
}

// render executes the page into a buffer first, so that a template error
// becomes a 500 instead of half a page.
func (h *Handler) render(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := h.page.Execute(&b, d); err != nil {
		h.opts.Log.Error("lookup page template", "err", err)
		http.Error(w, "500 internal error (服务器内部错误)", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr["Content-Type"] = []string{"text/html; charset=utf-8"}
	hdr["Cache-Control"] = h.hv.noStore
	hdr["Content-Security-Policy"] = []string{"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"}
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// pick is e's message in the page's language.
func pick(en bool, e *Error) string {
	if en {
		return e.EN
	}
	return e.ZH
}

// pageLang is "en" when asked for (?lang=en, or English ranked before
// Chinese in Accept-Language), else "zh": the registry is Chinese first.
func pageLang(param, accept string) string {
	switch param {
	case "en", "zh":
		return param
	}
	for _, part := range strings.Split(accept, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "zh"
}

// langHref is the current page in another language, from the first page.
func langHref(v url.Values, lang string) string {
	nv := url.Values{}
	for k, vs := range v {
		if k != "cursor" {
			nv[k] = vs
		}
	}
	nv.Set("lang", lang)
	return "?" + nv.Encode()
}

// FreeText is the Query of a search box: text read as by says ("domain",
// "number", "entity" or "name", an App name), or, when by is anything else,
// as what it looks like: a filing or licence number, a domain (a dot and no
// space), else an entity name prefix. It returns the Query and how the text was read; the
// web pages share it so that they read a query alike.
func FreeText(text, by, serviceType, cursor string) (Query, string) {
	if by != "domain" && by != "number" && by != "entity" && by != "name" {
		switch {
		case func() bool { _, _, err := parseNumber(text); return err == nil }():
			by = "number"
		case strings.Contains(text, ".") && !strings.ContainsAny(text, " \t"):
			by = "domain"
		default:
			by = "entity"
		}
	}
	q := Query{ServiceType: serviceType, Cursor: cursor}
	switch by {
	case "domain":
		q.Domain = text
	case "number":
		q.Number = text
	case "name":
		q.Name = text
	default:
		q.Entity = text
	}
	return q, by
}
