package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ErrRefusedAddress is returned (wrapped) when a site resolves to an
// address the scanner must not connect to.
var ErrRefusedAddress = errors.New("address refused")

// cgnat is the shared address space of RFC 6598, private in all but name.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// refusal says why a connection to a must be refused, or "" if it may be
// made: loopback, private (RFC 1918, RFC 4193, RFC 6598), link-local,
// unspecified and multicast addresses are inside someone's network, and a
// scanner that reached them would let anyone who can publish a DNS record
// probe the operator's own services.
func refusal(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate() || cgnat.Contains(a):
		return "private"
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsUnspecified() || (a.Is4() && a.As4()[0] == 0):
		return "unspecified"
	case a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	}
	return ""
}

// control is net.Dialer.Control: it runs after name resolution, on the
// very address the socket is about to connect to, so no spelling of a host
// (decimal IPs, DNS rebinding, a redirect to http://[::1]/) gets past it.
func control(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot parse %q", ErrRefusedAddress, address)
		}
		if why := refusal(ap.Addr()); why != "" {
			return fmt.Errorf("%w: %s is %s (use --allow-private to scan it)", ErrRefusedAddress, ap.Addr(), why)
		}
		return nil
	}
}

// hostAddrs holds the addresses a scan resolved, so that the connection
// goes to the addresses the access check judged (one lookup per host).
type hostAddrs struct {
	mu    sync.Mutex
	addrs map[string][]netip.Addr
}

type hostAddrsKey struct{}

// dialer connects to a host through the scanner's resolver and the SSRF check.
type dialer struct {
	resolver Resolver
	d        net.Dialer
}

func newDialer(r Resolver, allowPrivate bool, timeout time.Duration) *dialer {
	return &dialer{resolver: r, d: net.Dialer{Timeout: timeout, Control: control(allowPrivate)}}
}

// DialContext is the transport's dial function: it resolves the host (or
// takes the scan's earlier answer) and tries each address in turn.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", address, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dial %s: bad port: %w", address, err)
	}
	cache, _ := ctx.Value(hostAddrsKey{}).(*hostAddrs)
	var addrs []netip.Addr
	if cache != nil {
		cache.mu.Lock()
		addrs = cache.addrs[host]
		cache.mu.Unlock()
	}
	if addrs == nil {
		if addrs, err = lookup(ctx, d.resolver, host); err != nil {
			return nil, err
		}
		if cache != nil {
			cache.mu.Lock()
			cache.addrs[host] = addrs
			cache.mu.Unlock()
		}
	}
	var first error
	for _, a := range addrs {
		c, err := d.d.DialContext(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = fmt.Errorf("dial %s: no address", host)
	}
	return nil, first
}
