// Package scantest serves what the scanner's tests and benchmark scan: a
// DNS server answering A and AAAA queries from a table, over UDP on
// loopback. It has no fixed ports: each server listens on a port the
// kernel picks.
package scantest

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS is a small authoritative DNS server for tests: names it holds get
// their A and AAAA records, others NXDOMAIN.
type DNS struct {
	conn *net.UDPConn
	mu   sync.RWMutex
	recs map[string][]netip.Addr
	// Fallback, when set, answers names missing from the table (the
	// benchmark maps 10,000 names by their shape instead of a table).
	fallback func(name string) []netip.Addr
	done     chan struct{}
}

// StartDNS serves on a free UDP port of 127.0.0.1 until Close.
func StartDNS() (*DNS, error) {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	d := &DNS{conn: c, recs: map[string][]netip.Addr{}, done: make(chan struct{})}
	go d.serve()
	return d, nil
}

// Addr is the server's address (127.0.0.1:port), for a resolver to query.
func (d *DNS) Addr() string { return d.conn.LocalAddr().String() }

// Set makes name resolve to addrs (IPv4 become A records, IPv6 AAAA).
func (d *DNS) Set(name string, addrs ...netip.Addr) {
	d.mu.Lock()
	d.recs[canonical(name)] = addrs
	d.mu.Unlock()
}

// SetFallback answers names not in the table with f (nil: NXDOMAIN).
// Call it before queries arrive.
func (d *DNS) SetFallback(f func(name string) []netip.Addr) {
	d.mu.Lock()
	d.fallback = f
	d.mu.Unlock()
}

// Close stops the server.
func (d *DNS) Close() error {
	err := d.conn.Close()
	<-d.done
	return err
}

func canonical(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func (d *DNS) lookup(name string) ([]netip.Addr, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if a, ok := d.recs[canonical(name)]; ok {
		return a, true
	}
	if d.fallback != nil {
		if a := d.fallback(canonical(name)); a != nil {
			return a, true
		}
	}
	return nil, false
}

func (d *DNS) serve() {
	defer close(d.done)
	buf := make([]byte, 1500)
	out := make([]byte, 0, 1500)
	for {
		n, from, err := d.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		resp, ok := d.answer(buf[:n], out[:0])
		if ok {
			_, _ = d.conn.WriteToUDPAddrPort(resp, from)
		}
	}
}

// answer builds the response to one query; ok is false for a message
// that is not a query (it is dropped, as real servers do with garbage).
func (d *DNS) answer(msg, out []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.Response {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	addrs, known := d.lookup(q.Name.String())
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(out, rh)
	b.EnableCompression()
	if b.StartQuestions() != nil || b.Question(q) != nil || b.StartAnswers() != nil {
		return nil, false
	}
	rr := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
	for _, a := range addrs {
		switch {
		case a.Is4() && q.Type == dnsmessage.TypeA:
			rr.Type = dnsmessage.TypeA
			if b.AResource(rr, dnsmessage.AResource{A: a.As4()}) != nil {
				return nil, false
			}
		case a.Is6() && !a.Is4In6() && q.Type == dnsmessage.TypeAAAA:
			rr.Type = dnsmessage.TypeAAAA
			if b.AAAAResource(rr, dnsmessage.AAAAResource{AAAA: a.As16()}) != nil {
				return nil, false
			}
		}
	}
	resp, err := b.Finish()
	return resp, err == nil
}

// Resolver returns a resolver that queries only this server.
func (d *DNS) Resolver() *net.Resolver {
	addr := d.Addr()
	var dl net.Dialer
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dl.DialContext(ctx, network, addr)
	}}
}
