package classify

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/internal/pkttest"
)

// tcpSeg builds one IPv4/TCP packet (no link header), Don't Fragment set.
func tcpSeg(t testing.TB, src, dst string, sport, dport uint16, ttl uint8, id uint16, flags string, seq, ack uint32, payload []byte) []byte {
	t.Helper()
	return pkttest.TCP{Src: src, Dst: dst, SrcPort: sport, DstPort: dport, TTL: ttl, ID: id, DontFragment: true,
		Flags: flags, Seq: seq, Ack: ack, Payload: payload}.Bytes(t)
}

func sll2(ifindex uint32, pkttype uint8, ip []byte) []byte {
	h := make([]byte, 20, 20+len(ip))
	binary.BigEndian.PutUint16(h[0:], 0x0800)
	binary.BigEndian.PutUint32(h[4:], ifindex)
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10] = pkttype
	h[11] = 6
	return append(h, ip...)
}

// feed hands packets to an engine, one millisecond apart.
func feed(e *Engine, link capture.LinkType, start int64, pkts ...[]byte) {
	for i, data := range pkts {
		p := capture.Packet{Data: data, Time: start + int64(i)*1e6, Length: len(data), Link: link}
		e.Packet(&p)
	}
}

// TestGatewayDuplicatesCountOnce: a gateway capture (tcpdump -i any) holds
// each forwarded packet twice, arriving on one interface and leaving on
// another with its TTL decremented. The flow counts each packet once.
func TestGatewayDuplicatesCountOnce(t *testing.T) {
	c, s := "10.77.1.2", "10.77.2.2"
	type pk struct {
		fromClient bool
		flags      string
		seq, ack   uint32
		data       string
	}
	script := []pk{
		{true, "S", 100, 0, ""}, {false, "SA", 500, 101, ""}, {true, "A", 101, 501, ""},
		{true, "PA", 101, 501, "GET / HTTP/1.1\r\nHost: mp.contoso.test\r\n\r\n"}, {false, "A", 501, 141, ""},
		{false, "PA", 501, 141, "HTTP/1.1 200 OK\r\n\r\n"}, {true, "FA", 141, 520, ""}, {false, "FA", 520, 142, ""}, {true, "A", 142, 521, ""},
	}
	var pkts [][]byte
	for i, p := range script {
		src, dst, sp, dp, in, out := c, s, uint16(40000), uint16(80), uint32(2), uint32(3)
		if !p.fromClient {
			src, dst, sp, dp, in, out = s, c, 80, 40000, 3, 2
		}
		id := uint16(1000 + i)
		arriving := tcpSeg(t, src, dst, sp, dp, 64, id, p.flags, p.seq, p.ack, []byte(p.data))
		leaving := tcpSeg(t, src, dst, sp, dp, 63, id, p.flags, p.seq, p.ack, []byte(p.data))
		pkts = append(pkts, sll2(in, 0, arriving), sll2(out, 4, leaving))
	}
	var got []flowSummary
	e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	feed(e, capture.LinkLinuxSLL2, 1e18, pkts...)
	e.Finish()
	if len(got) != 1 {
		t.Fatalf("flows: %v", got)
	}
	f := got[0]
	if f.state != "SF" || f.history != "ShADadFf" || f.origPkts != 5 || f.respPkts != 4 {
		t.Errorf("got %v, want SF ShADadFf 5/4", f)
	}
	if !hasName(f.names, "mp.contoso.test", "http-host") {
		t.Errorf("names %v", f.names)
	}
	if st := e.Stats(); st.Duplicates != uint64(len(script)) {
		t.Errorf("duplicates %d, want %d", st.Duplicates, len(script))
	}

	// An engine told the source has no copies (Config.NoCopies) does not
	// look for them: every packet counts.
	e = New(Config{NoCopies: true, Sink: func(f *Flow) { got = append(got[:0], summarize(f)) }})
	feed(e, capture.LinkLinuxSLL2, 1e18, pkts...)
	e.Finish()
	if st := e.Stats(); st.Duplicates != 0 || got[0].origPkts != 10 {
		t.Errorf("NoCopies: duplicates %d, originator's packets %d; want 0, 10", st.Duplicates, got[0].origPkts)
	}

	// A retransmission on the same interface is not a duplicate.
	e = New(Config{Sink: func(f *Flow) { got = append(got[:0], summarize(f)) }})
	syn := tcpSeg(t, c, s, 40001, 80, 64, 7, "S", 100, 0, nil)
	feed(e, capture.LinkLinuxSLL2, 1e18, sll2(2, 0, syn), sll2(2, 0, syn))
	e.Finish()
	if got[0].origPkts != 2 {
		t.Errorf("a retransmitted SYN was dropped as a duplicate: %v", got[0])
	}
}

