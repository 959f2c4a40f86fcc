package footer

import (
	"fmt"
	"strings"
	"testing"
)

// benchFooter is the footer of the synthetic page, with every kind of number.
const benchFooter = `<footer class="site-footer"><div class="container">
<p>Copyright &copy; 2014-2026 示例网络科技有限公司 版权所有</p>
<p>增值电信业务经营许可证：<a href="https://dxzhgl.miit.gov.cn/" target="_blank">京B2-20212732</a>
&nbsp;|&nbsp;<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">京ICP备2021012345号-1</a>
&nbsp;|&nbsp;京ICP证030173号</p>
<p><a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139" rel="noreferrer" target="_blank"><img src="/static/img/beian.png" alt="">京公网安备11010602005139号</a></p>
</div></footer>
<script>window.__STATE__={"icp":"京ICP备2021012345号-1"};</script>
</body></html>`

// benchPage builds a realistic page of at least size bytes: a head with CSS
// and inline JavaScript, then article cards mixing Chinese and ASCII text,
// links, images and comments, and the footer at the end.
func benchPage(size int) []byte {
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例网 - 首页</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font-family:"PingFang SC","Microsoft YaHei",sans-serif}.card{padding:12px;border:1px solid #eee}.card a:hover{color:#c00}</style>
<script>(function(){var d=document,s=d.createElement("script");s.src="https://hm.example.com/hm.js?abc";d.head.appendChild(s);for(var i=0;i<10;i++){if(i<5&&i>2){console.log("<b>"+i+"</b>")}}})();</script>
</head><body><header class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news/">新闻中心</a></li><li><a href="/about/">关于我们</a></li></ul></header><main>`)
	for i := 0; b.Len() < size-len(benchFooter); i++ {
		fmt.Fprintf(&b, `<div class="card col-md-4 col-sm-6" data-id="%d" data-track='{"pos":%d,"src":"home"}'>
<!-- card %d -->
<a href="/news/2026/%06d.html" title="第%d条新闻"><img src="https://img.example.com/thumb/%d.jpg" alt="新闻配图" loading="lazy" width="320" height="180"></a>
<h3><a href="/news/2026/%06d.html">示例网讯：城市数字化转型持续推进，第%d期项目顺利验收</a></h3>
<p class="summary">本报记者报道，截至今年第三季度，全市累计建成5G基站&nbsp;%d&nbsp;个，数据中心机架规模稳步增长。The project team said the platform handles 12,000 requests per second at peak &amp; remains stable.</p>
<span class="meta">2026-05-%02d 阅读 %d · 评论 %d</span></div>
`, i, i, i, i, i, i, i, i, i, i%28+1, i*37%10000, i%97)
	}
	b.WriteString(`</main>`)
	b.WriteString(benchFooter)
	return []byte(b.String())
}

// BenchmarkExtract1MiB measures Extract on a 1 MiB page with the footer at
// the end (target: ≤ 5 ms per page with -cpu=1).
func BenchmarkExtract1MiB(b *testing.B) {
	page := benchPage(1 << 20)
	r := Extract(page)
	if len(r.ICPFilings) != 1 || len(r.PSB) != 1 || len(r.OperatingLicenses) != 1 || len(r.ICPLicenses) != 1 {
		b.Fatalf("benchmark page: unexpected result %+v", r)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Extract(page)
	}
}

// BenchmarkExtractFooter measures Extract on a footer alone, the common
// case of the compliance scanner's second look.
func BenchmarkExtractFooter(b *testing.B) {
	page := []byte(benchFooter)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(page)
	}
}

// BenchmarkExtractDense measures pages made only of numbers in the shapes
// that make each number cost the most (Markdown links left unclosed,
// quoted config values, template literals, object literals), at two sizes:
// ns/op growing 4 times with the page shows that time stays linear. Run:
//
//	go test ./internal/footer -run XXX -bench ExtractDense -cpu 1
func BenchmarkExtractDense(b *testing.B) {
	units := []struct{ name, unit string }{
		{"markdown-unclosed", "[京ICP备12345678号]("},
		{"quoted", `"京ICP备12345678号 `},
		{"template-literal", "`京ICP备12345678号 "},
		{"object", `{icp: "京ICP备12345678号", `},
	}
	for _, u := range units {
		for _, size := range []int{256 << 10, 1 << 20} {
			page := []byte(strings.Repeat(u.unit, size/len(u.unit)+1))
			b.Run(fmt.Sprintf("%s/%dKiB", u.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					Extract(page)
				}
			})
		}
	}
}

// BenchmarkExtractAdversarial measures a 1 MiB page made of constructs that
// an unbounded search would make quadratic: unclosed <% and {{, links to the
// PSB query, anchors with no number after them.
func BenchmarkExtractAdversarial(b *testing.B) {
	unit := `<% {{ ${ <a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139">ICP备 公网安备 B2- 11010602005139 `
	page := []byte(strings.Repeat(unit, (1<<20)/len(unit)+1))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(page)
	}
}
