package icpnum

import "testing"

func BenchmarkParseFiling(b *testing.B) {
	for _, in := range []string{"京ICP备2021000001号-1", "京ＩＣＰ备２０２１０００００１号&nbsp;－&nbsp;1"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseFiling(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFilingString(b *testing.B) {
	f, err := ParseFiling("京ICP备2021000001号-1")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = f.String()
	}
}

func BenchmarkParsePSB(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePSB("京公网安备 11010602005139号"); err != nil {
			b.Fatal(err)
		}
	}
}
