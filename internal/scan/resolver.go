package scan

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// Resolver looks up a host's addresses (A and AAAA records). *net.Resolver
// satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// NewResolver returns the system resolver when addr is empty, else a
// resolver that sends every query to the DNS server at addr (host or
// host:port, port 53 by default), over UDP and, for truncated answers, TCP.
// A fixed server lets a provider scan with the resolver its customers'
// visitors use, and lets tests run their own.
func NewResolver(addr string) (Resolver, error) {
	if addr == "" {
		return net.DefaultResolver, nil
	}
	server := addr
	if _, _, err := net.SplitHostPort(addr); err != nil {
		server = net.JoinHostPort(strings.Trim(addr, "[]"), "53")
	}
	host, _, err := net.SplitHostPort(server)
	if err != nil {
		return nil, fmt.Errorf("resolver %q: %w", addr, err)
	}
	if _, err := netip.ParseAddr(host); err != nil {
		return nil, fmt.Errorf("resolver %q: want an IP address, optionally with :port: %w", addr, err)
	}
	var d net.Dialer
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, server)
		},
	}, nil
}

// lookup resolves host, IPv4 addresses first (a dual-stack answer is then
// tried in the order most networks can reach), IPv4-mapped forms unmapped.
func lookup(ctx context.Context, r Resolver, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a.Unmap()}, nil
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		switch {
		case a.Is4() == b.Is4():
			return 0
		case a.Is4():
			return -1
		default:
			return 1
		}
	})
	return slices.Compact(addrs), nil
}
