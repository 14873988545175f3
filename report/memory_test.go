package report

import (
	"runtime"
	"testing"
)

// scanInto feeds c the flows of a SYN scan from one host, one SYN per
// flow, without keeping them: every port below ports, on each of hosts
// hosts.
func scanInto(tb testing.TB, c *Collector, hosts, ports int) {
	tb.Helper()
	order := make([]int, hosts*ports)
	for i := range order {
		order[i] = i
	}
	scanSplit(tb, []*Collector{c}, hosts, ports, order)
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestCollectorMemoryPerGroup guards the collector's memory on a scan:
// its groups are what stays of millions of flows. The most it holds is
// MaxGroups detailed groups (one destination each), or maxCoarse coarse
// ones counting many destinations (here 60). A group cost some 1,200
// bytes when it held a whole FlowGroup and its address sets were maps;
// some 440 with compact records, detail out of line and packed sets.
func TestCollectorMemoryPerGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("600,000 flows")
	}
	m, _ := testMatcher(t, true)
	for _, tc := range []struct {
		name         string
		hosts, ports int
		level        level
		groups       int
		maxBytes     float64
	}{
		{"detailed", 1, MaxGroups, levelFine, MaxGroups, 500},
		{"coarse", 60, maxCoarse, levelPort, maxCoarse, 700},
	} {
		before := heapInUse()
		c := NewCollector(m)
		scanInto(t, c, tc.hosts, tc.ports)
		used := heapInUse() - before
		if len(c.order) != tc.groups || c.level != tc.level {
			t.Fatalf("%s: %d groups at level %d, want %d at level %d", tc.name, len(c.order), c.level, tc.groups, tc.level)
		}
		if n := c.order[len(c.order)-1].dsts.count(); n != tc.hosts {
			t.Fatalf("%s: a group counts %d destinations, want %d", tc.name, n, tc.hosts)
		}
		perGroup := float64(used) / float64(len(c.order))
		t.Logf("%s: %d groups, %.0f bytes a group", tc.name, len(c.order), perGroup)
		if perGroup > tc.maxBytes {
			t.Errorf("%s: %.0f bytes a group, want at most %.0f", tc.name, perGroup, tc.maxBytes)
		}
		runtime.KeepAlive(c)
	}
}

// TestAddNamedFlowNoAllocs: a flow with names that joins an existing group
// (with those names) allocates nothing: a gateway's flows mostly join.
func TestAddNamedFlowNoAllocs(t *testing.T) {
	m, _ := testMatcher(t, true)
	var named []classified
	for _, x := range captureFlows(t, m) {
		// Flows matching a requirement may become one of its examples.
		if x.f.HasNames() && len(x.r.Matches) == 0 {
			named = append(named, x)
		}
	}
	if len(named) < 10 {
		t.Fatalf("%d flows with names in the test captures", len(named))
	}
	c := NewCollector(m)
	for _, x := range named {
		c.Add(x.f, x.r)
	}
	i := 0
	if n := testing.AllocsPerRun(200, func() {
		x := named[i%len(named)]
		i++
		c.Add(x.f, x.r)
	}); n != 0 {
		t.Errorf("%v allocations per flow", n)
	}
}
