// Package clientip finds the address of the client behind an HTTP request,
// for rate limits and logs. The TCP peer is the client unless it is a
// trusted proxy; then the forwarding header the proxy writes is read right
// to left, past trusted proxies, and the first hop that is not one is the
// client. Everything to the left of that hop was written by the client
// itself and is never believed: that is what lets one client pretend to be
// many (escaping a per-IP limit) or to be another (locking it out). This is
// the rule of MDN's X-Forwarded-For page
// (https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns)
// and of caddy's trusted_proxies
// (https://caddyserver.com/docs/caddyfile/options#trusted-proxies).
package clientip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Header names the forwarding header a deployment's proxies write. Exactly
// one is read: a proxy that appends to X-Forwarded-For passes a
// client-supplied Forwarded header through untouched, so reading both would
// let the client choose.
type Header int

// The headers.
const (
	// XForwardedFor is "X-Forwarded-For: client, proxy1, proxy2" (nginx
	// $proxy_add_x_forwarded_for, Traefik, Caddy, Envoy, HAProxy option forwardfor).
	XForwardedFor Header = iota + 1
	// Forwarded is RFC 7239 "Forwarded: for=client, for=proxy1"
	// (https://www.rfc-editor.org/rfc/rfc7239).
	Forwarded
	// XRealIP is one address set by the last proxy (nginx
	// "proxy_set_header X-Real-IP $remote_addr"); only its last line counts.
	XRealIP
)

var headerNames = map[Header]string{XForwardedFor: "X-Forwarded-For", Forwarded: "Forwarded", XRealIP: "X-Real-IP"}

// String is the header's canonical name.
func (h Header) String() string {
	if s, ok := headerNames[h]; ok {
		return s
	}
	return fmt.Sprintf("clientip.Header(%d)", int(h))
}

// ParseHeader reads a header name as an operator writes it (any case).
func ParseHeader(s string) (Header, error) {
	for h, name := range headerNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return h, nil
		}
	}
	return 0, fmt.Errorf("client IP header %q: want X-Forwarded-For, Forwarded or X-Real-IP (客户端IP请求头须为 X-Forwarded-For、Forwarded 或 X-Real-IP)", s)
}

// Config says whom to believe.
type Config struct {
	// Trusted are the proxies whose forwarding header is read. nil means
	// loopback only (a proxy on the same machine); an empty, non-nil list
	// trusts no one, so the TCP peer is always the client.
	Trusted []netip.Prefix
	// Header is the header the trusted proxies write; 0 means XForwardedFor.
	Header Header
	// TrustUnixPeer treats a peer that has no IP address (a Unix socket
	// listener, where only a local proxy can connect) as a trusted proxy.
	TrustUnixPeer bool
}

// Resolver finds client addresses under one Config. It is immutable and
// safe for concurrent use.
type Resolver struct {
	trusted  []netip.Prefix
	header   Header
	unixPeer bool
}

// Loopback is the Trusted list used when Config.Trusted is nil.
func Loopback() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// New checks cfg and returns its Resolver, failing at start rather than
// trusting something other than what the operator meant.
func New(cfg Config) (*Resolver, error) {
	r := &Resolver{header: cfg.Header, unixPeer: cfg.TrustUnixPeer}
	if r.header == 0 {
		r.header = XForwardedFor
	}
	if _, ok := headerNames[r.header]; !ok {
		return nil, fmt.Errorf("clientip: unknown header %d", int(r.header))
	}
	if cfg.Trusted == nil {
		r.trusted = Loopback()
		return r, nil
	}
	r.trusted = make([]netip.Prefix, 0, len(cfg.Trusted))
	for _, p := range cfg.Trusted {
		switch {
		case !p.IsValid():
			return nil, fmt.Errorf("clientip: trusted proxy %v is not a valid prefix", p)
		case p != p.Masked():
			return nil, fmt.Errorf("clientip: trusted proxy %v has host bits set (want %v)", p, p.Masked())
		case p.Addr().Is4In6():
			return nil, fmt.Errorf("clientip: trusted proxy %v is IPv4-mapped; give it as IPv4", p)
		}
		r.trusted = append(r.trusted, p)
	}
	return r, nil
}

