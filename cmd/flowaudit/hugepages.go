package main

import (
	"runtime"
	"runtime/debug"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An audit's heap is a few large, randomly accessed structures (the flow
// table, its index, the DNS tables): backed by 4 KiB pages it costs a
// page fault per 4 KiB the first time it is touched and a TLB miss on most
// packets. The Go runtime asks for transparent huge pages only for its own
// metadata, and on systems where THP is "madvise" (Debian's default) the
// heap gets none. Measured on the 2-vCPU development machine (a VM where
// a 4 KiB first-touch fault costs about 12 µs), the 5-million-packet
// gateway mix: 32,000 -> 4,000 page faults; one worker 2.26 -> 1.93 s, two
// workers 7% less CPU (docs/speed-log.md).
//
// preferHugePages reserves the address range the heap will grow into and
// advises huge pages for it: it allocates size bytes (which maps them
// without touching them), marks the range MADV_HUGEPAGE, and frees it
// again. Later allocations reuse the range (the runtime's page allocator
// takes the lowest free addresses first), and the advice stays with the
// range when the runtime releases and reuses its pages. Nothing is touched
// here: the resident memory grows only as the heap does, by 2 MiB pages.
// Where THP is "never" the advice does nothing; where it is "always" it is
// not needed. It returns the range advised (0, 0 when none).
func preferHugePages(size int) (start, end uintptr) {
	const huge = 2 << 20
	if size < 2*huge {
		return 0, 0
	}
	b := make([]byte, size)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start = (p + huge - 1) &^ (huge - 1)
	end = (p + uintptr(size)) &^ (huge - 1)
	err := unix.Madvise(b[start-p:end-p], unix.MADV_HUGEPAGE)
	runtime.KeepAlive(b)
	b = nil
	// Collect the reservation and return it to the system (it was never
	// touched: nothing to release but the accounting), so that it does not
	// count against the soft memory limit as free heap.
	debug.FreeOSMemory()
	if err != nil {
		return 0, 0 // a kernel without THP: EINVAL
	}
	return start, end
}

// hugeHeapSize is how much of the heap preferHugePages prepares for a soft
// memory limit of limit bytes: half of it, within 64 MiB..512 MiB. The
// 5-million-packet gateway mix peaks at about 130 MiB.
func hugeHeapSize(limit int64, bounded bool) int {
	const lo, hi = 64 << 20, 512 << 20
	if !bounded {
		return hi
	}
	return int(min(max(limit/2, lo), hi))
}
