package classify

import (
	"testing"

	"github.com/flowaudit/flowaudit/classify/packet"
)

// TestDuplicateOfLastFourPackets: a copy from another interface is
// recognized for each of the flow's last four packets (the one kept in the
// Flow and the three in its dupRing), not for an older one, and not on
// the same interface.
func TestDuplicateOfLastFourPackets(t *testing.T) {
	tb := newTable(Timeouts{}, 0, nil)
	f := tb.newFlow(flowKey{proto: 6}, 1, 0)
	pkt := func(ipid int) *packet.Parsed { return &packet.Parsed{IPID: uint32(ipid)} }
	for i := range 6 {
		if tb.isDuplicate(f, pkt(i), true, int64(i), 0) {
			t.Fatalf("packet %d taken for a copy", i)
		}
	}
	// Newest first: a copy not recognized is remembered, and would push
	// out the oldest.
	for i := 5; i >= 2; i-- {
		if !tb.isDuplicate(f, pkt(i), true, 7, 1) {
			t.Errorf("the copy of packet %d (of the last four) not recognized", i)
		}
	}
	if tb.isDuplicate(f, pkt(1), true, 7, 1) {
		t.Error("the copy of packet 1 (five packets ago) recognized")
	}
	if tb.isDuplicate(f, pkt(5), true, 8, 0) {
		t.Error("the same packet on the same interface taken for a copy")
	}
}
