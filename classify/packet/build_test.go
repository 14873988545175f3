package packet

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Packets built with gopacket for the unit tests, benchmarks and fuzz
// seeds. Lengths are fixed by gopacket; checksums are left zero (Decode
// does not verify them).

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
	v4A  = net.IP{192, 0, 2, 1}
	v4B  = net.IP{198, 51, 100, 7}
	v6A  = net.ParseIP("2001:db8::1")
	v6B  = net.ParseIP("2001:db8:ffff::2")
)

func build(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: t}
}

func ip4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 61, Id: 0x1234, Protocol: proto, SrcIP: v4A, DstIP: v4B}
}

func ip6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 59, NextHeader: next, SrcIP: v6A, DstIP: v6B}
}

// tcpSynAck is a TCP header with options (MSS, window scale): data offset 7.
func tcpSynAck() *layers.TCP {
	return &layers.TCP{SrcPort: 443, DstPort: 51000, Seq: 0x01020304, Ack: 0xa0b0c0d0, SYN: true, ACK: true, ECE: true, Window: 64240,
		Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		}}
}

func payload(n int) gopacket.Payload {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// ethIPv4TCP: Ethernet / IPv4 with a router-alert option (IHL 6) / TCP
// with options / 5 bytes.
func ethIPv4TCP(t testing.TB) []byte {
	ip := ip4(layers.IPProtocolTCP)
	ip.Flags = layers.IPv4DontFragment
	ip.Options = []layers.IPv4Option{{OptionType: 0x94, OptionLength: 4, OptionData: []byte{0, 0}}}
	return build(t, eth(layers.EthernetTypeIPv4), ip, tcpSynAck(), payload(5))
}

// vlanIPv6UDP: Ethernet / 802.1Q / IPv6 / UDP / 12 bytes.
func vlanIPv6UDP(t testing.TB) []byte {
	return build(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypeIPv6},
		ip6(layers.IPProtocolUDP), &layers.UDP{SrcPort: 5353, DstPort: 53}, payload(12))
}

// qinqIPv4UDP: Ethernet / 802.1ad / 802.1Q / IPv4 / UDP / 3 bytes.
func qinqIPv4UDP(t testing.TB, outer layers.EthernetType) []byte {
	return build(t, eth(outer), &layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 200, Type: layers.EthernetTypeIPv4},
		ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 123, DstPort: 123}, payload(3))
}

// mplsIPv4TCP: Ethernet / MPLS (one label) / the IPv4 TCP packet of
// ethIPv4TCP.
func mplsIPv4TCP(t testing.TB) []byte {
	return build(t, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: 16, StackBottom: true, TTL: 63},
		gopacket.Payload(ethIPv4TCP(t)[14:]))
}

// vlanMPLSIPv6UDP: Ethernet / 802.1Q / MPLS multicast (two labels) / the
// IPv6 UDP packet of vlanIPv6UDP.
func vlanMPLSIPv6UDP(t testing.TB) []byte {
	return build(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypeMPLSMulticast},
		&layers.MPLS{Label: 1000, TTL: 64}, &layers.MPLS{Label: 2000, StackBottom: true, TTL: 64},
		gopacket.Payload(vlanIPv6UDP(t)[18:]))
}

// pppoeIPv4TCP: Ethernet / PPPoE session / PPP / the IPv4 TCP packet of
// ethIPv4TCP.
func pppoeIPv4TCP(t testing.TB) []byte {
	return build(t, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x1234},
		&layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(ethIPv4TCP(t)[14:]))
}

// vlanPPPoEIPv6UDP: Ethernet / 802.1Q / PPPoE session / PPP with its
// address and control bytes and a compressed (one-byte) protocol / the
// IPv6 UDP packet of vlanIPv6UDP, then Ethernet padding beyond the PPPoE
// length.
func vlanPPPoEIPv6UDP(t testing.TB) []byte {
	ppp := append([]byte{0xff, 0x03, 0x57}, vlanIPv6UDP(t)[18:]...)
	return append(build(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypePPPoESession},
		&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x1234}, gopacket.Payload(ppp)), 0, 0, 0, 0)
}

// ipv6ExtUDP: IPv6 / destination options / fragment header (atomic) / UDP.
func ipv6ExtUDP(t testing.TB) []byte {
	return build(t, ip6(layers.IPProtocolIPv6Destination),
		destOpts(layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolUDP, Identification: 0xfeedf00d},
		&layers.UDP{SrcPort: 4000, DstPort: 5000}, payload(9))
}

// destOpts is an 8-byte destination options header holding one PadN.
func destOpts(next layers.IPProtocol) *layers.IPv6Destination {
	d := &layers.IPv6Destination{Options: []*layers.IPv6DestinationOption{{OptionType: 1, OptionData: []byte{0, 0, 0, 0}}}}
	d.NextHeader = next
	return d
}

