package blobstore

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/beian/beian/internal/secret"
)

// A sealed file is a header followed by chunks, so that a 4 MiB scan is
// sealed and opened in 64 KiB pieces instead of held whole in memory:
//
//	header  "BEIANDOC" 0x01 fileID[16]
//	chunk   secret.Box.Seal(plaintext[i*64 KiB : (i+1)*64 KiB], aad(fileID, i, last))
//
// Every chunk but the last holds exactly chunkSize bytes of plaintext; the
// last holds fewer (possibly none), so a file cut at a chunk boundary lacks
// its last chunk and is refused. The additional data binds each chunk to its
// file, its place and whether it is the last, so chunks cannot be reordered,
// dropped or moved between files; the digest check at the end of the read
// binds the plaintext to the name it was found under.
const (
	chunkSize = 64 << 10
	// sealOverhead is what secret.Box.Seal adds to a plaintext: a version
	// byte, a 12-byte nonce and a 16-byte GCM tag. The sealer checks it.
	sealOverhead = 1 + 12 + 16
	sealedChunk  = chunkSize + sealOverhead
	fileIDSize   = 16
)

var magic = []byte("BEIANDOC\x01")

const headerSize = 9 + fileIDSize

// chunkAAD is the additional data of chunk i of the file with id.
func chunkAAD(id []byte, i uint32, last bool) []byte {
	aad := make([]byte, 0, 32+fileIDSize)
	aad = append(aad, "beian/blobstore/v1:"...)
	aad = append(aad, id...)
	aad = binary.BigEndian.AppendUint32(aad, i)
	if last {
		return append(aad, 1)
	}
	return append(aad, 0)
}

// sealer writes a sealed file to w: Write buffers plaintext and seals full
// chunks, Close seals the last one. It does not close w.
type sealer struct {
	box *secret.Box
	w   io.Writer
	id  []byte
	i   uint32
	buf []byte
}

func newSealer(box *secret.Box, w io.Writer) (*sealer, error) {
	id := make([]byte, fileIDSize)
	_, _ = rand.Read(id) // crypto/rand.Read never fails
	if _, err := w.Write(append(append([]byte(nil), magic...), id...)); err != nil {
		return nil, fmt.Errorf("write header: %w", err)
	}
	return &sealer{box: box, w: w, id: id, buf: make([]byte, 0, chunkSize)}, nil
}

func (s *sealer) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(s.buf) == chunkSize {
			// More follows, so this full chunk is not the last.
			if err := s.seal(false); err != nil {
				return n, err
			}
		}
		k := copy(s.buf[len(s.buf):chunkSize], p)
		s.buf = s.buf[:len(s.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

// Close seals the last chunk: the buffered rest, or an empty chunk after a
// full one.
func (s *sealer) Close() error {
	if len(s.buf) == chunkSize {
		if err := s.seal(false); err != nil {
			return err
		}
	}
	return s.seal(true)
}

func (s *sealer) seal(last bool) error {
	out := s.box.Seal(s.buf, chunkAAD(s.id, s.i, last))
	if len(out) != len(s.buf)+sealOverhead {
		return fmt.Errorf("blobstore: sealed chunk is %d bytes for %d, want %d more", len(out), len(s.buf), sealOverhead)
	}
	if _, err := s.w.Write(out); err != nil {
		return fmt.Errorf("write chunk %d: %w", s.i, err)
	}
	s.i++
	s.buf = s.buf[:0]
	return nil
}

// opener reads the plaintext of a sealed file; any damage is ErrCorrupt.
type opener struct {
	box  *secret.Box
	r    io.Reader
	id   []byte
	i    uint32
	buf  []byte // plaintext of the current chunk not yet read
	raw  []byte
	done bool
	size int64 // the plaintext's length, from the file's
}

// newOpener reads the header of a sealed file of fileSize bytes.
func newOpener(box *secret.Box, r io.Reader, fileSize int64) (*opener, error) {
	n := fileSize - headerSize
	if n < sealOverhead || n%sealedChunk < sealOverhead {
		return nil, fmt.Errorf("%w: sealed file of %d bytes", ErrCorrupt, fileSize)
	}
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrCorrupt, err)
	}
	if !bytes.Equal(head[:len(magic)], magic) {
		return nil, fmt.Errorf("%w: not a sealed document", ErrCorrupt)
	}
	return &opener{box: box, r: r, id: head[len(magic):], raw: make([]byte, sealedChunk),
		size: n/sealedChunk*chunkSize + n%sealedChunk - sealOverhead}, nil
}

func (o *opener) Read(p []byte) (int, error) {
	for len(o.buf) == 0 {
		if o.done {
			return 0, io.EOF
		}
		if err := o.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, o.buf)
	o.buf = o.buf[n:]
	return n, nil
}

// next opens the following chunk; a short one is the last.
func (o *opener) next() error {
	n, err := io.ReadFull(o.r, o.raw)
	last := false
	switch {
	case err == nil:
	case errors.Is(err, io.ErrUnexpectedEOF):
		last = true
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: the last chunk is missing", ErrCorrupt)
	default:
		return fmt.Errorf("blobstore: read chunk %d: %w", o.i, err)
	}
	plain, err := o.box.Open(o.raw[:n], chunkAAD(o.id, o.i, last))
	if err != nil {
		return fmt.Errorf("%w: chunk %d: %w", ErrCorrupt, o.i, err)
	}
	o.buf, o.done = plain, last
	o.i++
	return nil
}
