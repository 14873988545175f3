package packet

import (
	"testing"
)

// FuzzDecode is a differential fuzz target: Decode must never panic, its
// results must satisfy the invariants, and wherever gopacket decodes the
// same bytes without error, addresses, protocol and ports must agree
// (compareGopacket, which knows the documented differences).
//
// Seeded with the built packets and every packet of the testdata captures.
func FuzzDecode(f *testing.F) {
	for _, s := range seedPackets(f) {
		f.Add(s.link, s.data)
	}
	f.Fuzz(func(t *testing.T, link uint32, data []byte) {
		var p Parsed
		st := p.Decode(link, data)
		checkInvariants(t, &p, st, data)
		checkLinkHint(t, &p, link)
		gp := gopacketDecode(link, data)
		if gp == nil {
			return
		}
		var c diffCounts
		if msg := compareGopacket(&p, st, gp, &c); msg != "" {
			t.Fatalf("link %d: %s", link, msg)
		}
	})
}
