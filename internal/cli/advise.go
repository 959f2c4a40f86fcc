package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/advisor"
	"github.com/beian/beian/internal/calendar"
	"github.com/beian/beian/internal/form"
)

const adviseUsage = "advise [--hosting mainland|hong-kong|overseas] [--commercial] [--nature N] [--foreign] [--start YYYY-MM-DD] [--json] [--lang zh|en]"

// adviseDefaults are the answers assumed for questions neither a flag nor
// the user answered; the output states each one it used.
var adviseDefaults = map[string]string{
	"hosting":    advisor.HostingMainland,
	"commercial": "false",
	"nature":     form.NatureEnterprise,
	"foreign":    "false",
}

// natureNames are the Chinese names of the natures for prompts and output.
var natureNames = map[string]string{
	form.NatureEnterprise:         "企业",
	form.NatureIndividual:         "个人",
	form.NatureGovernment:         "政府机关",
	form.NaturePublicInstitution:  "事业单位",
	form.NatureSocialOrganization: "社会团体",
	form.NatureOther:              "其他",
}

var hostingNames = map[string]string{
	advisor.HostingMainland: "中国大陆",
	advisor.HostingHongKong: "香港",
	advisor.HostingOverseas: "境外",
}

// runAdvise prints which of ICP filing, ICP licence and PSB filing a site
// needs, the documents and a dated timeline. On a terminal it asks the
// questions no flag answered; otherwise unanswered questions take defaults
// that the output states.
func runAdvise(env *Env, args []string) int {
	fs := newFlags(env, "advise", adviseUsage)
	hosting := fs.String("hosting", "", "where the site is hosted: mainland, hong-kong or overseas (default mainland)")
	commercial := fs.Bool("commercial", false, "the site is commercial (paid services, online trade)")
	nature := fs.String("nature", "", "entity nature: "+strings.Join(form.Natures, ", ")+" (default enterprise)")
	foreign := fs.Bool("foreign", false, "the entity is foreign-owned or the person is not a Mainland resident")
	start := fs.String("start", "", "the day you start (submit), YYYY-MM-DD (default today)")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	lang := fs.String("lang", "", "print only zh or en (default both)")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "beian advise: unexpected argument %q\n", pos[0])
		fs.Usage()
		return ExitUsage
	}
	if *lang != "" && *lang != "zh" && *lang != "en" {
		fmt.Fprintf(env.Stderr, "beian advise: --lang %q: want zh or en\n", *lang)
		return ExitUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	answers := map[string]string{
		"hosting": *hosting, "nature": *nature, "start": *start,
		"commercial": strconv.FormatBool(*commercial), "foreign": strconv.FormatBool(*foreign),
	}
	today := calendar.DateOf(env.Now())
	var assumed []string
	if env.Interactive && !*asJSON {
		p := &prompter{in: bufio.NewReader(env.Stdin), out: env.Stdout, lang: *lang}
		for _, q := range adviseQuestions(today) {
			if set[q.flag] {
				continue
			}
			a, answered := p.ask(q)
			answers[q.flag] = a
			if !answered {
				assumed = append(assumed, q.flag)
			}
		}
		fmt.Fprintln(env.Stdout)
	} else {
		for _, q := range []string{"hosting", "commercial", "nature", "foreign", "start"} {
			if !set[q] {
				assumed = append(assumed, q)
			}
		}
	}
	for k, v := range adviseDefaults {
		if answers[k] == "" {
			answers[k] = v
		}
	}
	in := advisor.Input{
		Hosting: answers["hosting"], Nature: answers["nature"],
		Commercial: answers["commercial"] == "true", Foreign: answers["foreign"] == "true",
		Start: today,
	}
	if s := answers["start"]; s != "" {
		d, err := calendar.ParseDate(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintf(env.Stderr, "beian advise: --start: %v\n", err)
			return ExitUsage
		}
		in.Start = d
	}
	plan, err := advisor.Advise(in, calendar.Default())
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian advise: %v\n", err)
		return ExitUsage
	}
	if assumed == nil {
		assumed = []string{}
	}
	if *asJSON {
		out := struct {
			advisor.Plan
			Assumed []string `json:"assumed"`
		}{plan, assumed}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(env.Stderr, "beian advise: %v\n", err)
			return ExitInvalid
		}
		return ExitOK
	}
	printPlan(env.Stdout, plan, assumed, *lang)
	return ExitOK
}

// question is one interactive question: the flag it stands for, the prompt,
// numbered choices (value, Chinese label) or a free answer, and a parser.
type question struct {
	flag    string
	prompt  advisor.Text
	choices [][2]string
	def     string
	parse   func(string) (string, bool)
}

