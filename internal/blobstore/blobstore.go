// Package blobstore keeps the documents applicants upload (scans of licences,
// ID cards, photos, letters) as files on disk, sealed with the data key and
// found by the SHA-256 of their bytes. It accepts only what the authority
// accepts, JPEG, PNG and PDF of at most 4 MiB, judged from the bytes
// themselves and not from what the client claims; writes each file
// atomically so that a crash never leaves a torn document under a name that
// the database refers to; and sweeps away the documents no row refers to, as
// an upload whose request failed or was abandoned leaves one behind.
package blobstore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/beian/beian/internal/secret"
)

// MaxSize is the largest document accepted: 4 MiB, the limit providers put
// on scans (Huawei Cloud: "jpg/png ≤4 MB",
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md).
const MaxSize = 4 << 20

// Content types Put accepts.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// Codes of the refusals (*fault.Error) the store returns. I/O failures are
// not refusals: they are wrapped errors that the web layer reports as server
// errors.
const (
	CodeTooLarge  = "document.too_large"
	CodeBadType   = "document.bad_type"
	CodeEmpty     = "document.empty"
	CodeNotFound  = "document.not_found"
	CodeBadDigest = "document.bad_digest"
)

func refusal(kind fault.Kind, code, en, zh string) *fault.Error {
	return &fault.Error{Kind: kind, Code: code, Field: "file", Message: en + " (" + zh + ")"}
}

func errTooLarge() *fault.Error {
	return refusal(fault.TooLarge, CodeTooLarge, "the document is larger than 4 MiB", "文件超过 4 MiB 上限")
}

func errBadType() *fault.Error {
	return refusal(fault.Unsupported, CodeBadType, "only JPEG, PNG or PDF documents are accepted", "仅接受 JPEG、PNG 或 PDF 文件")
}

func errEmpty() *fault.Error {
	return refusal(fault.Invalid, CodeEmpty, "the document is empty", "文件为空")
}

func errNotFound() *fault.Error {
	return refusal(fault.NotFound, CodeNotFound, "no such document", "文件不存在")
}

func errBadDigest() *fault.Error {
	return refusal(fault.NotFound, CodeBadDigest, "invalid document ID: want 64 lower-case hex digits of a SHA-256", "文件标识无效（应为 64 位小写十六进制 SHA-256）")
}

// ErrCorrupt is returned by the reader from Open at end of file when the bytes
// read do not hash to the digest they are stored under (disk corruption or
// tampering).
var ErrCorrupt = errors.New("blobstore: stored document does not match its digest")

// Blob describes a stored document.
type Blob struct {
	SHA256      string `json:"sha256"` // lower-case hex, 64 digits; the document's ID
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"` // TypeJPEG, TypePNG or TypePDF
}

// Store is a directory of documents. Each is sealed with the data key
// (AES-256-GCM through secret.Box, in chunks; see sealedFile) and stored as
// dir/v1/ab/cd/<name>, where name is a keyed digest of the document's SHA-256
// (secret.Box.BlindIndex), so that neither the bytes nor their plain digest,
// which would let anyone holding a copy of a scan confirm that it is stored,
// are on disk; ab and cd are its first two pairs of hex digits, so that no
// directory grows huge. Documents written before encryption (dir/ab/cd/<sha256>,
// in clear) are still read, and Migrate seals them. Identical uploads share
// one file: callers that Delete must first make sure no other row refers to
// the digest (Sweep does). A Store is safe for concurrent use, by goroutines
// and by processes sharing the directory.
type Store struct {
	dir string
	box *secret.Box
	// skipSync leaves out the fsync calls; only the fuzz test sets it, to
	// test the logic at thousands of inputs a second.
	skipSync bool
}

// staleTemp is the age after which Open removes a temporary file left in
// dir/tmp by a process that died during a Put.
const staleTemp = time.Hour

// sealedDir is the subdirectory of the sealed documents; the two-hex-digit
// directories beside it are the clear-text layout of earlier versions.
const sealedDir = "v1"

