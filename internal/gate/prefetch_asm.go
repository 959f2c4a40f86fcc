//go:build amd64 || arm64

package gate

// prefetch asks the CPU to bring the cache lines holding the addresses into
// its caches without waiting for them; it never faults, whatever the
// addresses. LookupBatch issues one for each slot and entry of a group of
// hosts as soon as it knows the address, and reads the line only after it
// has worked on the other hosts of the group, so that their DRAM misses
// overlap instead of following one another. Go has no public prefetch
// intrinsic, hence these few lines of assembly (PREFETCHT0 on amd64, PRFM
// PLDL1KEEP on arm64). As Go cannot inline them, they take a list, so that
// the addresses known at one time cost one call.
//
// A plain load into a sink would also start the miss, but it holds the
// CPU's reorder window until the line arrives and so stalls the work behind
// it: BenchmarkLookupBatch ran at half the speed with loads.
//
//go:noescape
func prefetch(addrs []uintptr)
