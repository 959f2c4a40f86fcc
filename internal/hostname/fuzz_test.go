package hostname

import (
	"strings"
	"testing"
)

func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{
		"example.com", "例子.中国", "例子。中国.", "Example.COM:443", "[::1]:443", "1.2.3.4", "localhost",
		"a.b.example.com.cn", "xn--fsqu00a.xn--fiqs8s", "r3---sn-abc.googlevideo.com", "ｅｘａｍｐｌｅ．ｃｏｍ",
		"faß.de", "xn--wca.com", "-例.cn", "https://example.com/", "example.com:", "0x7f.1", "com.cn",
		strings.Repeat("a", 63) + ".cn", "", "\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		fast := fastValid(in)
		out, err := Normalize(in)
		if err != nil {
			code(t, err)
			if out != "" || fast {
				t.Fatalf("Normalize(%q) = %q with error %v (fast path %v)", in, out, err, fast)
			}
			Validate(in) // must not panic
			return
		}
		if fast && out != in {
			t.Fatalf("fast path changed %q to %q", in, out)
		}
		if slow, err := slowNormalize(in); err != nil || slow != out {
			t.Fatalf("fast and slow paths disagree on %q: %q vs %q, %v", in, out, slow, err)
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		if len(out) > maxName || out != strings.ToLower(out) || strings.HasSuffix(out, ".") || !strings.Contains(out, ".") {
			t.Fatalf("Normalize(%q) = %q is not a normal name", in, out)
		}
		for i := 0; i < len(out); i++ {
			if c := out[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
				t.Fatalf("Normalize(%q) = %q has byte %q", in, out, c)
			}
		}
		h, err := Parse(in)
		if err == nil {
			if h.Name != out || !strings.HasSuffix(h.Name, h.Registrable) || !strings.HasSuffix(h.Registrable, "."+h.PublicSuffix) {
				t.Fatalf("Parse(%q) = %+v is inconsistent", in, h)
			}
			if back, err := Normalize(h.Unicode); err != nil || back != h.Name {
				t.Fatalf("Unicode form %q of %q normalises to %q, %v", h.Unicode, h.Name, back, err)
			}
		}
		Validate(in)
	})
}
