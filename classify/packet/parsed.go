// Package packet decodes one captured frame into a reused Parsed struct.
//
// It is the hot path of flowaudit: every captured packet goes through
// Parsed.Decode, millions of times per second, so Decode never allocates
// (addresses are netip.Addr values, payloads are sub-slices of the input)
// and never panics, whatever the bytes. The design follows tailscale's
// net/packet: one flat struct that the caller keeps and hands back for the
// next packet, instead of a tree of layer objects.
//
// The link type is a plain uint32 holding a pcap LINKTYPE_ value so that
// any packet source can pass the number from its file or socket header
// without this package importing it (or it importing this package).
package packet

import (
	"encoding/binary"
	"net/netip"
)

// Link types accepted by Decode: pcap LINKTYPE_ values
// (https://www.tcpdump.org/linktypes.html).
const (
	LinkTypeNull      uint32 = 0   // BSD loopback: 4-byte address family in the capturing host's byte order
	LinkTypeEthernet  uint32 = 1   // Ethernet II / 802.3
	LinkTypeDLTRaw12  uint32 = 12  // DLT_RAW as most BSDs number it: raw IPv4 or IPv6
	LinkTypeDLTRaw14  uint32 = 14  // DLT_RAW as OpenBSD numbers it
	LinkTypeRaw       uint32 = 101 // LINKTYPE_RAW: raw IPv4 or IPv6
	LinkTypeLoop      uint32 = 108 // OpenBSD loopback: 4-byte address family, network byte order
	LinkTypeLinuxSLL  uint32 = 113 // Linux cooked capture v1, 16-byte header
	LinkTypeIPNET     uint32 = 226 // Solaris ipnet, 24-byte header
	LinkTypeIPv4      uint32 = 228 // raw IPv4 only
	LinkTypeIPv6      uint32 = 229 // raw IPv6 only
	LinkTypeNFLOG     uint32 = 239 // Linux netfilter log messages (TLVs)
	LinkTypeLinuxSLL2 uint32 = 276 // Linux cooked capture v2, 20-byte header with the interface index
)

// IP protocol numbers Decode interprets.
const (
	ProtoICMP    uint8 = 1
	ProtoTCP     uint8 = 6
	ProtoUDP     uint8 = 17
	ProtoICMPv6  uint8 = 58
	ProtoSCTP    uint8 = 132
	ProtoUDPLite uint8 = 136
)

// TCP flag bits as they appear in TCPFlags (byte 13 of the TCP header).
const (
	TCPFin uint8 = 0x01
	TCPSyn uint8 = 0x02
	TCPRst uint8 = 0x04
	TCPPsh uint8 = 0x08
	TCPAck uint8 = 0x10
	TCPUrg uint8 = 0x20
	TCPEce uint8 = 0x40
	TCPCwr uint8 = 0x80
)

// Status is the outcome of Decode. Whatever the status, the fields decoded
// before the problem was found are set (a TCP header cut after its ports
// still yields addresses and ports), so a caller may count and attribute a
// bad packet instead of dropping it blind.
type Status uint8

const (
	// OK: every header up to and including the transport header (or, for
	// protocols Decode does not interpret, the IP header) was present and
	// consistent. The payload may still be shorter than PayloadLen: a
	// snap length cuts payloads, not headers.
	OK Status = iota
	// NotIP: a well-formed frame that does not carry IP (ARP, LLDP, STP,
	// an NFLOG family other than IPv4/IPv6, ...). Counted, not an error.
	NotIP
	// Truncated: the capture ends inside a header Decode needed.
	Truncated
	// Malformed: a header contradicts itself or its enclosing header
	// (IHL < 5, a TCP data offset beyond the IP length, a wrong IP version
	// for the link type, ...).
	Malformed
	// UnsupportedLink: Decode does not know the link type, or the link
	// layer a Linux cooked header announces in place of a protocol
	// (radiotap and 802.11, Frame Relay).
	UnsupportedLink
)

