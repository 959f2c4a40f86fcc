package icpnum

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"京ICP备2021000001号-1", "京ICP备2021000001号-1"},
		{"B2-20080207", "B2-20080207"},
		{"０１２３４５６７８９", "0123456789"},
		{"ＩＣＰ ｉｃｐ", "ICPicp"},
		{"号－1", "号-1"},
		{"a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h\ufe58i\ufe63j", "a-b-c-d-e-f-g-h-i-j"},
		{" a\tb\nc\r\u00a0d\u3000e\u2002f\u202fg\u200bh\ufeffi", "abcdefghi"},
		{"a&nbsp;b&NBSP;c&#160;d&#xA0;e", "abcde"},
		{"a&amp;b", "a&amp;b"},
		{"&nb&nbsp;sp;x", "x"},
		{"&n bsp;x", "x"},
		{"＆nbsp;x", "x"},
		{"京公网安备 11010602005139号", "京公网安备11010602005139号"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %q -> %q", got, again)
			}
		})
	}
}
