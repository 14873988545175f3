package classify

import (
	"net/netip"
	"path/filepath"
	"slices"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify/packet"
)

// TestOwnerIsTheHostPair: every packet between two hosts goes to one
// engine, whatever its ports or direction: the flows of a pair, its later
// fragments, and the ICMP errors quoting its packets. The per-pair state
// (per-client DNS answers, uses of watched ports) is kept by that engine
// only, so this is what makes it complete.
func TestOwnerIsTheHostPair(t *testing.T) {
	s := &Sharded{engines: make([]*Engine, 3)}
	used := map[int]bool{}
	for i := range 64 {
		a := netip.AddrFrom4([4]byte{10, 1, byte(i / 8), byte(i)})
		b := netip.AddrFrom4([4]byte{203, 0, 113, byte(7 * i)})
		if i%4 == 0 {
			a = netip.MustParseAddr("2001:db8::1").Next()
			for range i {
				a = a.Next()
			}
			b = netip.MustParseAddr("2001:db8:1::53")
		}
		pkts := []packet.Parsed{
			{Src: a, Dst: b, SrcPort: 40000 + uint16(i), DstPort: 443, Proto: 6},
			{Src: b, Dst: a, SrcPort: 443, DstPort: 40000 + uint16(i), Proto: 6},
			{Src: a, Dst: b, SrcPort: 5353, DstPort: 135, Proto: 6},
			{Src: b, Dst: a, SrcPort: 53, DstPort: 3000, Proto: 17},
			{Src: a, Dst: b, Proto: 17, Fragment: true, FragOffset: 185},
			{Src: netip.MustParseAddr("192.0.2.1"), Dst: a, Proto: 1, ICMPType: 3,
				Quoted: packet.Quoted{Valid: true, Src: a, Dst: b, Proto: 17, SrcPort: 1024, DstPort: 161}},
		}
		if a.Is6() {
			pkts[5].Src, pkts[5].Proto, pkts[5].ICMPType = netip.MustParseAddr("2001:db8:ff::1"), 58, 1
		}
		var owners []int
		for j := range pkts {
			w, _ := s.owner(&pkts[j], packet.OK)
			owners = append(owners, w)
		}
		if slices.Min(owners) != slices.Max(owners) {
			t.Errorf("pair %v-%v: packets went to engines %v, want one", a, b, owners)
		}
		used[owners[0]] = true
	}
	if len(used) != 3 {
		t.Errorf("64 host pairs went to engines %v only, want all 3", used)
	}
}

// TestShardedLearnersSplitClientAnswers: with several engines, each
// learner keeps the answers each client received only for the host pairs
// its engine owns; between them they hold exactly what one learner holds,
// and each pair's owner names it as one learner would. The answers any
// client received are kept by all.
func TestShardedLearnersSplitClientAnswers(t *testing.T) {
	const n = 3
	one := NewLearner()
	var shards [n]*Learner
	for i := range shards {
		shards[i] = NewLearner()
		shards[i].setShard(i, n)
	}
	src, err := capture.OpenAll([]string{filepath.Join("..", "testdata", "demo", "teams.pcap")}, capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var cp capture.Packet
	var p packet.Parsed
	for src.Next(&cp) == nil {
		if p.Decode(uint32(cp.Link), cp.Data) != packet.OK {
			continue
		}
		one.Learn(&p, cp.Time)
		for _, l := range shards {
			l.Learn(&p, cp.Time)
		}
	}
	pairs := clientAnswers(one.dns)
	if len(pairs) < 10 {
		t.Fatalf("one learner kept %d per-client answers, want the capture's (at least 10)", len(pairs))
	}
	total, holding := 0, 0
	for i, l := range shards {
		got := clientAnswers(l.dns)
		total += len(got)
		if len(got) > 0 {
			holding++
		}
		for pr := range got {
			if !l.owns(pr[0], pr[1]) {
				t.Errorf("learner %d keeps the answer %v received for %v, a pair it does not own", i, pr[0], pr[1])
			}
		}
		if len(l.dns.addrs) != len(one.dns.addrs) {
			t.Errorf("learner %d knows %d answered addresses, one learner %d", i, len(l.dns.addrs), len(one.dns.addrs))
		}
		for a, k := range one.dns.addrs {
			got, want := l.dns.byAddr[l.dns.addrs[a]], one.dns.byAddr[k]
			if !slices.Equal(namesOf(got.names), namesOf(want.names)) || got.seen != want.seen || got.expires != want.expires {
				t.Errorf("learner %d: the latest answer for %v differs from one learner's", i, netip.AddrFrom16(a).Unmap())
			}
		}
	}
	if total != len(pairs) {
		t.Errorf("the learners keep %d per-client answers between them, one learner %d", total, len(pairs))
	}
	if holding < 2 {
		t.Errorf("only %d of %d learners keep per-client answers", holding, n)
	}
	for pr, e := range pairs {
		owner := -1
		for i, l := range shards {
			if l.owns(pr[0], pr[1]) {
				if owner >= 0 {
					t.Fatalf("learners %d and %d both own %v-%v", owner, i, pr[0], pr[1])
				}
				owner = i
			}
		}
		want, got := one.lookup(pr[0], pr[1], e.seen), shards[owner].lookup(pr[0], pr[1], e.seen)
		if want == nil || !slices.Equal(namesOf(got), namesOf(want)) {
			t.Errorf("%v to %v: its owner names %v, one learner %v", pr[0], pr[1], namesOf(got), namesOf(want))
		}
	}
}

// clientAnswers is the answers a table keeps by (client, address).
func clientAnswers(d *dnsTable) map[[2]netip.Addr]dnsEntry {
	clients, addrs := map[uint32]netip.Addr{}, map[uint32]netip.Addr{}
	for k, c := range d.clients {
		clients[c] = netip.AddrFrom16(k).Unmap()
	}
	for k, a := range d.addrs {
		addrs[a] = netip.AddrFrom16(k).Unmap()
	}
	m := map[[2]netip.Addr]dnsEntry{}
	for k, e := range d.byClient {
		m[[2]netip.Addr{clients[uint32(k>>32)], addrs[uint32(k)]}] = e
	}
	return m
}
