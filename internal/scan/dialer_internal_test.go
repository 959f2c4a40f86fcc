package scan

import (
	"errors"
	"net/netip"
	"testing"
)

func TestRefusal(t *testing.T) {
	refused := []string{"127.0.0.1", "127.9.9.9", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1",
		"169.254.169.254", "fe80::1", "fc00::1", "fd12::1", "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}
	allowed := []string{"1.1.1.1", "203.0.113.7", "172.32.0.1", "100.128.0.1", "2001:db8::1", "2400:3200::1"}
	for _, s := range refused {
		if refusal(netip.MustParseAddr(s)) == "" {
			t.Errorf("%s is allowed; want refused", s)
		}
		err := control(false)("tcp", netip.AddrPortFrom(netip.MustParseAddr(s), 80).String(), nil)
		if !errors.Is(err, ErrRefusedAddress) {
			t.Errorf("control(%s) = %v, want ErrRefusedAddress", s, err)
		}
		if err := control(true)("tcp", netip.AddrPortFrom(netip.MustParseAddr(s), 80).String(), nil); err != nil {
			t.Errorf("control(%s) with allowPrivate = %v", s, err)
		}
	}
	for _, s := range allowed {
		if why := refusal(netip.MustParseAddr(s)); why != "" {
			t.Errorf("%s refused as %s; want allowed", s, why)
		}
	}
}
