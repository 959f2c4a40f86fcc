package secret

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvKey is the environment variable that holds the data key. The caller reads
// it and passes its value to LoadKey; the name is here so that errors name it.
const EnvKey = "BEIAN_DATA_KEY"

// LoadKey returns the 32-byte data key. When envValue (the value of
// BEIAN_DATA_KEY) is not empty it is decoded as hex (64 digits) or base64
// (standard or URL alphabet, padded or not) of exactly 32 bytes, and keyFile is
// not read. Otherwise the key comes from keyFile: on first start the file is
// created atomically with a fresh random key (base64, one line) and mode 0600;
// later starts read it back, and refuse a file whose mode lets its group or
// other users read or write it, since anyone who reads it reads every
// principal's ID number. Errors wrap the cause with %w and name the source.
func LoadKey(envValue, keyFile string) ([]byte, error) {
	if strings.TrimSpace(envValue) != "" {
		key, err := decodeKey(envValue)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", EnvKey, err)
		}
		return key, nil
	}
	if keyFile == "" {
		return nil, fmt.Errorf("secret: no data key: set %s or give a key file", EnvKey)
	}
	key, err := readKeyFile(keyFile)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	return createKeyFile(keyFile)
}

// decodeKey decodes a key written as hex or base64; it never echoes the value,
// which is secret.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("key decodes to %d bytes, want %d (generate one with: openssl rand -base64 32)", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("key of %d characters is neither hex nor base64 of %d bytes (generate one with: openssl rand -base64 32)", len(s), KeySize)
}

// readKeyFile reads and checks an existing key file; the error wraps
// fs.ErrNotExist when there is none.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secret: key file %s is not a regular file (mode %s)", path, info.Mode())
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("secret: key file %s has mode %04o, open to its group or other users; restrict it with: chmod 600 %s", path, perm, path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	key, err := decodeKey(string(raw))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile writes a fresh key to a temporary file, syncs it, and links it
// into place, so that a crash never leaves a half-written key and two
// processes starting at once end up with the same key (the loser of the link
// reads the winner's file).
func createKeyFile(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secret: key file %s: create directory: %w", path, err)
	}
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // never fails, see Seal
	content := []byte(base64.StdEncoding.EncodeToString(key) + "\n")

	tmp, err := os.CreateTemp(dir, ".beian-key-*")
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := writeSynced(tmp, content); err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		// No hard links on this file system: create the file exclusively instead.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		if err != nil {
			return nil, fmt.Errorf("secret: key file %s: %w", path, err)
		}
		if err := writeSynced(f, content); err != nil {
			return nil, fmt.Errorf("secret: key file %s: %w", path, err)
		}
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new directory entry durable; best effort
		_ = d.Close()
	}
	return key, nil
}

// writeSynced sets mode 0600 (whatever the umask), writes content, syncs and closes f.
func writeSynced(f *os.File, content []byte) error {
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(content); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
