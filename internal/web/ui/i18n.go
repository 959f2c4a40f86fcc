package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Languages of the UI chrome, in the order the switch shows them. The data
// (entity names, reasons, numbers) stays in Chinese whatever the language.
const (
	LangZH = "zh"
	LangEN = "en"
)

// Languages lists the UI languages.
func Languages() []string { return []string{LangZH, LangEN} }

// MissingPrefix starts the text T returns for a key absent from a catalogue,
// so that a test (and a person) sees the gap instead of an empty string.
const MissingPrefix = "[[missing:"

//go:embed i18n/*.json
var catalogueFS embed.FS

// Catalogue is one language's messages, key → text with fmt verbs.
type Catalogue map[string]string

// Catalogues holds one catalogue per UI language.
type Catalogues map[string]Catalogue

// LoadCatalogues reads the embedded catalogues and refuses a pair whose key
// sets differ, so that a missing translation fails at start, not on a page.
func LoadCatalogues() (Catalogues, error) {
	cs := Catalogues{}
	for _, l := range Languages() {
		b, err := catalogueFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", l, err)
		}
		var c Catalogue
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", l, err)
		}
		cs[l] = c
	}
	if d := cs.Diff(); len(d) > 0 {
		return nil, fmt.Errorf("catalogues differ: %s", strings.Join(d, "; "))
	}
	return cs, nil
}

// Diff lists the keys present in one catalogue and missing in another, as
// "en lacks key" lines, sorted.
func (cs Catalogues) Diff() []string {
	var out []string
	for _, a := range Languages() {
		for k := range cs[a] {
			for _, b := range Languages() {
				if _, ok := cs[b][k]; !ok {
					out = append(out, b+" lacks "+k)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether every catalogue has key.
func (cs Catalogues) Has(key string) bool {
	for _, l := range Languages() {
		if _, ok := cs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Lang is the language of one request with its catalogue.
type Lang struct {
	Code string
	cat  Catalogue
}

// T returns the message of key, formatted with args, or a visible
// MissingPrefix marker when the key is missing.
func (l Lang) T(key string, args ...any) string {
	s, ok := l.cat[key]
	if !ok {
		return MissingPrefix + key + "]]"
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether the catalogue has key (for optional translations of
// service error codes).
func (l Lang) Has(key string) bool { _, ok := l.cat[key]; return ok }

// Known translates prefix+code when the catalogue has it and otherwise
// shows code itself: for open-ended codes from the services (history
// actions, actor roles) that a newer service may extend.
func (l Lang) Known(prefix, code string) string {
	if s, ok := l.cat[prefix+code]; ok {
		return s
	}
	return code
}

// Pick returns zh or en by the request language: for texts that come in both
// languages from the services (findings, advisor plans).
func (l Lang) Pick(zh, en string) string {
	if l.Code == LangEN {
		return en
	}
	return zh
}

// LangCookie remembers the language chosen with the switch.
const LangCookie = "beian_lang"

var supported = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// Negotiate picks the UI language: the cookie when it names one, else the
// best match of Accept-Language, else Chinese.
func Negotiate(cookie, acceptLanguage string) string {
	if slices.Contains(Languages(), cookie) {
		return cookie
	}
	if len(acceptLanguage) > 4096 {
		acceptLanguage = acceptLanguage[:4096]
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return LangZH
	}
	_, idx, conf := supported.Match(tags...)
	if conf == language.No {
		return LangZH
	}
	return Languages()[idx]
}

func (u *UI) lang(r *http.Request) Lang {
	c := ""
	if ck, err := r.Cookie(LangCookie); err == nil {
		c = ck.Value
	}
	code := Negotiate(c, r.Header.Get("Accept-Language"))
	return Lang{Code: code, cat: u.cats[code]}
}
