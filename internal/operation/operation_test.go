package operation

import (
	"slices"
	"testing"
)

// TestCatalogueIsConsistent checks what every descriptor must satisfy for
// package filing's checks and effects to work: each check runs after the
// checks whose facts it reads, every effect is set, and the SMS rule and
// withdrawal rule follow the sources cited in the package doc.
func TestCatalogueIsConsistent(t *testing.T) {
	c := Default()
	seen := map[Name]bool{}
	for _, d := range c.List() {
		if seen[d.Name] {
			t.Errorf("%s listed twice", d.Name)
		}
		seen[d.Name] = true
		if d.Effect == 0 {
			t.Errorf("%s has no effect", d.Name)
		}
		before := func(chk, need Check) {
			i, j := slices.Index(d.Resolve, chk), slices.Index(d.Resolve, need)
			if i >= 0 && (j < 0 || j > i) {
				t.Errorf("%s: check %d runs without check %d before it", d.Name, chk, need)
			}
		}
		before(CheckServicesOwned, CheckEntityOwned)
		before(CheckEntityFixedFields, CheckEntityOwned)
		before(CheckLicenceEligible, CheckEntityOwned)
		before(CheckNoNewDomains, CheckServicesOwned)
		before(CheckServicesNotHere, CheckServiceNumbers)
		before(CheckOwnerProof, CheckServiceNumbers)
		if slices.Contains(d.Resolve, CheckNoAccessHere) && !slices.Contains(d.Resolve, CheckServiceNumbers) {
			t.Errorf("%s: access check without the services' rows", d.Name)
		}
		if slices.Contains(d.Resolve, CheckAccessHere) && !slices.Contains(d.Resolve, CheckServicesOwned) {
			t.Errorf("%s: access check without the services' rows", d.Name)
		}
		if d.HasServices() != (len(d.ServiceTypes) > 0) {
			t.Errorf("%s: carries services %v but applies to service types %v", d.Name, d.HasServices(), d.ServiceTypes)
		}
		if d.NamesFiledServices() && d.Needs.Services == NoServices {
			t.Errorf("%s names filed services but carries none", d.Name)
		}
	}
	if len(c.List()) != 11 {
		t.Errorf("%d operations, want 11", len(c.List()))
	}
}

// TestDescriptorsMatchTheSources pins the facts the descriptors encode,
// written out here independently of all().
func TestDescriptorsMatchTheSources(t *testing.T) {
	type want struct {
		entitySMS, serviceSMS, withdrawable, filedEntity, filedServices, services bool
	}
	wants := map[Name]want{
		FirstFiling:       {true, true, true, false, false, true},
		NewWebsite:        {true, true, true, true, false, true},
		NewAccess:         {false, true, true, true, true, true},
		ChangeEntity:      {true, false, true, true, false, false},
		ChangeWebsite:     {false, true, true, true, true, true},
		ChangeAccess:      {false, false, true, true, true, true},
		CancelEntity:      {true, false, false, true, false, false},
		CancelWebsite:     {false, true, false, true, true, true},
		CancelAccess:      {false, false, false, true, true, true},
		Claim:             {true, true, true, true, true, true},
		CommercialLicense: {true, false, true, true, false, false},
	}
	c := Default()
	for name, w := range wants {
		d, ok := c.Get(name)
		if !ok {
			t.Fatalf("%s missing", name)
		}
		got := want{d.SMS.Entity, d.SMS.Service, d.Withdrawable(), d.NamesFiledEntity(), d.NamesFiledServices(), d.HasServices()}
		if got != w {
			t.Errorf("%s = %+v, want %+v", name, got, w)
		}
	}
	if d, _ := c.Get(CommercialLicense); d.Review != Review60CalendarDays {
		t.Error("the ICP licence is reviewed on the 60-day clock")
	}
	notice := c.With(func(d Descriptor) bool { return d.ChangeNotice })
	if !slices.Equal(notice, []Name{ChangeEntity, ChangeWebsite, ChangeAccess}) {
		t.Errorf("change-notice operations %v", notice)
	}
}

func TestCatalogueLookupAndExtension(t *testing.T) {
	extra := Descriptor{Name: "transfer_entity", Effect: ChangeEntityData, SMS: SMS{Entity: true}}
	c := New(extra)
	if d, ok := c.Parse("transfer_entity"); !ok || d.Effect != ChangeEntityData || d.I18nKey() != "op.transfer_entity" {
		t.Errorf("extra descriptor: %+v %v", d, ok)
	}
	if _, ok := c.Parse("no_such_op"); ok {
		t.Error("unknown name parsed")
	}
	if _, ok := Default().Parse("transfer_entity"); ok {
		t.Error("an extension leaked into the default catalogue")
	}
	if got := c.Strings(); got[len(got)-1] != "transfer_entity" || len(got) != 12 {
		t.Errorf("Strings = %v", got)
	}
	// The catalogue's lists are copies: a caller cannot change it.
	l := c.List()
	l[0].Name = "mutated"
	if c.List()[0].Name != FirstFiling {
		t.Error("List exposed the catalogue's storage")
	}
}
