package lookup

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
	"unsafe"
)

// The in-memory index is kept in a file beside the database between runs,
// so that a restart on an unchanged registry is ready in the time it takes
// to read the file instead of a full read of the registry (seconds for a
// million filings). The file holds the snapshot's slices as they lie in
// memory — the snapshot has no pointers, so that is all of it — under the
// registry version it was built from; it is used only when the database
// still has that version, so it can never answer for a registry that has
// changed since. A checksum over the whole guards against a torn or damaged
// file, which is then ignored (and rebuilt from the database).

// snapshotMagic starts every snapshot file; the "1" is the format, bumped
// with any change of the layout below or of the types it copies.
const snapshotMagic = "beian lookup snapshot 2\n"

// layout is the sizes of the copied types: a binary whose types differ
// (another Go release, another architecture) refuses the file.
var layout = [...]uint64{uint64(unsafe.Sizeof(ent{})), uint64(unsafe.Sizeof(site{})), uint64(unsafe.Sizeof(row{})), uint64(unsafe.Sizeof(ref{}))}

// raw views the memory of a slice of pointer-free values as bytes.
func raw[T any](x []T) []byte {
	if len(x) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x)*int(unsafe.Sizeof(z)))
}

func (s *snapshot) tables() []*table {
	return []*table{&s.byDomain, &s.bySite, &s.byEntity, &s.byLicence}
}

// writeSnapshot writes s to w with its checksum.
func writeSnapshot(w io.Writer, s *snapshot) error {
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	var hdr []byte
	hdr = append(hdr, snapshotMagic...)
	for _, v := range layout {
		hdr = binary.LittleEndian.AppendUint64(hdr, v)
	}
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(len(s.version)))
	hdr = append(hdr, s.version...)
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(s.built))
	for _, n := range []int{len(s.arena), len(s.ents), len(s.sites), len(s.rows), len(s.entSites), len(s.apps)} {
		hdr = binary.LittleEndian.AppendUint64(hdr, uint64(n))
	}
	for _, t := range s.tables() {
		hdr = binary.LittleEndian.AppendUint64(hdr, t.seed)
		hdr = binary.LittleEndian.AppendUint64(hdr, uint64(len(t.slots)))
	}
	parts := [][]byte{hdr, s.arena, raw(s.ents), raw(s.sites), raw(s.rows), raw(s.entSites), raw(s.apps)}
	for _, t := range s.tables() {
		parts = append(parts, raw(t.slots))
	}
	for _, p := range parts {
		if _, err := bw.Write(p); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// errSnapshot is a file that is not a snapshot this binary wrote whole.
var errSnapshot = errors.New("lookup: not a usable index snapshot")

// readSnapshot reads a file writeSnapshot wrote. want, when not "", is the
// registry version the caller needs: a file of another is refused after
// its header, without reading the rest.
func readSnapshot(r io.Reader, want string) (*snapshot, error) {
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	cr := &hashReader{r: bufio.NewReaderSize(r, 1<<20), h: crc}
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(cr, magic); err != nil || string(magic) != snapshotMagic {
		return nil, errSnapshot
	}
	u64 := func() uint64 {
		var b [8]byte
		if _, err := io.ReadFull(cr, b[:]); err != nil {
			return 1 << 63 // larger than any length: refused below
		}
		return binary.LittleEndian.Uint64(b[:])
	}
	for _, v := range layout {
		if u64() != v {
			return nil, fmt.Errorf("%w: another layout", errSnapshot)
		}
	}
	n := u64()
	if n > 1<<10 {
		return nil, errSnapshot
	}
	version := make([]byte, n)
	if _, err := io.ReadFull(cr, version); err != nil {
		return nil, errSnapshot
	}
	if want != "" && string(version) != want {
		return nil, fmt.Errorf("%w: registry version %s, the database has %s", errSnapshot, version, want)
	}
	s := &snapshot{version: string(version), built: time.Duration(u64())}
	var lens [6]uint64
	for i := range lens {
		if lens[i] = u64(); lens[i] > maxArena {
			return nil, errSnapshot
		}
	}
	s.arena, s.ents, s.sites = make([]byte, lens[0]), make([]ent, lens[1]), make([]site, lens[2])
	s.rows, s.entSites, s.apps = make([]row, lens[3]), make([]int32, lens[4]), make([]int32, lens[5])
	for _, t := range s.tables() {
		t.seed = u64()
		size := u64()
		if size == 0 || size > 1<<32 || size&(size-1) != 0 {
			return nil, errSnapshot
		}
		t.slots, t.mask = make([]int32, size), size-1
	}
	parts := [][]byte{s.arena, raw(s.ents), raw(s.sites), raw(s.rows), raw(s.entSites), raw(s.apps)}
	for _, t := range s.tables() {
		parts = append(parts, raw(t.slots))
	}
	for _, p := range parts {
		if _, err := io.ReadFull(cr, p); err != nil {
			return nil, fmt.Errorf("%w: %w", errSnapshot, err)
		}
	}
	sum := crc.Sum32()
	var b [4]byte
	if _, err := io.ReadFull(cr.r, b[:]); err != nil || binary.LittleEndian.Uint32(b[:]) != sum {
		return nil, fmt.Errorf("%w: checksum", errSnapshot)
	}
	return s, nil
}

// hashReader hashes what it reads.
type hashReader struct {
	r io.Reader
	h hash.Hash32
}

func (r *hashReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	return n, err
}

// saveSnapshot writes s to path through a temporary file renamed over it,
// so that a reader never sees half a file.
func saveSnapshot(path string, s *snapshot) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("lookup: snapshot: %w", err)
	}
	defer os.Remove(f.Name()) // fails once renamed
	if err := writeSnapshot(f, s); err != nil {
		f.Close()
		return fmt.Errorf("lookup: snapshot %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("lookup: snapshot %s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("lookup: snapshot: %w", err)
	}
	return nil
}

// loadSnapshot reads the snapshot file when it holds the registry's
// current version; nil when there is none or it does not.
func (h *Handler) loadSnapshot(ctx context.Context) *snapshot {
	path := h.opts.SnapshotFile
	if path == "" {
		return nil
	}
	start := time.Now()
	v, err := h.reg.Version(ctx)
	if err != nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			h.opts.Log.WarnContext(ctx, "lookup: snapshot unreadable; building from the database", "err", err)
		}
		return nil
	}
	defer f.Close()
	s, err := readSnapshot(f, v)
	if err != nil {
		h.opts.Log.InfoContext(ctx, "lookup: snapshot not used; building from the database", "file", path, "err", err)
		return nil
	}
	s.built = time.Since(start)
	return s
}
