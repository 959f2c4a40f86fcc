package form

// App holds the fields only an App (移动互联网应用程序) has; its name,
// content types, pre-approvals, domains, server IPs (Access) and principal
// are those of the service that carries it.
type App struct {
	// Icon is the id of the uploaded icon document (PNG or JPEG, at most
	// 100 KB; the upload is checked when it is stored).
	Icon      string   `json:"icon"`
	Languages []string `json:"languages"` // vocab language codes
	// SDKs are the third-party SDKs the App uses; empty when it uses none.
	SDKs      []SDKUse      `json:"sdks"`
	Platforms []AppPlatform `json:"platforms"`
}

// AppPlatform is the App on one operating system: every platform the App
// ships on is filed, each with its identifier and signing certificate.
type AppPlatform struct {
	// Platform is a vocab platform code of service "app" (android, ios,
	// harmonyos, other_app).
	Platform string `json:"platform"`
	// ID is the Android package name, iOS bundle ID or HarmonyOS bundle name.
	ID string `json:"id"`
	// PublicKey is the signing public key or certificate (PEM, base64 DER
	// or the RSA modulus in hex).
	PublicKey string `json:"public_key"`
	// Fingerprint is the signing certificate's digest in hex, the one the
	// platform asks for (Android MD5, iOS SHA-1).
	Fingerprint string `json:"fingerprint"`
}

// SDKUse is one third-party SDK the App uses: a vocab SDK code, and for
// "other" a note naming the SDK, its provider and what it does.
type SDKUse struct {
	Code string `json:"code"`
	Note string `json:"note,omitempty"`
}

// MiniApp holds the fields only a mini-program (小程序) or a quick app
// (快应用) has: a service that runs inside a host platform, which issues
// its identifier.
type MiniApp struct {
	// Platform is a vocab platform code of the service type (wechat,
	// alipay, douyin, baidu … for a mini-program; quick_app_alliance,
	// huawei_quick_app … for a quick app).
	Platform string `json:"platform"`
	// AppID is the identifier the platform issued (a WeChat AppID, an
	// Alipay APPID) or a quick app's package name.
	AppID string `json:"app_id"`
	// Description says what the service actually does (20 to 200
	// characters).
	Description string `json:"description"`
}

// PreApproval is one pre-approval (前置审批) a service declares, or the
// explicit answer that none applies (Type "none", with the commitment
// document where the province asks for one).
type PreApproval struct {
	Type        string `json:"type"` // vocab pre-approval type code
	Number      string `json:"number,omitempty"`
	IssuingBody string `json:"issuing_body,omitempty"`
	ValidFrom   string `json:"valid_from,omitempty"` // YYYY-MM-DD
	ValidTo     string `json:"valid_to,omitempty"`   // YYYY-MM-DD, or 长期/long-term
	// Document is the id of the uploaded scan of the approval, or of the
	// signed commitment for "none".
	Document string `json:"document,omitempty"`
}