// TestFragmentsBelongToTheirFlow: the later fragments of a datagram carry
// no ports; they count for the flow of the first fragment, even when they
// arrive before it.
func TestFragmentsBelongToTheirFlow(t *testing.T) {
	payload := make([]byte, 3000)
	ip := &layers.IPv4{Version: 4, TTL: 64, Id: 4242, Protocol: layers.IPProtocolUDP, SrcIP: net.ParseIP("10.77.1.2"), DstIP: net.ParseIP("10.77.2.2")}
	udp := &layers.UDP{SrcPort: 40000, DstPort: 4011}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, udp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	whole := buf.Bytes()
	transport := whole[20:]
	frag := func(off int, n int, more bool) []byte {
		h := make([]byte, 20)
		copy(h, whole[:20])
		fo := uint16(off / 8)
		if more {
			fo |= 0x2000
		}
		binary.BigEndian.PutUint16(h[6:], fo)
		binary.BigEndian.PutUint16(h[2:], uint16(20+n))
		h[10], h[11] = 0, 0
		var sum uint32
		for i := 0; i < 20; i += 2 {
			sum += uint32(binary.BigEndian.Uint16(h[i:]))
		}
		for sum > 0xffff {
			sum = sum>>16 + sum&0xffff
		}
		binary.BigEndian.PutUint16(h[10:], ^uint16(sum))
		return append(h, transport[off:off+n]...)
	}
	f1, f2, f3 := frag(0, 1480, true), frag(1480, 1480, true), frag(2960, len(transport)-2960, false)
	var got []flowSummary
	e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	feed(e, capture.LinkIPv4, 1e18, f3, f1, f2) // the last fragment first
	e.Finish()
	if len(got) != 1 || got[0].origPkts != 3 || got[0].resp != "10.77.2.2:4011" {
		t.Errorf("flows %v", got)
	}
}

// TestNoAllocs: a packet of an established flow costs no allocation.
func TestNoAllocs(t *testing.T) {
	e := New(Config{})
	c, s := "10.77.1.2", "10.77.2.2"
	feed(e, capture.LinkIPv4, 1e18,
		tcpSeg(t, c, s, 40000, 443, 64, 1, "S", 100, 0, nil),
		tcpSeg(t, s, c, 443, 40000, 64, 2, "SA", 500, 101, nil),
		tcpSeg(t, c, s, 40000, 443, 64, 3, "A", 101, 501, nil))
	data := tcpSeg(t, c, s, 40000, 443, 64, 4, "PA", 101, 501, make([]byte, 1200))
	ack := tcpSeg(t, s, c, 443, 40000, 64, 5, "A", 501, 1301, nil)
	dp := capture.Packet{Data: data, Link: capture.LinkIPv4, Time: 1e18 + 1e7}
	ap := capture.Packet{Data: ack, Link: capture.LinkIPv4, Time: 1e18 + 1e7}
	allocs := testing.AllocsPerRun(1000, func() {
		dp.Time += 1000
		ap.Time += 1000
		e.Packet(&dp)
		e.Packet(&ap)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per established-flow packet pair", allocs)
	}
}

// BenchmarkEstablishedFlow measures the per-packet cost of an established flow.
func BenchmarkEstablishedFlow(b *testing.B) {
	e := New(Config{})
	c, s := "10.77.1.2", "10.77.2.2"
	feed(e, capture.LinkIPv4, 1e18,
		tcpSeg(b, c, s, 40000, 443, 64, 1, "S", 100, 0, nil),
		tcpSeg(b, s, c, 443, 40000, 64, 2, "SA", 500, 101, nil))
	data := tcpSeg(b, c, s, 40000, 443, 64, 4, "PA", 101, 501, make([]byte, 1200))
	p := capture.Packet{Data: data, Link: capture.LinkIPv4, Time: 1e18 + 1e7}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p.Time += 1000
		e.Packet(&p)
	}
}

