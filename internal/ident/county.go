package ident

import (
	_ "embed" // county_codes.txt
	"strings"
)

// countyCodesText is the set of six-digit GB/T 2260 codes valid in any year,
// numbers only. Provenance: written by `go test ./internal/ident -run
// TestCountyCodes -update` from python-stdnum's
// cn_loc.csv (stdnum/cn/loc.dat, compiled from the zh.wikipedia GB/T 2260
// lists); the names and years of that file are not copied.
//
//go:embed county_codes.txt
var countyCodesText string

// countyBitmapWords is the size of a bitmap over every six-digit number.
const countyBitmapWords = 1000000 / 64

// countyBitmap has one bit per six-digit number, set for the codes of
// countyCodesText. It is built when the package is initialised (about 7,000
// codes, well under a millisecond) and never written afterwards, so a lookup
// is one load and a bit test, with no synchronisation on the hot path.
var countyBitmap = buildCountyBitmap(countyCodesText)

func buildCountyBitmap(text string) *[countyBitmapWords + 1]uint64 {
	var bm [countyBitmapWords + 1]uint64
	forEachCountyCode(text, func(code int) {
		bm[code>>6] |= 1 << (code & 63)
	})
	return &bm
}

// forEachCountyCode calls fn with every code listed in text (the format of
// county_codes.txt: "#" comment lines, then lines of a 4-digit prefix followed
// by 2-digit suffixes). Malformed tokens are skipped; TestCountyCodes checks
// that there are none.
func forEachCountyCode(text string, fn func(code int)) {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if len(line) < 4 || line[0] == '#' {
			continue
		}
		prefix, ok := atoiDigits(line[:4])
		if !ok {
			continue
		}
		for rest := line[4:]; len(rest) >= 3; rest = rest[3:] {
			if rest[0] != ' ' {
				break
			}
			if suffix, ok := atoiDigits(rest[1:3]); ok {
				fn(prefix*100 + suffix)
			}
		}
	}
}

// CountyKnown reports whether code (six ASCII digits) is a GB/T 2260
// administrative-division code that was valid in some year. It is how the
// resident-ID check decides between a silent pass and the id.county_unknown
// warning.
func CountyKnown(code string) bool {
	n, ok := atoiDigits(code)
	if !ok || len(code) != 6 {
		return false
	}
	return countyBitmap[n>>6]&(1<<(n&63)) != 0
}

// countyKnownDigits is CountyKnown for six bytes already known to be ASCII digits.
func countyKnownDigits(code string) bool {
	_ = code[5]
	n := int(code[0]-'0')*100000 + int(code[1]-'0')*10000 + int(code[2]-'0')*1000 +
		int(code[3]-'0')*100 + int(code[4]-'0')*10 + int(code[5]-'0')
	return countyBitmap[n>>6]&(1<<(n&63)) != 0
}

// atoiDigits parses s made only of ASCII digits; ok is false otherwise or when s is empty.
func atoiDigits(s string) (n int, ok bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// provinceNames maps the two leading digits of a GB/T 2260 code to the
// province-level division's name. 83 is not a GB/T 2260 province: it is the
// address code the residence permits of Taiwan residents use (830000).
var provinceNames = [100]string{
	11: "北京市", 12: "天津市", 13: "河北省", 14: "山西省", 15: "内蒙古自治区",
	21: "辽宁省", 22: "吉林省", 23: "黑龙江省",
	31: "上海市", 32: "江苏省", 33: "浙江省", 34: "安徽省", 35: "福建省", 36: "江西省", 37: "山东省",
	41: "河南省", 42: "湖北省", 43: "湖南省", 44: "广东省", 45: "广西壮族自治区", 46: "海南省",
	50: "重庆市", 51: "四川省", 52: "贵州省", 53: "云南省", 54: "西藏自治区",
	61: "陕西省", 62: "甘肃省", 63: "青海省", 64: "宁夏回族自治区", 65: "新疆维吾尔自治区",
	71: "台湾省", 81: "香港特别行政区", 82: "澳门特别行政区",
}

// ProvinceName returns the name of the province-level division whose GB/T
// 2260 code starts with the two digits of prefix (for example "11" or
// "110105" gives "北京市"), or "" when there is none.
func ProvinceName(prefix string) string {
	if len(prefix) < 2 {
		return ""
	}
	n, ok := atoiDigits(prefix[:2])
	if !ok {
		return ""
	}
	return provinceNames[n]
}
