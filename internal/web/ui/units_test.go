package ui

import (
	"encoding/binary"
	"github.com/beian/beian/internal/operation"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/fixture"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/vocab"
)

func TestMakeSnippet(t *testing.T) {
	tests := []struct {
		name, icp, psb, icon string
		wantHTML             []string
		wantCodes            []string
		noHTML               bool
	}{
		{name: "website and psb", icp: "京ICP备2026000001号-1", psb: "京公网安备11010602005139号",
			wantHTML: []string{`<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">京ICP备2026000001号-1</a>`,
				`href="https://beian.mps.gov.cn/#/query/webSearch?code=11010602005139"`, `<img src="/beian-gongan.png"`, `京公网安备11010602005139号</a>`}},
		{name: "full-width digits normalised", icp: "京ICP备２０２６０００００１号－１",
			wantHTML: []string{">京ICP备2026000001号-1</a>"}},
		{name: "entity number outside Guangdong warns", icp: "京ICP备2026000001号",
			wantHTML: []string{">京ICP备2026000001号</a>"}, wantCodes: []string{"footer.entity_number"}},
		{name: "entity number in Guangdong is right", icp: "粤ICP备2026000001号", wantHTML: []string{">粤ICP备2026000001号</a>"}},
		{name: "empty", icp: "", noHTML: true, wantCodes: []string{"footer.icp_required"}},
		{name: "not a number", icp: "hello", noHTML: true},
		{name: "script in icon refused", icp: "京ICP备2026000001号-1", psb: "11010602005139", icon: `javascript:alert(1)`,
			wantHTML: []string{`src="/beian-gongan.png"`}, wantCodes: []string{"footer.bad_icon"}},
		{name: "quote in icon escaped", icp: "京ICP备2026000001号-1", psb: "11010602005139", icon: `/a".png`,
			wantHTML: []string{`src="/a&#34;.png"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := MakeSnippet(tc.icp, tc.psb, tc.icon)
			if tc.noHTML != (s.HTML == "") {
				t.Fatalf("HTML = %q", s.HTML)
			}
			for _, w := range tc.wantHTML {
				if !strings.Contains(s.HTML, w) {
					t.Errorf("HTML lacks %q:\n%s", w, s.HTML)
				}
			}
			for _, c := range tc.wantCodes {
				if !slices.ContainsFunc(s.Findings, func(f finding.Finding) bool { return f.Code == c }) {
					t.Errorf("no finding %s in %+v", c, s.Findings)
				}
			}
			if tc.noHTML && !finding.HasError(s.Findings) {
				t.Errorf("no error finding for %q", tc.icp)
			}
		})
	}
}

func FuzzMakeSnippet(f *testing.F) {
	f.Add("京ICP备2026000001号-1", "11010602005139", "/x.png")
	f.Add("<script>", "\"'><", "javascript:x")
	f.Add("粤ICP备2026000001号", "", "")
	f.Fuzz(func(t *testing.T, icp, psb, icon string) {
		s := MakeSnippet(icp, psb, icon)
		if s.HTML == "" {
			return
		}
		if !strings.HasPrefix(s.HTML, "<div class=\"beian\">") || strings.Count(s.HTML, "<a ") > 2 ||
			strings.Contains(s.HTML, "<script") || strings.Contains(strings.ToLower(s.HTML), "javascript:") {
			t.Fatalf("unsafe snippet for %q %q %q:\n%s", icp, psb, icon, s.HTML)
		}
	})
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		maxEm float64
		lines int
		want  []string
	}{
		{"短标题", 10, 3, []string{"短标题"}},
		{"一二三四五六七八九十", 4, 3, []string{"一二三四", "五六七八", "九十"}},
		{"provider review done", 8, 3, []string{"provider", "review done"}},
		{"一二三四五六七八九十一二三四五", 4, 2, []string{"一二三四", "五六七…"}},
		{"", 5, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := wrap(tc.in, tc.maxEm, tc.lines); !slices.Equal(got, tc.want) {
				t.Errorf("wrap(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzWrap(f *testing.F) {
	f.Add("提交备案申请 submit the filing", 5.0, 3)
	f.Fuzz(func(t *testing.T, s string, maxEm float64, n int) {
		if maxEm < 1 || maxEm > 100 || n < 1 || n > 10 {
			return
		}
		lines := wrap(s, maxEm, n)
		if len(lines) > n {
			t.Fatalf("%d lines, max %d", len(lines), n)
		}
		for _, l := range lines[:max(0, len(lines)-1)] {
			if textWidth(l) > maxEm+1 && len([]rune(l)) > 1 {
				t.Fatalf("line %q wider than %v", l, maxEm)
			}
		}
	})
}

func TestTimelineEscapesAndOrders(t *testing.T) {
	l := Lang{Code: LangEN, cat: Catalogue{"timeline.label": "Timeline", "timeline.today": "today"}}
	d := calendar.NewDate(2026, 3, 2)
	svg := string(timelineSVG([]tlEvent{{Date: d.AddDays(5), Label: "later"}, {Date: d, Label: `<script>alert("x")</script>`, Done: true},
		{Date: d.AddDays(2), Label: "due", Deadline: true, Alert: true}}, d.AddDays(1), l))
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("label not escaped:\n%s", svg)
	}
	if i, j := strings.Index(svg, "2026-03-02"), strings.Index(svg, "2026-03-07"); i < 0 || j < i {
		t.Errorf("events not in date order:\n%s", svg)
	}
	if !strings.Contains(svg, "today") || !strings.Contains(svg, `fill="#c62828"`) || !strings.Contains(svg, "<path") {
		t.Errorf("today mark, missed deadline or diamond missing:\n%s", svg)
	}
	if timelineSVG(nil, d, l) != template.HTML("") {
		t.Error("empty timeline is not empty")
	}
}

func TestBarChart(t *testing.T) {
	svg := string(barChart("Queue <1>", []bar{{"03-02", 2, 1}, {"03-03", 0, 0}}, "waiting", "late"))
	if !strings.Contains(svg, "Queue &lt;1&gt;") || strings.Count(svg, "<rect") != 4 || !strings.Contains(svg, ">3</text>") {
		t.Errorf("chart:\n%s", svg)
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in     string
		spaces bool
		want   []string
	}{
		{"a.cn\nb.cn", true, []string{"a.cn", "b.cn"}},
		{"a.cn, b.cn；c.cn、d.cn", true, []string{"a.cn", "b.cn", "c.cn", "d.cn"}},
		{"1.2.3.4 5.6.7.8", true, []string{"1.2.3.4", "5.6.7.8"}},
		{"综合门户, 博客 网站", false, []string{"综合门户", "博客 网站"}},
		{"  \n ,", true, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := splitList(tc.in, tc.spaces); !slices.Equal(got, tc.want) {
				t.Errorf("splitList(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzSplitList(f *testing.F) {
	f.Add("a.cn\nb.cn, c.cn", true)
	f.Fuzz(func(t *testing.T, s string, spaces bool) {
		for _, p := range splitList(s, spaces) {
			if p == "" || strings.ContainsAny(p, "\n,;，；、") || (spaces && strings.ContainsAny(p, " \t")) {
				t.Fatalf("bad item %q from %q", p, s)
			}
		}
	})
}

func TestApplyKeepsDomainDetails(t *testing.T) {
	c := form.Content{Websites: []form.Website{{Domains: []form.Domain{{Name: "a.cn", Holder: "某公司"}}}}}
	first, _ := operation.Default().Get(operation.FirstFiling)
	site := serviceGroups(specEnv{op: first, voc: vocab.Default()}, &c, 0, Lang{})[0].specs
	vals := url.Values{"websites[0].domains": {"a.cn\nb.cn"}, "websites[0].name": {" 名称 "}, "websites[0].access.ips": {"198.51.100.7, 198.51.100.8"}}
	apply(&c, site, vals)
	w := c.Websites[0]
	if len(w.Domains) != 2 || w.Domains[0].Holder != "某公司" || w.Domains[1].Name != "b.cn" || w.Name != "名称" || len(w.Access.IPs) != 2 {
		t.Errorf("apply: %+v", w)
	}
}

func TestTakePlacesFindings(t *testing.T) {
	fs := []finding.Finding{{Field: "websites[0].domains[1]"}, {Field: "websites[0].domains.holder"}, {Field: "websites[0].name"},
		{Field: "websites[0].domains_x"}, {Field: "websites"}}
	got := take(&fs, "websites[0].domains")
	if len(got) != 2 || len(fs) != 3 {
		t.Errorf("took %+v, left %+v", got, fs)
	}
}

func TestQueueSeries(t *testing.T) {
	cal := calendar.Default()
	at := func(d calendar.Date) time.Time { return d.Time().Add(3 * time.Hour) }
	mon := calendar.NewDate(2026, 3, 2) // Monday
	late := &filing.Application{History: []filing.History{
		{To: filing.StatusProviderReview, At: at(mon)},
		{From: filing.StatusProviderReview, To: filing.StatusSMSVerification, At: at(mon.AddDays(3))}, // Thursday: due Wednesday
	}}
	onTime := &filing.Application{History: []filing.History{
		{To: filing.StatusProviderReview, At: at(mon)},
		{From: filing.StatusProviderReview, To: filing.StatusRejected, At: at(mon.AddDays(1))},
	}}
	open := &filing.Application{History: []filing.History{{To: filing.StatusProviderReview, At: at(mon.AddDays(2))}}}
	pts := queueSeries([]*filing.Application{late, onTime, open}, cal, mon.AddDays(4), 5)
	if len(pts) != 5 || pts[0].Day != mon || pts[4].Day != mon.AddDays(4) {
		t.Fatalf("days: %+v", pts)
	}
	want := []dayPoint{
		{Day: mon, Waiting: 2},
		{Day: mon.AddDays(1), Waiting: 1, OnTime: 1},
		{Day: mon.AddDays(2), Waiting: 2},
		{Day: mon.AddDays(3), Waiting: 1, Late: 1},
		{Day: mon.AddDays(4), Waiting: 1},
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("day %s: %+v, want %+v", pts[i].Day, pts[i], want[i])
		}
	}
}

// ttf builds a minimal sfnt with the given tables, for FirstFont tests.
func sfnt(tables map[string][]byte, base int) []byte {
	tags := make([]string, 0, len(tables))
	for k := range tables {
		tags = append(tags, k)
	}
	slices.Sort(tags)
	head := 12 + 16*len(tags)
	dir := make([]byte, head)
	copy(dir, "\x00\x01\x00\x00")
	binary.BigEndian.PutUint16(dir[4:], uint16(len(tags)))
	var data []byte
	for i, tag := range tags {
		r := dir[12+16*i:]
		copy(r, tag)
		binary.BigEndian.PutUint32(r[8:], uint32(base+head+len(data)))
		binary.BigEndian.PutUint32(r[12:], uint32(len(tables[tag])))
		data = append(data, tables[tag]...)
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
	}
	return append(dir, data...)
}

func TestFirstFont(t *testing.T) {
	tables := map[string][]byte{"cmap": []byte("CMAPDATA1"), "glyf": []byte("GLYF")}
	single := sfnt(tables, 0)
	got, err := FirstFont(single)
	if err != nil || string(got) != string(single) {
		t.Fatalf("single font: %v", err)
	}
	// A collection of one font whose tables live after the TTC header.
	const hdr = 16
	inner := sfnt(tables, hdr)
	ttc := append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), inner...)
	out, err := FirstFont(ttc)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(single) {
		t.Errorf("extracted font differs:\n%x\n%x", out, single)
	}
	for name, bad := range map[string][]byte{
		"short":        []byte("ttcf"),
		"no fonts":     []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x00"),
		"offset":       []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\xff\xff\xff\xf0"),
		"unknown tag":  []byte("wOFFxxxxxxxxxxxx"),
		"table beyond": append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), inner[:len(inner)-8]...),
	} {
		if _, err := FirstFont(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzFirstFont(f *testing.F) {
	tables := map[string][]byte{"cmap": []byte("CMAPDATA1"), "glyf": []byte("GLYF")}
	f.Add(append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), sfnt(tables, 16)...))
	f.Add(sfnt(tables, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := FirstFont(b)
		if err == nil && len(out) < 12 {
			t.Fatalf("font of %d bytes", len(out))
		}
	})
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"/dashboard": "/dashboard", "//evil.example": "", "/\\evil": "", "https://x": "", "": "", "/a\nb": "",
		"/\t/evil.example": "", "/\r/evil.example": "", "/%09/evil.example": "/%09/evil.example", "/applications/7?step=review": "/applications/7?step=review"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlaceUnderShowsBlockFindingsAtTheirFirstInput(t *testing.T) {
	secs := []section{{Fields: []Field{{Name: "websites[1].name"}, {Name: "websites[1].principal.legal_representative.name"},
		{Name: "websites[1].principal.legal_representative.id_number"}, {Name: "websites[1].app.platforms[0].platform"}}}}
	for field, at := range map[string]int{"websites[1].principal.legal_representative": 1, "websites[1].app.platforms": 3, "websites[1].app": 3} {
		if !placeUnder(secs, finding.Finding{Field: field}) {
			t.Errorf("%s not placed", field)
		}
		if n := len(secs[0].Fields[at].Findings); n == 0 || secs[0].Fields[at].Findings[n-1].Field != field {
			t.Errorf("%s not at %s", field, secs[0].Fields[at].Name)
		}
	}
	for _, field := range []string{"", "websites[2]", "websites[1].principal.legal", "entity"} {
		if placeUnder(secs, finding.Finding{Field: field}) {
			t.Errorf("%q placed", field)
		}
	}
}

func TestLetterNamesEveryServiceType(t *testing.T) {
	c := fixture.AppFiling(5)
	c.Websites = append(c.Websites, fixture.MiniProgram(5))
	_, lines := letterLines(LetterCommitment, &filing.Application{ID: 9, Content: &c}, "首次备案", false, calendar.NewDate(2026, 3, 2))
	got := map[string]string{}
	for _, l := range lines {
		got[l.Label] = l.Value
	}
	for label, want := range map[string]string{"网站1名称": c.Websites[0].Name, "首页网址": c.Websites[0].HomeURL, "App2名称": c.Websites[1].Name,
		"运行平台":   "android " + c.Websites[1].App.Platforms[0].ID + "、ios " + c.Websites[1].App.Platforms[1].ID,
		"小程序3名称": c.Websites[2].Name, "所在平台": "wechat " + c.Websites[2].MiniProgram.AppID} {
		if got[label] != want {
			t.Errorf("%s = %q, want %q", label, got[label], want)
		}
	}
	if v := got["App负责人"]; !strings.HasPrefix(v, c.Websites[1].Principal.Name+"（证件号码：") || strings.Contains(v, c.Websites[1].Principal.IDNumber) {
		t.Errorf("App principal line %q (the ID number is masked)", v)
	}
}
