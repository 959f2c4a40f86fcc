package vocab

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	"github.com/beian/beian/internal/icpnum"
)

// data holds the vocabularies shipped in the binary. Each file names the
// public pages it follows in its "source" list.
//
//go:embed data/*.json
var data embed.FS

// The data files Load reads, by name.
const (
	FileContentTypes     = "content_types.json"
	FilePreApprovalTypes = "pre_approval_types.json"
	FileSDKs             = "sdks.json"
	FilePlatforms        = "platforms.json"
	FileLanguages        = "languages.json"
)

// Codes with a meaning of their own.
const (
	// PreApprovalNone is the explicit answer "no pre-approval applies".
	PreApprovalNone = "none"
	// SDKOther is an SDK not in the list; the service names it in a note.
	SDKOther = "other"
	// LanguageOther is a language not in the list.
	LanguageOther = "other"
)

// How a platform's identifier is checked (Platform.IDKind).
const (
	IDPackageName = "package_name" // Android application ID, quick-app package
	IDBundleID    = "bundle_id"    // iOS CFBundleIdentifier
	IDBundleName  = "bundle_name"  // HarmonyOS bundleName
	IDAppID       = "app_id"       // a mini-program ID issued by the platform
	IDOther       = "other"        // anything non-empty and printable
)

// Certificate digests a platform's filing asks for (Platform.Fingerprint).
const (
	FingerprintMD5    = "md5"
	FingerprintSHA1   = "sha1"
	FingerprintSHA256 = "sha256"
	FingerprintAny    = "any" // md5, sha1 or sha256, told apart by length
)

// Term is what every vocabulary entry has: a stable code (the API value)
// and its labels in Chinese and English (which may change).
type Term struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

func (t Term) term() Term { return t }

// ContentType is one entry of the two-level service-content vocabulary.
// A first-level entry has no Parent and groups second-level ones; services
// choose second-level codes ("news.general"). PreApproval names the
// pre-approval type the content needs, empty when it needs none.
type ContentType struct {
	Term
	Parent      string `json:"parent,omitempty"`
	PreApproval string `json:"pre_approval,omitempty"`
}

// Leaf reports whether the entry is second-level, the level services choose.
func (c ContentType) Leaf() bool { return c.Parent != "" }

// PreApprovalType is a kind of pre-approval (前置审批) and the department
// and licence it usually comes from.
type PreApprovalType struct {
	Term
	AuthorityZH string `json:"authority_zh,omitempty"`
	AuthorityEN string `json:"authority_en,omitempty"`
	DocumentZH  string `json:"document_zh,omitempty"`
	DocumentEN  string `json:"document_en,omitempty"`
}

// SDK is a third-party SDK an App may declare.
type SDK struct {
	Term
	ProviderZH string `json:"provider_zh,omitempty"`
	ProviderEN string `json:"provider_en,omitempty"`
	Category   string `json:"category,omitempty"`
}

// Platform is where an App, mini-program or quick app runs, and how its
// identifier and signature are checked.
type Platform struct {
	Term
	Service      icpnum.ServiceType `json:"service"`
	IDKind       string             `json:"id_kind"`
	Fingerprint  string             `json:"fingerprint,omitempty"`
	AppIDPattern string             `json:"app_id_pattern,omitempty"`
	AppIDExample string             `json:"app_id_example,omitempty"`
	// Strict makes an app ID that does not match AppIDPattern an error;
	// otherwise it is a warning (the pattern is what IDs look like, not a
	// published rule).
	Strict bool `json:"strict,omitempty"`
	re     *regexp.Regexp
}

// MatchAppID reports whether id matches the platform's app ID pattern; true
// when the platform has none.
func (p Platform) MatchAppID(id string) bool {
	if p.re == nil {
		return true
	}
	return p.re.MatchString(id)
}

// Language is a language a service may be in (a BCP 47 tag).
type Language struct {
	Term
}

// table is one vocabulary in file order with an index by code.
type table[T interface{ term() Term }] struct {
	items []T
	index map[string]int
}

func newTable[T interface{ term() Term }](items []T) table[T] {
	t := table[T]{items: items, index: make(map[string]int, len(items))}
	for i, it := range items {
		t.index[it.term().Code] = i
	}
	return t
}

func (t table[T]) get(code string) (T, bool) {
	i, ok := t.index[code]
	if !ok {
		var zero T
		return zero, false
	}
	return t.items[i], true
}

func (t table[T]) all() []T { return append([]T(nil), t.items...) }

// Vocab is a loaded, checked set of vocabularies. It is immutable; every
// method returns copies.
type Vocab struct {
	content   table[ContentType]
	approvals table[PreApprovalType]
	sdks      table[SDK]
	platforms table[Platform]
	languages table[Language]
}

