package appinfo

import (
	"testing"

	"github.com/beian/beian/internal/form"
)

func TestParseMobile(t *testing.T) {
	tests := []struct{ in, want, code string }{
		{"13800138000", "13800138000", ""},
		{"138 0013 8000", "13800138000", ""},
		{"138-0013-8000", "13800138000", ""},
		{"+86 138 0013 8000", "13800138000", ""},
		{"+8613800138000", "13800138000", ""},
		{"008613800138000", "13800138000", ""},
		{"8613800138000", "13800138000", ""},
		{"(+86) 19912345678", "19912345678", ""},
		{"138+00138000", "", "phone.format"}, // "+" after digits
		{"１３８００１３８０００", "13800138000", ""},   // full-width digits
		{"", "", "phone.empty"},
		{"12800138000", "", "phone.format"},     // no 12x numbers
		{"1380013800", "", "phone.format"},      // 10 digits
		{"138001380001", "", "phone.format"},    // 12 digits
		{"010-88888888", "", "phone.format"},    // a landline
		{"+1 415 555 2671", "", "phone.format"}, // abroad
		{"138O0138000", "", "phone.format"},     // a letter O
		{"13800138000 ext 2", "", "phone.format"},
	}
	for _, tt := range tests {
		got, err := ParseMobile(tt.in)
		if c := codeOf(t, err); c != tt.code || got != tt.want {
			t.Errorf("ParseMobile(%q) = %q, %q; want %q, %q", tt.in, got, c, tt.want, tt.code)
		}
	}
}

func TestLegalRepresentative(t *testing.T) {
	tests := []struct {
		name   string
		nature string
		change func(p *form.Principal)
		field  string
		code   string
	}{
		{name: "passport holder", nature: form.NatureEnterprise, change: func(p *form.Principal) {
			p.LegalRepresentative = &form.LegalRepresentative{Name: "John Smith", IDType: form.IDPassport, IDNumber: "E12345678"}
		}},
		{name: "the principal is the legal representative", nature: form.NatureEnterprise, change: func(p *form.Principal) {
			p.IsLegalRepresentative, p.LegalRepresentative = yes(), nil
		}},
		{name: "government body", nature: form.NatureGovernment, change: func(p *form.Principal) { p.LegalRepresentative = nil },
			field: "principal.legal_representative", code: "principal.legal_representative_required"},
		{name: "no ID type", nature: form.NatureEnterprise, change: func(p *form.Principal) { p.LegalRepresentative.IDType = "" },
			field: "principal.legal_representative.id_type", code: "legal_representative.id_type_required"},
		{name: "no ID number", nature: form.NatureEnterprise, change: func(p *form.Principal) { p.LegalRepresentative.IDNumber = "" },
			field: "principal.legal_representative.id_number", code: "legal_representative.id_number_required"},
		{name: "an ID born in the future", nature: form.NatureEnterprise,
			change: func(p *form.Principal) { p.LegalRepresentative.IDNumber = residentID(t, "11010520300101002") },
			field:  "principal.legal_representative.id_number", code: "id.future_date"},
		{name: "not said", nature: form.NatureEnterprise, change: func(p *form.Principal) { p.IsLegalRepresentative, p.LegalRepresentative = nil, nil },
			field: "principal.is_legal_representative", code: "principal.is_legal_representative_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMiniProgram(t)
			tt.change(&m.Principal)
			c := checker()
			c.Nature = tt.nature
			fs := c.CheckMiniProgram(m)
			if tt.code == "" {
				if e := errorsOf(fs); len(e) > 0 {
					t.Fatalf("want no errors, got %v", e)
				}
				return
			}
			if !has(fs, tt.code, tt.field) {
				t.Fatalf("want %s at %s, got %v", tt.code, tt.field, errorsOf(fs))
			}
		})
	}
}

// TestCheckPrincipal: the entity principal's additions, fields relative.
func TestCheckPrincipal(t *testing.T) {
	p := principal(t)
	if fs := checker().CheckPrincipal(p, true); len(fs) != 0 {
		t.Fatalf("valid principal: %v", fs)
	}
	// A website's principal need not answer, but what it gives is checked.
	if fs := checker().CheckPrincipal(form.Principal{Name: "李四", Phone: "13800138000"}, false); len(fs) != 0 {
		t.Errorf("a website principal without the additions: %v", fs)
	}
	if fs := checker().CheckPrincipal(form.Principal{Name: "李四", Phone: "13800138000"}, true); !has(fs, "principal.emergency_phone_required", "emergency_phone") {
		t.Errorf("a service principal without an emergency phone: %v", errorsOf(fs))
	}
	p.EmergencyPhone = p.Phone
	p.LegalRepresentative.IDNumber = "11010519710315002X"
	fs := checker().CheckPrincipal(p, false)
	for _, want := range [][2]string{{"principal.emergency_phone_same", "emergency_phone"}, {"id.checksum", "legal_representative.id_number"}} {
		if !has(fs, want[0], want[1]) {
			t.Errorf("want %s at %s, got %v", want[0], want[1], errorsOf(fs))
		}
	}
}
