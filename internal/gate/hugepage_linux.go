package gate

import (
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on amd64 and arm64.
const hugePageSize = 2 << 20

// makeHuge returns a zeroed slice of n elements. For large slices the
// 2 MiB-aligned middle of it is advised to the kernel as huge-page memory
// (MADV_HUGEPAGE), before it is first touched: random lookups across tens
// of megabytes then hit the TLB instead of walking page tables, which is
// most of a lookup's cost on a miss. The memory stays ordinary Go heap
// memory: the collector owns it and strings into it keep it alive. Where the
// kernel refuses (THP "never", other systems), nothing changes.
func makeHuge[T any](n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n*size < 4*hugePageSize {
		return make([]T, n)
	}
	s := make([]T, n)
	p := unsafe.Pointer(unsafe.SliceData(s))
	start := uintptr(p)
	end := start + uintptr(n*size)
	a := (start + hugePageSize - 1) &^ (hugePageSize - 1)
	if b := end &^ (hugePageSize - 1); b > a {
		_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, a-start)), b-a), madvHugepage)
	}
	return s
}

const madvHugepage = 14 // MADV_HUGEPAGE
