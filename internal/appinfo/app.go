package appinfo

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/vocab"
)

// CheckApp validates a service of type App (移动互联网应用程序) as the MIIT
// notice of 2023-08 asks it of every App serving Mainland users
// (https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2023/art_920db564162e4312916a01bed6540ad8.html)
// and the provider consoles collect it
// (https://hsy.com/help/13-14-27: name, icon, language, content, SDKs,
// domains, server IPs, then per platform the package name, public key and
// fingerprint). The server IPs (access.ips) are the caller's to check, as
// for any service: package rules knows the provider's address ranges.
// Findings name their field relative to the service
// ("app.platforms[0].fingerprint"); the caller prefixes its own path with
// finding.WithField.
func (c Checker) CheckApp(s form.Website) []finding.Finding {
	r := c.shared(icpnum.ServiceApp, s)
	a := s.App
	if a == nil {
		r.errorf("app", "app.required", "未填写App信息（图标、语言、运行平台等）", "the App block (icon, languages, platforms …) is missing")
		return r.list()
	}
	if strings.TrimSpace(a.Icon) == "" {
		r.errorf("app.icon", "icon.required", "未上传App图标", "no App icon was uploaded")
	}
	c.languages(r, "app.languages", a.Languages)
	c.sdks(r, "app.sdks", a.SDKs)
	c.platforms(r, "app.platforms", a.Platforms)
	return r.list()
}

// shared opens a report with the checks of the fields every service that
// is not a website has, under their paths in the service (but the server
// IPs: see CheckApp).
func (c Checker) shared(t icpnum.ServiceType, s form.Website) *report {
	r := c.start()
	c.name(r, "name", s.Name, t.NameZH(), t.NameEN())
	content := c.contentTypes(r, "content_types", s.ContentTypes)
	c.preApprovals(r, "pre_approvals", s.PreApprovals, content)
	c.remarks(r, "remarks", s.Remarks)
	c.domains(r, "domains", s.Domains)
	c.principal(r, "principal", s.Principal, true)
	c.blocks(r, s)
	return r
}

// blocks refuses a type block the service's type does not have (an app
// block on a mini-program), since its data would be filed nowhere.
func (c Checker) blocks(r *report, s form.Website) {
	t := s.Type()
	for _, b := range []struct {
		name  string
		given bool
		t     icpnum.ServiceType
	}{{"app", s.App != nil, icpnum.ServiceApp}, {"mini_program", s.MiniProgram != nil, icpnum.ServiceMiniProgram}, {"quick_app", s.QuickApp != nil, icpnum.ServiceQuickApp}} {
		if b.given && b.t != t {
			r.errorf(b.name, "service.block_mismatch",
				"服务类型为"+t.NameZH()+"，不应填写"+b.t.NameZH()+"信息（"+b.name+"）",
				"the service is a "+t.NameEN()+", so it takes no "+b.t.NameEN()+" block ("+b.name+")")
		}
	}
	if t != icpnum.ServiceWebsite && strings.TrimSpace(s.HomeURL) != "" {
		r.errorf("home_url", "service.home_url", t.NameZH()+"没有网站首页地址，请留空", "a "+t.NameEN()+" has no home page URL; leave it empty")
	}
}

// maxSDKNoteRunes bounds the note of an unlisted SDK; a sanity bound.
const maxSDKNoteRunes = 200

var sdkField = codeField{empty: "sdk.empty", unknown: "sdk.unknown", duplicate: "sdk.duplicate",
	zh: "第三方SDK", en: "SDK",
	hintZH: "：不在列表中的SDK请选择“其他”并填写说明", hintEN: ": choose other and describe an SDK that is not listed"}

// sdks checks the declared SDKs: known codes, none twice (but "other",
// once per unlisted SDK), and a note for "other" that says what it is.
func (c Checker) sdks(r *report, field string, list []form.SDKUse) {
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
func (c Checker) domains(r *report, field string, list []form.Domain) {
	seen := map[string]int{}
	for i, d := range list {
		at := fmt.Sprintf("%s[%d]", field, i)
		res := hostname.Validate(d.Name)
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

var appPlatformField = codeField{empty: "platform.empty", unknown: "platform.unknown", duplicate: "platform.duplicate",
	zh: "App运行平台", en: "App platform"}

func platformTerm(p vocab.Platform) vocab.Term { return p.Term }

// platforms checks every platform the App is filed on: at least one, each
// a known App platform, none twice.
func (c Checker) platforms(r *report, field string, list []form.AppPlatform) {
	if len(list) == 0 {
		r.errorf(field, "platform.required", "请至少填写一个App运行平台（安卓、iOS、鸿蒙等）", "give at least one platform the App runs on (Android, iOS, HarmonyOS …)")
		return
	}
	v := c.vocab()
	app := func(code string) (vocab.Platform, bool) {
		p, ok := v.Platform(code)
		return p, ok && p.Service == icpnum.ServiceApp
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
func (c Checker) platform(r *report, at string, pl vocab.Platform, p form.AppPlatform) {
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
