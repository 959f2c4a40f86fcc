package icpnum

import (
	"errors"
	"testing"
)

func TestParseServiceNumber(t *testing.T) {
	tests := []struct {
		in, number string
		index      int
		typ        ServiceType
		code       string
	}{
		{"京ICP备2026000001号-1", "京ICP备2026000001号-1", 1, ServiceWebsite, ""},
		{"京ICP备2026000001号-2a", "京ICP备2026000001号-2A", 2, ServiceApp, ""},
		{"京ICP备2026059598号-1X", "京ICP备2026059598号-1X", 1, ServiceMiniProgram, ""},
		{"粤B2-20090059-1626X", "粤B2-20090059-1626X", 1626, ServiceMiniProgram, ""},
		{"浙B2-20080101-4", "浙B2-20080101-4", 4, ServiceWebsite, ""},
		{"京ICP备2026000001号", "", 0, "", CodeBadFormat},
		{"粤B2-20090059", "", 0, "", CodeBadFormat},
		{"京ICP备2026000001号-2Q", "", 0, "", CodeBadService},
		{"", "", 0, "", CodeEmpty},
	}
	for _, tt := range tests {
		n, i, typ, err := ParseServiceNumber(tt.in)
		code := ""
		var e Error
		if errors.As(err, &e) {
			code = e.Code
		} else if err != nil {
			t.Fatalf("%q: error %T %v", tt.in, err, err)
		}
		if n != tt.number || i != tt.index || typ != tt.typ || code != tt.code {
			t.Errorf("ParseServiceNumber(%q) = %q %d %q %q; want %q %d %q %q", tt.in, n, i, typ, code, tt.number, tt.index, tt.typ, tt.code)
		}
	}
}
