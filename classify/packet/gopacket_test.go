package packet

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// This file is the reference side of the differential tests: it decodes a
// frame with gopacket and compares what gopacket found with Parsed.
//
// Differences by design, which the comparison allows for:
//   - gopacket has no NFLOG or IPNET decoder: the test strips those headers
//     itself (stripForGopacket) and hands gopacket the IP packet.
//   - gopacket does not follow the 0x9100 VLAN ethertype, IPv6 mobility
//     (135), HIP (139) or shim6 (140) headers; Decode does.
//   - gopacket gives first fragments (IPv4 and IPv6) no transport layer;
//     Decode reads their ports. Only non-fragments compare transports.
//   - gopacket's ICMPv6 payload starts after 4 bytes, Decode's after 8.
//   - gopacket does not decode the packet an ICMP error quotes; the test
//     decodes the quote with gopacket separately.
//   - gopacket's IPv4 and IPv6 first layers do not check the version
//     nibble (LINKTYPE_IPV4 carrying IPv6 decodes as garbage IPv4);
//     Decode says Malformed.
//   - gopacket reads a PPP frame in a PPPoE discovery frame of code 0 and,
//     after an Ethernet header, in a session frame of any code; and another
//     Ethernet frame after the ethertypes of bridged frames (0x6558) and
//     ERSPAN (0x88be). Decode reads none of them (not IP).
//   - gopacket's payloads include nothing past the IP length either, so
//     payload lengths are compared exactly; only Payload (captured) vs
//     PayloadLen (announced) needs the truncation flag.

// gopacketFirst is the decoder gopacket starts with for a link type, and
// how many link-header bytes the test strips first (for link types gopacket
// cannot decode); ok is false for link types neither side supports.
func gopacketFirst(link uint32, data []byte) (d gopacket.Decoder, rest []byte, ok bool) {
	switch link {
	case LinkTypeNull, LinkTypeLoop:
		return layers.LayerTypeLoopback, data, true
	case LinkTypeEthernet:
		return layers.LayerTypeEthernet, data, true
	case LinkTypeRaw, LinkTypeDLTRaw12, LinkTypeDLTRaw14:
		return layers.LinkTypeRaw, data, true
	case LinkTypeIPv4:
		return layers.LayerTypeIPv4, data, true
	case LinkTypeIPv6:
		return layers.LayerTypeIPv6, data, true
	case LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, data, true
	case LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, data, true
	case LinkTypeIPNET:
		// The test reads these headers itself, following the family field
		// as Decode does; a frame with another family is handed to gopacket
		// as an opaque payload (no IP).
		if len(data) < 24 {
			return gopacket.DecodePayload, data, true
		}
		return byFamily(data[1], 2, 26), data[24:], true
	case LinkTypeNFLOG:
		b := nflogPayload(data)
		if b == nil {
			return gopacket.DecodePayload, data, true
		}
		return byFamily(data[0], 2, 10), b, true
	}
	return nil, nil, false
}

func byFamily(f, inet, inet6 byte) gopacket.Decoder {
	switch f {
	case inet:
		return layers.LayerTypeIPv4
	case inet6:
		return layers.LayerTypeIPv6
	}
	return gopacket.DecodePayload
}

// nflogPayload is a deliberately separate reading of NFLOG for the
// reference side: the value of the NFULA_PAYLOAD attribute, the TLVs read
// little-endian or, failing that, big-endian.
func nflogPayload(data []byte) []byte {
	if b := nflogPayloadOrder(data, binary.LittleEndian); b != nil {
		return b
	}
	return nflogPayloadOrder(data, binary.BigEndian)
}

func nflogPayloadOrder(data []byte, order binary.ByteOrder) []byte {
	if len(data) < 4 {
		return nil
	}
	for b := data[4:]; len(b) >= 4; {
		l := int(order.Uint16(b))
		if l < 4 {
			return nil
		}
		if order.Uint16(b[2:]) == 9 {
			return b[4:min(l, len(b))] // a snap length may cut the payload
		}
		if l > len(b) {
			return nil
		}
		l = (l + 3) &^ 3
		if l > len(b) {
			return nil
		}
		b = b[l:]
	}
	return nil
}

func gopacketDecode(link uint32, data []byte) gopacket.Packet {
	d, rest, ok := gopacketFirst(link, data)
	if !ok {
		return nil
	}
	return gopacket.NewPacket(rest, d, gopacket.DecodeOptions{NoCopy: true})
}

