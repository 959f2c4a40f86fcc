package ui_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// iconPNG is a 48×48 App icon well under the 100 KB limit.
func iconPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for x := 0; x < 48; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(200 - x*2), uint8(80 + y*3), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