// icmpPortUnreachable: Ethernet / IPv4 / ICMP 3/3 quoting IPv4 / UDP (the
// quote cut after the 8-byte UDP header, as routers send it).
func icmpPortUnreachable(t testing.TB) []byte {
	inner := build(t, &layers.IPv4{Version: 4, TTL: 1, Protocol: layers.IPProtocolUDP, SrcIP: v4B, DstIP: v4A},
		&layers.UDP{SrcPort: 33434, DstPort: 33435}, payload(40))
	return build(t, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(inner[:28]))
}

// icmpTimeExceededTCP: raw IPv4 / ICMP 11/0 quoting IPv4 with options /
// the first 8 bytes of a TCP header.
func icmpTimeExceededTCP(t testing.TB) []byte {
	innerIP := &layers.IPv4{Version: 4, TTL: 1, Protocol: layers.IPProtocolTCP, SrcIP: v4B, DstIP: v4A,
		Options: []layers.IPv4Option{{OptionType: 0x94, OptionLength: 4, OptionData: []byte{0, 0}}}}
	inner := build(t, innerIP, tcpSynAck())
	return build(t, ip4(layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(11, 0)}, gopacket.Payload(inner[:24+8]))
}

// icmp6UnreachableExt: Ethernet / IPv6 / ICMPv6 1/4 quoting IPv6 /
// destination options / UDP.
func icmp6UnreachableExt(t testing.TB) []byte {
	inner := build(t, &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolIPv6Destination, SrcIP: v6B, DstIP: v6A},
		destOpts(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 546, DstPort: 547}, payload(100))
	return build(t, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 4)}, gopacket.Payload([]byte{0, 0, 0, 0}),
		gopacket.Payload(inner[:40+8+8]))
}

// icmp6Echo: raw IPv6 / ICMPv6 echo request id 0x4242.
func icmp6Echo(t testing.TB) []byte {
	return build(t, ip6(layers.IPProtocolICMPv6), &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)},
		gopacket.Payload([]byte{0x42, 0x42, 0, 1}), payload(16))
}

// ipv4Frags: the first and a later fragment of a UDP datagram. The first
// fragment's UDP length covers the whole datagram (2008 bytes).
func ipv4Frags(t testing.TB) (first, later []byte) {
	ipf := ip4(layers.IPProtocolUDP)
	ipf.Flags = layers.IPv4MoreFragments
	first = build(t, eth(layers.EthernetTypeIPv4), ipf, &layers.UDP{SrcPort: 53, DstPort: 40000}, payload(1472))
	binary.BigEndian.PutUint16(first[14+20+4:], 2008)
	ipl := ip4(layers.IPProtocolUDP)
	ipl.FragOffset = 185 // 1480 bytes
	later = build(t, eth(layers.EthernetTypeIPv4), ipl, payload(528))
	return first, later
}

// ipv6Frags: the first and a later fragment of a TCP segment.
func ipv6Frags(t testing.TB) (first, later []byte) {
	first = build(t, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolTCP, MoreFragments: true, Identification: 0xdeadbeef},
		tcpSynAck(), payload(1000))
	later = build(t, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolTCP, FragmentOffset: 128, Identification: 0xdeadbeef},
		payload(300))
	return first, later
}

// sll2 wraps an IP packet in a Linux cooked v2 header.
func sll2(ethertype uint16, ifindex uint32, pkttype uint8, ip []byte) []byte {
	h := make([]byte, 20, 20+len(ip))
	binary.BigEndian.PutUint16(h[0:], ethertype)
	binary.BigEndian.PutUint32(h[4:], ifindex)
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10] = pkttype
	h[11] = 6
	copy(h[12:], macA)
	return append(h, ip...)
}

// sll wraps an IP packet in a Linux cooked v1 header.
func sll(ethertype uint16, pkttype uint16, ip []byte) []byte {
	h := make([]byte, 16, 16+len(ip))
	binary.BigEndian.PutUint16(h[0:], pkttype)
	binary.BigEndian.PutUint16(h[2:], 1)
	binary.BigEndian.PutUint16(h[4:], 6)
	copy(h[6:], macA)
	binary.BigEndian.PutUint16(h[14:], ethertype)
	return append(h, ip...)
}