// diffCounts tallies a differential run.
type diffCounts struct {
	packets     int // frames decoded by both
	compared    int // frames whose IP header was compared
	transport   int // ... and whose transport header was compared
	quoted      int // ICMP errors whose quoted header was compared
	gpError     int // gopacket failed before or at the IP/transport headers: skipped
	noIP        int // gopacket found no IP header (and Decode agreed)
	explained   int // Decode and gopacket disagree for a documented reason
	unsupported int // link types gopacket cannot be given
	fragments   int // compared fragments (IP header only: gopacket has no ports for first fragments)
	status      [UnsupportedLink + 1]int
}

func (c diffCounts) String() string {
	return fmt.Sprintf("%d packets: %d compared (%d transport, %d quoted, %d fragments), %d gopacket errors skipped, %d not IP, %d differ by design, %d unsupported link; Decode: %d ok %d not-ip %d truncated %d malformed",
		c.packets+c.unsupported, c.compared, c.transport, c.quoted, c.fragments, c.gpError, c.noIP, c.explained, c.unsupported,
		c.status[OK], c.status[NotIP], c.status[Truncated], c.status[Malformed])
}

// isNoDecoder reports whether a gopacket failure only means "gopacket has
// no decoder for this protocol number": the layers before it are fine.
func isNoDecoder(l gopacket.Layer) bool {
	f, ok := l.(*gopacket.DecodeFailure)
	if !ok {
		return false
	}
	msg := f.Error().Error()
	return strings.HasPrefix(msg, "Unable to decode") || msg == "Layer type not currently supported"
}

func isFailure(l gopacket.Layer) bool {
	return l != nil && l.LayerType() == gopacket.LayerTypeDecodeFailure && !isNoDecoder(l)
}

// stoppedAt9100 reports whether gopacket's link layers end at a 0x9100
// ethertype, which gopacket does not follow.
func stoppedAt9100(ls []gopacket.Layer) bool {
	return lastEtherType(ls) == etherTypeQinQ
}

// sllGRE reports whether a Linux cooked header says ARPHRD_IPGRE (778).
func sllGRE(ls []gopacket.Layer) bool {
	for _, l := range ls {
		if s, ok := l.(*layers.LinuxSLL2); ok && s.ARPHardwareType == layers.ARPHardwareTypeIPGRE {
			return true
		}
	}
	return false
}

// sllNeverIP reports whether a Linux cooked header says its payload is
// not what the protocol field says, where gopacket follows the field:
// ARPHRD_FRAD (770) and ARPHRD_IEEE80211_RADIOTAP (803) in a v1 header
// (gopacket reads v2's right), ARPHRD_NETLINK (824) in either (the field
// is then a netlink protocol and the payload a netlink message, per
// LINKTYPE_LINUX_SLL2). Decode does not look for IP in any of them.
func sllNeverIP(ls []gopacket.Layer) bool {
	for _, l := range ls {
		switch s := l.(type) {
		case *layers.LinuxSLL:
			if s.AddrType == 770 || s.AddrType == 803 || s.AddrType == 824 {
				return true
			}
		case *layers.LinuxSLL2:
			if s.ARPHardwareType == 824 {
				return true
			}
		}
	}
	return false
}

// pppoeNotSession reports whether gopacket read a PPPoE header whose code
// is not the session stage's (0).
func pppoeNotSession(ls []gopacket.Layer) bool {
	for _, l := range ls {
		if p, ok := l.(*layers.PPPoE); ok && p.Code != layers.PPPoECodeSession {
			return true
		}
	}
	return false
}

// etherTypeSeen reports whether one of gopacket's link layers announced
// one of the ethertypes.
func etherTypeSeen(ls []gopacket.Layer, types ...layers.EthernetType) bool {
	for i := range ls {
		if slices.Contains(types, lastEtherType(ls[i:i+1])) {
			return true
		}
	}
	return false
}

// lastEtherType is the ethertype of gopacket's innermost link layer.
func lastEtherType(ls []gopacket.Layer) layers.EthernetType {
	var last layers.EthernetType
	for _, l := range ls {
		switch l := l.(type) {
		case *layers.Ethernet:
			last = l.EthernetType
		case *layers.Dot1Q:
			last = l.Type
		case *layers.LinuxSLL:
			last = l.EthernetType
		case *layers.LinuxSLL2:
			last = l.ProtocolType
		}
	}
	return last
}

