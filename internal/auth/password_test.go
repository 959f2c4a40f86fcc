package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestHashPasswordFormat(t *testing.T) {
	enc, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(enc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", ArgonMemory, ArgonTime, ArgonThreads) {
		t.Fatalf("HashPassword = %q, not a PHC argon2id string with the current parameters", enc)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != SaltLen {
		t.Errorf("salt %q: %d bytes, err %v", parts[4], len(salt), err)
	}
	hash, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(hash) != HashLen {
		t.Errorf("hash %q: %d bytes, err %v", parts[5], len(hash), err)
	}
	again, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if again == enc {
		t.Error("two hashes of the same password are equal: salt not random")
	}
}

func TestVerifyPassword(t *testing.T) {
	const pw = "密码是 correct horse"
	enc, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right", pw, true},
		{"wrong", "correct horse", false},
		{"empty", "", false},
		{"case", strings.ToUpper(pw), false},
		{"trailing space", pw + " ", false},
		{"prefix", pw[:len(pw)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(enc, tt.password)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if ok != tt.want {
				t.Errorf("VerifyPassword(%q) = %v, want %v", tt.password, ok, tt.want)
			}
		})
	}
}

// TestVerifyPasswordKnownVector checks that parameters are read from the
// string and that the hash is standard argon2id. The vector was generated with
// the reference CLI (phc-winner-argon2: password "password", salt "somesalt",
// -id -t 2 -m 6 (64 KiB) -p 2 -l 24) and is the one golang.org/x/crypto/argon2
// tests against: hash 350ac37222f436ccb5c0972f1ebd3bf6b958bf2071841362, here
// in PHC base64.
func TestVerifyPasswordKnownVector(t *testing.T) {
	const enc = "$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHQ$NQrDciL0Nsy1wJcvHr079rlYvyBxhBNi"
	ok, err := VerifyPassword(enc, "password")
	if err != nil {
		t.Fatalf("VerifyPassword: %v", err)
	}
	if !ok {
		t.Error("reference argon2id vector does not verify")
	}
	if ok, _ := VerifyPassword(enc, "passwore"); ok {
		t.Error("wrong password verifies against the reference vector")
	}
	if rehash, err := NeedsRehash(enc); err != nil || !rehash {
		t.Errorf("NeedsRehash(old parameters) = %v, %v; want true", rehash, err)
	}
}

func TestNeedsRehashCurrent(t *testing.T) {
	enc, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if rehash, err := NeedsRehash(enc); err != nil || rehash {
		t.Errorf("NeedsRehash(current) = %v, %v; want false", rehash, err)
	}
	if _, err := NeedsRehash("$bcrypt$"); !errors.Is(err, ErrMalformedHash) {
		t.Errorf("NeedsRehash(malformed) error = %v", err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	const salt = "c29tZXNhbHRzb21lc2FsdA"                      // 16 bytes
	const hash = "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0" // 32 bytes
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash
	if _, err := VerifyPassword(good, "x"); err != nil {
		t.Fatalf("control encoding rejected: %v", err)
	}
	tests := []struct{ name, enc string }{
		{"empty", ""},
		{"bcrypt", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=65536,t=2,p=2$" + salt + "$" + hash},
		{"argon2d", "$argon2d$v=19$m=65536,t=2,p=2$" + salt + "$" + hash},
		{"old version", "$argon2id$v=16$m=65536,t=2,p=2$" + salt + "$" + hash},
		{"no version", "$argon2id$m=65536,t=2,p=2$" + salt + "$" + hash},
		{"leading text", "x$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$" + hash},
		{"trailing field", good + "$"},
		{"params order", "$argon2id$v=19$t=2,m=65536,p=2$" + salt + "$" + hash},
		{"params missing", "$argon2id$v=19$m=65536,t=2$" + salt + "$" + hash},
		{"params extra", "$argon2id$v=19$m=65536,t=2,p=2,keyid=1$" + salt + "$" + hash},
		{"negative", "$argon2id$v=19$m=-1,t=2,p=2$" + salt + "$" + hash},
		{"plus sign", "$argon2id$v=19$m=+65536,t=2,p=2$" + salt + "$" + hash},
		{"leading zero", "$argon2id$v=19$m=065536,t=2,p=2$" + salt + "$" + hash},
		{"overflow", "$argon2id$v=19$m=99999999999,t=2,p=2$" + salt + "$" + hash},
		{"t zero", "$argon2id$v=19$m=65536,t=0,p=2$" + salt + "$" + hash},
		{"p zero", "$argon2id$v=19$m=65536,t=2,p=0$" + salt + "$" + hash},
		{"p 300", "$argon2id$v=19$m=65536,t=2,p=300$" + salt + "$" + hash},
		{"memory too big", "$argon2id$v=19$m=4294967295,t=2,p=2$" + salt + "$" + hash},
		{"memory below 8p", "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + hash},
		{"time too big", "$argon2id$v=19$m=65536,t=1000,p=2$" + salt + "$" + hash},
		{"salt padded", "$argon2id$v=19$m=65536,t=2,p=2$" + salt + "==$" + hash},
		{"salt bad char", "$argon2id$v=19$m=65536,t=2,p=2$c29tZX!hbHQ$" + hash},
		{"salt short", "$argon2id$v=19$m=65536,t=2,p=2$c2FsdA$" + hash},
		{"salt empty", "$argon2id$v=19$m=65536,t=2,p=2$$" + hash},
		{"hash short", "$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$c2hvcnQ"},
		{"hash empty", "$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$"},
		{"newline in hash", "$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$" + hash[:20] + "\n" + hash[20:]},
		{"carriage return in salt", "$argon2id$v=19$m=65536,t=2,p=2$" + salt[:4] + "\r" + salt[4:] + "$" + hash},
		{"hash url alphabet", "$argon2id$v=19$m=65536,t=2,p=2$" + salt + "$" + strings.Repeat("_", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.enc, "password")
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("VerifyPassword(%q) error = %v, want ErrMalformedHash", tt.enc, err)
			}
			if ok {
				t.Error("malformed encoding verified")
			}
		})
	}
}

func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	enc, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := VerifyPassword(enc, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func FuzzVerifyPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHQ$NQrDciL0Nsy1wJcvHr079rlYvyBxhBNi", "password")
	f.Add("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8", "password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"+strings.Repeat("A", 22), "")
	f.Add("", "")
	f.Add("$$$$$", "x")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$$", "x")
	f.Fuzz(func(t *testing.T, enc, password string) {
		ok, err := VerifyPassword(enc, password)
		if err != nil {
			if ok {
				t.Fatal("VerifyPassword returned true with an error")
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			return
		}
		// Whatever parsed must re-encode to the same string: the parser is strict.
		p, perr := parsePHC(enc)
		if perr != nil || p.String() != enc {
			t.Fatalf("accepted %q but it re-encodes as %q (%v)", enc, p.String(), perr)
		}
	})
}
