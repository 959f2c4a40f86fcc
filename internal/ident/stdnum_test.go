package ident

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/beian/beian/internal/finding"
)

// cnLocCodes reads every code of python-stdnum's cn_loc.csv (any year).
func cnLocCodes(t testing.TB) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, row := range readCSV(t, sharedFile(t, "python-stdnum/cn_loc.csv")) {
		set[row["code"]] = true
	}
	return set
}

// stdnumErrorCodes maps python-stdnum's exception classes to the codes this
// package may give for the same input. stdnum checks the birth date before
// the checksum, as ParseResidentID does, so the mapping is one to one apart
// from InvalidFormat, which covers both our length and charset codes.
var stdnumErrorCodes = map[string][]string{
	"InvalidFormat":    {"id.bad_charset", "id.length"},
	"InvalidLength":    {"id.length"},
	"InvalidComponent": {"id.bad_date", "id.future_date"},
	"InvalidChecksum":  {"id.checksum"},
}

var pyDate = regexp.MustCompile(`^datetime\.date\((\d+), (\d+), (\d+)\)$`)
var pyProvince = regexp.MustCompile(`'province': '([^']+)'`)

// TestStdnumRIC checks every case of python-stdnum's test_cn_ric.doctest.
// get_birth_place differs by design: stdnum refuses a county code outside the
// years it was in use at the holder's birth, but the address code is the one
// of the household registration when the number was assigned (1999 for most
// people), so this package knows a code valid in ANY year and only warns
// (id.county_unknown) for a code that never existed. The expectation for
// those rows is therefore computed from cn_loc.csv, not from stdnum's verdict.
func TestStdnumRIC(t *testing.T) {
	rows := readCSV(t, sharedFile(t, "python-stdnum/ric_cases.csv"))
	everKnown := cnLocCodes(t)
	for i, row := range rows {
		fn, in, want := row["function"], row["input"], row["expected"]
		t.Run(fmt.Sprintf("%02d_%s_%s", i, fn, in), func(t *testing.T) {
			r := ValidateResidentID(in, testNow)
			switch fn {
			case "validate":
				if wantCodes, isErr := stdnumErrorCodes[want]; isErr {
					if r.Valid || len(r.Findings) != 1 || !contains(wantCodes, r.Findings[0].Code) {
						t.Fatalf("ValidateResidentID(%q) = valid %v %v, want one of %v (stdnum %s)", in, r.Valid, findingCodes(r), wantCodes, want)
					}
					return
				}
				if !r.Valid || r.Normalized != strings.Trim(want, "'") {
					t.Fatalf("ValidateResidentID(%q) = valid %v normalized %q %v, want valid %s", in, r.Valid, r.Normalized, findingCodes(r), want)
				}
			case "get_birth_date":
				m := pyDate.FindStringSubmatch(want)
				if m == nil {
					t.Fatalf("cannot read expected %q", want)
				}
				y, _ := strconv.Atoi(m[1])
				mo, _ := strconv.Atoi(m[2])
				d, _ := strconv.Atoi(m[3])
				wantDate := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
				if !r.Valid || r.Info["birth_date"] != wantDate {
					t.Fatalf("birth_date of %q = %v (valid %v %v), want %s", in, r.Info["birth_date"], r.Valid, findingCodes(r), wantDate)
				}
				p, err := ParseResidentID(Normalize(in), testNow)
				if err != nil || p.Birth().Format("2006-01-02") != wantDate {
					t.Fatalf("ParseResidentID(%q).Birth = %v, %v; want %s", in, p.Birth(), err, wantDate)
				}
			case "get_birth_place":
				if !r.Valid {
					t.Fatalf("ValidateResidentID(%q) invalid: %v", in, findingCodes(r))
				}
				known := everKnown[in[:6]]
				if r.Info["county_known"] != known || hasFinding(r, "id.county_unknown", finding.Warning) == known {
					t.Fatalf("%q: county_known %v findings %v, want county_known %v (cn_loc.csv any year)", in, r.Info["county_known"], findingCodes(r), known)
				}
				if want == "InvalidComponent" {
					return
				}
				m := pyProvince.FindStringSubmatch(want)
				if m == nil {
					t.Fatalf("cannot read expected %q", want)
				}
				if !known || r.Info["province"] != m[1] {
					t.Fatalf("%q: province %v known %v, want %s", in, r.Info["province"], known, m[1])
				}
			default:
				t.Fatalf("unknown function %q in ric_cases.csv", fn)
			}
		})
	}
}

