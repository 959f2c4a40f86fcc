// Package gate is the edge gate: it decides, per host, whether a site may be
// served from Mainland China (the host or a parent domain has an active filing
// with access at this provider) and enforces it in front of or beside the
// provider's edge: ForwardAuth / nginx auth_request, Caddy's on-demand TLS
// ask, a reverse proxy, a JSON status per host for CDNs, and allow-list
// exports for edges that pull. This is beian's own design of the edge gate.
//
// The allow-list is a Set: an immutable, pointer-free structure that answers
// in tens of nanoseconds without allocating, for millions of domains. A Gate
// holds the current Set behind an atomic pointer; a reload builds a new Set
// off to the side and swaps it in, so readers never wait, and a failed or
// partial load keeps the last good set.
package gate
