package gate

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Forwarded headers are believed only from trusted proxies: the TCP peer of
// the connection must lie inside one of Config.TrustedProxies. A ForwardAuth
// request is about X-Forwarded-Host when a trusted proxy sent it, and about
// Host otherwise: from any other peer X-Forwarded-Host is ignored (counted in
// /metrics, logged once), because the client chose it and it would let any
// client that reaches the gate pick which host is decided. Ignoring rather
// than refusing matches what caddy does with untrusted forwarded headers and
// what the gate already did in reverse-proxy mode; the failure it leaves for
// a proxy that was not listed is loud and safe: it asks about the gate's own
// name, which is never filed, so every host is blocked.
//
// The peer is the TCP peer only: the gate never walks X-Forwarded-For to
// decide trust, which would let the client choose it again.

// DefaultTrustedProxies are the peers trusted when Config.TrustedProxies is
// nil: loopback only. The proxies that consult the gate (nginx auth_request,
// Traefik forwardAuth, Caddy forward_auth) most often run beside it, and a
// peer on loopback already runs on the machine; a proxy elsewhere must be
// named, so that a gate listening on a public address never takes a remote
// client's word for the host.
func DefaultTrustedProxies() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// ParseTrustedProxy parses one --trusted-proxy value: a CIDR ("10.0.0.0/8"),
// a single address ("10.0.0.5", "::1"), "loopback" (DefaultTrustedProxies) or
// "none" (an empty, non-nil list: trust no peer). A CIDR with host bits set
// ("10.0.0.5/8") is refused: it usually means a single address was meant,
// and silently trusting a /8 instead is what a fail-fast check is for.
func ParseTrustedProxy(s string) ([]netip.Prefix, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return nil, errors.New("empty trusted proxy")
	case "none":
		return []netip.Prefix{}, nil
	case "loopback":
		return DefaultTrustedProxies(), nil
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want a CIDR or an IP address: %w", s, err)
		}
		if a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q: zones are not supported", s)
		}
		a = a.Unmap()
		return []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, fmt.Errorf("trusted proxy %q: want a CIDR or an IP address: %w", s, err)
	}
	if p != p.Masked() {
		return nil, fmt.Errorf("trusted proxy %q has host bits set: write %s, or the address alone for one host", s, p.Masked())
	}
	if p.Addr().Is4In6() {
		// ::ffff:10.0.0.0/104 would never match: peers are compared
		// unmapped. (A masked IPv4-mapped prefix is at least /96.)
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return []netip.Prefix{p}, nil
}

// ParseTrustedProxies parses a comma-separated list of ParseTrustedProxy
// values (the BEIAN_GATE_TRUSTED_PROXIES form). "none" must stand alone.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	out := []netip.Prefix{}
	parts := strings.Split(list, ",")
	for _, part := range parts {
		ps, err := ParseTrustedProxy(part)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 && len(parts) > 1 {
			return nil, errors.New(`trusted proxy "none" cannot be combined with others`)
		}
		out = append(out, ps...)
	}
	return out, nil
}

// checkTrustedProxies validates Config.TrustedProxies (New fails on a bad
// one) and returns the list the gate uses.
func checkTrustedProxies(ps []netip.Prefix) ([]netip.Prefix, error) {
	if ps == nil {
		return DefaultTrustedProxies(), nil
	}
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		switch {
		case !p.IsValid():
			return nil, fmt.Errorf("gate: trusted proxy %v is not a valid prefix", p)
		case p.Addr().Zone() != "":
			return nil, fmt.Errorf("gate: trusted proxy %v: zones are not supported", p)
		case p != p.Masked():
			return nil, fmt.Errorf("gate: trusted proxy %v has host bits set (want %v)", p, p.Masked())
		case p.Addr().Is4In6():
			return nil, fmt.Errorf("gate: trusted proxy %v is IPv4-mapped; give it as IPv4", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// trustsAddr reports whether a peer address is a trusted proxy.
func (g *Gate) trustsAddr(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range g.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// trustsRemote reports whether a net/http RemoteAddr ("ip:port") is a
// trusted proxy. Anything else (a Unix socket peer, an empty address) is not.
func (g *Gate) trustsRemote(remote string) bool {
	ap, err := netip.ParseAddrPort(remote)
	return err == nil && g.trustsAddr(ap.Addr())
}

// peerAddr returns the IP address of a connection's peer, or the zero Addr.
func peerAddr(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// clientIP returns the client's address for logs: the peer, or, when the
// peer is a trusted proxy, the X-Forwarded-For entries read right to left
// past trusted proxies (the first untrusted one is the client; an entry that
// does not parse ends the walk at the last trusted hop).
func (g *Gate) clientIP(remote string, xff []string) string {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return remote
	}
	client := ap.Addr().Unmap()
	if !g.trustsAddr(client) {
		return client.String()
	}
	for i := len(xff) - 1; i >= 0; i-- {
		hops := strings.Split(xff[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[j]))
			if err != nil {
				return client.String()
			}
			client = a.Unmap().WithZone("")
			if !g.trustsAddr(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

// ignoredForwarded counts a forwarded header from an untrusted peer and logs
// the first one, so that an operator who forgot --trusted-proxy learns why
// every host is blocked without the log filling up.
func (g *Gate) ignoredForwarded(header string, peer netip.Addr) {
	switch header {
	case "X-Forwarded-Host":
		g.m.ignoredXFH.Inc()
	case "Forwarded":
		g.m.ignoredFwd.Inc()
	default:
		g.m.ignoredXFF.Inc()
	}
	if g.warnedUntrusted.CompareAndSwap(false, true) {
		g.log.Warn("forwarded header from a peer that is not a trusted proxy ignored (logged once; see beian_gate_forwarded_headers_ignored_total); add the proxy with --trusted-proxy if it is one",
			"header", header, "peer", peer.String(), "trusted_proxies", fmt.Sprint(g.trusted))
	}
}

// forwardedElement is the gate's hop in a Forwarded header (RFC 7239,
// https://www.rfc-editor.org/rfc/rfc7239#section-4): the peer it received
// the request from, the host and the scheme of that request. Values that are
// not tokens are quoted (an IPv6 node always is, section 6).
func forwardedElement(peer netip.Addr, host string, tls bool) string {
	node := "unknown" // section 6.3: the peer is not an IP address
	if peer.IsValid() {
		node = peer.String()
		if peer.Is6() {
			node = "[" + node + "]"
		}
	}
	proto := "http"
	if tls {
		proto = "https"
	}
	return "for=" + forwardedValue(node) + ";host=" + forwardedValue(host) + ";proto=" + proto
}

// forwardedValue returns v as an RFC 7230 token when it is one, else as a
// quoted-string.
func forwardedValue(v string) string {
	token := v != ""
	for i := 0; i < len(v) && token; i++ {
		c := v[i]
		token = c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
	}
	if token {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}
