package ui

import "context"

// FindFont looks the letters' CJK font up as the server does, for the
// external tests that skip when the machine has none.
func FindFont(ctx context.Context, path string) error {
	_, _, err := newFontSource(path).get(ctx)
	return err
}
