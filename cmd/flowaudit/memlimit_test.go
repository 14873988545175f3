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
