package report

import (
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify"
)

// scanInto feeds c the flows of a SYN scan from one host, one SYN per
// flow, without keeping them: first detailed groups (distinct ports of
// one host) up to MaxGroups, then maxCoarse ports of perPort hosts each,
// which fold into coarse groups that count their destinations.
func scanInto(tb testing.TB, c *Collector, perPort int) {
	tb.Helper()
	frame := tcpSeg(tb, "10.0.0.9", "11.0.0.1", 40000, 1, "S", 1, 0, nil)
	var e *classify.Engine
	e = classify.New(classify.Config{MaxFlows: 1000, ServerPorts: c.m.ServerPorts(), Sink: func(f *classify.Flow) {
		c.Add(f, c.m.Classify(f, e))
	}})
	e.SetWatchPorts(c.m.WatchPorts())
	t := int64(1_741_000_000e9)
	syn := func(dst uint32, port uint16) {
		binary.BigEndian.PutUint32(frame[16:], dst)
		binary.BigEndian.PutUint16(frame[22:], port)
		t += 1e3
		p := capture.Packet{Data: frame, Time: t, Length: len(frame), Link: capture.LinkIPv4}
		e.Packet(&p)
	}
	for port := range MaxGroups {
		syn(0x0b000001, uint16(port+1))
	}
	for h := range perPort {
		for port := range maxCoarse {
			syn(0x0b010000+uint32(h), uint16(MaxGroups+1+port))
		}
	}
	e.Finish()
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestCollectorMemoryPerGroup guards the collector's memory on a scan:
// its groups are what stays of millions of flows. 50,000 detailed groups
// and 10,000 coarse ones of 60 destinations each cost some 1,200 bytes a
// group when a group held a whole FlowGroup and its address sets were
// maps; some 440 with compact records, detail out of line and packed
// sets.
func TestCollectorMemoryPerGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("600,000 flows")
	}
	m, _ := testMatcher(t, true)
	before := heapInUse()
	c := NewCollector(m)
	scanInto(t, c, 60)
	used := heapInUse() - before
	groups := len(c.order)
	if groups != MaxGroups+maxCoarse || c.coarse != maxCoarse {
		t.Fatalf("%d groups, %d coarse: the scan does not fold as planned", groups, c.coarse)
	}
	if c.order[len(c.order)-1].dsts.count() != 60 {
		t.Fatalf("a coarse group counts %d destinations, want 60", c.order[len(c.order)-1].dsts.count())
	}
	perGroup := float64(used) / float64(groups)
	t.Logf("%d groups: %.0f bytes a group", groups, perGroup)
	if perGroup > 500 {
		t.Errorf("%.0f bytes a group, want at most 500", perGroup)
	}
	runtime.KeepAlive(c)
}
