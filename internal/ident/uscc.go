package ident

import (
	"github.com/beian/beian/internal/finding"
)

// USCC is what a valid unified social credit code (统一社会信用代码, GB 32100-2015)
// says about its holder. Division and OrgCode are substrings of the input.
type USCC struct {
	// Authority is position 1, the registration authority (登记管理部门代码), e.g. '9'.
	Authority byte
	// Category is position 2, the organisation category (机构类别代码), e.g. '1'.
	Category byte
	// Division is positions 3–8, the GB/T 2260 code of the registering office.
	Division string
	// OrgCode is positions 9–17, the organisation code (主体标识码, GB 11714 form).
	OrgCode string
	// ChecksumException is set when the GB 32100 check character does NOT
	// match but the code belongs to the real, non-conforming pilot family
	// (see isPilotException); the code is then accepted for a reviewer.
	ChecksumException bool
}

// OrgCodeValid reports whether OrgCode passes its own GB 11714 check. Every
// real code in the test data does, so a failure is worth a reviewer's look
// (uscc.org_code_checksum); it is a method so that ParseUSCC does not pay
// for it.
func (u USCC) OrgCodeValid() bool {
	return len(u.OrgCode) == 9 && orgCheck(u.OrgCode[:8]) == u.OrgCode[8]
}

// usccIndex maps a byte to 1 + its GB 32100 value; 0 marks a byte outside
// the alphabet (which leaves out I, O, S, V and Z).
var usccIndex = [256]uint8{
	'0': 1, '1': 2, '2': 3, '3': 4, '4': 5, '5': 6, '6': 7, '7': 8, '8': 9, '9': 10, 'A': 11,
	'B': 12, 'C': 13, 'D': 14, 'E': 15, 'F': 16, 'G': 17, 'H': 18, 'J': 19, 'K': 20, 'L': 21, 'M': 22,
	'N': 23, 'P': 24, 'Q': 25, 'R': 26, 'T': 27, 'U': 28, 'W': 29, 'X': 30, 'Y': 31,
}

// usccChars is the GB 32100 alphabet in value order.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31 for positions 1–17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue returns the GB 32100 value of c, or -1 outside the alphabet.
func usccValue(c byte) int { return int(usccIndex[c]) - 1 }

// ParseUSCC checks an 18-character unified social credit code: the GB 32100
// alphabet (0-9 and A-Y without I, O, S, V, Z), a known registration
// authority, a category valid for it, six digits of administrative division
// and the mod-31 check character. s must already be normalised (upper case,
// no spaces; see Normalize). A check-character failure in the known
// non-conforming pilot family is not an error: USCC.ChecksumException is set
// instead. The error is always an *Error. ParseUSCC does not allocate.
func ParseUSCC(s string) (USCC, error) {
	var u USCC
	switch len(s) {
	case 18:
	case 0:
		return u, errEmpty
	default:
		return u, errUSCCLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := int(usccIndex[s[i]]) - 1
		if v < 0 {
			return u, errUSCCCharset
		}
		sum += v * usccWeights[i]
	}
	if usccIndex[s[17]] == 0 {
		return u, errUSCCCharset
	}
	u.Authority, u.Category = s[0], s[1]
	mask := usccCategoryMask[u.Authority]
	if mask == 0 {
		return u, errUSCCAuth
	}
	if c := u.Category - '0'; c > 9 || mask&(1<<c) == 0 {
		return u, errUSCCCategory
	}
	u.Division, u.OrgCode = s[2:8], s[8:17]
	if !allDigits(u.Division) {
		return u, errUSCCDivision
	}
	if usccChars[(31-sum%31)%31] != s[17] {
		if !isPilotException(u) {
			return u, errUSCCChecksum
		}
		u.ChecksumException = true
	}
	return u, nil
}

// isPilotException reports whether a code whose GB 32100 check character
// fails belongs to the real non-conforming family documented in
// shared/testdata/uscc-nonconforming: enterprise codes (authority 9)
// registered in Fujian (division 35xxxx) during the 2015 pilot, whose
// organisation code starts with "M" and is itself a valid GB 11714 code. All
// known members (Fuzhou 350100, Xiamen 3502xx) have this shape; a random code
// with a wrong check character has it only by chance (the GB 11714 check
// alone passes about one time in eleven).
func isPilotException(u USCC) bool {
	return u.Authority == '9' && u.Division[:2] == "35" && u.OrgCode[0] == 'M' && u.OrgCodeValid()
}