var defaultVocab = sync.OnceValue(func() *Vocab {
	v, err := Load(mustSub(data, "data"))
	if err != nil {
		panic(fmt.Sprintf("vocab: embedded data: %v", err))
	}
	return v
})

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(fmt.Sprintf("vocab: embedded data: %v", err))
	}
	return s
}

// Default is the vocabulary embedded in the binary, parsed once. A test
// (TestDefaultLoads) guarantees it parses, so the panic cannot happen in a
// built binary.
func Default() *Vocab { return defaultVocab() }

// Load reads the five data files (FileContentTypes …) from fsys, in the
// format of the embedded ones, and checks them: codes unique and well
// formed, both labels present, parents and pre-approval references known,
// app ID patterns that compile and match their example. An operator can
// point it at a directory holding an edited copy. Errors name the file, the
// item and the field.
func Load(fsys fs.FS) (*Vocab, error) {
	v := &Vocab{}
	approvals, err := readFile[PreApprovalType](fsys, FilePreApprovalTypes, plainCode)
	if err != nil {
		return nil, err
	}
	v.approvals = newTable(approvals)
	if _, ok := v.approvals.get(PreApprovalNone); !ok {
		return nil, fmt.Errorf("vocab: %s: the list must contain %q", FilePreApprovalTypes, PreApprovalNone)
	}
	content, err := readFile[ContentType](fsys, FileContentTypes, contentCode)
	if err != nil {
		return nil, err
	}
	if err := v.checkContent(content); err != nil {
		return nil, fmt.Errorf("vocab: %s: %w", FileContentTypes, err)
	}
	v.content = newTable(content)
	sdks, err := readFile[SDK](fsys, FileSDKs, plainCode)
	if err != nil {
		return nil, err
	}
	v.sdks = newTable(sdks)
	if _, ok := v.sdks.get(SDKOther); !ok {
		return nil, fmt.Errorf("vocab: %s: the list must contain %q", FileSDKs, SDKOther)
	}
	platforms, err := readFile[Platform](fsys, FilePlatforms, plainCode)
	if err != nil {
		return nil, err
	}
	for i := range platforms {
		if err := checkPlatform(&platforms[i]); err != nil {
			return nil, fmt.Errorf("vocab: %s: items[%d].%w", FilePlatforms, i, err)
		}
	}
	v.platforms = newTable(platforms)
	languages, err := readFile[Language](fsys, FileLanguages, languageCode)
	if err != nil {
		return nil, err
	}
	v.languages = newTable(languages)
	return v, nil
}

// fileFormat is the shape of every data file.
type fileFormat[T any] struct {
	Source []string `json:"source"`
	Note   string   `json:"note,omitempty"`
	Items  []T      `json:"items"`
}

