package appinfo

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/operation"
	"github.com/beian/beian/internal/vocab"
)

// App is the filing data of one App (移动互联网应用程序), as the MIIT notice
// of 2023-08 asks it of every App serving Mainland users
// (https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2023/art_920db564162e4312916a01bed6540ad8.html)
// and the provider consoles collect it
// (https://hsy.com/help/13-14-27: name, icon, language, content, SDKs,
// domains, server IPs, then per platform the package name, public key and
// fingerprint).
type App struct {
	Name string `json:"name"`
	// Icon is the id of the uploaded icon document; the upload itself is
	// checked with ValidateIcon, since a check of the form never sees bytes.
	Icon         string        `json:"icon"`
	Languages    []string      `json:"languages"`     // vocab language codes
	ContentTypes []string      `json:"content_types"` // second-level vocab content codes
	PreApprovals []PreApproval `json:"pre_approvals"`
	Remarks      string        `json:"remarks,omitempty"`
	// SDKs are the third-party SDKs the App uses; empty when it uses none.
	SDKs []SDKUse `json:"sdks"`
	// Domains the App talks to (API and content hosts); optional, since an
	// App may reach its servers by address only.
	Domains   []string      `json:"domains"`
	ServerIPs []string      `json:"server_ips"`
	Platforms []AppPlatform `json:"platforms"`
	Principal Principal     `json:"principal"`
}

// AppPlatform is the App on one operating system: every platform the App
// ships on is filed, each with its identifier and signing certificate
// (https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/App备案咨询.md).
type AppPlatform struct {
	// Platform is a vocab platform code of service "app" (android, ios,
	// harmonyos, other_app).
	Platform string `json:"platform"`
	// ID is the Android package name, iOS bundle ID or HarmonyOS bundle name.
	ID string `json:"id"`
	// PublicKey is the signing public key or certificate (PEM, base64 DER
	// or the RSA modulus in hex): see ParseSigningKey.
	PublicKey string `json:"public_key"`
	// Fingerprint is the signing certificate's digest in hex, the one the
	// platform asks for (Android MD5, iOS SHA-1): see ParseFingerprint.
	Fingerprint string `json:"fingerprint"`
}

// SDKUse is one third-party SDK the App uses: a vocab SDK code, and for
// "other" a note naming the SDK, its provider and what it does.
type SDKUse struct {
	Code string `json:"code"`
	Note string `json:"note,omitempty"`
}

// CheckApp validates an App. Findings name their field relative to the App
// ("platforms[0].fingerprint"); the caller prefixes its own path with
// finding.WithField.
func (c Checker) CheckApp(a App) []finding.Finding {
	r := c.start()
	c.name(r, "name", a.Name, "App", "App")
	if strings.TrimSpace(a.Icon) == "" {
		r.errorf("icon", "icon.required", "未上传App图标", "no App icon was uploaded")
	}
	c.languages(r, "languages", a.Languages)
	content := c.contentTypes(r, "content_types", a.ContentTypes)
	c.preApprovals(r, "pre_approvals", a.PreApprovals, content)
	c.remarks(r, "remarks", a.Remarks)
	c.sdks(r, "sdks", a.SDKs)
	c.domains(r, "domains", a.Domains)
	c.serverIPs(r, "server_ips", a.ServerIPs)
	c.platforms(r, "platforms", a.Platforms)
	c.principal(r, "principal", a.Principal)
	return r.list()
}

// maxSDKNoteRunes bounds the note of an unlisted SDK; a sanity bound.
const maxSDKNoteRunes = 200

var sdkField = codeField{empty: "sdk.empty", unknown: "sdk.unknown", duplicate: "sdk.duplicate",
	zh: "第三方SDK", en: "SDK",
	hintZH: "：不在列表中的SDK请选择“其他”并填写说明", hintEN: ": choose other and describe an SDK that is not listed"}

// sdks checks the declared SDKs: known codes, none twice (but "other",
// once per unlisted SDK), and a note for "other" that says what it is.
func (c Checker) sdks(r *report, field string, list []SDKUse) {
	v := c.vocab()
	seen := map[string]bool{}
	for i, s := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		code := strings.TrimSpace(s.Code)
		if _, ok := pickCode(r, at+".code", sdkField, code, v.SDK, func(s vocab.SDK) vocab.Term { return s.Term }, seen); !ok {
			continue
		}
		note := cleanText(s.Note)
		switch {
		case code == vocab.SDKOther && note == "":
			r.errorf(at+".note", "sdk.note_required",
				"选择“其他”SDK时须说明SDK名称、提供方和用途", "an other SDK needs a note with its name, provider and purpose")
		case utf8.RuneCountInString(note) > maxSDKNoteRunes:
			r.errorf(at+".note", "sdk.note_too_long",
				fmt.Sprintf("SDK说明超过%d个字符", maxSDKNoteRunes), fmt.Sprintf("the SDK note is longer than %d characters", maxSDKNoteRunes))
		}
		delete(seen, vocab.SDKOther)
	}
}

