package appinfo

import (
	"testing"
)

// Real identifiers, as the stores and the platforms' own pages show them.
func TestParsePackageName(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{in: "com.tencent.mm", want: "com.tencent.mm"},                           // WeChat
		{in: "com.eg.android.AlipayGphone", want: "com.eg.android.AlipayGphone"}, // Alipay
		{in: "com.ss.android.ugc.aweme", want: "com.ss.android.ugc.aweme"},       // Douyin
		{in: "com.sankuai.meituan", want: "com.sankuai.meituan"},
		{in: "  com.taobao.taobao\t", want: "com.taobao.taobao"},
		{in: "com.jingdong.app.mall", want: "com.jingdong.app.mall"},
		{in: "com.example.my_app", want: "com.example.my_app"},
		{in: "", code: "package_name.empty"},
		{in: "   ", code: "package_name.empty"},
		{in: "wechat", code: "package_name.segments"},
		{in: "com..tencent", code: "package_name.segments"},
		{in: "com.tencent.", code: "package_name.segments"},
		{in: ".com.tencent", code: "package_name.segments"},
		{in: "com.360buy.jdmobile", code: "package_name.segment_start"}, // fine on iOS, not on Android
		{in: "1com.example", code: "package_name.segment_start"},
		{in: "com.example._app", code: "package_name.segment_start"},
		{in: "com.example.new", code: "package_name.reserved_word"},
		{in: "com.example.class.app", code: "package_name.reserved_word"},
		{in: "com.example-app.mobile", code: "package_name.bad_char"},
		{in: "com.例子.app", code: "package_name.bad_char"},
		{in: "co", code: "package_name.length"},
		{in: "com." + longLetters(260), code: "package_name.length"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePackageName(tt.in)
			if c := codeOf(t, err); c != tt.code || got != tt.want {
				t.Errorf("ParsePackageName(%q) = %q, %q; want %q, %q", tt.in, got, c, tt.want, tt.code)
			}
			r := ValidatePackageName(tt.in)
			if r.Valid != (tt.code == "") || (tt.code != "" && r.Findings[0].Code != tt.code) {
				t.Errorf("ValidatePackageName(%q) = %+v", tt.in, r)
			}
		})
	}
}

func longLetters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func TestParseBundleID(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{in: "com.tencent.xin", want: "com.tencent.xin"}, // WeChat on iOS
		{in: "com.alipay.iphoneclient", want: "com.alipay.iphoneclient"},
		{in: "com.ss.iphone.ugc.Aweme", want: "com.ss.iphone.ugc.Aweme"},
		{in: "com.360buy.jdmobile", want: "com.360buy.jdmobile"}, // JD: a segment may start with a digit
		{in: "com.taobao.taobao4iphone", want: "com.taobao.taobao4iphone"},
		{in: "com.example.my-app", want: "com.example.my-app"},
		{in: "com.example.my_app", code: "bundle_id.bad_char"},
		{in: "com.example.app ", want: "com.example.app"},
		{in: "app", code: "bundle_id.segments"},
		{in: "com..app", code: "bundle_id.segments"},
		{in: "", code: "bundle_id.empty"},
		{in: "com.例子.app", code: "bundle_id.bad_char"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBundleID(tt.in)
			if c := codeOf(t, err); c != tt.code || got != tt.want {
				t.Errorf("ParseBundleID(%q) = %q, %q; want %q, %q", tt.in, got, c, tt.want, tt.code)
			}
		})
	}
}

func TestParseBundleName(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{in: "com.tencent.wechat", want: "com.tencent.wechat"},               // WeChat for HarmonyOS NEXT
		{in: "com.example.myapplication", want: "com.example.myapplication"}, // DevEco Studio's template
		{in: "com.huawei.hmos.browser", want: "com.huawei.hmos.browser"},
		{in: "com.a", code: "bundle_name.length"}, // under 7 bytes
		{in: "1com.example", code: "bundle_name.segment_start"},
		{in: "com.example-app", code: "bundle_name.bad_char"},
		{in: "comexample", code: "bundle_name.segments"},
		{in: "", code: "bundle_name.empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBundleName(tt.in)
			if c := codeOf(t, err); c != tt.code || got != tt.want {
				t.Errorf("ParseBundleName(%q) = %q, %q; want %q, %q", tt.in, got, c, tt.want, tt.code)
			}
		})
	}
}

func TestParseAppID(t *testing.T) {
	tests := []struct {
		platform, in, want, code string
		warning                  bool
	}{
		{platform: "wechat", in: "wx4f4bc4dec97d474b", want: "wx4f4bc4dec97d474b"}, // WeChat's official demo mini-program
		{platform: "wechat", in: " wxd930ea5d5a258f4f ", want: "wxd930ea5d5a258f4f"},
		{platform: "wechat", in: "wx4F4BC4DEC97D474B", code: "app_id.format"}, // AppIDs are lowercase hex
		{platform: "wechat", in: "wx4f4bc4dec97d47", code: "app_id.format"},
		{platform: "wechat", in: "gh_3a5ee5d2a4b1", code: "app_id.format"}, // an original ID, not the AppID
		{platform: "alipay", in: "2021001234567890", want: "2021001234567890"},
		{platform: "alipay", in: "202100123456789", code: "app_id.format"},
		{platform: "douyin", in: "tt07e3715e98c9aac0", want: "tt07e3715e98c9aac0"},
		{platform: "douyin", in: "wx07e3715e98c9aac0", code: "app_id.format"},
		{platform: "baidu", in: "16406446", want: "16406446"},
		{platform: "baidu", in: "abcdefg", want: "abcdefg", code: "app_id.format", warning: true},
		{platform: "qq", in: "1109883577", want: "1109883577"},
		{platform: "qq", in: "11 09", code: "app_id.bad_char"},
		{platform: "qq", in: "", code: "app_id.empty"},
		{platform: "kuaishou", in: "ks" + longLetters(140), code: "app_id.too_long"},
		{platform: "android", in: "com.tencent.mm", want: "com.tencent.mm"},
		{platform: "android", in: "com.360buy.jdmobile", code: "package_name.segment_start"},
		{platform: "ios", in: "com.360buy.jdmobile", want: "com.360buy.jdmobile"},
		{platform: "harmonyos", in: "com.tencent.wechat", want: "com.tencent.wechat"},
		{platform: "quick_app_alliance", in: "com.application.demo", want: "com.application.demo"},
		{platform: "quick_app_alliance", in: "com.example.new", want: "com.example.new"}, // no Java keyword rule for quick apps
		{platform: "huawei_quick_app", in: "quickapp", code: "package_name.segments"},
	}
	for _, tt := range tests {
		t.Run(tt.platform+"/"+tt.in, func(t *testing.T) {
			got, err := ParseAppID(platform(t, tt.platform), tt.in)
			if c := codeOf(t, err); c != tt.code || got != tt.want {
				t.Errorf("ParseAppID(%s, %q) = %q, %q; want %q, %q", tt.platform, tt.in, got, c, tt.want, tt.code)
			}
			if err != nil && err.(*Error).Warning != tt.warning {
				t.Errorf("warning = %v, want %v", err.(*Error).Warning, tt.warning)
			}
			r := ValidateAppID(platform(t, tt.platform), tt.in)
			if r.Valid != (tt.code == "" || tt.warning) || r.Info["platform"] != tt.platform {
				t.Errorf("ValidateAppID = %+v", r)
			}
		})
	}
}
