package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name, password, code string
	}{
		{"ok ascii", "correcthorse", ""},
		{"ok exactly 10", "abcdefghi1", ""},
		{"ok chinese 10 chars", "我的密码是很长的密码啊", ""},
		{"ok spaces", "a b c d e f", ""},
		{"ok digits and one letter", "1234567890a", ""},
		{"empty", "", CodePasswordTooShort},
		{"9 chars", "abcdefgh1", CodePasswordTooShort},
		{"chinese 9 chars is 27 bytes", "我的密码是很长的密", CodePasswordTooShort},
		{"all digits", "13800138000", CodePasswordAllDigits},
		{"all full-width digits", "１２３４５６７８９０", CodePasswordAllDigits},
		{"too long", strings.Repeat("a", MaxPasswordBytes+1), CodePasswordTooLong},
		{"max length", strings.Repeat("a", MaxPasswordBytes), ""},
		{"bad utf8", "abcdefghij\xff", CodePasswordBadUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tt.password)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("CheckPasswordPolicy = %v, want nil", err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckPasswordPolicy = %v, want *PolicyError %s", err, tt.code)
			}
			if pe.Code != tt.code || pe.ZH == "" || pe.EN == "" {
				t.Errorf("PolicyError = %+v, want code %s with both messages", pe, tt.code)
			}
			f := pe.Finding()
			if f.Code != tt.code || f.Field != "password" || f.Severity != "error" {
				t.Errorf("Finding = %+v", f)
			}
		})
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, digest, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		rest, ok := strings.CutPrefix(tok, TokenPrefix)
		if !ok {
			t.Fatalf("token %q lacks prefix %q", tok, TokenPrefix)
		}
		raw, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token body %q: %d bytes, err %v", rest, len(raw), err)
		}
		if digest != TokenDigest(tok) {
			t.Fatalf("digest %q != TokenDigest(token) %q", digest, TokenDigest(tok))
		}
		if strings.Contains(digest, rest) || len(digest) != 64 {
			t.Fatalf("digest %q is not a 64-digit hex digest", digest)
		}
		if seen[tok] {
			t.Fatal("token repeated")
		}
		seen[tok] = true
	}
}

func TestTokenDigest(t *testing.T) {
	tests := []struct{ in, want string }{
		// sha256sum of the literal strings, computed outside Go.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := TokenDigest(tt.in); got != tt.want {
				t.Errorf("TokenDigest(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	if TokenDigest("bn_a") == TokenDigest("bn_b") {
		t.Error("different tokens share a digest")
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"applicant", RoleApplicant, true},
		{"provider", RoleProvider, true},
		{"authority", RoleAuthority, true},
		{"psb", RolePSB, true},
		{"admin", RoleAdmin, true},
		{" Provider ", RoleProvider, true},
		{"PSB", RolePSB, true},
		{"", "", false},
		{"root", "", false},
		{"admins", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseRole(%q) = %q, %v", tt.in, got, err)
			}
			if !tt.ok {
				if !errors.Is(err, ErrUnknownRole) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in)) {
					t.Errorf("error %v does not wrap ErrUnknownRole or quote the input", err)
				}
			}
		})
	}
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("Roles() lists %q but ParseRole gives %q, %v", r, got, err)
		}
	}
	if len(Roles()) != 6 {
		t.Errorf("Roles() = %v", Roles())
	}
}

func TestPrincipalContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := FromContext(ctx); ok {
		t.Fatal("empty context has a principal")
	}
	want := Principal{AccountID: 7, Email: "p@isp.example", Role: RoleProvider, ProviderID: 3, ProviderCode: "isp"}
	got, ok := FromContext(WithPrincipal(ctx, want))
	if !ok || got != want {
		t.Fatalf("FromContext = %+v, %v; want %+v", got, ok, want)
	}
	// A value under another key of the same underlying type is not a principal.
	type otherKey struct{}
	if _, ok := FromContext(context.WithValue(ctx, otherKey{}, want)); ok {
		t.Error("principal found under a foreign key")
	}
}

func TestPrincipalPrintsNoEmail(t *testing.T) {
	p := Principal{AccountID: 7, Email: "zhangsan@example.com", Role: RoleProvider, ProviderCode: "isp"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("req", "principal", p)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("req", "principal", p)
	out := buf.String() + fmt.Sprint(p) + fmt.Sprintf("%v %+v", p, p)
	if strings.Contains(out, "zhangsan") {
		t.Fatalf("principal printed its e-mail:\n%s", out)
	}
	for _, want := range []string{"z***@example.com", "provider", "isp", "7"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