// TestIdleFlowsEndAndAreReported: flows idle past their timeout leave the
// table (memory follows the active flows) and still reach the report; a
// full table ends the least active flows early and counts them. The most
// flows tracked at once is counted, and kept when the table is flushed.
func TestIdleFlowsEndAndAreReported(t *testing.T) {
	var got []flowSummary
	e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	c, s := "10.77.1.2", "10.77.2.2"
	start := int64(1e18)
	for i := 0; i < 5; i++ {
		// A SYN every 3 minutes: each attempt goes idle before the next.
		feed(e, capture.LinkIPv4, start+int64(i)*180e9, tcpSeg(t, c, s, uint16(40000+i), 80, 64, uint16(i), "S", 100, 0, nil))
		if e.ActiveFlows() > 1 {
			t.Fatalf("%d flows active after attempt %d: idle ones were not ended", e.ActiveFlows(), i)
		}
	}
	e.Finish()
	if len(got) != 5 || e.Stats().Expired != 4 || e.Stats().PeakFlows != 1 {
		t.Errorf("reported %d flows, %d expired, at most %d at once", len(got), e.Stats().Expired, e.Stats().PeakFlows)
	}

	got = got[:0]
	e = New(Config{MaxFlows: 2, Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	for i := 0; i < 5; i++ {
		feed(e, capture.LinkIPv4, start+int64(i)*1e6, tcpSeg(t, c, s, uint16(40000+i), 80, 64, uint16(i), "S", 100, 0, nil))
	}
	if e.Stats().PeakFlows != 2 {
		t.Errorf("at most %d flows at once, want 2", e.Stats().PeakFlows)
	}
	e.Finish()
	if len(got) != 5 || e.Stats().Evicted != 3 || e.ActiveFlows() != 0 || e.Stats().PeakFlows != 2 {
		t.Errorf("reported %d flows, %d evicted, at most %d at once", len(got), e.Stats().Evicted, e.Stats().PeakFlows)
	}
}

// TestDNSOverTCPNamesLaterFlow: the answer of a real DNS-over-TCP exchange
// (www.tcpdump.org, A 192.139.46.66 and 198.199.88.104) names the client's
// next connection to one of the addresses, for the answer's TTL.
func TestDNSOverTCPNamesLaterFlow(t *testing.T) {
	var got []flowSummary
	e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	src, err := capture.Open(testCapture("dns_tcp.pcap"), capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var p capture.Packet
	var last int64
	for src.Next(&p) == nil {
		e.Packet(&p)
		last = p.Time
	}
	src.Close()
	syn := tcpSeg(t, "192.168.1.11", "198.199.88.104", 40000, 443, 64, 1, "S", 1, 0, nil)
	feed(e, capture.LinkIPv4, last+1e9, syn)
	// Long after the TTL, the address is no longer named by that answer.
	late := tcpSeg(t, "192.168.1.11", "198.199.88.104", 40001, 443, 64, 2, "S", 1, 0, nil)
	feed(e, capture.LinkIPv4, last+48*3600e9, late)
	e.Finish()
	var soon, after *flowSummary
	for i := range got {
		switch got[i].orig {
		case "192.168.1.11:40000":
			soon = &got[i]
		case "192.168.1.11:40001":
			after = &got[i]
		}
	}
	if soon == nil || !hasName(soon.names, "www.tcpdump.org", "dns") {
		t.Errorf("next flow not named: %v", soon)
	}
	if after == nil || len(after.names) != 0 {
		t.Errorf("flow after the TTL still named: %v", after)
	}
}
