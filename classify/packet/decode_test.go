package packet

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"net/netip"
	"reflect"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	a4 = netip.MustParseAddr("192.0.2.1")
	b4 = netip.MustParseAddr("198.51.100.7")
	a6 = netip.MustParseAddr("2001:db8::1")
	b6 = netip.MustParseAddr("2001:db8:ffff::2")
)

// Expected results for builtCorpus, minus Payload (checked by length).
func tcp4Want() Parsed {
	return Parsed{EtherType: 0x0800, IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 24 + 28 + 5,
		Proto: 6, SrcPort: 443, DstPort: 51000, TCPFlags: TCPSyn | TCPAck | TCPEce, Seq: 0x01020304, Ack: 0xa0b0c0d0, Window: 64240, PayloadLen: 5}
}

func udp6Want() Parsed {
	return Parsed{EtherType: 0x86dd, IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPLen: 40 + 8 + 12, Proto: 17, SrcPort: 5353, DstPort: 53, PayloadLen: 12}
}

func wantFor(name string) Parsed {
	switch name {
	case "eth/ipv4-options/tcp":
		return tcp4Want()
	case "eth/vlan/ipv6/udp":
		w := udp6Want()
		w.VLANs = 1
		return w
	case "eth/802.1ad/802.1q/ipv4/udp", "eth/0x9100/802.1q/ipv4/udp":
		return Parsed{VLANs: 2, EtherType: 0x0800, IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 31, Proto: 17, SrcPort: 123, DstPort: 123, PayloadLen: 3}
	case "eth/mpls/ipv4-options/tcp":
		w := tcp4Want()
		w.EtherType = 0x8847
		return w
	case "eth/vlan/mpls-2/ipv6/udp":
		w := udp6Want()
		w.VLANs, w.EtherType = 1, 0x8848
		return w
	case "sll/mpls/ipv4/tcp":
		w := tcp4Want()
		w.EtherType = 0x8847
		w.IfaceHint = 1<<31 | uint32(PacketOutgoing)
		return w
	case "eth/pppoe/ipv4-options/tcp":
		w := tcp4Want()
		w.EtherType = 0x8864
		return w
	case "eth/ppp/ipv4-options/tcp":
		w := tcp4Want()
		w.EtherType = 0x880b
		return w
	case "eth/vlan/pppoe/ppp-ff03-pfc/ipv6/udp":
		w := udp6Want()
		w.VLANs, w.EtherType = 1, 0x8864
		return w
	case "raw/ipv6-destopts-frag/udp":
		// An atomic fragment (offset 0, no more fragments) is not part of a
		// fragmented datagram, but its identification is kept.
		return Parsed{IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPID: 0xfeedf00d, IPLen: 40 + 8 + 8 + 8 + 9, Proto: 17, SrcPort: 4000, DstPort: 5000, PayloadLen: 9}
	case "eth/ipv4/icmp-port-unreachable":
		return Parsed{EtherType: 0x0800, IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 20 + 8 + 28, Proto: 1, ICMPType: 3, ICMPCode: 3, PayloadLen: 28,
			Quoted: Quoted{Valid: true, Src: b4, Dst: a4, Proto: 17, SrcPort: 33434, DstPort: 33435}}
	case "ipv4/icmp-time-exceeded-tcp":
		return Parsed{IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 20 + 8 + 32, Proto: 1, ICMPType: 11, PayloadLen: 32,
			Quoted: Quoted{Valid: true, Src: b4, Dst: a4, Proto: 6, SrcPort: 443, DstPort: 51000}}
	case "eth/ipv6/icmpv6-unreachable-ext":
		return Parsed{EtherType: 0x86dd, IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPLen: 40 + 8 + 56, Proto: 58, ICMPType: 1, ICMPCode: 4, PayloadLen: 56,
			Quoted: Quoted{Valid: true, Src: b6, Dst: a6, Proto: 17, SrcPort: 546, DstPort: 547}}
	case "ipv6/icmpv6-echo":
		return Parsed{IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPLen: 40 + 8 + 16, Proto: 58, ICMPType: 128, ICMPID: 0x4242, PayloadLen: 16}
	case "eth/ipv4-first-fragment/udp":
		// The UDP length (2008) covers the whole datagram: not an error in a
		// first fragment; PayloadLen is this fragment's share.
		return Parsed{EtherType: 0x0800, IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 1500, Fragment: true, MoreFragments: true,
			Proto: 17, SrcPort: 53, DstPort: 40000, PayloadLen: 1472}
	case "eth/ipv4-later-fragment":
		return Parsed{EtherType: 0x0800, IPVersion: 4, Src: a4, Dst: b4, TTL: 61, IPID: 0x1234, IPLen: 548, Fragment: true, FragOffset: 1480,
			Proto: 17, PayloadLen: 528}
	case "eth/ipv6-first-fragment/tcp":
		w := Parsed{EtherType: 0x86dd, IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPID: 0xdeadbeef, IPLen: 40 + 8 + 28 + 1000, Fragment: true, MoreFragments: true,
			Proto: 6, SrcPort: 443, DstPort: 51000, TCPFlags: TCPSyn | TCPAck | TCPEce, Seq: 0x01020304, Ack: 0xa0b0c0d0, Window: 64240, PayloadLen: 1000}
		return w
	case "eth/ipv6-later-fragment":
		return Parsed{EtherType: 0x86dd, IPVersion: 6, Src: a6, Dst: b6, TTL: 59, IPID: 0xdeadbeef, IPLen: 40 + 8 + 300, Fragment: true, FragOffset: 1024,
			Proto: 6, PayloadLen: 300}
	case "sll/ipv4/tcp":
		w := tcp4Want()
		w.IfaceHint = 1<<31 | uint32(PacketOutgoing)
		return w
	case "sll2/ipv6/udp":
		w := udp6Want()
		w.IfaceHint = 1<<31 | 7<<8 | uint32(PacketHost)
		return w
	case "null-le/ipv4/tcp":
		w := tcp4Want()
		w.EtherType = 0
		return w
	case "loop-be/ipv6/udp":
		w := udp6Want()
		w.EtherType = 0
		return w
	case "nflog-le/ipv4/tcp":
		w := tcp4Want()
		w.EtherType = 0
		w.IfaceHint = 1<<31 | 3<<8 | 0xff
		return w
	case "nflog-be/ipv6/udp":
		w := udp6Want()
		w.EtherType = 0
		w.IfaceHint = 1<<31 | 3<<8 | 0xff
		return w
	case "ipnet/ipv4/tcp":
		w := tcp4Want()
		w.EtherType = 0
		w.IfaceHint = 1<<31 | 5<<8 | 0xff
		return w
	}
	panic("no expectation for " + name)
}

