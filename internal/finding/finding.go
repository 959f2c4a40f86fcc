// Package finding is the shared shape of a validation result: every validator
// (identifiers, numbers, hosts, site names, application checks) reports
// findings with a stable code, a severity and a message in Chinese and English,
// so that the CLI, the API and the UI print the same thing in either language.
package finding

// Severity says whether a finding blocks (error) or only informs a reviewer (warning).
type Severity string

const (
	// Error blocks a submission; a value with an error finding is invalid.
	Error Severity = "error"
	// Warning reaches the reviewer but does not block.
	Warning Severity = "warning"
)

// Finding is one observation about a value. Code is stable (for example
// "uscc.checksum"); Field names the input it is about (for example
// "entity.certificate_number"), empty when the value stands alone.
type Finding struct {
	Code      string   `json:"code"`
	Severity  Severity `json:"severity"`
	Field     string   `json:"field,omitempty"`
	MessageZH string   `json:"message_zh"`
	MessageEN string   `json:"message_en"`
}

// Result is what a validator returns for one value: the JSON printed by
// `beian validate KIND VALUE --json`.
type Result struct {
	Valid      bool           `json:"valid"`
	Normalized string         `json:"normalized"`
	Findings   []Finding      `json:"findings"`
	Info       map[string]any `json:"info"`
}

// New builds a finding.
func New(code string, sev Severity, zh, en string) Finding {
	return Finding{Code: code, Severity: sev, MessageZH: zh, MessageEN: en}
}

// Errorf is New with severity Error.
func Errorf(code, zh, en string) Finding { return New(code, Error, zh, en) }

// Warnf is New with severity Warning.
func Warnf(code, zh, en string) Finding { return New(code, Warning, zh, en) }

// HasError reports whether any finding has severity Error.
func HasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// WithField returns fs with Field set to field on every finding (prefixing an existing Field with "field.").
func WithField(field string, fs []Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		if f.Field == "" {
			f.Field = field
		} else {
			f.Field = field + "." + f.Field
		}
		out[i] = f
	}
	return out
}

// Finish fills Valid from the findings and makes nil slices and maps empty,
// so the JSON always has "findings":[] and "info":{}.
func (r Result) Finish() Result {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Info == nil {
		r.Info = map[string]any{}
	}
	r.Valid = !HasError(r.Findings)
	return r
}