var (
	plainCode    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	contentCode  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$`)
	languageCode = regexp.MustCompile(`^(?:[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*|other)$`)
)

// readFile decodes one data file strictly and checks what every file shares:
// a source, items, well-formed unique codes and both labels.
func readFile[T interface{ term() Term }](fsys fs.FS, name string, code *regexp.Regexp) ([]T, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("vocab: reading %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f fileFormat[T]
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("vocab: %s: line %d: %w", name, bytes.Count(b[:min(int(dec.InputOffset()), len(b))], []byte("\n"))+1, err)
	}
	if len(f.Source) == 0 || strings.TrimSpace(f.Source[0]) == "" {
		return nil, fmt.Errorf("vocab: %s: field source: every file names the public pages it follows", name)
	}
	if len(f.Items) == 0 {
		return nil, fmt.Errorf("vocab: %s: field items: the list is empty", name)
	}
	seen := make(map[string]bool, len(f.Items))
	for i, it := range f.Items {
		t := it.term()
		switch {
		case !code.MatchString(t.Code):
			return nil, fmt.Errorf("vocab: %s: items[%d].code: %q is not of the form %s", name, i, t.Code, code)
		case seen[t.Code]:
			return nil, fmt.Errorf("vocab: %s: items[%d].code: %q appears twice", name, i, t.Code)
		case strings.TrimSpace(t.ZH) == "" || strings.TrimSpace(t.EN) == "":
			return nil, fmt.Errorf("vocab: %s: items[%d] (%s): both zh and en labels are needed", name, i, t.Code)
		}
		seen[t.Code] = true
	}
	return f.Items, nil
}

// checkContent checks the two levels: a second-level code is its parent's
// code, a dot and a name; parents come first and are first-level; every
// first-level entry has children; pre-approval references are known types
// other than "none".
func (v *Vocab) checkContent(items []ContentType) error {
	level := map[string]bool{} // first-level codes -> has a child
	for i, c := range items {
		at := fmt.Sprintf("items[%d]", i)
		if c.Parent == "" {
			if strings.Contains(c.Code, ".") {
				return fmt.Errorf("%s.parent: %q has a dot, so it needs its parent", at, c.Code)
			}
			level[c.Code] = false
		} else {
			if _, ok := level[c.Parent]; !ok {
				return fmt.Errorf("%s.parent: %q is not a first-level entry listed before it", at, c.Parent)
			}
			if !strings.HasPrefix(c.Code, c.Parent+".") {
				return fmt.Errorf("%s.code: %q must start with its parent %q and a dot", at, c.Code, c.Parent)
			}
			level[c.Parent] = true
		}
		if c.PreApproval != "" {
			if _, ok := v.approvals.get(c.PreApproval); !ok || c.PreApproval == PreApprovalNone {
				return fmt.Errorf("%s.pre_approval: %q is not a pre-approval type", at, c.PreApproval)
			}
		}
	}
	for _, c := range items {
		if c.Parent == "" && !level[c.Code] {
			return fmt.Errorf("first-level entry %q has no second-level entries", c.Code)
		}
	}
	return nil
}

// checkPlatform checks one platform's fields and compiles its pattern.
// The error starts with the field name, for the caller to prefix.
func checkPlatform(p *Platform) error {
	switch p.Service {
	case icpnum.ServiceApp, icpnum.ServiceMiniProgram, icpnum.ServiceQuickApp:
	default:
		return fmt.Errorf("service: %q is not one of app, mini_program, quick_app", p.Service)
	}
	switch p.IDKind {
	case IDPackageName, IDBundleID, IDBundleName, IDAppID, IDOther:
	default:
		return fmt.Errorf("id_kind: %q is not one of %s, %s, %s, %s, %s", p.IDKind, IDPackageName, IDBundleID, IDBundleName, IDAppID, IDOther)
	}
	switch {
	case p.Service == icpnum.ServiceApp && !knownFingerprint(p.Fingerprint):
		return fmt.Errorf("fingerprint: an App platform needs one of md5, sha1, sha256, any (got %q)", p.Fingerprint)
	case p.Service != icpnum.ServiceApp && p.Fingerprint != "":
		return fmt.Errorf("fingerprint: only App platforms have a signature fingerprint")
	case p.AppIDPattern != "" && p.IDKind != IDAppID:
		return fmt.Errorf("app_id_pattern: only id_kind %s takes a pattern", IDAppID)
	case p.IDKind == IDAppID && p.AppIDPattern == "":
		return fmt.Errorf("app_id_pattern: id_kind %s needs a pattern (use %s for none)", IDAppID, IDOther)
	}
	if p.AppIDPattern != "" {
		re, err := regexp.Compile(p.AppIDPattern)
		if err != nil {
			return fmt.Errorf("app_id_pattern: %w", err)
		}
		if !re.MatchString(p.AppIDExample) {
			return fmt.Errorf("app_id_example: %q does not match %s", p.AppIDExample, p.AppIDPattern)
		}
		p.re = re
	}
	return nil
}

func knownFingerprint(f string) bool {
	switch f {
	case FingerprintMD5, FingerprintSHA1, FingerprintSHA256, FingerprintAny:
		return true
	}
	return false
}

// ContentTypes lists every content type in file order (each first-level
// entry followed by its children).
func (v *Vocab) ContentTypes() []ContentType { return v.content.all() }

// ContentType looks a content type up by code.
func (v *Vocab) ContentType(code string) (ContentType, bool) { return v.content.get(code) }

// Children lists the second-level entries under a first-level code.
func (v *Vocab) Children(parent string) []ContentType {
	var out []ContentType
	for _, c := range v.content.items {
		if c.Parent == parent && parent != "" {
			out = append(out, c)
		}
	}
	return out
}

// PreApprovalTypes lists the pre-approval types, "none" included.
func (v *Vocab) PreApprovalTypes() []PreApprovalType { return v.approvals.all() }

// PreApprovalType looks a pre-approval type up by code.
func (v *Vocab) PreApprovalType(code string) (PreApprovalType, bool) { return v.approvals.get(code) }

// SDKs lists the known SDKs, "other" included.
func (v *Vocab) SDKs() []SDK { return v.sdks.all() }

// SDK looks an SDK up by code.
func (v *Vocab) SDK(code string) (SDK, bool) { return v.sdks.get(code) }

// Platforms lists the platforms of one service type, or all of them when
// service is empty.
func (v *Vocab) Platforms(service icpnum.ServiceType) []Platform {
	var out []Platform
	for _, p := range v.platforms.items {
		if service == "" || p.Service == service {
			out = append(out, p)
		}
	}
	return out
}

// Platform looks a platform up by code.
func (v *Vocab) Platform(code string) (Platform, bool) { return v.platforms.get(code) }

// Languages lists the languages, "other" included.
func (v *Vocab) Languages() []Language { return v.languages.all() }

// Language looks a language up by code.
func (v *Vocab) Language(code string) (Language, bool) { return v.languages.get(code) }