// ipChain is what gopacket found from an IP header up to the transport.
type ipChain struct {
	ip4        *layers.IPv4
	ip6        *layers.IPv6
	proto      uint8 // final next header
	frag6      *layers.IPv6Fragment
	next       gopacket.Layer // the layer after the IP headers, nil if none
	chainOK    bool           // the IP and extension headers decoded: proto is right
	gopacketOK bool           // ... and so did the transport header
}

// walkGopacketIP collects the IP header at ls[0] and the IPv6 extension
// headers after it.
func walkGopacketIP(ls []gopacket.Layer) ipChain {
	var c ipChain
	c.chainOK, c.gopacketOK = true, true
	i := 1
	switch l := ls[0].(type) {
	case *layers.IPv4:
		c.ip4 = l
		c.proto = uint8(l.Protocol)
	case *layers.IPv6:
		c.ip6 = l
		c.proto = uint8(l.NextHeader)
	walk:
		for ; i < len(ls); i++ {
			if len(ls[i].LayerContents()) == 0 {
				// An extension header gopacket failed to read is added empty.
				c.chainOK, c.gopacketOK = false, false
				return c
			}
			switch e := ls[i].(type) {
			case *layers.IPv6HopByHop:
				c.proto = uint8(e.NextHeader)
			case *layers.IPv6Routing:
				c.proto = uint8(e.NextHeader)
			case *layers.IPv6Destination:
				c.proto = uint8(e.NextHeader)
			case *layers.IPSecAH:
				c.proto = uint8(e.NextHeader)
			case *layers.IPv6Fragment:
				c.proto = uint8(e.NextHeader)
				c.frag6 = e
			default:
				break walk
			}
		}
	}
	if i < len(ls) {
		c.next = ls[i]
		// A bare failure may come from the IP layer itself (a bad hop-by-hop
		// header is decoded inside gopacket's IPv6 layer) or from a decoder
		// that adds no layer when it fails.
		if isFailure(c.next) {
			c.chainOK, c.gopacketOK = false, false
		}
		// A transport decoder that fails on a short header still adds its
		// (empty) layer before the failure.
		if len(c.next.LayerContents()) == 0 {
			c.gopacketOK = false
		}
		// One that fails after reading part of its header (UDP length < 8,
		// a bad TCP option) adds its layer, then the failure; a failure
		// after a good transport layer is an application decoder's
		// business. Only the message tells them apart.
		if i+1 < len(ls) && isFailure(ls[i+1]) {
			msg := ls[i+1].(*gopacket.DecodeFailure).Error().Error()
			for _, proto := range []string{"TCP", "UDP", "ICMP", "SCTP"} {
				if strings.Contains(msg, proto) {
					c.gopacketOK = false
				}
			}
		}
	}
	return c
}

// protoComparable reports whether gopacket's final next header can be
// compared with Decode's: not when gopacket stopped at an extension header
// it does not walk, nor at a first (or atomic) fragment's header, after
// which gopacket reads nothing while Decode walks on.
func (c *ipChain) protoComparable() bool {
	if gopacketDoesNotWalk(c.proto) {
		return false
	}
	if c.frag6 != nil && c.frag6.FragmentOffset == 0 {
		switch c.proto {
		case ipv6HopByHop, ipv6Routing, ipv6Fragment, ipv6AH, ipv6DestOpts:
			return false
		}
	}
	return true
}

// gopacketDoesNotWalk lists IPv6 extension headers Decode walks past and
// gopacket stops at.
func gopacketDoesNotWalk(proto uint8) bool {
	return proto == ipv6Mobility || proto == ipv6HIP || proto == ipv6Shim6
}

func addr(ip []byte) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a
}

func tcpFlags(t *layers.TCP) uint8 {
	var f uint8
	for i, b := range []bool{t.FIN, t.SYN, t.RST, t.PSH, t.ACK, t.URG, t.ECE, t.CWR} {
		if b {
			f |= 1 << i
		}
	}
	return f
}

