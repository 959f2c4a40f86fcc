package appinfo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/beian/beian/internal/vocab"
)

// opensslFingerprints reads testdata/android-debug.fingerprints.txt, the
// digests openssl printed for the test certificate, keyed by vocab name.
func opensslFingerprints(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range strings.Split(readTestdata(t, "android-debug.fingerprints.txt"), "\n") {
		alg, v, ok := strings.Cut(l, " Fingerprint=")
		if !ok {
			t.Fatalf("bad line %q", l)
		}
		out[alg] = v
	}
	return out
}

func TestParseFingerprint(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		// keytool and openssl print colon-separated uppercase pairs.
		{in: "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5A", want: "ad258788669e27bfb2e23b9ed71d2a5a"},
		{in: "ad258788669e27bfb2e23b9ed71d2a5a", want: "ad258788669e27bfb2e23b9ed71d2a5a"},
		{in: " AD 25 87 88 66 9E 27 BF B2 E2 3B 9E D7 1D 2A 5A ", want: "ad258788669e27bfb2e23b9ed71d2a5a"},
		{in: "A3:BE:37:06:30:C4:FD:1E:C3:F0:37:A0:76:72:A1:49:F1:62:D9:EE", want: "a3be370630c4fd1ec3f037a07672a149f162d9ee"},
		{in: "36:50:63:25:A4:3B:93:DA:68:C0:7B:91:BE:22:30:9B:D5:63:E1:26:9E:EE:3B:D8:A2:3B:EA:0A:65:F5:C1:E5",
			want: "36506325a43b93da68c07b91be22309bd563e1269eee3bd8a23bea0a65f5c1e5"},
		{in: "", code: "fingerprint.empty"},
		{in: "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A", code: "fingerprint.length"}, // 15 bytes
		{in: "AD:258:788", code: "fingerprint.format"},
		{in: "AD::25", code: "fingerprint.format"},
		{in: "ZZ258788669e27bfb2e23b9ed71d2a5a", code: "fingerprint.format"},
		{in: "ad258788669e27bfb2e23b9ed71d2a5g", code: "fingerprint.format"},
		{in: "MD5: AD:25:87:88", code: "fingerprint.format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFingerprint(tt.in)
			if c := codeOf(t, err); c != tt.code || got != tt.want {
				t.Errorf("ParseFingerprint(%q) = %q, %q; want %q, %q", tt.in, got, c, tt.want, tt.code)
			}
		})
	}
}

func TestCheckFingerprint(t *testing.T) {
	md5, sha1, sha256 := strings.Repeat("a", 32), strings.Repeat("b", 40), strings.Repeat("c", 64)
	tests := []struct {
		platform, fp string
		ok           bool
	}{
		{"android", md5, true}, {"android", sha1, false}, {"android", sha256, false},
		{"ios", sha1, true}, {"ios", md5, false},
		{"harmonyos", sha256, true}, {"harmonyos", md5, false},
		{"other_app", md5, true}, {"other_app", sha1, true}, {"other_app", sha256, true},
	}
	for _, tt := range tests {
		err := CheckFingerprint(platform(t, tt.platform), tt.fp)
		if (err == nil) != tt.ok {
			t.Errorf("CheckFingerprint(%s, %d digits) = %v, want ok %v", tt.platform, len(tt.fp), err, tt.ok)
		}
		if err != nil && codeOf(t, err) != "fingerprint.algorithm" {
			t.Errorf("code = %q", codeOf(t, err))
		}
	}
}

