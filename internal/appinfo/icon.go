package appinfo

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"

	"github.com/beian/beian/internal/finding"
)

// MaxIconBytes: the filing system takes an App icon of at most 100 KB
// ("额外需要准备一张100k以内App图标的图片",
// https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/App备案咨询.md).
const MaxIconBytes = 100 * 1024

// maxIconSide bounds the decoded width and height, so that a small file
// cannot claim a huge picture and make decoding allocate gigabytes (2048²
// RGBA is 16 MiB). App store icons are 1024 px at most.
const maxIconSide = 2048

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xff, 0xd8, 0xff}
)

// ValidateIcon checks an App icon: present, at most MaxIconBytes, a PNG or
// JPEG by its magic bytes (not by a file name), a sane size in pixels, and
// an image that decodes completely. Info holds format, bytes, width and
// height.
func ValidateIcon(b []byte) finding.Result {
	info := map[string]any{"bytes": len(b)}
	bad := func(code, zh, en string) finding.Result {
		return finding.Result{Info: info, Findings: []finding.Finding{finding.Errorf(code, zh, en)}}.Finish()
	}
	if len(b) == 0 {
		return bad("icon.required", "未上传App图标", "no App icon was uploaded")
	}
	if len(b) > MaxIconBytes {
		return bad("icon.too_large",
			"App图标为"+strconv.Itoa(len(b))+"字节，超过100 KB（102400字节）上限",
			"the App icon has "+strconv.Itoa(len(b))+" bytes, more than the 100 KB (102,400 bytes) limit")
	}
	var (
		decodeConfig func(*bytes.Reader) (image.Config, error)
		decode       func(*bytes.Reader) (image.Image, error)
	)
	switch {
	case bytes.HasPrefix(b, pngMagic):
		info["format"] = "png"
		decodeConfig = func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }
		decode = func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }
	case bytes.HasPrefix(b, jpegMagic):
		info["format"] = "jpeg"
		decodeConfig = func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }
		decode = func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }
	default:
		return bad("icon.format", "App图标须为PNG或JPEG图片", "the App icon must be a PNG or JPEG image")
	}
	cfg, err := decodeConfig(bytes.NewReader(b))
	if err != nil {
		return bad("icon.corrupt", "App图标无法解码："+err.Error(), "the App icon does not decode: "+err.Error())
	}
	info["width"], info["height"] = cfg.Width, cfg.Height
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxIconSide || cfg.Height > maxIconSide {
		return bad("icon.dimensions",
			"App图标尺寸"+strconv.Itoa(cfg.Width)+"×"+strconv.Itoa(cfg.Height)+"不合理（每边1–2048像素）",
			"the App icon is "+strconv.Itoa(cfg.Width)+"×"+strconv.Itoa(cfg.Height)+" pixels; each side must be 1 to 2048")
	}
	if _, err := decode(bytes.NewReader(b)); err != nil {
		return bad("icon.corrupt", "App图标无法完整解码："+err.Error(), "the App icon does not decode completely: "+err.Error())
	}
	return finding.Result{Info: info}.Finish()
}
