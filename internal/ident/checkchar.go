package ident

// The check characters on their own, for callers that make identifiers
// (demo data, test fixtures) rather than check them. They use the same
// tables as the parsers; ok is false when the body has the wrong length or
// a character outside the standard's alphabet.

// ResidentIDCheckChar returns the GB 11643 check character of a 17-digit body.
func ResidentIDCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		d := body[i] - '0'
		if d > 9 {
			return 0, false
		}
		sum += int(d) * gb11643Weights[i]
	}
	return gb11643Check[sum%11], true
}

// USCCCheckChar returns the GB 32100 check character of a 17-character body.
func USCCCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31], true
}

// OrgCodeCheckChar returns the GB 11714 check character of an 8-character body.
func OrgCodeCheckChar(body string) (byte, bool) {
	if len(body) != 8 {
		return 0, false
	}
	c := orgCheck(body)
	return c, c != 0
}
