package ui

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/signintech/gopdf"
)

// FontCandidates are the usual Debian locations of TrueType fonts with CJK
// glyphs, tried in order when no font path is configured (install one with
// scripts/install-browser.sh: fonts-wqy-zenhei). PostScript-outline fonts
// such as Noto CJK are tried last: gopdf embeds TrueType outlines only.
func FontCandidates() []string {
	return []string{
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/arphic/uming.ttc",
		"/usr/share/fonts/truetype/arphic/ukai.ttc",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	}
}

// ErrNoFont says that no usable CJK font was found for the PDF letters.
var ErrNoFont = errors.New("no usable CJK TrueType font (set BEIAN_CJK_FONT or install fonts-wqy-zenhei)")

// fontSource finds and keeps the CJK font the first time a PDF is asked for.
type fontSource struct {
	path string
	mu   sync.Mutex
	data []byte
	used string
	err  error
	done bool
}

func newFontSource(path string) *fontSource { return &fontSource{path: path} }

// get returns the TrueType bytes of the font and the file it came from.
func (f *fontSource) get(ctx context.Context) ([]byte, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return f.data, f.used, f.err
	}
	paths := FontCandidates()
	if f.path != "" {
		paths = []string{f.path}
	}
	var errs []error
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			if f.path != "" {
				errs = append(errs, fmt.Errorf("font %s: %w", p, err))
			}
			continue
		}
		ttf, err := FirstFont(b)
		if err == nil {
			err = usable(ttf)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("font %s: %w", p, err))
			continue
		}
		f.data, f.used, f.done = ttf, p, true
		return ttf, p, nil
	}
	f.err, f.done = fmt.Errorf("%w: %w", ErrNoFont, errors.Join(errs...)), true
	return nil, "", f.err
}

// usable checks that gopdf can load the font and that it has CJK glyphs.
func usable(ttf []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font parser: %v", r)
		}
	}()
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := pdf.AddTTFFontData("cjk", ttf); err != nil {
		return err
	}
	if err := pdf.SetFont("cjk", "", 12); err != nil {
		return err
	}
	pdf.AddPage()
	if _, err := pdf.MeasureTextWidth("备案"); err != nil {
		return err
	}
	return nil
}

// FirstFont returns a standalone TrueType font: b itself when it is one, or
// the first font of a TrueType collection (.ttc), rebuilt with its own table
// directory, since gopdf reads single fonts only. It checks every offset and
// length against the input and never panics on bad bytes.
func FirstFont(b []byte) ([]byte, error) {
	if len(b) < 12 {
		return nil, errors.New("too short for a font")
	}
	tag := string(b[:4])
	if tag != "ttcf" {
		if tag == "\x00\x01\x00\x00" || tag == "true" || tag == "OTTO" {
			return b, nil
		}
		return nil, fmt.Errorf("not a TrueType font or collection (tag %q)", tag)
	}
	n := binary.BigEndian.Uint32(b[8:12])
	if n == 0 || n > 256 || len(b) < 12+4*int(n) {
		return nil, fmt.Errorf("bad collection header (%d fonts)", n)
	}
	off := int(binary.BigEndian.Uint32(b[12:16]))
	if off < 0 || off+12 > len(b) {
		return nil, errors.New("font offset out of range")
	}
	num := int(binary.BigEndian.Uint16(b[off+4 : off+6]))
	if num == 0 || num > 512 || off+12+16*num > len(b) {
		return nil, fmt.Errorf("bad table directory (%d tables)", num)
	}
	head := 12 + 16*num
	size := head
	type rec struct{ start, length int }
	recs := make([]rec, num)
	for i := range num {
		r := b[off+12+16*i:]
		start := int(binary.BigEndian.Uint32(r[8:12]))
		length := int(binary.BigEndian.Uint32(r[12:16]))
		if start < 0 || length < 0 || start > len(b) || length > len(b)-start {
			return nil, fmt.Errorf("table %q out of range", r[:4])
		}
		recs[i] = rec{start, length}
		size += (length + 3) &^ 3
	}
	out := make([]byte, head, size)
	copy(out, b[off:off+12])
	pos := head
	for i, rc := range recs {
		dir := out[12+16*i : 12+16*i+16]
		copy(dir, b[off+12+16*i:off+12+16*i+8]) // tag and checksum
		binary.BigEndian.PutUint32(dir[8:12], uint32(pos))
		binary.BigEndian.PutUint32(dir[12:16], uint32(rc.length))
		out = append(out, b[rc.start:rc.start+rc.length]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		pos = len(out)
	}
	return out, nil
}
