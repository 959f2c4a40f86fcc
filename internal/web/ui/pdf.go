package ui

import (
	"bytes"
	"fmt"
	"github.com/beian/beian/internal/fault"
	"net/http"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"github.com/beian/beian/internal/auth"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/filing"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/secret"
)

// Letter kinds: the commitment letter (互联网信息服务备案承诺书) and the
// authenticity statement (ICP备案信息真实性承诺书), required under MIIT
// document No. 64 (Huawei Cloud, https://github.com/huaweicloud/huaweicloud-skills/blob/master/skills/cdi/assist/huawei-cloud-icp-process-guidance/kb/procedures/备案材料咨询.md). They are
// printed in Chinese whatever the UI language, filled with the application's
// data, to be signed by hand and uploaded as scans.
const (
	LetterCommitment   = "commitment"
	LetterAuthenticity = "authenticity"
)

// letterLine is one line of a letter; a label line is "label：value".
type letterLine struct {
	Label, Value string
	Gap          float64 // extra space before the line, in points
	Size         float64 // font size; 0 = body size
}

// letterLines lays out the text of a letter; showID says whether ID
// numbers are printed whole (the owner) or masked (reviewers); opName is the
// operation's Chinese name from the catalogue (letters are in Chinese).
func letterLines(kind string, app *filing.Application, opName string, showID bool, today calendar.Date) (title string, lines []letterLine) {
	c := app.Content
	if c == nil {
		c = &form.Content{}
	}
	id := func(s string) string {
		if showID {
			return s
		}
		return secret.MaskID(s)
	}
	e := c.Entity
	header := []letterLine{
		{Label: "主办单位名称", Value: e.Name},
		{Label: "主办单位性质", Value: form.NatureName(e.Nature)},
		{Label: "证件号码", Value: id(e.CertificateNumber)},
		{Label: "通信地址", Value: e.Address},
		{Label: "主体负责人", Value: e.Principal.Name + "（证件号码：" + id(e.Principal.IDNumber) + "）"},
		{Label: "接入服务单位", Value: app.Provider},
		{Label: "申请编号", Value: fmt.Sprintf("%d（%s）", app.ID, opName)},
	}
	for i, w := range c.Websites {
		var ds []string
		for _, d := range w.Domains {
			ds = append(ds, d.Name)
		}
		kind := w.Type().NameZH()
		header = append(header, letterLine{Label: fmt.Sprintf("%s%d名称", kind, i+1), Value: w.Name, Gap: 4})
		switch {
		case w.Type() == icpnum.ServiceWebsite:
			header = append(header, letterLine{Label: "域名", Value: strings.Join(ds, "、")}, letterLine{Label: "首页网址", Value: w.HomeURL})
		case w.App != nil:
			var ps []string
			for _, p := range w.App.Platforms {
				ps = append(ps, p.Platform+" "+p.ID)
			}
			header = append(header, letterLine{Label: "运行平台", Value: strings.Join(ps, "、")})
		case w.Hosted() != nil:
			header = append(header, letterLine{Label: "所在平台", Value: w.Hosted().Platform + " " + w.Hosted().AppID})
		}
		header = append(header, letterLine{Label: kind + "负责人", Value: w.Principal.Name + "（证件号码：" + id(w.Principal.IDNumber) + "）"})
	}
	var body []string
	switch kind {
	case LetterCommitment:
		title = "互联网信息服务备案承诺书"
		body = []string{
			"本单位（本人）郑重承诺：",
			"一、所提交的备案信息及材料真实、准确、完整，如有变更将在30日内办理变更手续；",
			"二、遵守《非经营性互联网信息服务备案管理办法》等法律法规，不利用网站从事违法违规活动；",
			"三、在网站首页底部中间位置显示备案号，并链接至 https://beian.miit.gov.cn/；",
			"四、网站开通之日起30日内办理公安联网备案；",
			"五、未取得相关主管部门前置审批的，不从事需前置审批的互联网信息服务。",
			"如违反上述承诺，愿意承担相应的法律责任。",
		}
	default:
		title = "ICP备案信息真实性承诺书"
		body = []string{
			"本单位（本人）已知悉备案信息须真实有效，承诺：",
			"一、上述主办单位、负责人、网站及域名信息均真实有效，证件在有效期内；",
			"二、负责人本人知晓并同意办理本次备案，手机号码可正常接收核验短信；",
			"三、域名由主办单位合法持有，网站内容与备案信息一致；",
			"四、提供虚假信息的，接入服务单位及通信管理局可注销备案并依法处理。",
		}
	}
	for i, b := range body {
		gap := 0.0
		if i == 0 {
			gap = 12
		}
		lines = append(lines, letterLine{Value: b, Gap: gap})
	}
	lines = append(header, lines...)
	lines = append(lines,
		letterLine{Label: "主办单位（盖章）/ 负责人签字", Value: "", Gap: 36},
		letterLine{Label: "日期", Value: fmt.Sprintf("%d年%d月%d日", today.Year(), month(today), day(today)), Gap: 12},
	)
	return title, lines
}

