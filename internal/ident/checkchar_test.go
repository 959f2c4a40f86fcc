package ident

import (
	"testing"
	"time"
)

func TestCheckCharsMakeValidIdentifiers(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, body := range []string{"11010519491231002", "44030519900720345", "62010219881111456"} {
		c, ok := ResidentIDCheckChar(body)
		if !ok {
			t.Fatalf("ResidentIDCheckChar(%s) refused", body)
		}
		if _, err := ParseResidentID(body+string(c), now); err != nil {
			t.Fatalf("%s%c: %v", body, c, err)
		}
	}
	if c, _ := ResidentIDCheckChar("11010519491231002"); c != 'X' {
		t.Fatalf("11010519491231002 → %c, want X (the python-stdnum example)", c)
	}
	for _, org := range []string{"80210043", "MA01AB1C", "MA000212"} {
		oc, ok := OrgCodeCheckChar(org)
		if !ok {
			t.Fatalf("OrgCodeCheckChar(%s) refused", org)
		}
		body := "91110105" + org + string(oc)
		c, ok := USCCCheckChar(body)
		if !ok {
			t.Fatalf("USCCCheckChar(%s) refused", body)
		}
		if _, err := ParseUSCC(body + string(c)); err != nil {
			t.Fatalf("%s%c: %v", body, c, err)
		}
	}
	for _, bad := range []string{"", "1101051949123100", "1101051949123100A"} {
		if _, ok := ResidentIDCheckChar(bad); ok {
			t.Errorf("ResidentIDCheckChar(%q) accepted", bad)
		}
	}
	if _, ok := USCCCheckChar("91110105MA01AB1CI"); ok {
		t.Error("USCCCheckChar accepted I, which GB 32100 leaves out")
	}
	if _, ok := OrgCodeCheckChar("MA01AB1"); ok {
		t.Error("OrgCodeCheckChar accepted 7 characters")
	}
}
