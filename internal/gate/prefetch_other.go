//go:build !amd64 && !arm64

package gate

// prefetch is a no-op where the gate has no assembly for it: LookupBatch
// then decides the same, only without overlapping its cache misses (see
// prefetch_asm.go).
func prefetch(addrs []uintptr) {}