// TestStdnumUSCC checks every corner case of python-stdnum's
// test_cn_uscc.doctest. stdnum insists on digits in positions 1–8; GB 32100
// allows the letter authorities A, N and Y, so its InvalidFormat only has to
// be matched by "invalid", whichever structural code says why.
func TestStdnumUSCC(t *testing.T) {
	want := map[string][]string{
		"InvalidLength":   {"uscc.length"},
		"InvalidFormat":   {"uscc.bad_charset", "uscc.bad_authority", "uscc.bad_category", "uscc.bad_division", "uscc.checksum"},
		"InvalidChecksum": {"uscc.checksum"},
	}
	for _, row := range readCSV(t, sharedFile(t, "python-stdnum/uscc_cases.csv")) {
		in, exp := row["input"], row["expected"]
		t.Run(in, func(t *testing.T) {
			r := ValidateUSCC(in)
			if exp == "valid" {
				if !r.Valid || len(r.Findings) != 0 || r.Normalized != strings.ReplaceAll(in, " ", "") {
					t.Fatalf("ValidateUSCC(%q) = valid %v %q %v, want valid without findings", in, r.Valid, r.Normalized, findingCodes(r))
				}
				return
			}
			codes, ok := want[exp]
			if !ok {
				t.Fatalf("unknown expectation %q", exp)
			}
			if r.Valid || len(r.Findings) != 1 || !contains(codes, r.Findings[0].Code) {
				t.Fatalf("ValidateUSCC(%q) = valid %v %v, want one of %v (stdnum %s)", in, r.Valid, findingCodes(r), codes, exp)
			}
		})
	}
}

// TestRealUSCC checks the 200 real codes python-stdnum lists as valid: each
// passes without any finding, its org-code part passes GB 11714, and the
// check character agrees with the naive reference implementation.
func TestRealUSCC(t *testing.T) {
	lines := readLines(t, sharedFile(t, "python-stdnum/uscc_valid_real.txt"))
	if len(lines) != 200 {
		t.Fatalf("uscc_valid_real.txt has %d codes, want 200", len(lines))
	}
	for _, code := range lines {
		t.Run(code, func(t *testing.T) {
			if refUSCC(code[:17]) != code[17] {
				t.Fatalf("reference check disagrees with the data for %s", code)
			}
			u, err := ParseUSCC(code)
			if err != nil || u.ChecksumException || !u.OrgCodeValid() {
				t.Fatalf("ParseUSCC(%s) = %+v, %v", code, u, err)
			}
			r := ValidateUSCC(code)
			if !r.Valid || len(r.Findings) != 0 || r.Info["division"] != code[2:8] || r.Info["org_code"] != code[8:16]+"-"+code[16:17] {
				t.Fatalf("ValidateUSCC(%s) = %+v", code, r)
			}
			if err := CheckOrgCode(code[8:17]); err != nil {
				t.Fatalf("CheckOrgCode(%s) = %v", code[8:17], err)
			}
			// The same code with any other check character is a plain checksum error.
			for _, c := range []byte(usccChars) {
				if c == code[17] {
					continue
				}
				bad := code[:17] + string(c)
				if _, err := ParseUSCC(bad); Code(err) != "uscc.checksum" {
					t.Fatalf("ParseUSCC(%s) = %v, want uscc.checksum", bad, err)
				}
			}
		})
	}
}

// TestNonConformingUSCC checks the real codes that fail GB 32100: each is
// valid with the warning uscc.checksum_exception, and the data's
// computed_check_char equals what our algorithm computes.
func TestNonConformingUSCC(t *testing.T) {
	rows := readCSV(t, sharedFile(t, "uscc-nonconforming/uscc_real_checksum_fail.csv"))
	for _, row := range rows {
		code := row["code"]
		t.Run(code, func(t *testing.T) {
			if got := string(refUSCC(code[:17])); got != row["computed_check_char"] || got == code[17:] {
				t.Fatalf("reference check %s, data says %s, printed %s", got, row["computed_check_char"], code[17:])
			}
			u, err := ParseUSCC(code)
			if err != nil || !u.ChecksumException {
				t.Fatalf("ParseUSCC(%s) = %+v, %v; want ChecksumException", code, u, err)
			}
			r := ValidateUSCC(code)
			if !r.Valid || !hasFinding(r, "uscc.checksum_exception", finding.Warning) {
				t.Fatalf("ValidateUSCC(%s) = valid %v %v", code, r.Valid, findingCodes(r))
			}
			// The family rule, not a list: the same code with its correct
			// check character is simply valid, and a further wrong one still
			// goes to the reviewer.
			fixed := code[:17] + row["computed_check_char"]
			if r := ValidateUSCC(fixed); !r.Valid || len(r.Findings) != 0 {
				t.Fatalf("ValidateUSCC(%s) = %v %v", fixed, r.Valid, findingCodes(r))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
