package main

import (
	"runtime"
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
	l, ok := setMemoryLimit(1000)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 || l != got || !ok {
		t.Errorf("GOMEMLIMIT set: limit %d (said %d, %v), want %d", got, l, ok, 1<<30)
	}
	t.Setenv("GOMEMLIMIT", "")
	l, ok = setMemoryLimit(1000)
	if got := debug.SetMemoryLimit(-1); got != 100<<20+300*1000 || l != got || !ok {
		t.Errorf("limit %d (said %d, %v), want %d", got, l, ok, 100<<20+300*1000)
	}
}

// TestBoundMemory: at the end of the input the soft limit comes down to
// 100 MiB plus 300 bytes a tracked flow, less what is resident but not the
// runtime's and a slack; a lower limit is kept. What is not the runtime's
// is measured again right after each call, as the call measured it: it
// changes when the runtime releases pages it never touched (measured once
// at the start, 3.6 MiB; after a collection, 9.7 MiB), and a tolerance of
// half the slack still tells a limit without the slack.
func TestBoundMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)

	if not := notGoMemory(); not <= 0 {
		t.Fatalf("resident memory not the runtime's: %d bytes; the binary's pages at least", not)
	}
	bound := int64(100<<20 + 300*1000)
	check := func(what string) {
		t.Helper()
		not := notGoMemory()
		want := bound - memSlack - not
		if got := debug.SetMemoryLimit(-1); got < want-memSlack/2 || got > want+memSlack/2 {
			t.Errorf("%s: limit %d, want about %d - %d (slack) - %d (not the runtime's) = %d", what, got, bound, memSlack, not, want)
		}
	}
	debug.SetMemoryLimit(1 << 40)
	boundMemory(1000)
	check("at the end")
	debug.SetMemoryLimit(50 << 20)
	boundMemory(1000)
	if got := debug.SetMemoryLimit(-1); got != 50<<20 {
		t.Errorf("a lower limit was raised to %d", got)
	}
	// Before the flows left are ended: the same bound, without collecting.
	debug.SetMemoryLimit(1 << 40)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	limitMemory(1000)
	runtime.ReadMemStats(&after)
	check("before ending the flows left")
	if after.NumForcedGC != before.NumForcedGC {
		t.Error("limitMemory collected: the flow tables are all live then")
	}
}
