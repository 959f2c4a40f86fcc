package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/rules"
)

// AttachIcons gives every App of the application that has no icon uploaded
// to it a generated one: a 64×64 PNG stored as an app_icon document, its
// reference written into the App, then the content saved (which re-runs
// the checks). An App's icon must be an upload of its own application, so
// Drive (the demo data, the tests' fixture) uploads one as an applicant
// would before submitting. Apps whose icon already names such an upload
// are left alone.
func (a *App) AttachIcons(ctx context.Context, owner auth.Principal, app *filing.Application) (*filing.Application, error) {
	if app.Content == nil {
		return app, nil
	}
	icons := map[string]bool{}
	for _, d := range app.Documents {
		if d.Kind == rules.KindAppIcon {
			icons[rules.DocumentRef(d.ID)] = true
		}
	}
	c := *app.Content
	c.Websites = append(c.Websites[:0:0], c.Websites...)
	changed := false
	for i := range c.Websites {
		w := &c.Websites[i]
		if w.Type() != icpnum.ServiceApp || w.App == nil || icons[w.App.Icon] {
			continue
		}
		b, err := generatedIcon(i)
		if err != nil {
			return app, err
		}
		blob, err := a.Blobs.Put(ctx, bytes.NewReader(b))
		if err != nil {
			return app, fmt.Errorf("icon of application %d: %w", app.ID, err)
		}
		doc, err := a.Filing.AddDocument(ctx, owner, app.ID, rules.KindAppIcon, blob)
		if err != nil {
			return app, fmt.Errorf("icon of application %d: %w", app.ID, err)
		}
		block := *w.App
		block.Icon = rules.DocumentRef(doc.ID)
		w.App = &block
		changed = true
	}
	if !changed {
		return app, nil
	}
	return a.Filing.Update(ctx, owner, app.ID, filing.CreateRequest{Operation: string(app.Operation), Provider: app.Provider,
		Entity: c.Entity, Websites: c.Websites, EntityNumber: c.EntityNumber, EffectiveDate: c.EffectiveDate})
}

// generatedIcon is a plain 64×64 PNG whose colour depends on n, so that
// two Apps of one order get different files.
func generatedIcon(n int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	fill := color.RGBA{R: uint8(40 + 53*n), G: uint8(120 + 31*n), B: 200, A: 255}
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, fill)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("generate an icon: %w", err)
	}
	return buf.Bytes(), nil
}
