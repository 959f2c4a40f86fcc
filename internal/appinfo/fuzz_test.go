package appinfo

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/vocab"
)

// checkFindings fails on a finding without a code, a severity or either
// message: whatever the input, the user gets an explanation in both languages.
func checkFindings(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Code == "" || (f.Severity != finding.Error && f.Severity != finding.Warning) ||
			strings.TrimSpace(f.MessageZH) == "" || strings.TrimSpace(f.MessageEN) == "" {
			t.Fatalf("incomplete finding %+v", f)
		}
	}
}

// checkErr fails when a parser's error is not a complete *Error.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok || e.Code == "" || e.ZH == "" || e.EN == "" {
		t.Fatalf("error %#v is not a complete *Error", err)
	}
}

func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"com.tencent.mm", "com.360buy.jdmobile", "com.tencent.wechat", "a.b", "com..x", "com.例子.app", ".", "com.new.x", "\xff.a"} {
		f.Add(s)
	}
	parsers := map[string]func(string) (string, error){
		"package": ParsePackageName, "bundle_id": ParseBundleID, "bundle_name": ParseBundleName, "quick_app": ParseQuickAppPackage,
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, parse := range parsers {
			got, err := parse(s)
			checkErr(t, err)
			if err != nil {
				if got != "" {
					t.Fatalf("%s(%q) = %q with error %v", name, s, got, err)
				}
				continue
			}
			// A valid identifier is ASCII, trimmed, and parses to itself.
			if again, err := parse(got); err != nil || again != got || got != strings.TrimSpace(got) {
				t.Fatalf("%s: %q -> %q -> %q, %v", name, s, got, again, err)
			}
			for i := 0; i < len(got); i++ {
				if got[i] >= utf8.RuneSelf {
					t.Fatalf("%s(%q) = %q holds non-ASCII", name, s, got)
				}
			}
		}
	})
}

func FuzzParseAppID(f *testing.F) {
	for _, p := range vocab.Default().Platforms("") {
		f.Add(p.Code, p.AppIDExample)
		f.Add(p.Code, "com.example.app")
	}
	f.Add("wechat", "wx 4f4bc4dec97d474b")
	f.Fuzz(func(t *testing.T, code, s string) {
		p, ok := vocab.Default().Platform(code)
		if !ok {
			return
		}
		got, err := ParseAppID(p, s)
		checkErr(t, err)
		if err == nil || err.(*Error).Warning {
			if got == "" || got != strings.TrimSpace(got) {
				t.Fatalf("ParseAppID(%s, %q) = %q, %v", code, s, got, err)
			}
		}
		checkFindings(t, ValidateAppID(p, s).Findings)
	})
}

func FuzzParseFingerprint(f *testing.F) {
	for _, s := range []string{"AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5A", "a3be370630c4fd1ec3f037a07672a149f162d9ee", "AD::25", ":", " : ", "ＡＤ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range vocab.Default().Platforms(icpnum.ServiceApp) {
			r := ValidateFingerprint(p, s)
			checkFindings(t, r.Findings)
			if r.Valid && CheckFingerprint(p, r.Normalized) != nil {
				t.Fatalf("ValidateFingerprint(%s, %q) accepted a digest the platform refuses", p.Code, s)
			}
		}
		fp, err := ParseFingerprint(s)
		checkErr(t, err)
		if err != nil {
			return
		}
		if algorithmOf(fp) == "" || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Fatalf("ParseFingerprint(%q) = %q", s, fp)
		}
		if again, err := ParseFingerprint(fp); err != nil || again != fp {
			t.Fatalf("not idempotent: %q -> %q, %v", fp, again, err)
		}
	})
}

