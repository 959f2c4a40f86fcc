package hostname

import "testing"

func BenchmarkNormalizeHostASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize("www.example.com.cn"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizeHostSlow(b *testing.B) {
	for _, in := range []string{"www.example.com.cn:443", "WWW.Example.COM:443", "www.例子.中国"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Normalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseHost(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("a.b.example.com.cn"); err != nil {
			b.Fatal(err)
		}
	}
}
