package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func newBox(t testing.TB, b byte) *Box {
	t.Helper()
	box, err := New(testKey(b))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return box
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New(%d bytes) accepted a key of the wrong length", n)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	box := newBox(t, 1)
	tests := []struct {
		name  string
		plain string
		aad   string
	}{
		{"empty", "", "principal:1:phone"},
		{"resident id", "11010519491231002X", "principal:42:id_number"},
		{"chinese", "张三 13800138000", "application:7"},
		{"empty aad", "a@example.com", ""},
		{"long", strings.Repeat("长", 5000), "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := box.Seal([]byte(tt.plain), []byte(tt.aad))
			if ct[0] != Version1 {
				t.Errorf("version byte = %d, want %d", ct[0], Version1)
			}
			if len(tt.plain) > 4 && bytes.Contains(ct, []byte(tt.plain)) {
				t.Errorf("ciphertext contains the plaintext")
			}
			got, err := box.Open(ct, []byte(tt.aad))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if string(got) != tt.plain {
				t.Errorf("Open = %q, want %q", got, tt.plain)
			}
			s := box.SealString(tt.plain, tt.aad)
			gs, err := box.OpenString(s, tt.aad)
			if err != nil {
				t.Fatalf("OpenString: %v", err)
			}
			if gs != tt.plain {
				t.Errorf("OpenString = %q, want %q", gs, tt.plain)
			}
			if _, err := base64.RawURLEncoding.DecodeString(s); err != nil {
				t.Errorf("SealString is not unpadded base64url: %v", err)
			}
		})
	}
}

func TestSealIsRandomised(t *testing.T) {
	box := newBox(t, 1)
	a := box.Seal([]byte("13800138000"), []byte("r"))
	b := box.Seal([]byte("13800138000"), []byte("r"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are equal: nonce reused")
	}
}

func TestOpenFailures(t *testing.T) {
	box := newBox(t, 1)
	other := newBox(t, 2)
	ct := box.Seal([]byte("11010519491231002X"), []byte("principal:42"))
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name string
		box  *Box
		ct   []byte
		aad  string
		want error
	}{
		{"wrong key", other, ct, "principal:42", ErrAuthentication},
		{"wrong aad", box, ct, "principal:43", ErrAuthentication},
		{"empty aad", box, ct, "", ErrAuthentication},
		{"tampered nonce", box, flip(1), "principal:42", ErrAuthentication},
		{"tampered body", box, flip(len(ct) / 2), "principal:42", ErrAuthentication},
		{"tampered tag", box, flip(len(ct) - 1), "principal:42", ErrAuthentication},
		{"truncated", box, ct[:len(ct)-1], "principal:42", ErrAuthentication},
		{"too short", box, ct[:overhead-1], "principal:42", ErrMalformed},
		{"empty", box, nil, "principal:42", ErrMalformed},
		{"unknown version", box, append([]byte{2}, ct[1:]...), "principal:42", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.ct, []byte(tt.aad))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open error = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Errorf("Open returned plaintext %q with an error", got)
			}
		})
	}
}

func TestOpenStringFailures(t *testing.T) {
	box := newBox(t, 1)
	s := box.SealString("13800138000", "principal:1:phone")
	tests := []struct {
		name, in, aad string
		want          error
	}{
		{"not base64", "!!!", "principal:1:phone", ErrMalformed},
		{"padded std base64", base64.StdEncoding.EncodeToString([]byte("xx")), "principal:1:phone", ErrMalformed},
		{"empty", "", "principal:1:phone", ErrMalformed},
		{"wrong row", s, "principal:2:phone", ErrAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := box.OpenString(tt.in, tt.aad); !errors.Is(err, tt.want) {
				t.Fatalf("OpenString error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestBoxConcurrent(t *testing.T) {
	box := newBox(t, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				aad := []byte{byte(g), byte(i)}
				ct := box.Seal([]byte("v"), aad)
				if _, err := box.Open(ct, aad); err != nil {
					errs <- err
					return
				}
				_ = box.BlindIndex(KindPhone, "13800138000")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestBoxPrintsNoKey(t *testing.T) {
	box := newBox(t, 0x41) // key "AAAA…"
	for _, s := range []string{box.String(), box.GoString()} {
		if strings.Contains(s, "AAAA") {
			t.Errorf("Box prints its key: %s", s)
		}
	}
}

func TestBlindIndex(t *testing.T) {
	box := newBox(t, 1)
	other := newBox(t, 2)
	idx := box.BlindIndex(KindID, "11010519491231002X")
	if len(idx) != 64 || strings.Trim(idx, "0123456789abcdef") != "" {
		t.Fatalf("BlindIndex = %q, want 64 lower-case hex digits", idx)
	}
	if strings.Contains(idx, "11010519491231002") {
		t.Error("BlindIndex contains the value")
	}
	same := []struct {
		name       string
		kind, a, b string
	}{
		{"id lower x", KindID, "11010519491231002X", "11010519491231002x"},
		{"id spaces", KindID, "11010519491231002X", " 110105 19491231 002X "},
		{"id full-width", KindID, "11010519491231002X", "１１０１０５１９４９１２３１００２Ｘ"},
		{"phone hyphens", KindPhone, "13800138000", "138-0013-8000"},
		{"phone spaces brackets", KindPhone, "(010) 1234.5678", "01012345678"},
		{"email case", KindEmail, "Zhang.San@Example.COM", "zhang.san@example.com"},
	}
	for _, tt := range same {
		t.Run(tt.name, func(t *testing.T) {
			if x, y := box.BlindIndex(tt.kind, tt.a), box.BlindIndex(tt.kind, tt.b); x != y {
				t.Errorf("BlindIndex(%q) != BlindIndex(%q)", tt.a, tt.b)
			}
		})
	}
	differ := []struct {
		name   string
		x, y   string
		reason string
	}{
		{"kind", box.BlindIndex(KindID, "13800138000"), box.BlindIndex(KindPhone, "13800138000"), "kinds must not collide"},
		{"key", idx, other.BlindIndex(KindID, "11010519491231002X"), "another key must give another index"},
		{"value", idx, box.BlindIndex(KindID, "110105194912310038"), "another value must give another index"},
		{"email hyphen kept", box.BlindIndex(KindEmail, "a-b@x.cn"), box.BlindIndex(KindEmail, "ab@x.cn"), "hyphens matter in e-mail"},
		{"kind prefix", box.BlindIndex("ab", "c"), box.BlindIndex("a", "bc"), "kind and value must be separated"},
	}
	for _, tt := range differ {
		t.Run("differ "+tt.name, func(t *testing.T) {
			if tt.x == tt.y {
				t.Error(tt.reason)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	box, err := New(testKey(7))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(box.Seal([]byte("13800138000"), []byte("r")), []byte("r"))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1}, []byte("r"))
	f.Add(bytes.Repeat([]byte{1}, overhead), []byte("r"))
	f.Fuzz(func(t *testing.T, ct, aad []byte) {
		plain, err := box.Open(ct, aad)
		if err == nil {
			// Only a genuine ciphertext opens: sealing the result again must round-trip.
			again, err := box.Open(box.Seal(plain, aad), aad)
			if err != nil || !bytes.Equal(again, plain) {
				t.Fatalf("re-seal of opened value failed: %v", err)
			}
		} else if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAuthentication) {
			t.Fatalf("Open error %v wraps neither ErrMalformed nor ErrAuthentication", err)
		}
		if _, err := box.OpenString(string(ct), string(aad)); err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAuthentication) {
			t.Fatalf("OpenString error %v wraps neither ErrMalformed nor ErrAuthentication", err)
		}
	})
}
