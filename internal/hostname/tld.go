package hostname

import (
	_ "embed"
	"strings"
)

// approvedData is the MIIT-approved TLD list; approved_tlds.txt records its
// sources and how dated it is.
//
//go:embed approved_tlds.txt
var approvedData string

// approvedTLDs is the set built from approvedData once at start; it is never
// modified afterwards.
var approvedTLDs = parseApproved(approvedData)

// parseApproved reads "a-label unicode source" lines, skipping comments.
func parseApproved(data string) map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.Fields(line)[0]] = true
	}
	return set
}

// ApprovedTLD reports whether the top-level domain of suffix is one MIIT has
// approved for use in the Mainland, so that a site under it can be filed.
// suffix may be a TLD or any name ending in one ("com.cn", ".中国",
// "example.xn--fiqs8s"), in A-label or Unicode form, any case. The embedded
// list is a dated snapshot (see approved_tlds.txt), so callers report a miss
// as a warning, not an error.
func ApprovedTLD(suffix string) bool {
	s := strings.TrimSpace(suffix)
	if !isASCII(s) { // also maps the full stops 。．｡ to "."
		a, err := profile.ToASCII(s)
		if err != nil {
			return false
		}
		s = a
	}
	tld := lastLabel(strings.Trim(s, "."))
	return approvedTLDs[strings.ToLower(tld)]
}

// ApprovedTLDs returns the embedded list of approved TLDs in A-label form, in
// file order, for documentation and the UI.
func ApprovedTLDs() []string {
	var out []string
	for _, line := range strings.Split(approvedData, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line)[0])
	}
	return out
}