// withoutPayload returns p with Payload cleared, for whole-struct equality.
func withoutPayload(p Parsed) Parsed {
	p.Payload = nil
	return p
}

func TestDecodeBuilt(t *testing.T) {
	for _, bp := range builtCorpus(t) {
		t.Run(bp.name, func(t *testing.T) {
			var p Parsed
			if st := p.Decode(bp.link, bp.data); st != OK {
				t.Fatalf("status %v, want ok", st)
			}
			want := wantFor(bp.name)
			if got := withoutPayload(p); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if len(p.Payload) != p.PayloadLen {
				t.Errorf("captured payload %d bytes, PayloadLen %d", len(p.Payload), p.PayloadLen)
			}
		})
	}
}

// TestTruncatedEveryLength cuts every built packet at every length: below
// the end of its headers Decode must say Truncated, from there on OK with
// the same fields (only the captured payload and the ICMP quote shrink).
func TestTruncatedEveryLength(t *testing.T) {
	for _, bp := range builtCorpus(t) {
		var full, p Parsed
		if st := full.Decode(bp.link, bp.data); st != OK {
			t.Fatalf("%s: full packet: %v", bp.name, st)
		}
		hdr := cap(bp.data) - cap(full.Payload) // where the payload starts
		for n := 0; n <= len(bp.data); n++ {
			st := p.Decode(bp.link, bp.data[:n:n])
			if n < hdr {
				if st != Truncated {
					t.Errorf("%s cut at %d (headers end at %d): %v, want truncated", bp.name, n, hdr, st)
				}
				continue
			}
			if st != OK {
				t.Errorf("%s cut at %d (headers end at %d): %v, want ok", bp.name, n, hdr, st)
				continue
			}
			got, want := withoutPayload(p), withoutPayload(full)
			got.Quoted, want.Quoted = Quoted{}, Quoted{}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s cut at %d: fields changed:\n got  %+v\n want %+v", bp.name, n, got, want)
			}
			if wantLen := min(n-hdr, len(full.Payload)); !bytes.Equal(p.Payload, full.Payload[:wantLen]) {
				t.Errorf("%s cut at %d: payload %d bytes, want %d", bp.name, n, len(p.Payload), wantLen)
			}
		}
	}
}