// ValidateUSCC validates a unified social credit code as typed by a user and
// returns the CLI/API shape. Info holds authority, authority_zh,
// authority_en, category, category_zh, category_en, division, province and
// org_code (as XXXXXXXX-X). The pilot-family exception gives the warning
// uscc.checksum_exception; an organisation-code part failing GB 11714 gives
// the warning uscc.org_code_checksum.
func ValidateUSCC(s string) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	u, err := ParseUSCC(n)
	if err != nil {
		res.Findings = []finding.Finding{errFinding(err)}
		return res.Finish()
	}
	azh, aen, _ := AuthorityLabel(u.Authority)
	czh, cen, _ := CategoryLabel(u.Authority, u.Category)
	res.Info = map[string]any{
		"authority":    string(u.Authority),
		"authority_zh": azh,
		"authority_en": aen,
		"category":     string(u.Category),
		"category_zh":  czh,
		"category_en":  cen,
		"division":     u.Division,
		"province":     ProvinceName(u.Division),
		"org_code":     u.OrgCode[:8] + "-" + u.OrgCode[8:],
	}
	if u.ChecksumException {
		res.Findings = append(res.Findings, warnUSCCException.warning())
	}
	if !u.OrgCodeValid() {
		res.Findings = append(res.Findings, warnUSCCOrgChecksum.warning())
	}
	return res.Finish()
}

// orgWeights are the GB 11714 weights for the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgIndex maps a byte to 1 + its GB 11714 value (0-9, then A=10 … Z=35);
// 0 marks any other byte.
var orgIndex = [256]uint8{
	'0': 1, '1': 2, '2': 3, '3': 4, '4': 5, '5': 6, '6': 7, '7': 8, '8': 9, '9': 10,
	'A': 11, 'B': 12, 'C': 13, 'D': 14, 'E': 15, 'F': 16, 'G': 17, 'H': 18, 'I': 19, 'J': 20,
	'K': 21, 'L': 22, 'M': 23, 'N': 24, 'O': 25, 'P': 26, 'Q': 27, 'R': 28, 'S': 29, 'T': 30,
	'U': 31, 'V': 32, 'W': 33, 'X': 34, 'Y': 35, 'Z': 36,
}

// orgCheck returns the GB 11714 check character of the 8-character body, or 0
// when body holds a character other than 0-9 and A-Z.
func orgCheck(body string) byte {
	_ = body[7]
	sum := 0
	for i := 0; i < 8; i++ {
		v := int(orgIndex[body[i]]) - 1
		if v < 0 {
			return 0
		}
		sum += v * orgWeights[i]
	}
	return "0123456789X0"[11-sum%11]
}

// splitOrgCode returns the 9 characters of an organisation code written
// "XXXXXXXX-X" or "XXXXXXXXX", or ok false for any other length or layout.
func splitOrgCode(s string) (body string, check byte, ok bool) {
	switch {
	case len(s) == 9:
		return s[:8], s[8], true
	case len(s) == 10 && s[8] == '-':
		return s[:8], s[9], true
	}
	return "", 0, false
}

// CheckOrgCode checks an organisation code (组织机构代码, GB 11714-1997): eight
// digits or capital letters and a check character (0-9 or X), written with or
// without the hyphen before the check character. s must be normalised. The
// error is always an *Error; CheckOrgCode does not allocate.
func CheckOrgCode(s string) error {
	if len(s) == 0 {
		return errEmpty
	}
	body, check, ok := splitOrgCode(s)
	if !ok {
		return errOrgLength
	}
	want := orgCheck(body)
	if want == 0 || !(check >= '0' && check <= '9' || check == 'X') {
		return errOrgCharset
	}
	if want != check {
		return errOrgChecksum
	}
	return nil
}

// ValidateOrgCode validates an organisation code as typed by a user; the
// normalised form is "XXXXXXXX-X".
func ValidateOrgCode(s string) finding.Result {
	n := Normalize(s)
	res := finding.Result{Normalized: n}
	if err := CheckOrgCode(n); err != nil {
		res.Findings = []finding.Finding{errFinding(err)}
		return res.Finish()
	}
	body, check, _ := splitOrgCode(n)
	res.Normalized = body + "-" + string(check)
	return res.Finish()
}
