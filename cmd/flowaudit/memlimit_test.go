package main

import (
	"runtime/debug"
	"testing"

	"github.com/flowaudit/flowaudit/audit"
)

func TestMemoryLimit(t *testing.T) {
	if l, ok := memoryLimit(1_000_000); !ok || l != 100<<20+300_000_000 {
		t.Errorf("1M flows: %d %v", l, ok)
	}
	if l, ok := memoryLimit(0); !ok || l != 100<<20+300*int64(audit.DefaultMaxFlows) {
		t.Errorf("default table: %d %v", l, ok)
	}
	if _, ok := memoryLimit(-1); ok {
		t.Error("an unbounded table got a limit")
	}
}

// TestMemoryLimitLeavesGOMEMLIMIT: a limit the user set wins.
func TestMemoryLimitLeavesGOMEMLIMIT(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)

	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	setMemoryLimit(1000)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("GOMEMLIMIT set: limit %d, want %d", got, 1<<30)
	}
	t.Setenv("GOMEMLIMIT", "")
	setMemoryLimit(1000)
	if got := debug.SetMemoryLimit(-1); got != 100<<20+300*1000 {
		t.Errorf("limit %d, want %d", got, 100<<20+300*1000)
	}
}

// TestBoundMemory: at the end of the input the soft limit comes down to
// 100 MiB plus 300 bytes a tracked flow, less what is resident but not the
// runtime's and a slack; a lower limit is kept.
func TestBoundMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)

	not := notGoMemory()
	if not <= 0 {
		t.Fatalf("resident memory not the runtime's: %d bytes; the binary's pages at least", not)
	}
	debug.SetMemoryLimit(1 << 40)
	boundMemory(1000)
	bound := int64(100<<20 + 300*1000)
	got := debug.SetMemoryLimit(-1)
	if got > bound-memSlack-not/2 || got < bound-memSlack-2*not {
		t.Errorf("limit %d, want about %d - %d (slack) - %d (not the runtime's)", got, bound, memSlack, not)
	}
	debug.SetMemoryLimit(50 << 20)
	boundMemory(1000)
	if got := debug.SetMemoryLimit(-1); got != 50<<20 {
		t.Errorf("a lower limit was raised to %d", got)
	}
}
