package hostname

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

// code returns the stable code of a hostname error, or "" for nil.
func code(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a hostname.Error", err, err)
	}
	if e.ZH == "" || e.EN == "" {
		t.Errorf("error %s lacks a message in both languages", e.Code)
	}
	return e.Code
}

func TestNormalize(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	tests := []struct {
		in, want string
	}{
		{"example.com", "example.com"},
		{"www.example.com.cn", "www.example.com.cn"},
		{"例子.中国", "xn--fsqu00a.xn--fiqs8s"},
		{"例子。中国", "xn--fsqu00a.xn--fiqs8s"},
		{"例子．中国", "xn--fsqu00a.xn--fiqs8s"},
		{"例子｡中国", "xn--fsqu00a.xn--fiqs8s"},
		{"例子.中国.", "xn--fsqu00a.xn--fiqs8s"},
		{"例子.中国:8443", "xn--fsqu00a.xn--fiqs8s"},
		{"xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},
		{"XN--FSQU00A.XN--FIQS8S", "xn--fsqu00a.xn--fiqs8s"},
		{"EXAMPLE.COM", "example.com"},
		{"Www.Example.Com", "www.example.com"},
		{"ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"},
		{"example.com.", "example.com"},
		{"example.com:443", "example.com"},
		{"example.com:", "example.com"},
		{"Example.COM.:8080", "example.com"},
		{"  example.com \t", "example.com"},
		{"\u3000example.com\u00a0", "example.com"},
		{"bücher.de", "xn--bcher-kva.de"},
		{"faß.de", "xn--fa-hia.de"}, // non-transitional: ß stays ß
		{"r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"},
		{"1password.com", "1password.com"},
		{"a.b.c.d.e.f.example.cn", "a.b.c.d.e.f.example.cn"},
		{long63 + ".cn", long63 + ".cn"},
		{"a1.b2c", "a1.b2c"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			again, err := Normalize(got)
			if err != nil || again != got {
				t.Errorf("Normalize not idempotent: %q -> %q, %v", got, again, err)
			}
		})
	}
}

func TestNormalizeErrors(t *testing.T) {
	long64 := strings.Repeat("a", 64)
	host300 := strings.Repeat(strings.Repeat("a", 59)+".", 5) + "cn" // 302 bytes, labels fine
	tests := []struct {
		in, code string
	}{
		{"", CodeEmpty},
		{"   ", CodeEmpty},
		{".", CodeEmpty},
		{"[::1]:443", CodeIPLiteral},
		{"[::1]", CodeIPLiteral},
		{"::1", CodeIPLiteral},
		{"2001:db8::1", CodeIPLiteral},
		{"1.2.3.4", CodeIPLiteral},
		{"1.2.3.4:80", CodeIPLiteral},
		{"１.２.３.４", CodeIPLiteral},
		{"127.1", CodeIPLiteral},
		{"0x7f.1", CodeIPLiteral},
		{"999.999.999.999", CodeIPLiteral},
		{"localhost", CodeSingleLabel},
		{"localhost.", CodeSingleLabel},
		{"LOCALHOST:8080", CodeSingleLabel},
		{"中国", CodeSingleLabel},
		{"[example.com]", CodeBadLabel},
		{"[::1", CodeBadLabel},
		{".example.com", CodeBadLabel},
		{"example..com", CodeBadLabel},
		{"example.com..", CodeBadLabel},
		{"-example.com", CodeBadLabel},
		{"example-.com", CodeBadLabel},
		{"exa_mple.com", CodeBadLabel},
		{"exa mple.com", CodeBadLabel},
		{"a:b:c", CodeBadLabel},
		{long64 + ".cn", CodeTooLong},
		{host300, CodeTooLong},
		{strings.Repeat("例", 2000) + ".cn", CodeTooLong},
		{"example.com:http", CodeBadPort},
		{"example.com:65536", CodeBadPort},
		{"example.com:123456", CodeBadPort},
		{"https://example.com/", CodeURL},
		{"example.com/path", CodeURL},
		{"user@example.com", CodeURL},
		{"xn--abc-.com", CodeBadLabel},
		{"xn--a.com", CodeIDNA},
		{"xn--abc.com", CodeIDNA},
		{"xn--1ug.com", CodeIDNA}, // a lone ZWJ
		{"xn--wca.com", CodeIDNA}, // "Ü": an uppercase U-label is not canonical
		{"xn--zz.com", CodeIDNA},
		{"-例.cn", CodeIDNA},
		{"例-.cn", CodeIDNA},
		{"例_子.中国", CodeIDNA},
		{"a\u200db.com", CodeIDNA}, // ZWJ outside its ContextJ
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if c := code(t, err); c != tt.code {
				t.Errorf("Normalize(%q) = %q, code %q; want %q", tt.in, got, c, tt.code)
			}
			if err != nil && got != "" {
				t.Errorf("Normalize(%q) returned %q with an error", tt.in, got)
			}
		})
	}
}

// TestFastPathAgrees checks that the allocation-free path never accepts
// what the full path would change or refuse.
func TestFastPathAgrees(t *testing.T) {
	for _, s := range []string{"example.com", "a.b", "a-b.c-d", "r3---sn.x.com", "xn--fiqs8s.cn", "a.1b", "a.0x1",
		"a.b-", "a..b", "ab", "a.b.", strings.Repeat("a", 63) + ".b", strings.Repeat("a", 64) + ".b"} {
		if !fastValid(s) {
			continue
		}
		got, err := slowNormalize(s)
		if err != nil || got != s {
			t.Errorf("fastValid(%q) but slowNormalize = %q, %v", s, got, err)
		}
	}
}

func TestNormalizeAllocs(t *testing.T) {
	// The gate sees both forms of Host header on every request.
	for _, in := range []string{"www.example.com.cn", "www.example.com.cn:8443", "example.cn."} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Normalize(in); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Normalize(%q) allocates %v times, want 0", in, allocs)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Normalize("1.2.3.4")
	want := `domain.ip_literal: "1.2.3.4": this is an IP address (or ends in a number), not a domain name`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v, want %q", err, want)
	}
}

// TestProfileChoice documents why the Lookup mapping is used: Registration
// refuses the very input Normalize exists to accept.
func TestProfileChoice(t *testing.T) {
	if _, err := idna.Registration.ToASCII("例子。中国"); err == nil {
		t.Fatal("idna.Registration now accepts mapped input: revisit the profile choice in hostname.go and this test")
	}
	if _, err := profile.ToASCII("例子。中国"); err != nil {
		t.Errorf("profile refuses the full-width full stop: %v", err)
	}
}