func month(d calendar.Date) int { _, m, _ := d.Civil(); return int(m) }
func day(d calendar.Date) int   { _, _, dd := d.Civil(); return dd }

// renderLetter writes the PDF of a letter with the CJK font ttf.
func renderLetter(ttf []byte, title string, lines []letterLine, created time.Time) ([]byte, error) {
	const left, right, top, bottom, body = 64.0, 64.0, 72.0, 64.0, 11.5
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "beian", CreationDate: created})
	if err := pdf.AddTTFFontData("cjk", ttf); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	pdf.AddPage()
	width := gopdf.PageSizeA4.W - left - right
	if err := pdf.SetFont("cjk", "", 18); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	tw, err := pdf.MeasureTextWidth(title)
	if err != nil {
		return nil, fmt.Errorf("pdf title: %w", err)
	}
	pdf.SetXY(left+(width-tw)/2, top)
	if err := pdf.Cell(nil, title); err != nil {
		return nil, fmt.Errorf("pdf title: %w", err)
	}
	y := top + 40
	if err := pdf.SetFont("cjk", "", body); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	for _, l := range lines {
		y += l.Gap
		text := l.Value
		if l.Label != "" {
			text = l.Label + "：" + l.Value
		}
		parts, err := pdf.SplitText(text, width)
		if err != nil {
			return nil, fmt.Errorf("pdf text: %w", err)
		}
		for _, p := range parts {
			if y > gopdf.PageSizeA4.H-bottom {
				pdf.AddPage()
				y = top
			}
			pdf.SetXY(left, y)
			if err := pdf.Cell(nil, p); err != nil {
				return nil, fmt.Errorf("pdf text: %w", err)
			}
			y += body * 1.7
		}
	}
	var buf bytes.Buffer
	if err := pdf.Write(&buf); err != nil {
		return nil, fmt.Errorf("pdf write: %w", err)
	}
	return buf.Bytes(), nil
}

// letter serves a letter as a PDF.
func (u *UI) letter(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := appID(r)
	if err != nil {
		return err
	}
	kind := strings.TrimSuffix(r.PathValue("kind"), ".pdf")
	if kind != LetterCommitment && kind != LetterAuthenticity {
		return &pageError{kind: fault.NotFound, key: "err.not_found"}
	}
	app, err := u.fil.Get(r.Context(), *rq.user, id)
	if err != nil {
		return err
	}
	ttf, _, err := u.fonts.get(r.Context())
	if err != nil {
		u.log.WarnContext(r.Context(), "pdf font missing", "err", err)
		return &pageError{kind: fault.Unavailable, key: "err.no_font"}
	}
	now := u.fil.Now()
	zh := Lang{Code: LangZH, cat: u.cats[LangZH]}
	title, lines := letterLines(kind, app, zh.T(u.op(app.Operation).I18nKey()), rq.user.Role == auth.RoleApplicant, calendar.DateOf(now))
	b, err := renderLetter(ttf, title, lines, now)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=\"%s-%d.pdf\"", kind, app.ID))
	_, err = w.Write(b)
	return err
}
