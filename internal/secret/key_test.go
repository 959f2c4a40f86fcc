package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadKeyFromEnv(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i * 7)
	}
	tests := []struct {
		name string
		env  string
	}{
		{"hex", hex.EncodeToString(key)},
		{"hex upper", strings.ToUpper(hex.EncodeToString(key))},
		{"base64 std", base64.StdEncoding.EncodeToString(key)},
		{"base64 raw", base64.RawStdEncoding.EncodeToString(key)},
		{"base64 url", base64.URLEncoding.EncodeToString(key)},
		{"base64 raw url", base64.RawURLEncoding.EncodeToString(key)},
		{"trailing newline", base64.StdEncoding.EncodeToString(key) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			missing := filepath.Join(t.TempDir(), "never-created.key")
			got, err := LoadKey(tt.env, missing)
			if err != nil {
				t.Fatalf("LoadKey: %v", err)
			}
			if !bytes.Equal(got, key) {
				t.Errorf("LoadKey = %x, want %x", got, key)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Errorf("LoadKey with an env value touched the key file: %v", err)
			}
		})
	}
}

func TestLoadKeyEnvErrors(t *testing.T) {
	const secretValue = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" // 21 bytes
	tests := []struct{ name, env string }{
		{"short base64", secretValue},
		{"long hex", strings.Repeat("ab", 33)},
		{"not encoded", "this is not a key at all!"},
		{"64 non-hex", strings.Repeat("z", 64) + "!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadKey(tt.env, "")
			if err == nil {
				t.Fatal("LoadKey accepted a bad key")
			}
			if !strings.Contains(err.Error(), EnvKey) {
				t.Errorf("error %q does not name %s", err, EnvKey)
			}
			if strings.Contains(err.Error(), tt.env) {
				t.Errorf("error %q echoes the secret value", err)
			}
		})
	}
}

func TestLoadKeyNoSource(t *testing.T) {
	if _, err := LoadKey("", ""); err == nil || !strings.Contains(err.Error(), EnvKey) {
		t.Fatalf("LoadKey with no source: err = %v, want one naming %s", err, EnvKey)
	}
}

func TestLoadKeyFileCreatedAndReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "data.key")
	first, err := LoadKey("", path)
	if err != nil {
		t.Fatalf("first LoadKey: %v", err)
	}
	if len(first) != KeySize {
		t.Fatalf("key is %d bytes", len(first))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("key file not created: %v", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", info.Mode().Perm())
	}
	second, err := LoadKey("", path)
	if err != nil {
		t.Fatalf("second LoadKey: %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Error("second start got another key")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".beian-key-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// A box from the file key opens what a box from the same file sealed.
	a, _ := New(first)
	b, _ := New(second)
	if _, err := b.Open(a.Seal([]byte("x"), nil), nil); err != nil {
		t.Errorf("reused key does not open: %v", err)
	}
}

func TestLoadKeyFileConcurrentFirstStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.key")
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = LoadKey("", path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("LoadKey %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("concurrent first starts got different keys")
		}
	}
}

func TestLoadKeyFileRefusesOpenMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		t.Run(mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data.key")
			if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(testKey(9))), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKey("", path)
			if err == nil {
				t.Fatalf("LoadKey accepted a key file with mode %04o", mode)
			}
			for _, want := range []string{path, "chmod 600"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadKeyFileBadContent(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"empty", ""},
		{"short", base64.StdEncoding.EncodeToString([]byte("short"))},
		{"garbage", "not a key\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKey("", path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadKey error = %v, want one naming %s", err, path)
			}
		})
	}
}

func TestLoadKeyFileIsDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKey("", dir); err == nil || !strings.Contains(err.Error(), "regular") {
		t.Fatalf("LoadKey on a directory: err = %v", err)
	}
}