// Open returns the store in dir, sealing documents with box, creating dir
// (and its parents) with mode 0700 when missing; an existing dir keeps its
// mode. It removes temporary files older than an hour that a crashed Put left
// behind, and puts back the documents a crashed Sweep had moved aside.
func Open(dir string, box *secret.Box) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blobstore: empty directory name")
	}
	if box == nil {
		return nil, errors.New("blobstore: no data key to seal documents with")
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", dir, err)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", dir, err)
	}
	restoreClaims(dir, entries)
	if entries, err = os.ReadDir(tmp); err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", dir, err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(tmp, e.Name())) // best effort
		}
	}
	return &Store{dir: dir, box: box}, nil
}

// sniffLen is how many leading bytes http.DetectContentType looks at.
const sniffLen = 512

// sniff returns the accepted content type of a document starting with head,
// or "" when it is none of JPEG, PNG and PDF. The PDF check is a literal
// "%PDF-" at offset 0 (the header ISO 32000 requires), which is also what
// http.DetectContentType uses.
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return TypePDF
	}
	switch ct := http.DetectContentType(head); ct {
	case TypeJPEG, TypePNG:
		return ct
	}
	return ""
}

// ctxReader fails reads once ctx is done, so that a slow upload stops when
// the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Put stores the document read from r and returns its description. It reads
// at most MaxSize+1 bytes; refuses an empty document (document.empty), a
// larger one (document.too_large) and one whose bytes are not JPEG, PNG or PDF
// (document.bad_type); and writes it, sealed, through a temporary file that is
// synced and renamed into place, so that the file under a name is always
// whole. Storing bytes that are already stored is not an error and returns
// the same Blob (and renews the file, so that Sweep counts its grace from now).
func (s *Store) Put(ctx context.Context, r io.Reader) (Blob, error) {
	if err := ctx.Err(); err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	lr := io.LimitReader(ctxReader{ctx, r}, MaxSize+1)
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(lr, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Blob{}, fmt.Errorf("blobstore: put: read: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return Blob{}, errEmpty()
	}
	ct := sniff(head)
	if ct == "" {
		return Blob{}, errBadType()
	}
	blob, err := s.write(ctx, io.MultiReader(bytes.NewReader(head), lr))
	if err != nil {
		return Blob{}, err
	}
	blob.ContentType = ct
	return blob, nil
}

// write seals what r yields into a temporary file and renames it to the name
// of its digest. It refuses more than MaxSize bytes (document.too_large).
func (s *Store) write(ctx context.Context, r io.Reader) (Blob, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	tmpName := tmp.Name()
	renamed := false
	defer func() {
		if !renamed {
			_ = os.Remove(tmpName)
		}
	}()
	h := sha256.New()
	sw, err := newSealer(s.box, tmp)
	if err != nil {
		_ = tmp.Close()
		return Blob{}, fmt.Errorf("blobstore: put: %s: %w", tmpName, err)
	}
	size, err := io.Copy(io.MultiWriter(sw, h), r)
	if err == nil {
		err = sw.Close()
	}
	if err != nil {
		_ = tmp.Close()
		return Blob{}, fmt.Errorf("blobstore: put: copy to %s: %w", tmpName, err)
	}
	if size > MaxSize {
		_ = tmp.Close()
		return Blob{}, errTooLarge()
	}
	if err := s.sync(tmp); err != nil {
		_ = tmp.Close()
		return Blob{}, fmt.Errorf("blobstore: put: sync %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: close %s: %w", tmpName, err)
	}
	blob := Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}
	if err := ctx.Err(); err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	final := s.sealedPath(blob.SHA256)
	dir := filepath.Dir(final)
	// Renaming over an existing file of the same digest is harmless: it
	// holds the same document, and rename is atomic.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	if err := os.Rename(tmpName, final); err != nil {
		return Blob{}, fmt.Errorf("blobstore: put: rename to %s: %w", final, err)
	}
	renamed = true
	// A concurrent Delete of the same digest may already have removed the file
	// and its directory: that Delete came after this Put, and there is nothing
	// left to sync.
	if err := s.syncDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	return blob, nil
}

