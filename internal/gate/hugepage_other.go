//go:build !linux

package gate

// makeHuge returns a zeroed slice of n elements (huge-page advice is Linux only).
func makeHuge[T any](n int) []T { return make([]T, n) }

// hugePageSize is the size under which arenas are not worth advising.
const hugePageSize = 2 << 20
