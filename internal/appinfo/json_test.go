package appinfo

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/beian/beian/internal/form"
)

// roundTrip marshals v, unmarshals it into a new value of its type and
// compares; it returns the JSON.
func roundTrip[T any](t *testing.T, v T) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	if !reflect.DeepEqual(v, back) {
		t.Errorf("round trip changed the value:\n%+v\n%+v", v, back)
	}
	return b
}

func TestJSONRoundTrip(t *testing.T) {
	app := validApp(t)
	app.PreApprovals = append([]form.PreApproval{newsLicence()}, app.PreApprovals...)
	b := roundTrip(t, app)
	// The principal is one flat object, as form.Principal is elsewhere.
	for _, key := range []string{`"principal":{"name":"张伟"`, `"emergency_phone":"139 0013 9000"`,
		`"is_legal_representative":false`, `"legal_representative":{"name":"马明"`,
		`"service_type":"app"`, `"app":{"icon":"doc-7"`, `"platforms":[{"platform":"android","id":"cn.youxuan.shop"`, `"fingerprint":"AD:25:`,
		`"sdks":[{"code":"wechat_open"}`, `"issuing_body":"广东省互联网信息办公室"`, `"valid_to":"2029-05-09"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s:\n%s", key, b)
		}
	}
	roundTrip(t, validMiniProgram(t))
	roundTrip(t, form.Website{})
	roundTrip(t, form.App{})
	roundTrip(t, form.MiniApp{})
	roundTrip(t, form.Principal{IsLegalRepresentative: yes()})
}

// TestJSONInput: what an API client sends decodes into the types and checks.
func TestJSONInput(t *testing.T) {
	body := `{
		"service_type": "mini_program", "name": "星野咖啡点单",
		"mini_program": {"platform": "wechat", "app_id": "wx4f4bc4dec97d474b",
			"description": "门店咖啡饮品在线点单、到店自取与会员积分查询服务，不含外卖配送。"},
		"content_types": ["life.catering"], "pre_approvals": [{"type": "none"}], "access": {"ips": ["203.0.113.20"]},
		"principal": {"name": "张伟", "id_type": "resident_id", "id_number": "440305198806123012",
			"phone": "13800138000", "email": "zhang.wei@example.com",
			"emergency_phone": "13900139000", "is_legal_representative": true}
	}`
	var m form.Website
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Principal.Phone != "13800138000" || m.Principal.EmergencyPhone != "13900139000" || m.Principal.IsLegalRepresentative == nil || !*m.Principal.IsLegalRepresentative {
		t.Fatalf("principal = %+v", m.Principal)
	}
	if e := errorsOf(checker().CheckMiniProgram(m)); len(e) > 0 {
		t.Errorf("errors: %v", e)
	}
}