func TestNotIP(t *testing.T) {
	arp := build(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: 1, SourceHwAddress: macA, SourceProtAddress: v4A, DstHwAddress: macB, DstProtAddress: v4B})
	macs := append(append([]byte(nil), macB...), macA...)
	stp := append(append(macs[:12:12], 0, 38, 0x42, 0x42, 0x03), make([]byte, 35)...)
	cdp := append(append(macs[:12:12], 0, 30, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00), make([]byte, 22)...)
	raw4 := ethIPv4TCP(t)[14:]
	cases := []struct {
		name  string
		link  uint32
		data  []byte
		ether uint16
	}{
		{"arp", LinkTypeEthernet, arp, 0x0806},
		{"lldp in vlan", LinkTypeEthernet, build(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{Type: 0x88cc}, payload(20)), 0x88cc},
		{"stp over llc", LinkTypeEthernet, stp, 38},
		{"cdp over snap", LinkTypeEthernet, cdp, 30},
		{"mpls pseudowire", LinkTypeEthernet, build(t, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: 20, StackBottom: true, TTL: 64},
			gopacket.Payload(append([]byte{0, 0, 0, 0}, ethIPv4TCP(t)...))), 0x8847},
		{"mpls ipv4 header length 4", LinkTypeEthernet, build(t, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: 20, StackBottom: true, TTL: 64},
			gopacket.Payload(append([]byte{0x44}, raw4[1:]...))), 0x8847},
		{"pppoe discovery", LinkTypeEthernet, build(t, eth(layers.EthernetTypePPPoEDiscovery), &layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodePADI}, payload(4)), 0x8863},
		{"pppoe session code 0x30", LinkTypeEthernet, build(t, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, Code: 0x30, SessionId: 1},
			&layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(raw4)), 0x8864},
		{"pppoe lcp", LinkTypeEthernet, build(t, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, SessionId: 1},
			&layers.PPP{PPPType: 0xc021}, payload(14)), 0x8864},
		{"sll arp", LinkTypeLinuxSLL, sll(0x0806, 0, payload(28)), 0x0806},
		{"sll can", LinkTypeLinuxSLL, sll(0x000c, 0, payload(16)), 0x000c},
		{"sll2 arp", LinkTypeLinuxSLL2, sll2(0x0806, 2, 4, payload(28)), 0x0806},
		{"null family 17", LinkTypeNull, loopback(binary.LittleEndian, 17, raw4), 0},
		{"nflog bridge family", LinkTypeNFLOG, nflog(binary.LittleEndian, 7, 1, raw4), 0},
		{"ipnet family 99", LinkTypeIPNET, ipnet(99, 1, raw4), 0},
	}
	for _, c := range cases {
		var p Parsed
		if st := p.Decode(c.link, c.data); st != NotIP {
			t.Errorf("%s: %v, want not-ip", c.name, st)
		}
		if p.IPVersion != 0 || p.Src.IsValid() || p.EtherType != c.ether {
			t.Errorf("%s: IPVersion %d Src %v EtherType %#x, want 0, invalid, %#x", c.name, p.IPVersion, p.Src, p.EtherType, c.ether)
		}
	}
}