// nflog wraps an IP packet in NFLOG TLVs (prefix, indev, payload) written
// in the given byte order.
func nflog(order binary.ByteOrder, family byte, indev uint32, ip []byte) []byte {
	b := []byte{family, 0, 0, 42}
	tlv := func(typ uint16, v []byte) {
		var h [4]byte
		order.PutUint16(h[0:], uint16(4+len(v)))
		order.PutUint16(h[2:], typ)
		b = append(b, h[:]...)
		b = append(b, v...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	tlv(1, []byte{0x08, 0x00, 3, 0})                  // NFULA_PACKET_HDR
	tlv(10, []byte("drop\x00"))                       // NFULA_PREFIX, padded
	tlv(4, binary.BigEndian.AppendUint32(nil, indev)) // NFULA_IFINDEX_INDEV
	tlv(9, ip)                                        // NFULA_PAYLOAD
	return b
}

// ipnet wraps an IP packet in a Solaris ipnet header.
func ipnet(family byte, ifindex uint32, ip []byte) []byte {
	h := make([]byte, 24, 24+len(ip))
	h[0], h[1] = 1, family
	binary.BigEndian.PutUint32(h[4:], uint32(len(ip)))
	binary.BigEndian.PutUint32(h[8:], ifindex)
	return append(h, ip...)
}

// loopback wraps an IP packet in a BSD null header.
func loopback(order binary.ByteOrder, family uint32, ip []byte) []byte {
	h := make([]byte, 4, 4+len(ip))
	order.PutUint32(h, family)
	return append(h, ip...)
}

// builtPacket is one packet of the built corpus.
type builtPacket struct {
	name string
	link uint32
	data []byte
}

// builtCorpus returns one of each built packet, for the loops over all of
// them (truncation, allocations, fuzz seeds, benchmarks).
func builtCorpus(t testing.TB) []builtPacket {
	tcp4 := ethIPv4TCP(t)
	raw4 := tcp4[14:]
	raw6 := vlanIPv6UDP(t)[18:]
	f4a, f4b := ipv4Frags(t)
	f6a, f6b := ipv6Frags(t)
	return []builtPacket{
		{"eth/ipv4-options/tcp", LinkTypeEthernet, tcp4},
		{"eth/vlan/ipv6/udp", LinkTypeEthernet, vlanIPv6UDP(t)},
		{"eth/802.1ad/802.1q/ipv4/udp", LinkTypeEthernet, qinqIPv4UDP(t, layers.EthernetTypeQinQ)},
		{"eth/0x9100/802.1q/ipv4/udp", LinkTypeEthernet, qinqIPv4UDP(t, etherTypeQinQ)},
		{"eth/mpls/ipv4-options/tcp", LinkTypeEthernet, mplsIPv4TCP(t)},
		{"eth/vlan/mpls-2/ipv6/udp", LinkTypeEthernet, vlanMPLSIPv6UDP(t)},
		{"sll/mpls/ipv4/tcp", LinkTypeLinuxSLL, sll(0x8847, 4, mplsIPv4TCP(t)[14:])},
		{"eth/pppoe/ipv4-options/tcp", LinkTypeEthernet, pppoeIPv4TCP(t)},
		{"eth/vlan/pppoe/ppp-ff03-pfc/ipv6/udp", LinkTypeEthernet, vlanPPPoEIPv6UDP(t)},
		{"eth/ppp/ipv4-options/tcp", LinkTypeEthernet, build(t, eth(layers.EthernetTypePPP), &layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(tcp4[14:]))},
		{"raw/ipv6-destopts-frag/udp", LinkTypeRaw, ipv6ExtUDP(t)},
		{"eth/ipv4/icmp-port-unreachable", LinkTypeEthernet, icmpPortUnreachable(t)},
		{"ipv4/icmp-time-exceeded-tcp", LinkTypeIPv4, icmpTimeExceededTCP(t)},
		{"eth/ipv6/icmpv6-unreachable-ext", LinkTypeEthernet, icmp6UnreachableExt(t)},
		{"ipv6/icmpv6-echo", LinkTypeIPv6, icmp6Echo(t)},
		{"eth/ipv4-first-fragment/udp", LinkTypeEthernet, f4a},
		{"eth/ipv4-later-fragment", LinkTypeEthernet, f4b},
		{"eth/ipv6-first-fragment/tcp", LinkTypeEthernet, f6a},
		{"eth/ipv6-later-fragment", LinkTypeEthernet, f6b},
		{"sll/ipv4/tcp", LinkTypeLinuxSLL, sll(0x0800, 4, raw4)},
		{"sll2/ipv6/udp", LinkTypeLinuxSLL2, sll2(0x86dd, 7, 0, raw6)},
		{"null-le/ipv4/tcp", LinkTypeNull, loopback(binary.LittleEndian, 2, raw4)},
		{"loop-be/ipv6/udp", LinkTypeLoop, loopback(binary.BigEndian, 30, raw6)},
		{"nflog-le/ipv4/tcp", LinkTypeNFLOG, nflog(binary.LittleEndian, 2, 3, raw4)},
		{"nflog-be/ipv6/udp", LinkTypeNFLOG, nflog(binary.BigEndian, 10, 3, raw6)},
		{"ipnet/ipv4/tcp", LinkTypeIPNET, ipnet(2, 5, raw4)},
	}
}
