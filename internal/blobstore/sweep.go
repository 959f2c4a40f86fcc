package blobstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepResult counts what a Sweep did.
type SweepResult struct {
	Removed int // unreferenced documents older than the grace period, deleted
	Sealed  int // documents stored in clear by an earlier version, sealed
	Kept    int // referenced documents, or unreferenced ones still in their grace period
}

// Prefixes of the documents Sweep has moved into tmp/ to decide on them,
// sealed or stored in clear by an earlier version.
const (
	claimSealed = "sweep-v1-"
	claimClear  = "sweep-clear-"
)

// Sweep deletes the documents that no row refers to and that were stored
// more than grace ago, and seals every document an earlier version stored
// in clear that it keeps. referenced holds the digests the database refers
// to, read before the call. An upload is stored before the row that refers
// to it is written, and a failed or abandoned request leaves the document
// without a row: grace must be longer than any upload request takes.
//
// A document is judged without a lock: Sweep first moves it into tmp/, then
// looks at the moved file's time; a Put of the same bytes since the
// database was read wrote a new file, whose time is recent, and that file is
// moved back. A sweep that dies between the two moves leaves the file in
// tmp/, and Open moves it back.
func (s *Store) Sweep(ctx context.Context, referenced map[string]bool, grace time.Duration) (SweepResult, error) {
	var res SweepResult
	if grace <= 0 {
		return res, errors.New("blobstore: sweep: the grace period must be positive")
	}
	names := make(map[string]bool, len(referenced))
	for d := range referenced {
		if validDigest(d) {
			names[s.name(d)] = true
		}
	}
	cutoff := time.Now().Add(-grace)
	// judge decides on the document file at p named name; sealed says
	// whether it is in the sealed layout.
	judge := func(p, name string, sealed bool) error {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		keep := (sealed && names[name]) || (!sealed && referenced[name]) || info.ModTime().After(cutoff)
		if !keep {
			removed, err := s.removeIfOld(p, sealed, cutoff)
			if err != nil {
				return err
			}
			if removed {
				res.Removed++
				return nil
			}
		}
		if !sealed {
			if err := s.seal(ctx, name); errors.Is(err, ErrCorrupt) {
				res.Kept++ // left as it is, for an operator to look at
				return nil
			} else if err != nil {
				return err
			}
			res.Sealed++
			return nil
		}
		res.Kept++
		return nil
	}
	sealedFiles, err := filepath.Glob(filepath.Join(s.dir, sealedDir, "[0-9a-f][0-9a-f]", "[0-9a-f][0-9a-f]", "*"))
	if err != nil {
		return res, fmt.Errorf("blobstore: sweep: %w", err)
	}
	for _, p := range sealedFiles {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("blobstore: sweep: %w", err)
		}
		if name := filepath.Base(p); validDigest(name) {
			if err := judge(p, name, true); err != nil {
				return res, fmt.Errorf("blobstore: sweep %s: %w", p, err)
			}
		}
	}
	// The clear documents last, so that those sealed now are not judged twice.
	for _, p := range s.clearFiles() {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("blobstore: sweep: %w", err)
		}
		if err := judge(p, filepath.Base(p), false); err != nil {
			return res, fmt.Errorf("blobstore: sweep %s: %w", p, err)
		}
	}
	return res, nil
}

// clearFiles lists the documents an earlier version stored in clear.
func (s *Store) clearFiles() []string {
	// The pattern is well-formed, so Glob cannot fail.
	all, _ := filepath.Glob(filepath.Join(s.dir, "[0-9a-f][0-9a-f]", "[0-9a-f][0-9a-f]", "*"))
	var out []string
	for _, p := range all {
		if d := filepath.Base(p); validDigest(d) && p == s.legacyPath(d) {
			out = append(out, p)
		}
	}
	return out
}

// removeIfOld moves the file at p into tmp/ and deletes it there if it was
// stored before cutoff; a newer file (stored since the caller looked) is
// moved back and reported as not removed.
func (s *Store) removeIfOld(p string, sealed bool, cutoff time.Time) (bool, error) {
	prefix := claimClear
	if sealed {
		prefix = claimSealed
	}
	claimed := filepath.Join(s.dir, "tmp", prefix+filepath.Base(p))
	if err := os.Rename(p, claimed); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // removed by a Delete meanwhile
		}
		return false, err
	}
	info, err := os.Stat(claimed)
	if err != nil {
		return false, err
	}
	if info.ModTime().After(cutoff) {
		return false, os.Rename(claimed, p)
	}
	if err := os.Remove(claimed); err != nil {
		return false, err
	}
	return true, nil
}

// seal rewrites the document an earlier version stored in clear under its
// digest as a sealed file, then deletes the clear one. The clear bytes are
// checked against their digest first: a corrupted file stays as it is.
func (s *Store) seal(ctx context.Context, digest string) error {
	legacy := s.legacyPath(digest)
	f, err := os.Open(legacy)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	defer f.Close()
	blob, err := s.write(ctx, &verifyingReader{r: f, c: f, h: sha256.New(), want: digest})
	if err != nil {
		return fmt.Errorf("seal %s: %w", digest, err)
	}
	if blob.SHA256 != digest {
		return fmt.Errorf("seal %s: %w", digest, ErrCorrupt)
	}
	if err := os.Remove(legacy); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Migrate seals every document an earlier version stored in clear, whether
// or not a row refers to it, and reports how many it sealed. A clear file
// that does not match its digest is left as it is and reported (ErrCorrupt)
// after the others are sealed.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	n := 0
	var bad []error
	for _, p := range s.clearFiles() {
		err := s.seal(ctx, filepath.Base(p))
		if errors.Is(err, ErrCorrupt) {
			bad = append(bad, err)
			continue
		}
		if err != nil {
			return n, fmt.Errorf("blobstore: migrate: %w", err)
		}
		n++
	}
	if len(bad) > 0 {
		return n, fmt.Errorf("blobstore: migrate: %w", errors.Join(bad...))
	}
	return n, nil
}

// restoreClaims moves back the documents a sweep that died had moved into
// tmp/ before deciding on them: the next sweep decides again.
func restoreClaims(dir string, entries []fs.DirEntry) {
	for _, e := range entries {
		var dst string
		if name, ok := strings.CutPrefix(e.Name(), claimSealed); ok && validDigest(name) {
			dst = filepath.Join(dir, sealedDir, name[0:2], name[2:4], name)
		} else if name, ok := strings.CutPrefix(e.Name(), claimClear); ok && validDigest(name) {
			dst = filepath.Join(dir, name[0:2], name[2:4], name)
		} else {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err == nil {
			_ = os.Rename(filepath.Join(dir, "tmp", e.Name()), dst) // best effort
		}
	}
}
