package ident

import (
	"errors"

	"github.com/beian/beian/internal/finding"
)

// Error is why an identifier is invalid: a stable Code (see the table in the
// package documentation) with the message in Chinese and English. The Parse
// and Check functions return the package's own *Error values, so returning
// one costs no allocation; use errors.As to read the code.
type Error struct {
	Code string
	ZH   string
	EN   string
}

// Error returns the code and the English message.
func (e *Error) Error() string { return e.Code + ": " + e.EN }

// Finding turns e into an error-severity finding.
func (e *Error) Finding() finding.Finding { return finding.Errorf(e.Code, e.ZH, e.EN) }

// warning turns e into a warning-severity finding.
func (e *Error) warning() finding.Finding { return finding.Warnf(e.Code, e.ZH, e.EN) }

// errFinding turns an error of this package into its finding; any other
// error (there should be none) becomes a generic one rather than a panic.
func errFinding(err error) finding.Finding {
	var e *Error
	if errors.As(err, &e) {
		return e.Finding()
	}
	return finding.Errorf("id.invalid", "证件号码无效", "invalid number: "+err.Error())
}

// Code returns the code of err when it is (or wraps) an *Error, else "".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// The catalogue. Errors block; the few warnings at the end only reach a reviewer.
var (
	errEmpty   = &Error{"id.empty", "证件号码为空", "the ID number is empty"}
	errBadType = &Error{"id.bad_type", "证件类型不受支持", "unknown ID type"}
	errUnknown = &Error{"id.unknown_format", "无法识别的证件号码格式", "the number matches no supported ID format"}

	errIDLength   = &Error{"id.length", "居民身份证号码应为18位", "a resident ID number has 18 characters"}
	errIDLegacy15 = &Error{"id.legacy_15", "15位第一代身份证号码已停止使用，请填写18位号码", "15-digit first-generation ID numbers are no longer accepted; enter the 18-character number"}
	errIDCharset  = &Error{"id.bad_charset", "身份证号码前17位须为数字，末位为数字或X", "the first 17 characters must be digits and the last a digit or X"}
	errIDBadDate  = &Error{"id.bad_date", "身份证号码中的出生日期不是有效日期", "the birth date in the ID number is not a real date"}
	errIDFuture   = &Error{"id.future_date", "身份证号码中的出生日期晚于今天", "the birth date in the ID number is in the future"}
	errIDChecksum = &Error{"id.checksum", "身份证号码校验码错误（GB 11643）", "the check character does not match (GB 11643)"}

	errUSCCLength   = &Error{"uscc.length", "统一社会信用代码应为18位", "a unified social credit code has 18 characters"}
	errUSCCCharset  = &Error{"uscc.bad_charset", "统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）", "the code contains a character outside 0-9 and A-Y without I, O, S, V, Z"}
	errUSCCAuth     = &Error{"uscc.bad_authority", "统一社会信用代码第1位（登记管理部门代码）无效", "position 1 (registration authority) is not a known authority code"}
	errUSCCCategory = &Error{"uscc.bad_category", "统一社会信用代码第2位（机构类别代码）与登记管理部门不符", "position 2 (organisation category) is not valid for the registration authority"}
	errUSCCDivision = &Error{"uscc.bad_division", "统一社会信用代码第3-8位（行政区划码）应为6位数字", "positions 3-8 (administrative division) must be six digits"}
	errUSCCChecksum = &Error{"uscc.checksum", "统一社会信用代码校验码错误（GB 32100）", "the check character does not match (GB 32100)"}

	errOrgLength   = &Error{"org.length", "组织机构代码应为9位（可写作XXXXXXXX-X）", "an organisation code has 9 characters (XXXXXXXX-X)"}
	errOrgCharset  = &Error{"org.bad_charset", "组织机构代码前8位须为数字或大写字母，末位为数字或X", "the first 8 characters must be digits or capital letters and the last a digit or X"}
	errOrgChecksum = &Error{"org.checksum", "组织机构代码校验码错误（GB 11714）", "the check character does not match (GB 11714)"}

	errHKMOFormat = &Error{"hkmo.format", "港澳居民来往内地通行证号码应为H或M加8位或10位数字；港澳居民居住证号码为810000或820000开头的18位号码", "expected H or M followed by 8 or 10 digits, or an 18-character residence-permit number starting 810000 or 820000"}
	errTWFormat   = &Error{"tw.format", "台湾居民来往大陆通行证号码应为8位数字（旧证10位，可带括号签发机关代码）；台湾居民居住证号码为830000开头的18位号码", "expected 8 digits (old permits: 10 digits, optionally with a bracketed issuing-office code) or an 18-character residence-permit number starting 830000"}

	errPassportLength  = &Error{"passport.length", "护照号码应为5至17位", "a passport number has 5 to 17 characters"}
	errPassportCharset = &Error{"passport.bad_charset", "护照号码只能包含数字和英文字母", "a passport number has only letters and digits"}

	errFPRFormat   = &Error{"fpr.format", "外国人永久居留身份证号码应为3位字母加12位数字（旧版）或以9开头的18位号码（2023版）", "expected 3 letters and 12 digits (old card) or 18 characters starting with 9 (2023 card)"}
	errFPRBadDate  = &Error{"fpr.bad_date", "永居证号码中的出生日期不是有效日期", "the birth date in the number is not a real date"}
	errFPRFuture   = &Error{"fpr.future_date", "永居证号码中的出生日期晚于今天", "the birth date in the number is in the future"}
	errFPRChecksum = &Error{"fpr.checksum", "永居证号码校验码错误（MOD 11-2）", "the check character does not match (MOD 11-2)"}

	warnCountyUnknown   = &Error{"id.county_unknown", "身份证号码前6位不是已知的行政区划代码，请人工核对", "the first six digits are not a known administrative-division code; a reviewer should check the card"}
	warnTypeMismatch    = &Error{"id.type_mismatch", "号码格式与所选证件类型不符", "the number looks like another ID type than the one chosen"}
	warnUSCCException   = &Error{"uscc.checksum_exception", "校验码不符合GB 32100，但属于已知的早期试点赋码（福建M字头），需人工核对营业执照", "the check character does not match GB 32100, but the code belongs to a known early pilot family (Fujian, M…); a reviewer must check the licence"}
	warnUSCCOrgChecksum = &Error{"uscc.org_code_checksum", "主体标识码（第9-17位）不符合GB 11714校验，请人工核对", "positions 9-17 (organisation code) fail the GB 11714 check; a reviewer should check the licence"}
	warnFPRUnverified   = &Error{"fpr.legacy_unverified", "旧版永居证号码的出生日期或校验位与常见编码规则不符，请人工核对证件", "the birth date or check digit of this old-card number does not follow the commonly implemented layout; a reviewer should check the card"}
	warnFPRArea         = &Error{"fpr.area_unknown", "永居证号码的受理地代码不是已知的省级代码，请人工核对", "the issuing-area digits are not a known province code; a reviewer should check the card"}
)