// compareGopacket compares Decode's result with gopacket's decoding of the
// same frame and returns a description of the first disagreement, or "".
func compareGopacket(p *Parsed, st Status, pkt gopacket.Packet, c *diffCounts) string {
	c.packets++
	c.status[st]++
	ls := pkt.Layers()
	if sllGRE(ls) || sllNeverIP(ls) {
		// ARPHRD_IPGRE: the protocol field is a GRE protocol type and the
		// payload that protocol; gopacket assumes an Ethernet header.
		// ARPHRD_FRAD, ARPHRD_NETLINK: see sllNeverIP.
		c.explained++
		return ""
	}
	idx := -1
	for i, l := range ls {
		if t := l.LayerType(); t == layers.LayerTypeIPv4 || t == layers.LayerTypeIPv6 {
			idx = i
			break
		}
		if isFailure(l) {
			c.gpError++
			return ""
		}
	}
	if idx < 0 {
		if st == OK && p.IPVersion != 0 {
			if stoppedAt9100(ls) {
				c.explained++ // a 0x9100 tag: gopacket has no decoder for it
				return ""
			}
			return fmt.Sprintf("Decode found IPv%d %v > %v, gopacket found no IP (layers %v)", p.IPVersion, p.Src, p.Dst, layerNames(ls))
		}
		c.noIP++
		return ""
	}
	ch := walkGopacketIP(ls[idx:])
	if !ch.gopacketOK {
		c.gpError++
		return ""
	}
	truncated := pkt.Metadata().Truncated

	if st == NotIP && lastEtherType(ls[:idx]) == 0xffff {
		// gopacket's own convention: ethertype 0xffff is raw IP. Only the
		// link layers before the IP header count: gopacket may go on past
		// it (EtherIP) into another Ethernet header.
		c.explained++
		return ""
	}
	if st == NotIP && (etherTypeSeen(ls[:idx], 0x8863, 0x6558, 0x88be) || pppoeNotSession(ls[:idx])) {
		// gopacket reads a PPP frame in a PPPoE discovery frame of code 0
		// (the discovery stage carries none) and, after an Ethernet header
		// (not after a VLAN tag), in a session frame of any code (RFC 2516:
		// the session stage's is 0); and an Ethernet frame after the
		// ethertypes of bridged frames (0x6558) and ERSPAN (0x88be), which
		// belong in GRE. Decode reads none of them.
		c.explained++
		return ""
	}
	if st != OK && st != Truncated {
		// gopacket accepts what the link layer promised without checking
		// the version nibble.
		if ch.ip4 != nil && ch.ip4.Version != 4 || ch.ip6 != nil && ch.ip6.Version != 6 {
			c.explained++
			return ""
		}
		// gopacket stopped before the transport header (a fragment, or a
		// protocol it does not decode), or calls "truncated" what Decode
		// calls malformed (a UDP length beyond the IP length): the headers
		// both read must still agree.
		if !gopacketReadTransport(ch.next) || truncated {
			if msg := compareIP(p, &ch); msg != "" {
				return msg
			}
			if msg := comparePorts(p, ch.next); msg != "" {
				return msg
			}
			c.explained++
			return ""
		}
		return fmt.Sprintf("Decode says %v, gopacket decoded %v cleanly", st, layerNames(ls))
	}
	if st == Truncated && !truncated {
		return fmt.Sprintf("Decode says truncated, gopacket decoded %v without truncation", layerNames(ls))
	}
	c.compared++
	if msg := compareIP(p, &ch); msg != "" {
		return msg
	}
	if p.Fragment || ch.frag6 != nil {
		c.fragments++
		return ""
	}
	if st != OK {
		return ""
	}
	return compareTransport(p, &ch, truncated, c)
}

// gopacketReadTransport reports whether gopacket decoded the header after
// the IP headers as one of the transports Decode reads.
func gopacketReadTransport(l gopacket.Layer) bool {
	switch l.(type) {
	case *layers.TCP, *layers.UDP, *layers.UDPLite, *layers.SCTP, *layers.ICMPv4, *layers.ICMPv6:
		return true
	}
	return false
}

// comparePorts compares ports with gopacket's transport layer, if any.
func comparePorts(p *Parsed, l gopacket.Layer) string {
	var sp, dp uint16
	switch l := l.(type) {
	case *layers.TCP:
		sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
	case *layers.UDP:
		sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
	default:
		return ""
	}
	if p.SrcPort != sp || p.DstPort != dp {
		return fmt.Sprintf("ports: Decode %d > %d, gopacket %d > %d", p.SrcPort, p.DstPort, sp, dp)
	}
	return ""
}