// TestLLCSNAP: IP in 802.3 + LLC/SNAP, and the Ethernet padding after it.
func TestLLCSNAP(t *testing.T) {
	ip := build(t, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2}, payload(2))
	frame := append([]byte(nil), build(t, eth(0))[:12]...)
	frame = binary.BigEndian.AppendUint16(frame, uint16(8+len(ip)))
	frame = append(frame, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00)
	frame = append(frame, ip...)
	frame = append(frame, make([]byte, 60-len(frame))...) // padding to the Ethernet minimum
	var p Parsed
	if st := p.Decode(LinkTypeEthernet, frame); st != OK {
		t.Fatalf("status %v", st)
	}
	if p.Src != a4 || p.SrcPort != 1 || p.DstPort != 2 || p.PayloadLen != 2 || len(p.Payload) != 2 || p.EtherType != 0x0800 {
		t.Errorf("got %+v", p)
	}

	// The same packet under an MPLS label, in a SNAP frame.
	frame = append([]byte(nil), build(t, eth(0))[:12]...)
	frame = binary.BigEndian.AppendUint16(frame, uint16(8+4+len(ip)))
	frame = append(frame, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x47, 0, 0x01, 0x01, 0x40)
	frame = append(frame, ip...)
	frame = append(frame, make([]byte, 60-len(frame))...)
	if st := p.Decode(LinkTypeEthernet, frame); st != OK {
		t.Fatalf("mpls: status %v", st)
	}
	if p.Src != a4 || p.SrcPort != 1 || p.DstPort != 2 || p.PayloadLen != 2 || p.EtherType != 0x8847 {
		t.Errorf("mpls: got %+v", p)
	}

	// Under a VLAN tag, in a SNAP frame (gopacket follows it too).
	frame = append([]byte(nil), build(t, eth(0))[:12]...)
	frame = binary.BigEndian.AppendUint16(frame, uint16(8+4+len(ip)))
	frame = append(frame, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x81, 0x00, 0, 5, 0x08, 0x00)
	frame = append(frame, ip...)
	frame = append(frame, make([]byte, 60-len(frame))...)
	if st := p.Decode(LinkTypeEthernet, frame); st != OK {
		t.Fatalf("vlan: status %v", st)
	}
	if p.Src != a4 || p.SrcPort != 1 || p.DstPort != 2 || p.VLANs != 1 || p.EtherType != 0x0800 {
		t.Errorf("vlan: got %+v", p)
	}
	var c diffCounts
	if msg := compareGopacket(&p, OK, gopacketDecode(LinkTypeEthernet, frame), &c); msg != "" || c.compared != 1 {
		t.Errorf("vlan: gopacket: %q (%d compared)", msg, c.compared)
	}
}

func TestEthernetPaddingExcluded(t *testing.T) {
	ip := ip4(layers.IPProtocolTCP)
	frame := build(t, eth(layers.EthernetTypeIPv4), ip, &layers.TCP{SrcPort: 1, DstPort: 2, ACK: true})
	frame = append(frame, make([]byte, 60-len(frame))...)
	var p Parsed
	if st := p.Decode(LinkTypeEthernet, frame); st != OK {
		t.Fatalf("status %v", st)
	}
	if p.IPLen != 40 || p.PayloadLen != 0 || len(p.Payload) != 0 {
		t.Errorf("IPLen %d PayloadLen %d payload %d bytes, want 40, 0, 0", p.IPLen, p.PayloadLen, len(p.Payload))
	}
}

func TestSnaplenCutsPayloadOnly(t *testing.T) {
	data := ethIPv4TCP(t)
	data = data[:len(data)-3]
	var p Parsed
	if st := p.Decode(LinkTypeEthernet, data); st != OK {
		t.Fatalf("status %v", st)
	}
	if p.PayloadLen != 5 || len(p.Payload) != 2 || p.IPLen != 57 {
		t.Errorf("PayloadLen %d captured %d IPLen %d, want 5, 2, 57", p.PayloadLen, len(p.Payload), p.IPLen)
	}
}

