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
		if tb.isDuplicate(f, pkt(i), true, int64(i), 0, 0) {
			t.Fatalf("packet %d taken for a copy", i)
		}
	}
	// Newest first: a copy not recognized is remembered, and would push
	// out the oldest.
	for i := 5; i >= 2; i-- {
		if !tb.isDuplicate(f, pkt(i), true, 7, 1, 0) {
			t.Errorf("the copy of packet %d (of the last four) not recognized", i)
		}
	}
	if tb.isDuplicate(f, pkt(1), true, 7, 1, 0) {
		t.Error("the copy of packet 1 (five packets ago) recognized")
	}
	if tb.isDuplicate(f, pkt(5), true, 8, 0, 0) {
		t.Error("the same packet on the same interface taken for a copy")
	}
}

// TestPayloadHeadTellsPayloadsApart: packets with equal headers but other
// payloads (a retransmission with new data, two queries) are not copies.
func TestPayloadHeadTellsPayloadsApart(t *testing.T) {
	heads := map[uint64]string{}
	for _, p := range []string{"", "a", "b", "ab", "GET /a HTTP/1.1", "GET /b HTTP/1.1", "0123456789abcdeX", "0123456789abcdeY"} {
		h := payloadHead([]byte(p))
		if o, ok := heads[h]; ok {
			t.Errorf("payloads %q and %q have the same head", o, p)
		}
		heads[h] = p
	}
	tb := newTable(Timeouts{}, 0, nil)
	f := tb.newFlow(flowKey{proto: 6}, 1, 0)
	p := &packet.Parsed{IPID: 1}
	tb.isDuplicate(f, p, true, 0, 0, payloadHead([]byte("one")))
	if tb.isDuplicate(f, p, true, 1, 1, payloadHead([]byte("two"))) {
		t.Error("a packet with another payload taken for a copy")
	}
}