func compareIP(p *Parsed, ch *ipChain) string {
	switch {
	case ch.ip4 != nil:
		ip := ch.ip4
		if p.IPVersion != 4 || p.Src != addr(ip.SrcIP) || p.Dst != addr(ip.DstIP) {
			return fmt.Sprintf("IPv4 addresses: Decode v%d %v > %v, gopacket %v > %v", p.IPVersion, p.Src, p.Dst, ip.SrcIP, ip.DstIP)
		}
		if p.Proto != uint8(ip.Protocol) || p.TTL != ip.TTL || p.IPID != uint32(ip.Id) || p.IPLen != int(ip.Length) {
			return fmt.Sprintf("IPv4 header: Decode proto %d ttl %d id %d len %d, gopacket %d %d %d %d", p.Proto, p.TTL, p.IPID, p.IPLen, ip.Protocol, ip.TTL, ip.Id, ip.Length)
		}
		if p.FragOffset != ip.FragOffset*8 || p.MoreFragments != (ip.Flags&layers.IPv4MoreFragments != 0) {
			return fmt.Sprintf("IPv4 fragment: Decode off %d mf %v, gopacket off %d flags %v", p.FragOffset, p.MoreFragments, ip.FragOffset*8, ip.Flags)
		}
	case ch.ip6 != nil:
		ip := ch.ip6
		if p.IPVersion != 6 || p.Src != addr(ip.SrcIP) || p.Dst != addr(ip.DstIP) || p.TTL != ip.HopLimit {
			return fmt.Sprintf("IPv6 header: Decode v%d %v > %v hl %d, gopacket %v > %v hl %d", p.IPVersion, p.Src, p.Dst, p.TTL, ip.SrcIP, ip.DstIP, ip.HopLimit)
		}
		if ip.Length != 0 && p.IPLen != 40+int(ip.Length) {
			return fmt.Sprintf("IPv6 length: Decode %d, gopacket 40+%d", p.IPLen, ip.Length)
		}
		if ch.protoComparable() && p.Proto != ch.proto {
			return fmt.Sprintf("IPv6 next header: Decode %d, gopacket %d", p.Proto, ch.proto)
		}
		if f := ch.frag6; f != nil {
			if p.IPID != f.Identification || p.FragOffset != f.FragmentOffset*8 || p.MoreFragments != f.MoreFragments {
				return fmt.Sprintf("IPv6 fragment: Decode id %d off %d mf %v, gopacket %d %d %v", p.IPID, p.FragOffset, p.MoreFragments, f.Identification, f.FragmentOffset*8, f.MoreFragments)
			}
		}
	}
	return ""
}