func adviseQuestions(today calendar.Date) []question {
	yesNo := func(s string) (string, bool) {
		switch strings.ToLower(s) {
		case "y", "yes", "是", "true", "1":
			return "true", true
		case "n", "no", "否", "false", "0":
			return "false", true
		}
		return "", false
	}
	natures := make([][2]string, len(form.Natures))
	for i, n := range form.Natures {
		natures[i] = [2]string{n, natureNames[n]}
	}
	hostings := make([][2]string, len(advisor.Hostings))
	for i, h := range advisor.Hostings {
		hostings[i] = [2]string{h, hostingNames[h]}
	}
	return []question{
		{flag: "hosting", prompt: advisor.Text{ZH: "网站托管在哪里？", EN: "Where will the site be hosted?"}, choices: hostings, def: advisor.HostingMainland},
		{flag: "commercial", prompt: advisor.Text{ZH: "是否经营性网站（收费服务、在线交易）？[y/N]", EN: "Is the site commercial (paid services, online trade)? [y/N]"}, def: "false", parse: yesNo},
		{flag: "nature", prompt: advisor.Text{ZH: "主办者是什么性质？", EN: "What kind of entity runs the site?"}, choices: natures, def: form.NatureEnterprise},
		{flag: "foreign", prompt: advisor.Text{ZH: "主办者是否外资企业或非大陆居民？[y/N]", EN: "Is the entity foreign-owned, or the person not a Mainland resident? [y/N]"}, def: "false", parse: yesNo},
		{flag: "start", prompt: advisor.Text{ZH: "计划哪天开始提交（YYYY-MM-DD）？", EN: "When do you start (submit), YYYY-MM-DD?"}, def: today.String(),
			parse: func(s string) (string, bool) {
				d, err := calendar.ParseDate(s)
				return d.String(), err == nil
			}},
	}
}

// maxTries bounds how often a question is asked again after a bad answer.
const maxTries = 3

// prompter asks questions on out and reads answers from in.
type prompter struct {
	in   *bufio.Reader
	out  io.Writer
	lang string
	eof  bool
}

// ask returns the answer, and answered=false when the default was taken
// because input ended or every try was wrong (an empty line picks the
// default knowingly and counts as answered).
func (p *prompter) ask(q question) (string, bool) {
	for try := 0; try < maxTries && !p.eof; try++ {
		fmt.Fprintln(p.out, pick(q.prompt, p.lang, " / "))
		for i, c := range q.choices {
			fmt.Fprintf(p.out, "  %d) %s\n", i+1, pick(advisor.Text{ZH: c[1] + " (" + c[0] + ")", EN: c[0]}, p.lang, ""))
		}
		fmt.Fprintf(p.out, "%s [%s]: ", pick(advisor.Text{ZH: "默认", EN: "default"}, p.lang, "/"), q.def)
		line, err := p.in.ReadString('\n')
		if errors.Is(err, io.EOF) {
			p.eof = true
			if strings.TrimSpace(line) == "" {
				fmt.Fprintln(p.out)
				break
			}
		} else if err != nil {
			p.eof = true
			break
		}
		a := strings.TrimSpace(line)
		if a == "" {
			return q.def, true
		}
		if v, ok := q.answer(a); ok {
			return v, true
		}
		fmt.Fprintln(p.out, pick(advisor.Text{ZH: "无法识别的回答：" + a, EN: "cannot read the answer: " + a}, p.lang, " / "))
	}
	return q.def, false
}

// answer reads a reply: a choice number, a value, its Chinese name, or what parse accepts.
func (q question) answer(a string) (string, bool) {
	if q.parse != nil {
		return q.parse(a)
	}
	if n, err := strconv.Atoi(a); err == nil && n >= 1 && n <= len(q.choices) {
		return q.choices[n-1][0], true
	}
	for _, c := range q.choices {
		if strings.EqualFold(a, c[0]) || a == c[1] {
			return c[0], true
		}
	}
	return "", false
}

// pick renders a Text in one language, or both joined by sep ("" = one per line).
func pick(t advisor.Text, lang, sep string) string {
	switch lang {
	case "zh":
		return t.ZH
	case "en":
		return t.EN
	}
	if sep == "" {
		return t.ZH + " / " + t.EN
	}
	return t.ZH + sep + t.EN
}

