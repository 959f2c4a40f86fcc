package clientip

import (
	"net/http"
	"testing"
)

// The property that matters: whatever a client writes into a forwarding
// header, the hop the trusted proxy appends after it decides. The proxy
// appends either to the client's line or as a line of its own.
func FuzzResolveXForwardedFor(f *testing.F) {
	for _, s := range []string{"", "1.1.1.1", "1.1.1.1, 10.0.0.9", "[::1]:80, x", ",,,", "10.0.0.1,\t::ffff:1.2.3.4"} {
		f.Add(s)
	}
	r := mustResolver(f, Config{Trusted: prefixes(f, "10.0.0.0/8")})
	f.Fuzz(func(t *testing.T, client string) {
		_ = r.Resolve("10.0.0.2:1", http.Header{"X-Forwarded-For": {client}})
		for _, h := range []http.Header{
			{"X-Forwarded-For": {client + ", 198.51.100.7"}},
			{"X-Forwarded-For": {client, "198.51.100.7"}},
			{"X-Forwarded-For": {client, "198.51.100.7, 10.0.0.3"}},
		} {
			if got := r.Resolve("10.0.0.2:1", h); got.String() != "198.51.100.7" {
				t.Fatalf("client wrote %q; Resolve = %v, want the hop the proxy appended", client, got)
			}
		}
	})
}

func FuzzResolveForwarded(f *testing.F) {
	for _, s := range []string{"", `for=1.1.1.1`, `for="[2001:db8::1]:80";proto=https`, `for="`, `for="\`, `;;,`, `for=_x, for=unknown`, "for=\"a\\\"b\""} {
		f.Add(s)
	}
	r := mustResolver(f, Config{Trusted: prefixes(f, "10.0.0.0/8"), Header: Forwarded})
	f.Fuzz(func(t *testing.T, client string) {
		fors, ok := forwardedFor(client)
		if ok && len(fors) == 0 {
			t.Fatalf("forwardedFor(%q) accepted a line with no element", client)
		}
		// A line of its own: the proxy's hop decides.
		h := http.Header{"Forwarded": {client, "for=198.51.100.7;proto=https"}}
		if got := r.Resolve("10.0.0.2:1", h); got.String() != "198.51.100.7" {
			t.Fatalf("client wrote %q; Resolve = %v", client, got)
		}
		// Appended to the client's line: the proxy's hop, or, when the
		// client broke the line, the proxy itself; never an address the
		// client chose.
		h = http.Header{"Forwarded": {client + ", for=198.51.100.7"}}
		if got := r.Resolve("10.0.0.2:1", h).String(); got != "198.51.100.7" && got != "10.0.0.2" {
			t.Fatalf("client wrote %q; Resolve = %v", client, got)
		}
	})
}