// TestTSOZeroLength: a sending host's capture of an offloaded segment has
// IPv4 total length 0; the captured length stands in.
func TestTSOZeroLength(t *testing.T) {
	data := ethIPv4TCP(t)
	binary.BigEndian.PutUint16(data[14+2:], 0)
	var p Parsed
	if st := p.Decode(LinkTypeEthernet, data); st != OK {
		t.Fatalf("status %v", st)
	}
	if p.IPLen != len(data)-14 || p.PayloadLen != 5 {
		t.Errorf("IPLen %d PayloadLen %d", p.IPLen, p.PayloadLen)
	}
}

func TestMalformed(t *testing.T) {
	tcp4 := ethIPv4TCP(t)
	udp6 := vlanIPv6UDP(t)
	mut := func(b []byte, f func(b []byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	ip := 14
	cases := []struct {
		name string
		link uint32
		data []byte
	}{
		{"ihl 4", LinkTypeEthernet, mut(tcp4, func(b []byte) { b[ip] = 0x44 })},
		{"total length below header", LinkTypeEthernet, mut(tcp4, func(b []byte) { binary.BigEndian.PutUint16(b[ip+2:], 19) })},
		{"ihl beyond total length", LinkTypeEthernet, mut(tcp4, func(b []byte) { b[ip] = 0x4f; binary.BigEndian.PutUint16(b[ip+2:], 40) })},
		{"tcp data offset 4", LinkTypeEthernet, mut(tcp4, func(b []byte) { b[ip+24+12] = 0x40 })},
		{"tcp header beyond ip length", LinkTypeEthernet, mut(tcp4, func(b []byte) { binary.BigEndian.PutUint16(b[ip+2:], 24+20) })},
		{"ipv6 under LINKTYPE_IPV4", LinkTypeIPv4, udp6[18:]},
		{"ipv4 under LINKTYPE_IPV6", LinkTypeIPv6, tcp4[14:]},
		{"raw version 5", LinkTypeRaw, mut(tcp4[14:], func(b []byte) { b[0] = 0x56 })},
		{"ipv4 in ipv6 ethertype", LinkTypeEthernet, mut(tcp4, func(b []byte) { b[12], b[13] = 0x86, 0xdd })},
		{"udp length 7", LinkTypeEthernet, mut(udp6, func(b []byte) { binary.BigEndian.PutUint16(b[18+40+4:], 7) })},
		{"udp length beyond ip", LinkTypeEthernet, mut(udp6, func(b []byte) { binary.BigEndian.PutUint16(b[18+40+4:], 100) })},
		{"ipv6 ext header beyond payload length", LinkTypeRaw, mut(ipv6ExtUDP(t), func(b []byte) { binary.BigEndian.PutUint16(b[4:], 12) })},
		{"icmpv6 shorter than its 4-byte header", LinkTypeIPv6, mut(icmp6Echo(t), func(b []byte) { binary.BigEndian.PutUint16(b[4:], 3) })},
	}
	for _, c := range cases {
		var p Parsed
		if st := p.Decode(c.link, c.data); st != Malformed {
			t.Errorf("%s: %v, want malformed", c.name, st)
		}
	}
	// An ICMPv6 echo cut after its 4-byte header, as gopacket takes it: a
	// message without identifier or payload, not a malformed one.
	var short Parsed
	if st := short.Decode(LinkTypeIPv6, mut(icmp6Echo(t), func(b []byte) { binary.BigEndian.PutUint16(b[4:], 6) })); st != OK ||
		short.ICMPType != 128 || short.ICMPID != 0 || short.PayloadLen != 0 || len(short.Payload) != 0 {
		t.Errorf("echo of 6 bytes: %v, type %d, id %d, payload %d/%d", st, short.ICMPType, short.ICMPID, len(short.Payload), short.PayloadLen)
	}
	// Malformed transport headers still name their flow.
	var p Parsed
	p.Decode(LinkTypeEthernet, cases[3].data)
	if p.Src != a4 || p.SrcPort != 443 || p.DstPort != 51000 {
		t.Errorf("malformed TCP: %v:%d > %d, want addresses and ports kept", p.Src, p.SrcPort, p.DstPort)
	}
}

func TestUnsupportedLink(t *testing.T) {
	var p Parsed
	for _, link := range []uint32{2, 9, 105, 127, 160, 1 << 20} {
		if st := p.Decode(link, ethIPv4TCP(t)); st != UnsupportedLink {
			t.Errorf("link %d: %v", link, st)
		}
	}
}

// TestDecodeResets: nothing from the previous packet survives.
func TestDecodeResets(t *testing.T) {
	var p Parsed
	p.Decode(LinkTypeEthernet, icmpPortUnreachable(t))
	if !p.Quoted.Valid {
		t.Fatal("setup: no quote")
	}
	p.Decode(LinkTypeEthernet, build(t, eth(layers.EthernetTypeARP), payload(28)))
	if !reflect.DeepEqual(p, Parsed{EtherType: 0x0806}) {
		t.Errorf("after ARP: %+v", p)
	}
}

func TestIfaceHint(t *testing.T) {
	var p Parsed
	raw6 := vlanIPv6UDP(t)[18:]
	p.Decode(LinkTypeLinuxSLL2, sll2(0x86dd, 12345, PacketOutgoing, raw6))
	if !p.HasIfaceHint() || p.IfIndex() != 12345 || p.PacketType() != PacketOutgoing {
		t.Errorf("sll2: hint %#x index %d type %d", p.IfaceHint, p.IfIndex(), p.PacketType())
	}
	// The same forwarded packet arriving on another interface differs.
	var q Parsed
	q.Decode(LinkTypeLinuxSLL2, sll2(0x86dd, 3, PacketHost, raw6))
	if q.IfaceHint == p.IfaceHint || q.Src != p.Src || q.SrcPort != p.SrcPort {
		t.Errorf("two captures of one packet: hints %#x %#x", p.IfaceHint, q.IfaceHint)
	}
	p.Decode(LinkTypeLinuxSLL, sll(0x86dd, uint16(PacketHost), raw6))
	if !p.HasIfaceHint() || p.IfIndex() != 0 || p.PacketType() != PacketHost {
		t.Errorf("sll: hint %#x", p.IfaceHint)
	}
	p.Decode(LinkTypeEthernet, vlanIPv6UDP(t))
	if p.HasIfaceHint() || p.IfaceHint != 0 || p.PacketType() != PacketUnknown {
		t.Errorf("ethernet: hint %#x", p.IfaceHint)
	}
}

func TestStatusString(t *testing.T) {
	for st, want := range map[Status]string{OK: "ok", NotIP: "not-ip", Truncated: "truncated", Malformed: "malformed", UnsupportedLink: "unsupported-link", 99: "unknown"} {
		if st.String() != want {
			t.Errorf("%d: %q", st, st.String())
		}
	}
}

// TestMutationsNeverPanic flips random bytes of every built and testdata
// packet; the fuzz target does the same with coverage guidance.
func TestMutationsNeverPanic(t *testing.T) {
	seeds := seedPackets(t)
	r := rand.New(rand.NewSource(1))
	var p Parsed
	buf := make([]byte, 0, 4096)
	for i := 0; i < 200000; i++ {
		s := seeds[r.Intn(len(seeds))]
		buf = append(buf[:0], s.data...)
		for k := r.Intn(4) + 1; k > 0 && len(buf) > 0; k-- {
			buf[r.Intn(len(buf))] = byte(r.Intn(256))
		}
		if r.Intn(4) == 0 && len(buf) > 0 {
			buf = buf[:r.Intn(len(buf))]
		}
		st := p.Decode(s.link, buf)
		checkInvariants(t, &p, st, buf)
	}
}

// checkInvariants holds for any input.
func checkInvariants(t *testing.T, p *Parsed, st Status, data []byte) {
	t.Helper()
	if len(p.Payload) > p.PayloadLen {
		t.Fatalf("captured payload %d > PayloadLen %d (status %v)", len(p.Payload), p.PayloadLen, st)
	}
	if len(p.Payload) > 0 && !within(p.Payload, data) {
		t.Fatalf("Payload does not alias the input")
	}
	if st == OK && p.IPVersion == 0 {
		t.Fatalf("ok without an IP header")
	}
	if p.IPVersion == 4 && !(p.Src.Is4() && p.Dst.Is4()) || p.IPVersion == 6 && !(p.Src.Is6() && p.Dst.Is6()) {
		t.Fatalf("IPv%d with address %v", p.IPVersion, p.Src)
	}
	if (p.SrcPort != 0 || p.DstPort != 0) && p.FragOffset != 0 {
		t.Fatalf("ports in a later fragment")
	}
}

// checkLinkHint holds LinkNamesInterface to what Decode does: a source of
// one interface whose link type names none is taken to hold no copies of
// packets captured elsewhere.
func checkLinkHint(t *testing.T, p *Parsed, link uint32) {
	t.Helper()
	if p.IfaceHint != 0 && !LinkNamesInterface(link) {
		t.Fatalf("link %d set IfaceHint %#x, but LinkNamesInterface says it names no interface", link, p.IfaceHint)
	}
}

// within reports whether sub is a slice of data: a sub-slice shares the
// end of data's backing array, so its capacity tells where it starts.
func within(sub, data []byte) bool {
	off := cap(data) - cap(sub)
	return off >= 0 && off+len(sub) <= len(data) && &data[:cap(data)][off] == &sub[0]
}

// seedPackets is the built corpus plus the testdata captures.
func seedPackets(t testing.TB) []builtPacket {
	seeds := builtCorpus(t)
	for _, f := range captureFiles(t, "testdata") {
		pkts, err := readCapture(f)
		if err != nil && len(pkts) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		for _, pk := range pkts {
			seeds = append(seeds, builtPacket{f, pk.link, pk.data})
		}
	}
	return seeds
}

// TestSLLHardwareOverridesProtocol: with ARPHRD_FRAD the cooked header's
// protocol field is ignored and the payload is a LAPF frame; with
// ARPHRD_IEEE80211_RADIOTAP it is a radiotap header and an 802.11 frame
// (both link layers Decode does not decode); with ARPHRD_NETLINK a
// netlink message, never IP. The fuzzer found v2 frames of all three
// claiming IPv4.
func TestSLLHardwareOverridesProtocol(t *testing.T) {
	ip := build(t, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2}, payload(2))
	v2 := append([]byte("\x08\x00\x00\x00\x00\x00\x00\x01\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00\x00\x00"), ip...)
	v1 := append([]byte("\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00"), ip...)
	var p Parsed
	// ARPHRD_ETHER: the same frames are IP.
	if st := p.Decode(LinkTypeLinuxSLL2, v2); st != OK {
		t.Errorf("SLL2 Ethernet: %v", st)
	}
	if st := p.Decode(LinkTypeLinuxSLL, v1); st != OK {
		t.Errorf("SLL Ethernet: %v", st)
	}
	for _, c := range []struct {
		name   string
		hatype uint16
		want   Status
	}{
		{"FRAD", 770, UnsupportedLink},
		{"radiotap", 803, UnsupportedLink},
		{"netlink", 824, NotIP},
	} {
		binary.BigEndian.PutUint16(v2[8:], c.hatype)
		binary.BigEndian.PutUint16(v1[2:], c.hatype)
		if st := p.Decode(LinkTypeLinuxSLL2, v2); st != c.want {
			t.Errorf("SLL2 %s: %v, want %v", c.name, st, c.want)
		}
		if st := p.Decode(LinkTypeLinuxSLL, v1); st != c.want {
			t.Errorf("SLL %s: %v, want %v", c.name, st, c.want)
		}
	}
}
