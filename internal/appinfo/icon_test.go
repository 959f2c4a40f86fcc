package appinfo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

// icon draws a w×h picture; noisy pictures compress badly, to reach a size.
func icon(w, h int, noisy bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: uint8(x), G: uint8(y), B: 0x80, A: 0xff}
			if noisy {
				c = color.NRGBA{R: uint8(rng.Uint32()), G: uint8(rng.Uint32()), B: uint8(rng.Uint32()), A: uint8(rng.Uint32())}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader is a PNG signature and an IHDR chunk claiming w×h, with a valid
// CRC, and no image data.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	var b bytes.Buffer
	b.Write(pngMagic)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestValidateIcon(t *testing.T) {
	small := encodePNG(t, icon(192, 192, false))
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, icon(512, 512, false), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	big := encodePNG(t, icon(256, 256, true)) // ~260 KB of noise
	var gifb bytes.Buffer
	if err := gif.Encode(&gifb, icon(16, 16, false), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		in     []byte
		code   string
		format string
	}{
		{name: "png", in: small, format: "png"},
		{name: "jpeg", in: jpg.Bytes(), format: "jpeg"},
		{name: "empty", in: nil, code: "icon.required"},
		{name: "too large", in: big, code: "icon.too_large"},
		{name: "exactly the limit", in: append(append([]byte{}, small...), make([]byte, MaxIconBytes-len(small))...), format: "png"},
		{name: "gif", in: gifb.Bytes(), code: "icon.format"},
		{name: "pdf", in: []byte("%PDF-1.7\n"), code: "icon.format"},
		{name: "png named by extension only", in: []byte("icon.png"), code: "icon.format"},
		{name: "truncated png", in: small[:len(small)/2], code: "icon.corrupt"},
		{name: "png header only", in: pngHeader(192, 192), code: "icon.corrupt"},
		{name: "huge claimed size", in: pngHeader(100000, 100000), code: "icon.dimensions"},
		{name: "truncated jpeg", in: jpg.Bytes()[:200], code: "icon.corrupt"},
		{name: "jpeg magic only", in: jpegMagic, code: "icon.corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ValidateIcon(tt.in)
			code := ""
			if len(r.Findings) > 0 {
				code = r.Findings[0].Code
				checkBilingual(t, code, r.Findings[0].MessageZH, r.Findings[0].MessageEN)
			}
			if code != tt.code || r.Valid != (tt.code == "") {
				t.Fatalf("ValidateIcon(%s) = %+v, want code %q", tt.name, r, tt.code)
			}
			if tt.format != "" && r.Info["format"] != tt.format {
				t.Errorf("format = %v, want %s", r.Info["format"], tt.format)
			}
			if r.Info["bytes"] != len(tt.in) {
				t.Errorf("bytes = %v, want %d", r.Info["bytes"], len(tt.in))
			}
		})
	}
	if len(big) <= MaxIconBytes {
		t.Fatalf("the noisy icon has only %d bytes; the too-large case tests nothing", len(big))
	}
	if r := ValidateIcon(small); r.Info["width"] != 192 || r.Info["height"] != 192 {
		t.Errorf("size = %v×%v", r.Info["width"], r.Info["height"])
	}
}
