package footer

import "testing"

func BenchmarkPhaseBuild(b *testing.B) {
	page := benchPage(1 << 20)
	s := buildStream(page)
	b.Logf("text %d segs %d links %d", len(s.text), len(s.segs), len(s.links))
	for b.Loop() {
		buildStream(page)
	}
}
func BenchmarkPhaseRun(b *testing.B) {
	page := benchPage(1 << 20)
	s := buildStream(page)
	for b.Loop() {
		m := matcher{s: s}
		m.run()
	}
}
func BenchmarkPhaseUTF8(b *testing.B) {
	page := benchPage(1 << 20)
	for b.Loop() {
		toUTF8(page)
	}
}
