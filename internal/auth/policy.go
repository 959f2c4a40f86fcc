package auth

import (
	"unicode"
	"unicode/utf8"

	"github.com/beian/beian/internal/finding"
)

// Password policy limits. The minimum follows the brief for the platform
// (NIST SP 800-63B asks for at least 8); the maximum only stops absurd inputs,
// well above the 64 characters NIST asks a verifier to allow.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 1024
)

// Policy codes carried by PolicyError.Code.
const (
	CodePasswordTooShort  = "password.too_short"
	CodePasswordTooLong   = "password.too_long"
	CodePasswordAllDigits = "password.all_digits"
	CodePasswordBadUTF8   = "password.invalid_utf8"
)

// PolicyError says why a new password is refused, with a stable code and a
// message in Chinese and English for the API and the UI.
type PolicyError struct {
	Code string
	ZH   string
	EN   string
}

// Error returns the code and the English message.
func (e *PolicyError) Error() string { return e.Code + ": " + e.EN }

// Finding returns the refusal as a validation finding on the field "password",
// so that the API reports it like any other bad input.
func (e *PolicyError) Finding() finding.Finding {
	f := finding.Errorf(e.Code, e.ZH, e.EN)
	f.Field = "password"
	return f
}

// CheckPasswordPolicy returns nil when password may be set as a new password,
// and otherwise a *PolicyError: it must be valid UTF-8, at least 10 characters
// (counted as Unicode code points, so "密码" is 2), at most 1024 bytes, and not
// made only of digits (a phone number or a birthday is the first guess).
// Spaces count as characters and are kept: pass phrases are welcome.
func CheckPasswordPolicy(password string) error {
	if !utf8.ValidString(password) {
		return &PolicyError{CodePasswordBadUTF8, "密码包含无效的字符编码（须为 UTF-8）", "the password is not valid UTF-8"}
	}
	if len(password) > MaxPasswordBytes {
		return &PolicyError{CodePasswordTooLong, "密码过长，最多 1024 字节", "the password is too long: at most 1024 bytes"}
	}
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return &PolicyError{CodePasswordTooShort, "密码至少需要 10 个字符", "the password must have at least 10 characters"}
	}
	allDigits := true
	for _, r := range password {
		if !unicode.IsDigit(r) {
			allDigits = false
			break
		}
	}
	if allDigits {
		return &PolicyError{CodePasswordAllDigits, "密码不能全部是数字", "the password must not be only digits"}
	}
	return nil
}
