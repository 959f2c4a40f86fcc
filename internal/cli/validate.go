package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/form"
	"github.com/beian/beian/internal/hostname"
	"github.com/beian/beian/internal/icpnum"
	"github.com/beian/beian/internal/ident"
	"github.com/beian/beian/internal/rules"
)

const validateUsage = `validate KIND VALUE [--json]
  KIND: id [--type resident_id|hk_macao_permit|taiwan_permit|passport|foreign_permanent_resident_id]
        uscc | domain | icp | psb | sitename [--nature N] [--domain D]
  exit 0 valid, 1 invalid, 2 usage`

// runValidate checks one value and prints the result: a summary, or with
// --json {"valid","normalized","findings","info"}.
func runValidate(env *Env, args []string) int {
	fs := newFlags(env, "validate", validateUsage)
	asJSON := fs.Bool("json", false, "print JSON")
	idType := fs.String("type", "", "for id: the ID type (default: detected from the value)")
	nature := fs.String("nature", form.NatureIndividual, "for sitename: entity nature ("+strings.Join(form.Natures, "|")+")")
	domain := fs.String("domain", "", "for sitename: the site's domain (the name may not be the domain)")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	if len(pos) < 2 {
		fmt.Fprintf(env.Stderr, "beian validate: need KIND and VALUE\nUsage: beian %s\n", validateUsage)
		return ExitUsage
	}
	kind, value := pos[0], strings.Join(pos[1:], " ")
	var res finding.Result
	switch kind {
	case "id":
		if *idType != "" && !contains(form.IDTypes, *idType) {
			fmt.Fprintf(env.Stderr, "beian validate id: --type %q is not one of %s\n", *idType, strings.Join(form.IDTypes, ", "))
			return ExitUsage
		}
		res = ident.Validate(*idType, value, env.Now())
	case "uscc":
		res = ident.ValidateUSCC(value)
	case "domain":
		res = hostname.Validate(value)
	case "icp":
		res = icpnum.Validate(value)
	case "psb":
		res = icpnum.ValidatePSB(value)
	case "sitename":
		if !contains(form.Natures, *nature) {
			fmt.Fprintf(env.Stderr, "beian validate sitename: --nature %q is not one of %s\n", *nature, strings.Join(form.Natures, ", "))
			return ExitUsage
		}
		res = rules.ValidateSiteName(value, *nature, *domain)
	default:
		fmt.Fprintf(env.Stderr, "beian validate: unknown KIND %q (id, uscc, domain, sitename, icp, psb)\n", kind)
		return ExitUsage
	}
	res = res.Finish()
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(env.Stderr, "beian validate: %v\n", err)
			return ExitInvalid
		}
	} else {
		printResult(env, kind, value, res)
	}
	if !res.Valid {
		return ExitInvalid
	}
	return ExitOK
}

func printResult(env *Env, kind, value string, res finding.Result) {
	if res.Valid {
		fmt.Fprintf(env.Stdout, "valid %s: %s%s\n", kind, res.Normalized, serviceNote(res.Info))
	} else {
		fmt.Fprintf(env.Stderr, "beian validate %s: %q is invalid\n", kind, value)
	}
	for _, f := range res.Findings {
		w := env.Stdout
		if f.Severity == finding.Error {
			w = env.Stderr
		}
		fmt.Fprintf(w, "  %-7s %s: %s / %s\n", f.Severity, f.Code, f.MessageZH, f.MessageEN)
	}
	for _, k := range sortedKeys(res.Info) {
		fmt.Fprintf(env.Stdout, "  %s: %v\n", k, res.Info[k])
	}
}

// serviceNote names the service a filing number covers, in both languages,
// for the summary line: " (mini-program, service 1 / 小程序, 第1个服务)".
// Other results give "".
func serviceNote(info map[string]any) string {
	en, _ := info["service_en"].(string)
	zh, _ := info["service_zh"].(string)
	if en == "" {
		return ""
	}
	return " (" + en + " / " + zh + ")"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