// domains checks the App's domains with package hostname. A subdomain is
// what an App usually calls (api.example.com), so hostname's subdomain
// warning, meant for website filings, is dropped.
func (c Checker) domains(r *report, field string, list []string) {
	seen := map[string]int{}
	for i, d := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		res := hostname.Validate(d)
		for _, f := range res.Findings {
			if f.Code != hostname.CodeSubdomain {
				r.add(at, f)
			}
		}
		if !res.Valid {
			continue
		}
		if j, dup := seen[res.Normalized]; dup {
			r.errorf(at, "domain.duplicate",
				fmt.Sprintf("域名%s重复（与%s[%d]相同）", res.Normalized, field, j),
				fmt.Sprintf("the domain %s appears twice (as %s[%d])", res.Normalized, field, j))
			continue
		}
		seen[res.Normalized] = i
	}
}

// ParseServerIP reads an App server's IP address: IPv4 or IPv6, public
// unicast (not private, loopback, link-local, multicast or unspecified),
// without a zone. IPv4-mapped IPv6 addresses are unmapped.
func ParseServerIP(s string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, fail("server_ip.empty", "服务器IP地址为空", "the server IP address is empty")
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fail("server_ip.format",
			"服务器IP地址"+quote(s)+"格式不正确", "the server IP address "+quote(s)+" is not an IPv4 or IPv6 address")
	}
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return netip.Addr{}, fail("server_ip.not_public",
			"服务器IP地址"+a.String()+"不是公网地址", "the server IP address "+a.String()+" is not a public address")
	}
	return a, nil
}

// serverIPs checks the App's server addresses.
func (c Checker) serverIPs(r *report, field string, list []string) {
	if len(list) == 0 {
		if c.RequireServerIPs {
			r.errorf(field, "server_ip.required", "请填写App服务器的IP地址", "give the IP addresses of the App's servers")
		}
		return
	}
	seen := map[netip.Addr]int{}
	for i, s := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		a, err := ParseServerIP(s)
		if err != nil {
			r.add(at, asFinding(err))
			continue
		}
		if j, dup := seen[a]; dup {
			r.errorf(at, "server_ip.duplicate",
				fmt.Sprintf("服务器IP地址%s重复（与%s[%d]相同）", a, field, j),
				fmt.Sprintf("the server IP address %s appears twice (as %s[%d])", a, field, j))
			continue
		}
		seen[a] = i
	}
}

var appPlatformField = codeField{empty: "platform.empty", unknown: "platform.unknown", duplicate: "platform.duplicate",
	zh: "App运行平台", en: "App platform"}

func platformTerm(p vocab.Platform) vocab.Term { return p.Term }

// platforms checks every platform the App is filed on: at least one, each
// a known App platform, none twice.
func (c Checker) platforms(r *report, field string, list []AppPlatform) {
	if len(list) == 0 {
		r.errorf(field, "platform.required", "请至少填写一个App运行平台（安卓、iOS、鸿蒙等）", "give at least one platform the App runs on (Android, iOS, HarmonyOS …)")
		return
	}
	v := c.vocab()
	app := func(code string) (vocab.Platform, bool) {
		p, ok := v.Platform(code)
		return p, ok && p.Service == operation.App
	}
	seen := map[string]bool{}
	for i, p := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		pl, ok := pickCode(r, at+".platform", appPlatformField, strings.TrimSpace(p.Platform), app, platformTerm, seen)
		if !ok {
			continue
		}
		c.platform(r, at, pl, p)
	}
}

// platform checks one platform's identifier, key and fingerprint, and that
// the fingerprint is the digest of the certificate given.
func (c Checker) platform(r *report, at string, pl vocab.Platform, p AppPlatform) {
	if _, err := ParseAppID(pl, p.ID); err != nil {
		r.add(at+".id", asFinding(err))
	}
	key, keyErr := ParseSigningKey(p.PublicKey)
	if keyErr != nil {
		r.add(at+".public_key", asFinding(keyErr))
	}
	fp, err := ParseFingerprint(p.Fingerprint)
	if err == nil {
		err = CheckFingerprint(pl, fp)
	}
	if err != nil {
		r.add(at+".fingerprint", asFinding(err))
		return
	}
	if keyErr == nil {
		if err := CheckKeyFingerprint(key, fp); err != nil {
			r.add(at+".fingerprint", asFinding(err))
		}
	}
}

// asFinding turns an error of this package into its finding; any other
// error (there is none) becomes a generic one rather than a panic.
func asFinding(err error) finding.Finding {
	var e *Error
	if errors.As(err, &e) {
		return e.Finding()
	}
	return finding.Errorf("appinfo.invalid", "无效的值："+err.Error(), "invalid value: "+err.Error())
}
