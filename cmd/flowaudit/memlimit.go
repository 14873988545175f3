package main

import (
	"math"
	"os"
	"runtime/debug"

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
// and prepares the heap for huge pages (preferHugePages).
func setMemoryLimit(maxFlows int) {
	l, ok := memoryLimit(maxFlows)
	if os.Getenv("GOMEMLIMIT") != "" {
		l, ok = debug.SetMemoryLimit(-1), true
	} else if ok {
		debug.SetMemoryLimit(l)
	}
	preferHugePages(hugeHeapSize(l, ok))
}
