package footer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExtract checks that Extract and Matches never panic, that every number
// they return is one icpnum parses and prints back unchanged, that offsets
// stay inside the page, and that Extract lists exactly the distinct numbers
// Matches finds.
func FuzzExtract(f *testing.F) {
	seeds := []string{
		"",
		"京ICP备2021012345号-1",
		`<span>京ICP备</span><span>2021012345号</span>－<b>2</b>`,
		`<a href="https://beian.mps.gov.cn/#/query/webSearch?code=51012402001727">51012402001727</a>`,
		"粵ICP備11018438號 滬公網安備31010402002252號 京ICP证030173号 京B2-20212732 B2-20080207 浙B2-20080101-4",
		"京ＩＣＰ备１２０１９４５８号&#65293;１０ &nbsp &#x; &#0; &#99999999999;",
		"<script>京ICP备12345678号</script><!-- --><!--><?php ?><% %><#if><@x>{{ }}${ }",
		"<a href='x'<a href=\"y\">京公网安备号：11010602005139</a></a>",
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.html"))
	for _, g := range golden {
		if b, err := os.ReadFile(g); err == nil {
			f.Add(b)
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		ms := Matches(page)
		decoded := toUTF8(page)
		distinct := make(map[string]bool)
		for _, m := range ms {
			if m.Offset < 0 || m.Offset > len(decoded) {
				t.Fatalf("offset %d outside the page (%d bytes)", m.Offset, len(decoded))
			}
			if !m.Linked && m.Link != "" {
				t.Fatalf("unlinked match with link %q", m.Link)
			}
			distinct[string(m.Kind)+" "+m.Number] = true
		}
		r := Extract(page)
		checkReparse(t, r)
		n := 0
		for kind, list := range map[Kind][]string{
			KindICPFiling: r.ICPFilings, KindICPLicense: r.ICPLicenses,
			KindOperatingLicense: r.OperatingLicenses, KindPSB: r.PSB,
		} {
			for _, num := range list {
				if !distinct[string(kind)+" "+num] {
					t.Fatalf("Extract lists %s %q that Matches did not find", kind, num)
				}
				n++
			}
		}
		if n != len(distinct) {
			t.Fatalf("Extract lists %d numbers, Matches found %d distinct", n, len(distinct))
		}
		// A link is text of the page (an href, a Markdown or config URL, a
		// resolved constant), possibly with references and escapes undone:
		// this catches stale link state.
		var cleaned string
		for _, l := range []*string{r.ICPLink, r.PSBLink} {
			if l == nil || strings.Contains(string(decoded), *l) {
				continue
			}
			if cleaned == "" {
				cleaned = cleanLink(decoded)
			}
			if !strings.Contains(cleaned, *l) {
				t.Fatalf("link %q is not in the page", *l)
			}
		}
	})
}
