package appinfo

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strconv"
	"strings"

	"github.com/beian/beian/internal/finding"
	"github.com/beian/beian/internal/vocab"
)

// Fingerprint lengths in hex digits.
const (
	md5Hex    = 2 * md5.Size
	sha1Hex   = 2 * sha1.Size
	sha256Hex = 2 * sha256.Size
)

// maxKeyInput bounds what ParseSigningKey reads (a certificate chain in PEM
// is a few KiB; this leaves room for long ones).
const maxKeyInput = 64 << 10

// ParseFingerprint normalises a certificate fingerprint as keytool, Xcode and
// the app stores print it: hex digits, optionally in colon-separated pairs
// (AB:CD:…) and with spaces, to lowercase hex without separators. It accepts
// the lengths of an MD5 (32), SHA-1 (40) or SHA-256 (64) digest; which one a
// platform needs is checked by CheckFingerprint.
func ParseFingerprint(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fail("fingerprint.empty", "未填写签名指纹（证书MD5/SHA-1/SHA-256值）", "the signature fingerprint (the certificate's MD5/SHA-1/SHA-256) is empty")
	}
	compact := strings.Join(strings.Fields(s), "")
	if strings.Contains(compact, ":") {
		for _, pair := range strings.Split(compact, ":") {
			if len(pair) != 2 {
				return "", fail("fingerprint.format",
					"签名指纹"+quote(s)+"的冒号分隔格式不正确：每组须为两位十六进制数字（如 AB:CD:…）",
					"the fingerprint "+quote(s)+" is colon-separated but not in pairs of hex digits (AB:CD:…)")
			}
		}
		compact = strings.ReplaceAll(compact, ":", "")
	}
	if strings.Trim(strings.ToLower(compact), "0123456789abcdef") != "" {
		return "", fail("fingerprint.format",
			"签名指纹"+quote(s)+"只能包含十六进制数字（0-9、A-F）和冒号",
			"the fingerprint "+quote(s)+" may contain only hex digits (0-9, A-F) and colons")
	}
	switch len(compact) {
	case md5Hex, sha1Hex, sha256Hex:
		return strings.ToLower(compact), nil
	}
	return "", fail("fingerprint.length",
		"签名指纹有"+strconv.Itoa(len(compact))+"位十六进制数字：MD5为32位，SHA-1为40位，SHA-256为64位",
		"the fingerprint has "+strconv.Itoa(len(compact))+" hex digits: an MD5 has 32, a SHA-1 40, a SHA-256 64")
}

// algorithmOf names the digest a normalised fingerprint's length implies.
func algorithmOf(fp string) string {
	switch len(fp) {
	case md5Hex:
		return vocab.FingerprintMD5
	case sha1Hex:
		return vocab.FingerprintSHA1
	case sha256Hex:
		return vocab.FingerprintSHA256
	}
	return ""
}

var digestNames = map[string]string{vocab.FingerprintMD5: "MD5", vocab.FingerprintSHA1: "SHA-1", vocab.FingerprintSHA256: "SHA-256"}

var digestLength = map[string]int{vocab.FingerprintMD5: md5Hex, vocab.FingerprintSHA1: sha1Hex, vocab.FingerprintSHA256: sha256Hex}

// CheckFingerprint checks that a normalised fingerprint is the digest the
// platform asks for: Android the certificate's MD5, iOS its SHA-1, HarmonyOS
// its SHA-256 (vocab.Platform.Fingerprint; "any" accepts all three).
func CheckFingerprint(p vocab.Platform, fp string) error {
	want := p.Fingerprint
	got := algorithmOf(fp)
	if want == vocab.FingerprintAny || want == "" || want == got {
		return nil
	}
	return fail("fingerprint.algorithm",
		p.ZH+"平台须填写签名证书的"+digestNames[want]+"值（"+strconv.Itoa(digestLength[want])+"位十六进制），所填的是"+strconv.Itoa(len(fp))+"位（"+digestNames[got]+"？）",
		"the "+p.EN+" platform needs the signing certificate's "+digestNames[want]+" ("+strconv.Itoa(digestLength[want])+" hex digits); this has "+strconv.Itoa(len(fp))+" ("+digestNames[got]+"?)")
}

// Kinds of SigningKey.
const (
	KeyCertificate = "certificate" // an X.509 certificate: its fingerprint can be checked
	KeyPublicKey   = "public_key"  // a bare public key (SubjectPublicKeyInfo or PKCS #1)
	KeyRSAModulus  = "rsa_modulus" // an RSA modulus in hex, as APK inspectors show "the public key"
)

// SigningKey is a parsed signing public key or certificate.
type SigningKey struct {
	Kind        string
	Algorithm   string // "RSA-2048", "ECDSA-P-256", "Ed25519"
	Certificate *x509.Certificate
	PublicKey   any
}

// Fingerprint is the hex digest (alg one of vocab.FingerprintMD5, SHA1,
// SHA256) of the certificate's DER encoding, as keytool prints it, or ""
// when the key is not a certificate.
func (k SigningKey) Fingerprint(alg string) string {
	if k.Certificate == nil {
		return ""
	}
	raw := k.Certificate.Raw
	switch alg {
	case vocab.FingerprintMD5:
		d := md5.Sum(raw)
		return hex.EncodeToString(d[:])
	case vocab.FingerprintSHA1:
		d := sha1.Sum(raw)
		return hex.EncodeToString(d[:])
	case vocab.FingerprintSHA256:
		d := sha256.Sum256(raw)
		return hex.EncodeToString(d[:])
	}
	return ""
}