func FuzzParseSigningKey(f *testing.F) {
	f.Add(readTestdata(f, "android-debug.cert.pem"))
	f.Add(readTestdata(f, "android-debug.pub.pem"))
	f.Add(readTestdata(f, "android-debug.rsapub.pem"))
	f.Add(readTestdata(f, "android-debug.modulus.txt"))
	f.Add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
	f.Add("MIIB")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseSigningKey(s)
		checkErr(t, err)
		if err != nil {
			return
		}
		if k.Kind == "" || k.Algorithm == "" || k.PublicKey == nil {
			t.Fatalf("ParseSigningKey(%q) = %+v", s, k)
		}
		if (k.Certificate != nil) != (k.Kind == KeyCertificate) {
			t.Fatalf("kind %s with certificate %v", k.Kind, k.Certificate != nil)
		}
		for _, alg := range []string{vocab.FingerprintMD5, vocab.FingerprintSHA1, vocab.FingerprintSHA256} {
			if fp := k.Fingerprint(alg); fp != "" {
				checkErr(t, CheckKeyFingerprint(k, fp))
				if CheckKeyFingerprint(k, fp) != nil {
					t.Fatalf("the key's own %s does not match it", alg)
				}
			}
		}
	})
}

func FuzzValidateIcon(f *testing.F) {
	f.Add(pngHeader(16, 16))
	f.Add(pngHeader(1<<31-1, 1))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0})
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := ValidateIcon(b)
		checkFindings(t, r.Findings)
		if r.Valid {
			w, h := r.Info["width"].(int), r.Info["height"].(int)
			if len(b) > MaxIconBytes || w < 1 || h < 1 || w > maxIconSide || h > maxIconSide {
				t.Fatalf("accepted %d bytes, %d×%d", len(b), w, h)
			}
			if !bytes.HasPrefix(b, pngMagic) && !bytes.HasPrefix(b, jpegMagic) {
				t.Fatal("accepted something that is neither PNG nor JPEG")
			}
		}
	})
}

func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "008613800138000", "１３８００１３８０００", "(+86)", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseMobile(s)
		checkErr(t, err)
		if err != nil {
			return
		}
		if len(n) != 11 || n[0] != '1' || n[1] < '3' || strings.Trim(n, "0123456789") != "" {
			t.Fatalf("ParseMobile(%q) = %q", s, n)
		}
		if again, err := ParseMobile(n); err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q, %v", n, again, err)
		}
	})
}

func FuzzLoadCommitmentRules(f *testing.F) {
	b, err := commitmentFile.ReadFile("provinces/commitments.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"version":1,"source":["s"],"default":{"source":"d"},"provinces":[{"code":"440000","all":true,"source":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := LoadCommitmentRules(bytes.NewReader(b), nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "appinfo: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		for _, p := range []string{"", "粤", "京", "440000", "x"} {
			if strings.TrimSpace(r.For(p).Source) == "" {
				t.Fatalf("a rule without a source for %q", p)
			}
		}
	})
}

// FuzzCheck feeds arbitrary JSON to the checks of each service type: they
// must never panic, and every finding must be complete and name a field
// (but the checker.no_date guard, which is about the Checker itself).
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"name":"x","app":{"platforms":[{"platform":"android","id":"com.a.b","public_key":"MIIB","fingerprint":"00"}]}}`,
		`{"mini_program":{"platform":"wechat","app_id":"wx4f4bc4dec97d474b"},"pre_approvals":[{"type":"news","valid_to":"2020-01-01"},{"type":"none"}]}`,
		`{"content_types":["finance.payment","finance"],"app":{"sdks":[{"code":"other"}]},"access":{"ips":["::1"]},"domains":["a..b"]}`,
		`{"service_type":"quick_app","quick_app":{"platform":"huawei_quick_app","app_id":"x"},"app":{},"home_url":"https://a.cn"}`,
		`{"principal":{"phone":"13800138000","emergency_phone":"13800138000","legal_representative":{"id_type":"resident_id","id_number":"1"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := checker()
		var s form.Website
		if json.Unmarshal(b, &s) == nil {
			check(t, c.CheckApp(s))
			check(t, c.CheckMiniProgram(s))
			check(t, c.CheckQuickApp(s))
			check(t, c.CheckService(s))
		}
		var p form.Principal
		if json.Unmarshal(b, &p) == nil {
			check(t, c.CheckPrincipal(p, true))
		}
	})
}

func check(t *testing.T, fs []finding.Finding) {
	t.Helper()
	checkFindings(t, fs)
	for _, f := range fs {
		if f.Field == "" {
			t.Fatalf("finding without a field: %+v", f)
		}
	}
}