// TestSigningKeyDigests compares the package's digests of the certificate
// with openssl's.
func TestSigningKeyDigests(t *testing.T) {
	k, err := ParseSigningKey(readTestdata(t, "android-debug.cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if k.Kind != KeyCertificate || k.Algorithm != "RSA-2048" || k.Certificate.Subject.CommonName != "Android Debug" {
		t.Fatalf("key = %s %s %v", k.Kind, k.Algorithm, k.Certificate.Subject)
	}
	for alg, want := range opensslFingerprints(t) {
		norm, err := ParseFingerprint(want)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.Fingerprint(alg); got != norm {
			t.Errorf("Fingerprint(%s) = %s, openssl says %s", alg, got, norm)
		}
		if err := CheckKeyFingerprint(k, norm); err != nil {
			t.Errorf("CheckKeyFingerprint(%s) = %v", alg, err)
		}
	}
	other := "0123456789abcdef0123456789abcdef"
	if err := CheckKeyFingerprint(k, other); codeOf(t, err) != "fingerprint.mismatch" {
		t.Errorf("mismatching MD5: %v", err)
	}
	if k.Fingerprint("crc32") != "" {
		t.Error("an unknown digest should give no fingerprint")
	}
}

func TestParseSigningKey(t *testing.T) {
	cert := readTestdata(t, "android-debug.cert.pem")
	block, _ := pem.Decode([]byte(cert))
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, kind, alg, code string
	}{
		{name: "certificate PEM", in: cert, kind: KeyCertificate, alg: "RSA-2048"},
		{name: "certificate base64 DER", in: base64.StdEncoding.EncodeToString(block.Bytes), kind: KeyCertificate, alg: "RSA-2048"},
		{name: "certificate base64 wrapped", in: wrap76(base64.StdEncoding.EncodeToString(block.Bytes)), kind: KeyCertificate, alg: "RSA-2048"},
		{name: "PUBLIC KEY PEM", in: readTestdata(t, "android-debug.pub.pem"), kind: KeyPublicKey, alg: "RSA-2048"},
		{name: "RSA PUBLIC KEY PEM", in: readTestdata(t, "android-debug.rsapub.pem"), kind: KeyPublicKey, alg: "RSA-2048"},
		{name: "modulus hex", in: readTestdata(t, "android-debug.modulus.txt"), kind: KeyRSAModulus, alg: "RSA-2048"},
		{name: "modulus 0x", in: "0x" + strings.ToLower(readTestdata(t, "android-debug.modulus.txt")), kind: KeyRSAModulus, alg: "RSA-2048"},
		{name: "ECDSA public key", in: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPub})), kind: KeyPublicKey, alg: "ECDSA-P-256"},
		{name: "empty", in: "  ", code: "key.empty"},
		{name: "private PEM", in: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})), code: "key.private"},
		{name: "private PKCS8 base64", in: base64.StdEncoding.EncodeToString(pkcs8), code: "key.private"},
		{name: "private PKCS1 base64", in: base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PrivateKey(rsaKey)), code: "key.private"},
		{name: "private EC base64", in: base64.StdEncoding.EncodeToString(ecDER), code: "key.private"},
		{name: "broken PEM", in: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----", code: "key.format"},
		{name: "corrupt certificate", in: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes[:200]})), code: "key.invalid"},
		{name: "other PEM type", in: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2, 3}})), code: "key.format"},
		{name: "an MD5 instead of a key", in: "AD:25:87:88:66:9E:27:BF:B2:E2:3B:9E:D7:1D:2A:5A", code: "key.format"},
		{name: "short hex", in: "ad258788669e27bfb2e23b9ed71d2a5a", code: "key.format"},
		{name: "too long", in: strings.Repeat("A", maxKeyInput+1), code: "key.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSigningKey(tt.in)
			if c := codeOf(t, err); c != tt.code || k.Kind != tt.kind || k.Algorithm != tt.alg {
				t.Errorf("ParseSigningKey = %s %s, %q (%v); want %s %s, %q", k.Kind, k.Algorithm, c, err, tt.kind, tt.alg, tt.code)
			}
		})
	}
}

// wrap76 breaks base64 into lines of 76 characters, as MIME tools do.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func TestModulusKeyHasNoFingerprint(t *testing.T) {
	k, err := ParseSigningKey(readTestdata(t, "android-debug.modulus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if k.Fingerprint(vocab.FingerprintMD5) != "" {
		t.Error("a bare modulus has no certificate to fingerprint")
	}
	if err := CheckKeyFingerprint(k, strings.Repeat("0", 32)); err != nil {
		t.Errorf("a bare key cannot be compared: %v", err)
	}
}

func TestValidateFingerprint(t *testing.T) {
	md5 := opensslFingerprints(t)["md5"]
	r := ValidateFingerprint(platform(t, "android"), md5)
	if !r.Valid || r.Normalized != "ad258788669e27bfb2e23b9ed71d2a5a" || r.Info["algorithm"] != "md5" || r.Info["platform"] != "android" {
		t.Errorf("Android MD5: %+v", r)
	}
	r = ValidateFingerprint(platform(t, "ios"), md5)
	if r.Valid || r.Normalized != "" || r.Findings[0].Code != "fingerprint.algorithm" || r.Info["algorithm"] != "md5" {
		t.Errorf("an MD5 for iOS: %+v", r)
	}
	r = ValidateFingerprint(platform(t, "android"), "AD:25")
	if r.Valid || r.Findings[0].Code != "fingerprint.length" {
		t.Errorf("short: %+v", r)
	}
}
