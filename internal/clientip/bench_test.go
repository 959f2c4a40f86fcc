package clientip

import (
	"net/http"
	"testing"
)

// BenchmarkResolve is the cost per request of finding the client behind
// two trusted proxies, for each header.
func BenchmarkResolve(b *testing.B) {
	for _, tc := range []struct {
		header Header
		value  string
	}{
		{XForwardedFor, "198.51.100.20, 203.0.113.9, 10.0.0.7"},
		{Forwarded, `for=198.51.100.20, for="[2001:db8:2::5]:4711";proto=https, for=10.0.0.7`},
		{XRealIP, "203.0.113.9"},
	} {
		b.Run(tc.header.String(), func(b *testing.B) {
			r := mustResolver(b, Config{Trusted: prefixes(b, "10.0.0.0/8"), Header: tc.header})
			h := http.Header{tc.header.String(): {tc.value}}
			for b.Loop() {
				if !r.Resolve("10.0.0.2:5000", h).IsValid() {
					b.Fatal("no client")
				}
			}
		})
	}
}
