package classify

import (
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
)

// synScan returns a packet whose next(i) turns it into the SYN of scan
// attempt i: one scanner, a distinct destination address and port each.
func synScan(t testing.TB) (*capture.Packet, func(i int)) {
	data := tcpSeg(t, "10.0.0.9", "11.0.0.1", 40000, 1, 64, 1, "S", 1, 0, nil)
	p := &capture.Packet{Data: data, Length: len(data), Link: capture.LinkIPv4, Time: 1e18}
	return p, func(i int) {
		binary.BigEndian.PutUint32(data[16:], 0x0b000000|uint32(i/65535)&0xffffff)
		binary.BigEndian.PutUint16(data[22:], uint16(i%65535+1))
		p.Time = 1e18 + int64(i)*1000
	}
}

// TestSYNScanMemoryPerFlow: a SYN scan fills the flow table and keeps it
// full; the memory the engine holds is at most 300 bytes per tracked flow
// (Flow, index slot, free list: issue 7's budget) and does not grow with
// the flows ended early.
func TestSYNScanMemoryPerFlow(t *testing.T) {
	const limit, scan = 30000, 200000
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	e := New(Config{MaxFlows: limit})
	p, next := synScan(t)
	for i := range scan {
		next(i)
		e.Packet(p)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	if n := e.ActiveFlows(); n != limit {
		t.Fatalf("%d flows tracked, want %d", n, limit)
	}
	if ev := e.Stats().Evicted; ev != scan-limit {
		t.Errorf("%d flows ended early, want %d", ev, scan-limit)
	}
	held := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	per := held / limit
	t.Logf("%d bytes held, %d per tracked flow", held, per)
	if per > 300 {
		t.Errorf("the engine holds %d bytes, %d per tracked flow: want at most 300", held, per)
	}
	runtime.KeepAlive(e)
}

// TestSYNScanNoAllocs: once the table is full, a scan's new flow (one
// SYN, never answered) reuses the flow it evicts: no allocation.
func TestSYNScanNoAllocs(t *testing.T) {
	const limit = 1000
	e := New(Config{MaxFlows: limit})
	p, next := synScan(t)
	i := 0
	for ; i < 2*limit; i++ {
		next(i)
		e.Packet(p)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		next(i)
		e.Packet(p)
		i++
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per new flow of a full table", allocs)
	}
}
