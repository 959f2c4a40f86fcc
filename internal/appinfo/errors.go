package appinfo

import (
	"strconv"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
)

// Error is what the parsers (ParsePackageName, ParseFingerprint,
// ParseSigningKey …) return: a stable finding code and both messages, so
// that callers can report it as a finding without translating.
type Error struct {
	Code string
	ZH   string
	EN   string
	// Warning marks an error that only warns (an app ID that does not look
	// like the platform's usual ones).
	Warning bool
}

func (e *Error) Error() string { return e.Code + ": " + e.EN }

// Finding is the error as a finding without a Field.
func (e *Error) Finding() finding.Finding {
	if e.Warning {
		return finding.Warnf(e.Code, e.ZH, e.EN)
	}
	return finding.Errorf(e.Code, e.ZH, e.EN)
}

func fail(code, zh, en string) *Error { return &Error{Code: code, ZH: zh, EN: en} }

// result turns a parser's outcome into a finding.Result.
func result(normalized string, err *Error, info map[string]any) finding.Result {
	r := finding.Result{Normalized: normalized, Info: info}
	if err != nil {
		r.Findings = []finding.Finding{err.Finding()}
	}
	return r.Finish()
}

// report collects findings with their Field.
type report struct{ fs []finding.Finding }

func (r *report) add(field string, f finding.Finding) {
	if f.Field == "" {
		f.Field = field
	} else if field != "" {
		f.Field = field + "." + f.Field
	}
	r.fs = append(r.fs, f)
}

func (r *report) addAll(field string, fs []finding.Finding) {
	for _, f := range fs {
		r.add(field, f)
	}
}

// list returns the findings, an empty (not nil) list when there are none,
// so that the JSON of a clean check is [].
func (r *report) list() []finding.Finding {
	if r.fs == nil {
		return []finding.Finding{}
	}
	return r.fs
}

func (r *report) errorf(field, code, zh, en string) { r.add(field, finding.Errorf(code, zh, en)) }

func (r *report) warnf(field, code, zh, en string) { r.add(field, finding.Warnf(code, zh, en)) }

// maxQuoted bounds how much of a user value a message repeats.
const maxQuoted = 64

// quote quotes a user value for a message, cut to maxQuoted characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return strconv.Quote(s)
}