// ParseTrusted reads a comma-separated list of CIDRs and addresses
// ("10.0.0.0/8, 192.0.2.7, ::1"), "loopback", or "none" alone (trust no one).
// A CIDR with host bits set ("10.0.0.5/8") is refused: it usually means one
// address was meant, and silently trusting a /8 is what a check at start is for.
func ParseTrusted(list string) ([]netip.Prefix, error) {
	out := []netip.Prefix{}
	parts := strings.Split(list, ",")
	for _, part := range parts {
		s := strings.TrimSpace(part)
		switch {
		case strings.EqualFold(s, "none"):
			if len(parts) > 1 {
				return nil, errors.New(`trusted proxies: "none" cannot be combined with others (“none”不能与其他代理并列)`)
			}
			continue
		case strings.EqualFold(s, "loopback"):
			out = append(out, Loopback()...)
			continue
		}
		p, err := parsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePrefix reads one CIDR or address, unmapping IPv4-in-IPv6 forms.
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, errors.New("want a CIDR or an IP address without a zone (须为CIDR或IP地址)")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, errors.New("want a CIDR or an IP address (须为CIDR或IP地址)")
	}
	if p != p.Masked() {
		return netip.Prefix{}, fmt.Errorf("host bits set: write %s, or the address alone for one host (主机位非零)", p.Masked())
	}
	if p.Addr().Is4In6() {
		// Peers are compared unmapped, so ::ffff:10.0.0.0/104 would never
		// match. (Masked, an IPv4-mapped prefix is at least /96.)
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p, nil
}

// Trusts reports whether a is a trusted proxy.
func (r *Resolver) Trusts(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP is Resolve for an incoming request.
func (r *Resolver) ClientIP(req *http.Request) netip.Addr {
	return r.Resolve(req.RemoteAddr, req.Header)
}

// Resolve returns the client's address given net/http's RemoteAddr
// ("ip:port") and the request headers. When the peer is not a trusted proxy
// it is the client. Otherwise the forwarding header's hops are walked right
// to left: the first that is not trusted is the client; a hop that is not an
// address (RFC 7239's "unknown" or an obfuscated "_name", a malformed entry)
// ends the walk at the last trusted hop, since nothing to its left can be
// attributed. The zero Addr is returned only for a peer without an IP
// address (a Unix socket) that is not trusted, or that is trusted but sent
// no usable hop; Key gives all such clients one shared key.
func (r *Resolver) Resolve(remoteAddr string, h http.Header) netip.Addr {
	peer := parseHop(remoteAddr)
	switch {
	case !peer.IsValid() && !r.unixPeer:
		return netip.Addr{}
	case peer.IsValid() && !r.Trusts(peer):
		return peer
	}
	client := peer
	lines := h.Values(r.header.String())
	for i := len(lines) - 1; i >= 0; i-- {
		var hops []string
		switch r.header {
		case XRealIP:
			// The last proxy sets it, replacing what the client sent:
			// one line, one address, never a list to walk.
			hops, i = lines[len(lines)-1:], 0
		case Forwarded:
			var ok bool
			if hops, ok = forwardedFor(lines[i]); !ok {
				return client
			}
		default:
			hops = strings.Split(lines[i], ",")
		}
		for j := len(hops) - 1; j >= 0; j-- {
			a := parseHop(strings.TrimSpace(hops[j]))
			if !a.IsValid() {
				return client
			}
			client = a
			if !r.Trusts(a) {
				return client
			}
		}
	}
	return client
}

// parseHop reads an address as proxies write it: "192.0.2.1",
// "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]:4711" or "[2001:db8::1]".
// Zones are dropped and IPv4-mapped addresses unmapped, so that one client
// has one form. Anything else is the zero Addr.
func parseHop(s string) netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() {
			return a.Unmap().WithZone("")
		}
	}
	return netip.Addr{}
}

// Key is the rate-limit key of a client address: an IPv4 address alone,
// an IPv6 address by its /64, since one subscriber is routinely given a
// whole /64 (RFC 6177, https://www.rfc-editor.org/rfc/rfc6177) and could
// otherwise take a fresh address per attempt. The zero Addr has the key
// "ip:unknown", shared by every such client.
func Key(a netip.Addr) string {
	if !a.IsValid() {
		return "ip:unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

type ctxKey struct{}

// WithAddr returns ctx carrying the client address, for services that rate
// limit (sign-in) but see only a context.
func WithAddr(ctx context.Context, a netip.Addr) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// FromContext returns the address WithAddr stored, or false.
func FromContext(ctx context.Context) (netip.Addr, bool) {
	a, ok := ctx.Value(ctxKey{}).(netip.Addr)
	return a, ok
}

type proxyKey struct{}

// FromTrustedProxy reports whether the request whose context this is came
// through a trusted proxy (Middleware records it), so that other forwarded
// headers (X-Forwarded-Proto) are believed only then.
func FromTrustedProxy(ctx context.Context) bool {
	v, _ := ctx.Value(proxyKey{}).(bool)
	return v
}

// Middleware stores each request's client address in its context
// (FromContext), resolved once at the edge of the application, and whether
// its peer is a trusted proxy (FromTrustedProxy).
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := WithAddr(req.Context(), r.ClientIP(req))
		if r.Trusts(parseHop(req.RemoteAddr)) {
			ctx = context.WithValue(ctx, proxyKey{}, true)
		}
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}