// sync flushes f to disk.
func (s *Store) sync(f *os.File) error {
	if s.skipSync {
		return nil
	}
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func (s *Store) syncDir(dir string) error {
	if s.skipSync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// validDigest reports whether s is 64 lower-case hex digits; nothing else can
// name a file, so a digest from a request can never walk out of the store.
func validDigest(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// nameKind is the blind-index kind of the file names: the keyed digest of a
// document's SHA-256 under it is its name on disk.
const nameKind = "document"

// name is the file name of the sealed document with a valid digest.
func (s *Store) name(digest string) string {
	return strings.ToLower(s.box.BlindIndex(nameKind, digest))
}

// sealedPath returns where the sealed document with a valid digest lives.
func (s *Store) sealedPath(digest string) string {
	n := s.name(digest)
	return filepath.Join(s.dir, sealedDir, n[0:2], n[2:4], n)
}

// legacyPath returns where an earlier version kept the document in clear.
func (s *Store) legacyPath(digest string) string {
	return filepath.Join(s.dir, digest[0:2], digest[2:4], digest)
}

// Open returns the stored document with the given digest and its description.
// The reader checks the bytes against the digest as they are read and returns
// ErrCorrupt when they do not authenticate or, at the end, do not match; the
// caller must Close it. A digest that is not 64 lower-case hex digits is
// document.bad_digest, an absent one document.not_found. A document an
// earlier version stored in clear is read as it is.
func (s *Store) Open(ctx context.Context, digest string) (io.ReadCloser, Blob, error) {
	if err := ctx.Err(); err != nil {
		return nil, Blob{}, fmt.Errorf("blobstore: open: %w", err)
	}
	if !validDigest(digest) {
		return nil, Blob{}, errBadDigest()
	}
	rc, blob, err := s.openAt(s.sealedPath(digest), digest, true)
	if fault.Is(err, CodeNotFound) {
		return s.openAt(s.legacyPath(digest), digest, false)
	}
	return rc, blob, err
}

// contentType is the sniffed type of a stored document's first bytes.
func contentType(head []byte) string {
	if ct := sniff(head); ct != "" {
		return ct
	}
	return "application/octet-stream" // only a corrupted file gets here; the reader will say so
}

// openAt opens the document with digest stored at p, sealed or (from an
// earlier version) in clear.
func (s *Store) openAt(p, digest string, sealed bool) (io.ReadCloser, Blob, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Blob{}, errNotFound()
	}
	if err != nil {
		return nil, Blob{}, fmt.Errorf("blobstore: open %s: %w", digest, err)
	}
	fail := func(err error) (io.ReadCloser, Blob, error) {
		_ = f.Close()
		return nil, Blob{}, fmt.Errorf("blobstore: open %s: %w", digest, err)
	}
	info, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	var r io.Reader = f
	size := info.Size()
	if sealed {
		or, err := newOpener(s.box, f, size)
		if err != nil {
			return fail(err)
		}
		r, size = or, or.size
	}
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(err)
	}
	blob := Blob{SHA256: digest, Size: size, ContentType: contentType(head)}
	return &verifyingReader{r: br, c: f, h: sha256.New(), want: digest}, blob, nil
}

// verifyingReader hashes what it reads and checks the digest at end of file.
type verifyingReader struct {
	r    io.Reader
	c    io.Closer
	h    hash.Hash
	want string
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if errors.Is(err, io.EOF) && hex.EncodeToString(v.h.Sum(nil)) != v.want {
		return n, fmt.Errorf("%w: %s", ErrCorrupt, v.want)
	}
	return n, err
}

func (v *verifyingReader) Close() error { return v.c.Close() }

// Delete removes the document with the given digest, sealed or in clear
// (document.not_found when there is none). The ab/cd directories stay (there
// are at most 65,536 of them), so that a concurrent Put never finds its
// directory removed under it.
func (s *Store) Delete(ctx context.Context, digest string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blobstore: delete: %w", err)
	}
	if !validDigest(digest) {
		return errBadDigest()
	}
	found := false
	for _, p := range []string{s.sealedPath(digest), s.legacyPath(digest)} {
		err := os.Remove(p)
		if err == nil {
			found = true
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blobstore: delete %s: %w", digest, err)
		}
	}
	if !found {
		return errNotFound()
	}
	return nil
}