// printPlan writes the plan as text, in both languages unless lang is set.
func printPlan(w io.Writer, p advisor.Plan, assumed []string, lang string) {
	T := func(zh, en string) string { return pick(advisor.Text{ZH: zh, EN: en}, lang, " / ") }
	lines := func(indent string, t advisor.Text) {
		if lang == "" {
			fmt.Fprintln(w, indent+t.ZH)
			fmt.Fprintln(w, indent+t.EN)
			return
		}
		fmt.Fprintln(w, indent+pick(t, lang, ""))
	}
	in := p.Input
	yn := func(b bool) string {
		if b {
			return T("是", "yes")
		}
		return T("否", "no")
	}
	fmt.Fprintln(w, T("备案顾问", "beian advisor"))
	fmt.Fprintf(w, "%s: %s=%s, %s=%s, %s=%s, %s=%s, %s=%s\n", T("输入", "input"),
		T("托管", "hosting"), in.Hosting, T("经营性", "commercial"), yn(in.Commercial),
		T("性质", "nature"), in.Nature, T("外资/外籍", "foreign"), yn(in.Foreign), T("开始", "start"), in.Start)
	if len(assumed) > 0 {
		fmt.Fprintf(w, "%s: %s\n", T("未指定，按默认值", "assumed (not given)"), strings.Join(describeAssumed(in, assumed), ", "))
	}
	fmt.Fprintf(w, "\n%s\n", T("需要办理", "What is needed"))
	for _, n := range []struct {
		name advisor.Text
		need advisor.Need
	}{
		{advisor.Text{ZH: "ICP备案", EN: "ICP filing"}, p.Filing},
		{advisor.Text{ZH: "ICP经营许可证", EN: "ICP licence"}, p.License},
		{advisor.Text{ZH: "公安联网备案", EN: "PSB filing"}, p.PSB},
	} {
		status := T("不需要", "not needed")
		switch {
		case n.need.Needed && !n.need.Eligible:
			status = T("需要，但当前主体不能申请", "needed, but this entity cannot obtain it")
		case n.need.Needed:
			status = T("需要", "needed")
		}
		fmt.Fprintf(w, "  %s: %s\n", pick(n.name, lang, " / "), status)
		lines("      ", n.need.Why)
	}
	if len(p.Documents) > 0 {
		fmt.Fprintf(w, "\n%s\n", T("材料", "Documents"))
		stage := ""
		for _, d := range p.Documents {
			if d.Stage != stage {
				stage = d.Stage
				fmt.Fprintf(w, "  %s:\n", stageName(stage, lang))
			}
			t := d.Name
			if d.Note != nil {
				t = advisor.Text{ZH: t.ZH + "（" + d.Note.ZH + "）", EN: t.EN + " (" + d.Note.EN + ")"}
			}
			fmt.Fprintf(w, "    - [%s] %s\n", d.Kind, pick(t, lang, "\n      "))
		}
	}
	fmt.Fprintf(w, "\n%s\n", T("时间表", "Timeline"))
	for _, s := range p.Timeline {
		mark := ""
		if s.Deadline {
			mark = " (" + T("最迟", "latest") + ")"
		}
		fmt.Fprintf(w, "  %s %s%s\n", s.Date, pick(s.Title, lang, " / "), mark)
		fmt.Fprintf(w, "             %s\n", pick(s.Basis, lang, " / "))
	}
	if len(p.Caveats) > 0 {
		fmt.Fprintf(w, "\n%s\n", T("注意", "Caveats"))
		for _, c := range p.Caveats {
			if lang == "" {
				fmt.Fprintf(w, "  - %s\n    %s\n", c.ZH, c.EN)
			} else {
				fmt.Fprintf(w, "  - %s\n", pick(c, lang, ""))
			}
		}
	}
}

func stageName(stage, lang string) string {
	switch stage {
	case advisor.StageFiling:
		return pick(advisor.Text{ZH: "ICP备案", EN: "ICP filing"}, lang, " / ")
	case advisor.StageLicense:
		return pick(advisor.Text{ZH: "ICP经营许可证", EN: "ICP licence"}, lang, " / ")
	case advisor.StagePSB:
		return pick(advisor.Text{ZH: "公安联网备案", EN: "PSB filing"}, lang, " / ")
	}
	return stage
}

// describeAssumed prints each assumed question with the value used.
func describeAssumed(in advisor.Input, assumed []string) []string {
	out := make([]string, 0, len(assumed))
	for _, a := range assumed {
		v := ""
		switch a {
		case "hosting":
			v = in.Hosting
		case "nature":
			v = in.Nature
		case "commercial":
			v = strconv.FormatBool(in.Commercial)
		case "foreign":
			v = strconv.FormatBool(in.Foreign)
		case "start":
			v = in.Start.String()
		}
		out = append(out, "--"+a+"="+v)
	}
	return out
}
