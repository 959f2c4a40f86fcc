package ui_test

import (
	"testing"

	"github.com/beian/beian/internal/web/ui"
)

func TestNew(t *testing.T) {
	if _, err := ui.New(ui.Config{}); err != nil {
		t.Fatal(err)
	}
}
