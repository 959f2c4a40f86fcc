package footer

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestResultJSON(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"empty page", "", `{"icp_filings":[],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":null,"psb_link":null,"hidden":[]}`},
		{"numbers and links", `<a href="https://beian.miit.gov.cn/?a=1&amp;b=2">京ICP备2021012345号-1</a>`,
			`{"icp_filings":["京ICP备2021012345号-1"],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":"https://beian.miit.gov.cn/?a=1\u0026b=2","psb_link":null,"hidden":[]}`},
		{"number in a comment", `<!-- 京ICP备2021012345号 -->`,
			`{"icp_filings":[],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":null,"psb_link":null,"hidden":[{"number":"京ICP备2021012345号","kind":"icp_filing","where":"html_comment"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(Extract([]byte(tt.page)))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

// res is shorthand for the expected numbers of one kind each.
type res struct {
	filings, licenses, operating, psb []string
	icpLink, psbLink                  string // "" means null
	hidden                            []Hidden
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		page string
		want res
	}{
		{"plain text", "京ICP备2021012345号-1", res{filings: []string{"京ICP备2021012345号-1"}}},
		{"php string holding markup is echoed", `<?php $icp = "<a href='https://beian.miit.gov.cn/'>湘ICP备17019987号</a>"; ?><footer><?php echo $icp; ?></footer>`,
			res{filings: []string{"湘ICP备17019987号"}, icpLink: "https://beian.miit.gov.cn/"}},
		{"php string without markup is server data", `<?php $help = '如：京公网安备 11010102002019号'; // 京ICP备12345678号 ?>`, res{}},
		{"php comment holding markup is skipped", `<?php /* $icp = "<a href='/'>湘ICP备17019987号</a>"; */ ?>`, res{}},
		{"markdown destination in angle brackets", "[沪ICP备2023019007号-2](<https://beian.miit.gov.cn>)",
			res{filings: []string{"沪ICP备2023019007号-2"}, icpLink: "https://beian.miit.gov.cn"}},
		{"markdown link on the digits after a psb label", "沪公网安备: [31010902002961号](http://www.beian.gov.cn/p?recordcode=31010902002961)",
			res{psb: []string{"沪公网安备31010902002961号"}, psbLink: "http://www.beian.gov.cn/p?recordcode=31010902002961"}},
		{"config link named for the number beats a nearer one", "x = {\n record: \"蜀ICP备20005033号-1\",\n recordLink: \"https://icp.example.com/\",\n cyberSecurityRecord: \"川公网安备 51110202000301号\",\n cyberSecurityLink:\n  \"http://www.beian.gov.cn/p\",\n}",
			res{filings: []string{"蜀ICP备20005033号-1"}, psb: []string{"川公网安备51110202000301号"}, icpLink: "https://icp.example.com/", psbLink: "http://www.beian.gov.cn/p"}},
		{"split across spans", `<span>京ICP备</span><span>20210</span><b>12345</b><i>号</i>`, res{filings: []string{"京ICP备2021012345号"}}},
		{"block break stops the suffix", `<p>京ICP备2021012345号</p><p>-2</p>`, res{filings: []string{"京ICP备2021012345号"}}},
		{"br stops the digits", `京ICP备20210<br>12345号`, res{}},
		{"newline inside the number is a space", "京ICP备\n2021012345\n号", res{filings: []string{"京ICP备2021012345号"}}},
		{"suffix with spaces around the dash", "京ICP备2021012345号 - 3", res{filings: []string{"京ICP备2021012345号-3"}}},
		{"a year after a dash is not a suffix", "京ICP备2021012345号 — 2024 版权所有", res{filings: []string{"京ICP备2021012345号"}}},
		{"suffix without 号", "京ICP备12345678-2", res{filings: []string{"京ICP备12345678号-2"}}},
		{"suffix then 号", "京ICP备12345678-2号", res{filings: []string{"京ICP备12345678号-2"}}},
		{"zero suffix falls back to the entity number", "京ICP备12345678号-0", res{filings: []string{"京ICP备12345678号"}}},
		{"lower case icp", "京icp备12345678号", res{filings: []string{"京ICP备12345678号"}}},
		{"label before the number", "ICP备案号：京ICP备12345678号", res{filings: []string{"京ICP备12345678号"}}},
		{"spaces everywhere", "沪 ICP 备 19006015 号", res{filings: []string{"沪ICP备19006015号"}}},
		{"digits split by a space, year after", "京ICP备12345678 2024", res{filings: []string{"京ICP备12345678号"}}},
		{"zero-width space inside", "京ICP备1234\u200b5678号", res{filings: []string{"京ICP备12345678号"}}},
		{"ideographic space and U+00A0", "京ICP备\u30001234\u00a05678号", res{filings: []string{"京ICP备12345678号"}}},
		{"entities for digits and dash", "京ICP备&#49;2345678号&#x2014;1", res{filings: []string{"京ICP备12345678号-1"}}},
		{"nbsp without semicolon", "京ICP备&nbsp12345678号", res{filings: []string{"京ICP备12345678号"}}},
		{"en dash and minus sign", "京ICP备12345678号–1 京ICP备12345679号−2", res{filings: []string{"京ICP备12345678号-1", "京ICP备12345679号-2"}}},
		{"Traditional licence", "京ICP證030173號", res{licenses: []string{"京ICP证030173号"}}},
		{"licence with site", "京ICP证030173号-1", res{licenses: []string{"京ICP证030173号-1"}}},
		{"operating licence B1 and B2", "B1-20090123 沪B2-20050023 浙B2-20080101-4", res{operating: []string{"B1-20090123", "沪B2-20050023", "浙B2-20080101-4"}}},
		{"B2 inside a word is not a licence", "AB2-20080207 SKU-B2-20080207", res{}},
		{"full-width operating licence", "京Ｂ２－２０２１２７３２", res{operating: []string{"京B2-20212732"}}},
		{"PSB with 号 and colon after the keyword", "京公网安备号：11010602005139", res{psb: []string{"京公网安备11010602005139号"}}},
		{"informal PSB label", "公安备案 31011202006203 号 | 公安备案号：京公网安备11010602005139号", res{psb: []string{"沪公网安备31011202006203号", "京公网安备11010602005139号"}}},
		{"PSB without province", "公网安备 51012402001727号", res{psb: []string{"川公网安备51012402001727号"}}},
		{"PSB province and code disagree", "京公网安备44010602003231号", res{}},
		{"PSB Traditional mixed", "粵公網安備 44010602003231號", res{psb: []string{"粤公网安备44010602003231号"}}},
		{"bare digits in an old PSB link", `<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11010602005139">11010602005139</a>`,
			res{psb: []string{"京公网安备11010602005139号"}, psbLink: "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11010602005139"}},
		{"bare digits elsewhere are not a number", `<a href="/about">11010602005139</a> 11010602005139`, res{}},
		{"placeholders", `粤ICP备xxxxxxxx号 京ICP备2021xxxxxx号 京ICP备2021****号 {{ icp }} ${icp} 京ICP备{{ n }}号 京ICP备XXXXXXXX号-1 京公网安备 xxxxxxxxxxxxxx号 B2-2021XXXX`, res{}},
		{"template expressions hide literals", `{{ "京ICP备12345678号" }} {% icp "京ICP备12345679号" %} ${'京ICP备12345670号'}`, res{}},
		{"server-side code", `<?php echo "京ICP备12345678号"; ?><% out.print("京ICP备12345679号"); %><%= "京ICP备12345670号" %>`, res{}},
		{"line comment after a closing quote", "icp: \"京ICP备12345678号\" // 旧号 京ICP备12345679号\n", res{filings: []string{"京ICP备12345678号"}}},
		{"a visible // between words is text", "<p>备案 // 京ICP备12345678号</p>", res{filings: []string{"京ICP备12345678号"}}},
		{"config sibling indented differently", "\trecord: '京ICP备12345678号',\n    recordLink: 'https://beian.miit.gov.cn/',\n  },\n}",
			res{filings: []string{"京ICP备12345678号"}, icpLink: "https://beian.miit.gov.cn/"}},
		{"config link of another object is not the number's", "  },\n\trecord: '京ICP备12345678号',\n  },\n  { recordLink: 'https://beian.miit.gov.cn/' }",
			res{filings: []string{"京ICP备12345678号"}}},
		{"component attributes it renders", `<uv-cell title="备案号" value="皖ICP备2023023087号-1X"></uv-cell><Cell label="京公网安备11010602005139号" />`,
			res{filings: []string{"皖ICP备2023023087号-1X"}, psb: []string{"京公网安备11010602005139号"}}},
		{"component placeholder and HTML value are not shown text", `<el-input placeholder="京ICP备12345678号"></el-input><input value="京ICP备12345679号"><option title="京ICP备12345670号">`, res{}},
		{"two component attributes do not join", `<van-cell title="京ICP备12345678号" value="-2"></van-cell>`, res{filings: []string{"京ICP备12345678号"}}},
		{"style, comment, template, title attribute", `<style>/*京ICP备12345679号*/</style><!-- 京ICP备12345670号 --><template>京ICP备12345671号</template><a title="京ICP备12345672号" href="x">link</a>`,
			res{hidden: []Hidden{{"京ICP备12345670号", KindICPFiling, "html_comment"}}}},
		{"script strings are what an app renders", `<script>var a="京ICP备12345678号"; // 京ICP备12345679号
/* 京ICP备12345670号 */</script>`, res{filings: []string{"京ICP备12345678号"}}},
		{"script end tag needs its name", `<script>if(a</b)t="京ICP备12345678号";if(c>d)x()</script>京ICP备12345679号`, res{filings: []string{"京ICP备12345678号", "京ICP备12345679号"}}},
		{"non-script script types are dropped", `<script type="text/plain">京ICP备12345678号</script>`, res{}},
		{"textarea and title are text", `<title>京ICP备12345678号</title><textarea>京ICP备12345679号</textarea>`, res{filings: []string{"京ICP备12345678号", "京ICP备12345679号"}}},
		{"noscript is visible", `<noscript>京ICP备12345678号</noscript>`, res{filings: []string{"京ICP备12345678号"}}},
		{"unterminated comment hides the rest", `京ICP备12345678号<!-- 京ICP备12345679号`,
			res{filings: []string{"京ICP备12345678号"}, hidden: []Hidden{{"京ICP备12345679号", KindICPFiling, "html_comment"}}}},
		{"unterminated tag at the end", `京ICP备12345678号<a href="x`, res{filings: []string{"京ICP备12345678号"}}},
		{"a literal less-than is text", `1 < 2 京ICP备12345678号`, res{filings: []string{"京ICP备12345678号"}}},
		{"link without href is no link", `<a name="x">京ICP备12345678号</a>`, res{filings: []string{"京ICP备12345678号"}}},
		{"link ends at </a>", `<a href="https://beian.miit.gov.cn/">备案</a>京ICP备12345678号`, res{filings: []string{"京ICP备12345678号"}}},
		{"link attributes in any order and case", `<A class=x HREF = 'https://beian.miit.gov.cn/' >京ICP备12345678号</A>`, res{filings: []string{"京ICP备12345678号"}, icpLink: "https://beian.miit.gov.cn/"}},
		{"unquoted href", `<a href=https://beian.miit.gov.cn/ target=_blank>京ICP备12345678号</a>`, res{filings: []string{"京ICP备12345678号"}, icpLink: "https://beian.miit.gov.cn/"}},
		{"quoted > inside an attribute", `<a title="a>b" href="https://beian.miit.gov.cn/">京ICP备12345678号</a>`, res{filings: []string{"京ICP备12345678号"}, icpLink: "https://beian.miit.gov.cn/"}},
		{"first linked ICP number gives the link", `京ICP证030173号 <a href="/x">京ICP备12345678号</a> <a href="/y">京ICP备12345679号</a>`,
			res{filings: []string{"京ICP备12345678号", "京ICP备12345679号"}, licenses: []string{"京ICP证030173号"}, icpLink: "/x"}},
		{"unknown province", "萌ICP备20220555号 X公网安备11010602005139号", res{psb: []string{"京公网安备11010602005139号"}}},
		{"UTF-8 page declared GBK is read as UTF-8", `<meta charset="gbk"><p>京ICP备12345678号</p>`, res{filings: []string{"京ICP备12345678号"}}},
		{"too many digits", "京ICP备123456789012345678901号", res{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract([]byte(tt.page))
			want := Result{
				ICPFilings:        orEmpty(tt.want.filings),
				ICPLicenses:       orEmpty(tt.want.licenses),
				OperatingLicenses: orEmpty(tt.want.operating),
				PSB:               orEmpty(tt.want.psb),
				ICPLink:           orNil(tt.want.icpLink),
				PSBLink:           orNil(tt.want.psbLink),
				Hidden:            tt.want.hidden,
			}
			if want.Hidden == nil {
				want.Hidden = []Hidden{}
			}
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				t.Errorf("Extract(%q)\n got: %s\nwant: %s", tt.page, gj, wj)
			}
			checkReparse(t, got)
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func TestMatches(t *testing.T) {
	page := `<p>© 2026 示例</p><p><a href="https://beian.miit.gov.cn/">京ICP备2021012345号-1</a> | ` +
		`京ICP备 2021012345 号-1 | <a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139"><img src="b.png">京公网安备11010602005139号</a></p>`
	got := Matches([]byte(page))
	want := []struct {
		kind   Kind
		number string
		text   string
		linked bool
		link   string
	}{
		{KindICPFiling, "京ICP备2021012345号-1", "京ICP备2021012345号-1", true, "https://beian.miit.gov.cn/"},
		{KindICPFiling, "京ICP备2021012345号-1", "京ICP备 2021012345 号-1", false, ""},
		{KindPSB, "京公网安备11010602005139号", "京公网安备11010602005139号", true, "https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d matches, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Number != w.number || g.Text != w.text || g.Linked != w.linked || g.Link != w.link {
			t.Errorf("match %d = %+v, want %+v", i, g, w)
		}
		if !strings.HasPrefix(page[g.Offset:], w.text[:3]) {
			t.Errorf("match %d: Offset %d points at %q, want the start of %q", i, g.Offset, page[g.Offset:min(len(page), g.Offset+12)], w.text)
		}
	}
	if Matches([]byte("no numbers here")) != nil {
		t.Error("Matches of a page without numbers is not nil")
	}
}

func TestMatchOffsetAfterEntity(t *testing.T) {
	page := "&copy;&nbsp;2026 &lt;示例&gt; 沪ICP备19006015号"
	m := Matches([]byte(page))
	if len(m) != 1 {
		t.Fatalf("got %d matches, want 1", len(m))
	}
	if !strings.HasPrefix(page[m[0].Offset:], "沪ICP备") {
		t.Errorf("Offset %d points at %q", m[0].Offset, page[m[0].Offset:])
	}
}