var statusNames = [...]string{"ok", "not-ip", "truncated", "malformed", "unsupported-link"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// IfaceHint layout. The hint lets a caller recognise one forwarded packet
// captured twice by "tcpdump -i any" (once arriving, once leaving): the two
// copies are byte-identical from the IP header on and differ only here.
//
//	bit 31     set when the link layer said anything about the interface
//	bits 8-30  interface index (SLL2, IPNET, NFLOG); 0 when unknown (SLL v1)
//	bits 0-7   Linux packet type (PacketHost ... PacketOutgoing) for SLL and
//	           SLL2, PacketUnknown for link layers that do not carry one
//
// Interface indexes above 2^23-1 are stored modulo 2^23; Linux allocates
// them sequentially from 1, so that is harmless in practice.
const (
	ifaceHintValid = 1 << 31
	ifaceIndexMask = 1<<23 - 1

	PacketHost      uint8 = 0 // to us
	PacketBroadcast uint8 = 1
	PacketMulticast uint8 = 2
	PacketOtherHost uint8 = 3 // to someone else, seen in promiscuous mode
	PacketOutgoing  uint8 = 4 // sent by us (including forwarded packets leaving)
	PacketUnknown   uint8 = 0xff
)

func makeIfaceHint(ifindex uint32, pkttype uint8) uint32 {
	return ifaceHintValid | (ifindex&ifaceIndexMask)<<8 | uint32(pkttype)
}

// HasIfaceHint reports whether the link layer identified the interface or
// direction of the frame.
func (p *Parsed) HasIfaceHint() bool { return p.IfaceHint&ifaceHintValid != 0 }

// IfIndex is the capturing interface index from IfaceHint, 0 when unknown.
func (p *Parsed) IfIndex() uint32 { return p.IfaceHint >> 8 & ifaceIndexMask }

// PacketType is the Linux packet type from IfaceHint, PacketUnknown when
// the link layer gives none.
func (p *Parsed) PacketType() uint8 {
	if !p.HasIfaceHint() {
		return PacketUnknown
	}
	return uint8(p.IfaceHint)
}

// Parsed is one decoded packet. Keep one per goroutine and call Decode for
// each packet: Decode overwrites every field, so nothing leaks from the
// previous packet. Payload aliases the data passed to Decode.
type Parsed struct {
	// Link layer
	IfaceHint uint32 // see the IfaceHint layout above; 0 when the link layer says nothing
	VLANs     uint8  // number of 802.1Q / 802.1ad / 0x9100 tags passed (saturates at 255)
	EtherType uint16 // ethertype after the VLAN tags (Ethernet, SLL, SLL2), 0x8847/0x8848 for IP under MPLS labels; values <= 1500 are 802.3 lengths; 0 for other link types

	// Network layer
	IPVersion     uint8 // 4 or 6; 0 when not IP
	Src, Dst      netip.Addr
	TTL           uint8  // IPv4 TTL or IPv6 hop limit
	IPID          uint32 // IPv4 identification, IPv6 fragment header identification (0 if none)
	IPLen         int    // length of the IP packet per its header, not the captured length
	Fragment      bool   // part of a fragmented datagram (an IPv6 atomic fragment is not)
	FragOffset    uint16 // in bytes
	MoreFragments bool

	// Transport
	Proto            uint8 // IP protocol after IPv6 extension headers; 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, others passed through
	SrcPort, DstPort uint16
	TCPFlags         uint8 // TCPFin ... TCPCwr
	Seq, Ack         uint32
	Window           uint16
	// Payload is the transport payload as captured: a slice of the input,
	// ending at the IP length (Ethernet padding excluded), possibly shorter
	// than PayloadLen when the snap length cut it. For protocols Decode does
	// not interpret, and for non-first fragments, it is everything after the
	// IP header (and IPv6 extension headers).
	Payload    []byte
	PayloadLen int // transport payload length per the headers

	// ICMP / ICMPv6
	ICMPType, ICMPCode uint8
	ICMPID             uint16 // identifier of echo (and ICMPv4 timestamp/info/mask) messages; 0 otherwise
	Quoted             Quoted // for ICMP errors: the header of the packet that caused them
}

// Quoted is the start of the offending packet that an ICMP error quotes
// (ICMPv4 types 3, 4, 5, 11, 12; ICMPv6 types 1-4). The quote is usually cut
// after 8 bytes of transport header, so only addresses, protocol and ports
// are taken from it; its length fields are not checked against the quote.
type Quoted struct {
	Valid            bool // an IP header of the expected version was found
	Src, Dst         netip.Addr
	Proto            uint8 // after IPv6 extension headers; an extension header number if the quote ends inside them
	SrcPort, DstPort uint16
}

// Decode parses one frame of the given link type. It resets p first, never
// allocates and never panics.
func (p *Parsed) Decode(link uint32, data []byte) Status {
	*p = Parsed{}
	l3, kind, st := p.decodeLink(link, data)
	if st != OK {
		return st
	}
	switch kind {
	case netIPv4:
		return p.decodeIPv4(l3)
	case netIPv6:
		return p.decodeIPv6(l3)
	}
	// Link layers that do not say which IP version follows.
	if len(l3) == 0 {
		return Truncated
	}
	switch l3[0] >> 4 {
	case 4:
		return p.decodeIPv4(l3)
	case 6:
		return p.decodeIPv6(l3)
	}
	return Malformed
}

// need reports whether a header of h bytes fits both in the n bytes the
// enclosing header announces (else Malformed) and in the captured b (else
// Truncated).
func need(b []byte, n, h int) Status {
	if h > n {
		return Malformed
	}
	if h > len(b) {
		return Truncated
	}
	return OK
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
