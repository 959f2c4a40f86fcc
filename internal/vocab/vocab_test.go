package vocab

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/beian/beian/internal/icpnum"
)

// embeddedFS is a writable copy of the embedded data files.
func embeddedFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range []string{FileContentTypes, FilePreApprovalTypes, FileSDKs, FilePlatforms, FileLanguages} {
		b, err := fs.ReadFile(data, "data/"+name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestDefaultLoads(t *testing.T) {
	v := Default()
	if len(v.ContentTypes()) < 40 || len(v.PreApprovalTypes()) < 10 || len(v.SDKs()) < 10 ||
		len(v.Platforms("")) < 10 || len(v.Languages()) < 10 {
		t.Fatalf("embedded vocabularies look truncated: %d content types, %d pre-approval types, %d SDKs, %d platforms, %d languages",
			len(v.ContentTypes()), len(v.PreApprovalTypes()), len(v.SDKs()), len(v.Platforms("")), len(v.Languages()))
	}
	// Every pre-approval type the issue names is present.
	for _, code := range []string{"news", "publishing", "education", "medical", "drugs_devices", "culture",
		"broadcasting", "ride_hailing", "finance", "off_campus_training", PreApprovalNone} {
		if _, ok := v.PreApprovalType(code); !ok {
			t.Errorf("pre-approval type %q missing", code)
		}
	}
	for _, c := range v.ContentTypes() {
		if c.Leaf() {
			p, ok := v.ContentType(c.Parent)
			if !ok || p.Leaf() {
				t.Errorf("%s: parent %q is not a first-level entry", c.Code, c.Parent)
			}
		} else if len(v.Children(c.Code)) == 0 {
			t.Errorf("%s has no children", c.Code)
		}
	}
	for _, s := range []icpnum.ServiceType{icpnum.ServiceApp, icpnum.ServiceMiniProgram, icpnum.ServiceQuickApp} {
		if len(v.Platforms(s)) == 0 {
			t.Errorf("no platform for %s", s)
		}
	}
	for _, code := range []string{"android", "ios", "harmonyos", "wechat", "alipay", "douyin", "baidu", "quick_app_alliance"} {
		if _, ok := v.Platform(code); !ok {
			t.Errorf("platform %q missing", code)
		}
	}
}

func TestLookups(t *testing.T) {
	v := Default()
	c, ok := v.ContentType("news.current_affairs")
	if !ok || c.PreApproval != "news" || c.Parent != "news" || c.ZH == "" {
		t.Errorf("news.current_affairs = %+v, %v", c, ok)
	}
	if _, ok := v.ContentType("no.such"); ok {
		t.Error("unknown content type found")
	}
	p, _ := v.Platform("android")
	if p.Service != icpnum.ServiceApp || p.IDKind != IDPackageName || p.Fingerprint != FingerprintMD5 {
		t.Errorf("android = %+v", p)
	}
	w, _ := v.Platform("wechat")
	if !w.MatchAppID("wx1234567890abcdef") || w.MatchAppID("wx1234") || w.MatchAppID("tt1234567890abcdef") {
		t.Error("the WeChat pattern accepts or refuses the wrong IDs")
	}
	q, _ := v.Platform("qq")
	if !q.MatchAppID("anything") {
		t.Error("a platform without a pattern must accept any ID")
	}
	// Copies: changing a returned slice does not change the vocabulary.
	all := v.SDKs()
	all[0].Code = "changed"
	if v.SDKs()[0].Code == "changed" {
		t.Error("SDKs returned the internal slice")
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"unknown field", FileSDKs, `"category": "payment"`, `"kategory": "payment"`, "unknown field"},
		{"bad code", FileSDKs, `"code": "alipay"`, `"code": "Ali Pay"`, "items[2].code"},
		{"duplicate code", FileSDKs, `"code": "alipay"`, `"code": "wechat_open"`, "appears twice"},
		{"missing label", FileLanguages, `"en": "Japanese"`, `"en": ""`, "both zh and en"},
		{"blank source", FileLanguages, `"https://beian.miit.gov.cn/ (`, `" ", "(`, "field source"},
		{"unknown parent", FileContentTypes, `"parent": "news", "zh": "时政新闻"`, `"parent": "newz", "zh": "时政新闻"`, "not a first-level entry"},
		{"child code without parent prefix", FileContentTypes, `"code": "news.general"`, `"code": "newsx.general"`, "must start with its parent"},
		{"unknown pre-approval", FileContentTypes, `"pre_approval": "ride_hailing"`, `"pre_approval": "taxi"`, "not a pre-approval type"},
		{"no none", FilePreApprovalTypes, `"code": "none"`, `"code": "nothing"`, `must contain "none"`},
		{"no other sdk", FileSDKs, `{"code": "other", "zh": "其他", "en": "Other"}`, `{"code": "othr", "zh": "其他", "en": "Other"}`, `must contain "other"`},
		{"bad pattern", FilePlatforms, `"^wx[0-9a-f]{16}$"`, `"^wx[0-9a-f{16}$"`, "items[4].app_id_pattern"},
		{"example mismatch", FilePlatforms, `"wx1234567890abcdef"`, `"wx12"`, "app_id_example"},
		{"unknown service", FilePlatforms, `"code": "android", "service": "app"`, `"code": "android", "service": "website"`, "items[0].service"},
		{"fingerprint on a mini-program", FilePlatforms, `"code": "qq", "service": "mini_program", "zh": "QQ", "en": "QQ", "id_kind": "other"`, `"code": "qq", "service": "mini_program", "zh": "QQ", "en": "QQ", "id_kind": "other", "fingerprint": "md5"`, "only App platforms"},
		{"bad id kind", FilePlatforms, `"id_kind": "bundle_id"`, `"id_kind": "bundle"`, "id_kind"},
		{"bad language code", FileLanguages, `"code": "zh-Hans"`, `"code": "Chinese"`, "items[0].code"},
		{"not JSON", FileLanguages, `"items": [`, `"items": [[`, "line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := embeddedFS(t)
			b := string(m[tc.file].Data)
			if !strings.Contains(b, tc.old) {
				t.Fatalf("test data: %q not in %s", tc.old, tc.file)
			}
			m[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(b, tc.old, tc.new, 1))}
			_, err := Load(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("Load: %v; want an error naming %s and containing %q", err, tc.file, tc.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		m := embeddedFS(t)
		delete(m, FileSDKs)
		if _, err := Load(m); err == nil || !strings.Contains(err.Error(), FileSDKs) {
			t.Fatalf("Load without %s: %v", FileSDKs, err)
		}
	})
	t.Run("unchanged copy loads", func(t *testing.T) {
		if _, err := Load(embeddedFS(t)); err != nil {
			t.Fatal(err)
		}
	})
}