var errPrivateKey = &Error{Code: "key.private",
	ZH: "所填的是私钥：备案只需要公钥或证书，私钥不得交给任何人，请立即更换该密钥",
	EN: "this is a private key: a filing needs only the public key or certificate; never hand a private key over, and replace this one"}

// isPrivateKey reports whether der is a private key in one of the encodings
// keytool, openssl and Xcode export (PKCS #8, PKCS #1, SEC 1), so that
// base64 without its PEM armour is refused as firmly as PEM.
func isPrivateKey(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(der)
	return err == nil
}

var errKeyFormat = &Error{Code: "key.format",
	ZH: "签名公钥格式无法识别：请填写PEM格式的证书或公钥（-----BEGIN CERTIFICATE----- …）、Base64编码的DER，或十六进制的RSA模数",
	EN: "the signing key is in no known format: give a PEM certificate or public key (-----BEGIN CERTIFICATE----- …), base64 DER, or the RSA modulus in hex"}

// ParseSigningKey reads the signing public key of an App platform: a PEM
// CERTIFICATE, PUBLIC KEY or RSA PUBLIC KEY block, the same DER in base64,
// or an RSA modulus in hex (what APK inspectors such as jadx show as the
// public key). It refuses private keys outright: they must never be handed
// over. Parsing uses crypto/x509.
func ParseSigningKey(s string) (SigningKey, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return SigningKey{}, fail("key.empty", "未填写签名公钥", "the signing public key is empty")
	case len(s) > maxKeyInput:
		return SigningKey{}, fail("key.too_long", "签名公钥超过64 KiB", "the signing public key is longer than 64 KiB")
	case strings.Contains(s, "PRIVATE KEY"):
		return SigningKey{}, errPrivateKey
	case strings.Contains(s, "-----BEGIN"):
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return SigningKey{}, errKeyFormat
		}
		return parseDER(block.Type, block.Bytes)
	}
	compact := strings.Join(strings.Fields(s), "")
	if k, ok := parseModulus(compact); ok {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if der, err := enc.DecodeString(compact); err == nil {
			return parseDER("", der)
		}
	}
	return SigningKey{}, errKeyFormat
}

// parseModulus reads an RSA modulus in hex: at least 1024 bits, odd.
func parseModulus(s string) (SigningKey, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(s) < 256 || strings.Trim(strings.ToLower(s), "0123456789abcdef") != "" {
		return SigningKey{}, false
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok || n.BitLen() < 1024 || n.Bit(0) == 0 {
		return SigningKey{}, false
	}
	pub := &rsa.PublicKey{N: n, E: 65537}
	return SigningKey{Kind: KeyRSAModulus, Algorithm: "RSA-" + strconv.Itoa(n.BitLen()), PublicKey: pub}, true
}

// parseDER parses a certificate or public key; typ is the PEM block type
// ("" when unknown: try each).
func parseDER(typ string, der []byte) (SigningKey, error) {
	invalid := func(what string, err error) (SigningKey, error) {
		return SigningKey{}, &Error{Code: "key.invalid",
			ZH: what + "无法解析：" + err.Error(), EN: "the " + what + " does not parse: " + err.Error()}
	}
	switch typ {
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return invalid("证书 certificate", err)
		}
		return SigningKey{Kind: KeyCertificate, Algorithm: keyAlgorithm(c.PublicKey), Certificate: c, PublicKey: c.PublicKey}, nil
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return invalid("公钥 public key", err)
		}
		return SigningKey{Kind: KeyPublicKey, Algorithm: keyAlgorithm(pub), PublicKey: pub}, nil
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(der)
		if err != nil {
			return invalid("RSA公钥 RSA public key", err)
		}
		return SigningKey{Kind: KeyPublicKey, Algorithm: keyAlgorithm(pub), PublicKey: pub}, nil
	case "":
		for _, t := range []string{"CERTIFICATE", "PUBLIC KEY", "RSA PUBLIC KEY"} {
			if k, err := parseDER(t, der); err == nil {
				return k, nil
			}
		}
		if isPrivateKey(der) {
			return SigningKey{}, errPrivateKey
		}
		return SigningKey{}, errKeyFormat
	}
	return SigningKey{}, &Error{Code: "key.format",
		ZH: "不支持的PEM类型" + quote(typ) + "：请填写 CERTIFICATE 或 PUBLIC KEY",
		EN: "unsupported PEM block " + quote(typ) + ": give a CERTIFICATE or a PUBLIC KEY"}
}

func keyAlgorithm(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA-" + strconv.Itoa(k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA-" + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return "unknown"
}

// CheckKeyFingerprint compares a normalised fingerprint with the key: when
// the key is a certificate, the fingerprint must be its digest of the same
// length. A bare public key cannot be compared (nil).
func CheckKeyFingerprint(k SigningKey, fp string) error {
	alg := algorithmOf(fp)
	want := k.Fingerprint(alg)
	if want == "" || want == fp {
		return nil
	}
	return fail("fingerprint.mismatch",
		"签名指纹与所填证书不符：证书的"+digestNames[alg]+"值为 "+want,
		"the fingerprint does not match the certificate given: its "+digestNames[alg]+" is "+want)
}

// ValidateFingerprint is ParseFingerprint and CheckFingerprint for one
// platform as a finding.Result, the shape `beian validate` prints: the
// normalised hex, and Info with platform and algorithm.
func ValidateFingerprint(p vocab.Platform, s string) finding.Result {
	info := map[string]any{"platform": p.Code}
	fp, err := ParseFingerprint(s)
	if err == nil {
		info["algorithm"] = algorithmOf(fp)
		err = CheckFingerprint(p, fp)
	}
	if err != nil {
		return result("", err.(*Error), info)
	}
	return result(fp, nil, info)
}