func compareTransport(p *Parsed, ch *ipChain, truncated bool, c *diffCounts) string {
	// payload checks the captured payload always, and the announced length
	// when gopacket saw the whole packet.
	payload := func(name string, gp []byte, skip int) string {
		gpLen := len(gp) - skip
		if gpLen < 0 {
			gpLen = 0
		}
		if len(p.Payload) != gpLen || !truncated && p.PayloadLen != gpLen {
			return fmt.Sprintf("%s payload: Decode %d captured / %d announced, gopacket %d (truncated %v)", name, len(p.Payload), p.PayloadLen, gpLen, truncated)
		}
		return ""
	}
	ports := func(name string, src, dst uint16) string {
		if p.SrcPort != src || p.DstPort != dst {
			return fmt.Sprintf("%s ports: Decode %d > %d, gopacket %d > %d", name, p.SrcPort, p.DstPort, src, dst)
		}
		return ""
	}
	switch l := ch.next.(type) {
	case *layers.TCP:
		c.transport++
		if m := ports("TCP", uint16(l.SrcPort), uint16(l.DstPort)); m != "" {
			return m
		}
		if p.TCPFlags != tcpFlags(l) || p.Seq != l.Seq || p.Ack != l.Ack || p.Window != l.Window {
			return fmt.Sprintf("TCP header: Decode flags %#x seq %d ack %d win %d, gopacket %#x %d %d %d", p.TCPFlags, p.Seq, p.Ack, p.Window, tcpFlags(l), l.Seq, l.Ack, l.Window)
		}
		return payload("TCP", l.Payload, 0)
	case *layers.UDP:
		c.transport++
		if m := ports("UDP", uint16(l.SrcPort), uint16(l.DstPort)); m != "" {
			return m
		}
		return payload("UDP", l.Payload, 0)
	case *layers.UDPLite:
		c.transport++
		return ports("UDP-Lite", uint16(l.SrcPort), uint16(l.DstPort))
	case *layers.SCTP:
		c.transport++
		return ports("SCTP", uint16(l.SrcPort), uint16(l.DstPort))
	case *layers.ICMPv4:
		c.transport++
		if p.ICMPType != l.TypeCode.Type() || p.ICMPCode != l.TypeCode.Code() {
			return fmt.Sprintf("ICMP type: Decode %d/%d, gopacket %v", p.ICMPType, p.ICMPCode, l.TypeCode)
		}
		if t := p.ICMPType; (t == 0 || t == 8) && p.ICMPID != l.Id {
			return fmt.Sprintf("ICMP echo id: Decode %d, gopacket %d", p.ICMPID, l.Id)
		}
		if m := payload("ICMP", l.Payload, 0); m != "" {
			return m
		}
		switch p.ICMPType {
		case 3, 4, 5, 11, 12:
			return compareQuoted(p, l.Payload, layers.LayerTypeIPv4, c)
		}
	case *layers.ICMPv6:
		c.transport++
		if p.ICMPType != l.TypeCode.Type() || p.ICMPCode != l.TypeCode.Code() {
			return fmt.Sprintf("ICMPv6 type: Decode %d/%d, gopacket %v", p.ICMPType, p.ICMPCode, l.TypeCode)
		}
		if m := payload("ICMPv6", l.Payload, 4); m != "" {
			return m
		}
		if p.ICMPType >= 1 && p.ICMPType <= 4 && len(l.Payload) >= 4 {
			return compareQuoted(p, l.Payload[4:], layers.LayerTypeIPv6, c)
		}
	}
	return ""
}

// compareQuoted decodes the quote of an ICMP error with gopacket and
// compares it with p.Quoted.
func compareQuoted(p *Parsed, quote []byte, first gopacket.LayerType, c *diffCounts) string {
	qp := gopacket.NewPacket(quote, first, gopacket.DecodeOptions{NoCopy: true})
	ls := qp.Layers()
	if len(ls) == 0 || ls[0].LayerType() != first || len(ls[0].LayerContents()) == 0 {
		return "" // gopacket could not read the quoted IP header
	}
	ch := walkGopacketIP(ls)
	if ch.ip4 != nil && ch.ip4.Version != 4 || ch.ip6 != nil && ch.ip6.Version != 6 {
		c.explained++ // gopacket does not check the version nibble
		return ""
	}
	q := &p.Quoted
	var src, dst netip.Addr
	if ch.ip4 != nil {
		src, dst = addr(ch.ip4.SrcIP), addr(ch.ip4.DstIP)
	} else {
		src, dst = addr(ch.ip6.SrcIP), addr(ch.ip6.DstIP)
	}
	c.quoted++
	if !q.Valid || q.Src != src || q.Dst != dst {
		return fmt.Sprintf("quoted header: Decode valid %v %v > %v, gopacket %v > %v", q.Valid, q.Src, q.Dst, src, dst)
	}
	if !ch.chainOK {
		return "" // gopacket could not read the quoted extension headers
	}
	if ch.protoComparable() && q.Proto != ch.proto {
		return fmt.Sprintf("quoted protocol: Decode %d, gopacket %d", q.Proto, ch.proto)
	}
	if !ch.gopacketOK {
		return "" // gopacket could not read the quoted transport header
	}
	var sp, dp uint16
	switch l := ch.next.(type) {
	case *layers.UDP:
		sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
	case *layers.TCP:
		sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
	default:
		return ""
	}
	if ch.frag6 == nil && (ch.ip4 == nil || ch.ip4.FragOffset == 0) && (q.SrcPort != sp || q.DstPort != dp) {
		return fmt.Sprintf("quoted ports: Decode %d > %d, gopacket %d > %d", q.SrcPort, q.DstPort, sp, dp)
	}
	return ""
}

func layerNames(ls []gopacket.Layer) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(l.LayerType().String())
	}
	return b.String()
}
