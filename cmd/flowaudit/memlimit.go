package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/flowaudit/flowaudit/audit"
)

// Memory an audit may use: a base for what does not grow with the flow
// table (catalog, report groups, read buffers, DNS tables) and a share per
// flow the table may hold (a Flow, its index slot, what it may have out of
// line). The table is bounded by --max-flows; what is not bounded is the
// garbage collector's headroom: by default (GOGC=100) the heap grows to
// twice what is live before a collection, so a full table of a million
// flows would cost twice its size. A soft limit (runtime/debug
// SetMemoryLimit) makes the collector run sooner as the process nears it.
const (
	memBase    = 100 << 20
	memPerFlow = 300
)

// memoryLimit is the soft memory limit for a flow table of maxFlows (0:
// audit.DefaultMaxFlows), and false when the table is unbounded.
func memoryLimit(maxFlows int) (int64, bool) {
	if maxFlows == 0 {
		maxFlows = audit.DefaultMaxFlows
	}
	if maxFlows < 0 || maxFlows > (math.MaxInt64-memBase)/memPerFlow {
		return 0, false
	}
	return memBase + memPerFlow*int64(maxFlows), true
}

// setMemoryLimit applies memoryLimit unless GOMEMLIMIT chose one already,
// and prepares the heap for huge pages (preferHugePages). It returns the
// limit in force, false when there is none.
func setMemoryLimit(maxFlows int) (int64, bool) {
	l, ok := memoryLimit(maxFlows)
	if os.Getenv("GOMEMLIMIT") != "" {
		l, ok = debug.SetMemoryLimit(-1), true
	} else if ok {
		debug.SetMemoryLimit(l)
	}
	preferHugePages(hugeHeapSize(l, ok))
	return l, ok
}

// memSlack is kept below the bound at the end of the input, for what
// becomes resident later and is not the runtime's (the code that renders
// the report) and for the runtime overshooting a soft limit. Without it
// the 5-million-packet gateway mix as pcapng (116,211 flows at most: a
// bound of 136,446 KiB) peaked at 136,116-136,372 KiB; with it, at
// 131,900-132,580 KiB.
const memSlack = 4 << 20

// boundMemory is audit.Options.Ended: when the input has ended, the flow
// tables the engines let go of are garbage, and the report is built next.
// Its largest piece (a slice of all groups, 20 MB for 49,000 groups)
// cannot reuse the freed slabs' scattered pages, so it would be added on
// top of the peak. Rather than returning every freed page to the system
// (debug.FreeOSMemory: the report's pages are then faulted back in 4 KiB
// at a time), it collects and lowers the soft memory limit to the bound
// the audit promises for the flows it tracked: 100 MiB plus 300 bytes a
// flow, less what is resident but not the Go runtime's (the binary). The
// runtime then returns freed pages only as far as the bound requires.
// Measured on the 5-million-packet gateway mix (2 workers, paired runs):
// 0.045 s faster as pcap (peak 127 MiB against 105), 0.08 s as pcapng
// (129 MiB against 113-116). A limit GOMEMLIMIT set lower is kept.
func boundMemory(peakFlows int) {
	runtime.GC()
	limitMemory(peakFlows)
}

// limitMemory is audit.Options.Ending: before the engines end the flows
// they still track, the soft memory limit is lowered to the same bound,
// without collecting first (the flow tables are all live then). Ending the
// flows grows the report's groups while the tables are held, and with the
// collector's usual headroom (the heap grows to twice what is live) that
// was the peak: with two engines, each with its own DNS answers and
// groups (--workers 3), the 5-million-packet gateway mix as pcapng peaked
// at 143-154 MiB; now at 130-131 MiB (bound 133.2 MiB), no slower with
// one engine (16 paired runs).
func limitMemory(peakFlows int) {
	limit := memBase + memPerFlow*int64(peakFlows) - notGoMemory() - memSlack
	if limit < debug.SetMemoryLimit(-1) {
		debug.SetMemoryLimit(limit)
	}
}

// notGoMemory is the resident memory the Go runtime does not account for
// (the binary's pages mostly): the resident set less the runtime's memory
// not returned to the system. 0 when it cannot be read.
func notGoMemory() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	// Not runtime/metrics: its package init costs 0.5-4 ms at every start.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	goMem := int64(ms.Sys - ms.HeapReleased)
	return max(0, pages*int64(os.Getpagesize())-goMem)
}
