package packet

import "encoding/binary"

// netKind says which network header the link layer announced.
type netKind uint8

const (
	netUnknown netKind = iota // the link layer does not say: look at the version nibble
	netIPv4
	netIPv6
)

// decodeLink strips the link-layer header and returns the network-layer
// bytes. A status other than OK ends decoding (NotIP included).
func (p *Parsed) decodeLink(link uint32, data []byte) ([]byte, netKind, Status) {
	switch link {
	case LinkTypeEthernet:
		return p.decodeEthernet(data)
	case LinkTypeRaw, LinkTypeDLTRaw12, LinkTypeDLTRaw14:
		return data, netUnknown, OK
	case LinkTypeIPv4:
		return data, netIPv4, versionIs(data, 4)
	case LinkTypeIPv6:
		return data, netIPv6, versionIs(data, 6)
	case LinkTypeNull, LinkTypeLoop:
		return decodeLoopback(data)
	case LinkTypeLinuxSLL:
		return p.decodeSLL(data)
	case LinkTypeLinuxSLL2:
		return p.decodeSLL2(data)
	case LinkTypeIPNET:
		return p.decodeIPNET(data)
	case LinkTypeNFLOG:
		return p.decodeNFLOG(data)
	}
	return nil, 0, UnsupportedLink
}

// LinkNamesInterface reports whether frames of a link type name their
// capturing interface or direction in their own header (Parsed.IfaceHint):
// Linux cooked captures, Solaris ipnet and NFLOG. Frames of other link
// types never set IfaceHint (FuzzDecode checks it).
func LinkNamesInterface(link uint32) bool {
	switch link {
	case LinkTypeLinuxSLL, LinkTypeLinuxSLL2, LinkTypeIPNET, LinkTypeNFLOG:
		return true
	}
	return false
}

// versionIs checks the IP version nibble for link types that promise one
// version: an IPv6 packet under LINKTYPE_IPV4 is a broken file, not IPv6.
func versionIs(b []byte, v uint8) Status {
	if len(b) == 0 {
		return Truncated
	}
	if b[0]>>4 != v {
		return Malformed
	}
	return OK
}

// decodeLoopback handles BSD null (family in the capturing host's byte
// order, which the file does not record) and OpenBSD loop (network order).
// Families are small numbers, so two leading zero bytes mean big-endian;
// that is libpcap's and Wireshark's rule too, and it makes both link types
// readable whichever machine wrote them.
func decodeLoopback(data []byte) ([]byte, netKind, Status) {
	if len(data) < 4 {
		return nil, 0, Truncated
	}
	var fam uint32
	if data[0] == 0 && data[1] == 0 {
		fam = binary.BigEndian.Uint32(data)
	} else {
		fam = binary.LittleEndian.Uint32(data)
	}
	switch fam {
	case 2: // AF_INET everywhere
		return data[4:], netIPv4, OK
	case 24, 28, 30, 10: // AF_INET6: NetBSD/OpenBSD, FreeBSD, Darwin, Linux
		return data[4:], netIPv6, OK
	}
	return nil, 0, NotIP
}

// Linux ARPHRD_ types whose SLL payload is not what the protocol field
// says, per the LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2 definitions:
// a netlink socket's messages, never IP (the field is a netlink
// protocol); Frame Relay, whose payload is a LAPF frame, and 802.11 with
// a radiotap header, which both ignore the field and are link layers
// Decode does not decode.
const (
	arphrdNetlink  = 824
	arphrdFRAD     = 770
	arphrdRadiotap = 803
)

// sllHardware returns OK when the payload of a cooked header with this
// ARPHRD_ type is what its protocol field says.
func sllHardware(hatype uint16) Status {
	switch hatype {
	case arphrdNetlink:
		return NotIP
	case arphrdFRAD, arphrdRadiotap:
		return UnsupportedLink
	}
	return OK
}

// decodeSLL handles Linux cooked v1: pkttype(2) hatype(2) halen(2)
// addr(8) protocol(2). It has no interface index, only the packet type,
// which still tells an arriving copy of a forwarded packet from the
// leaving one.
func (p *Parsed) decodeSLL(data []byte) ([]byte, netKind, Status) {
	if len(data) < 16 {
		return nil, 0, Truncated
	}
	p.IfaceHint = makeIfaceHint(0, uint8(be16(data[0:])))
	if st := sllHardware(be16(data[2:])); st != OK {
		return nil, 0, st
	}
	return p.sllPayload(be16(data[14:]), data[16:])
}

// decodeSLL2 handles Linux cooked v2: protocol(2) reserved(2) ifindex(4)
// hatype(2) pkttype(1) halen(1) addr(8).
func (p *Parsed) decodeSLL2(data []byte) ([]byte, netKind, Status) {
	if len(data) < 20 {
		return nil, 0, Truncated
	}
	p.IfaceHint = makeIfaceHint(be32(data[4:]), data[10])
	if st := sllHardware(be16(data[8:])); st != OK {
		return nil, 0, st
	}
	return p.sllPayload(be16(data[0:]), data[20:])
}

// sllPayload dispatches on the SLL protocol field, which is an ethertype
// except for Linux's small ETH_P_* pseudo-types: ETH_P_802_2 (4) means an
// 802.2 LLC header follows (the frame had an 802.3 length); the others
// (CAN, 802.3 raw IPX, ...) never carry IP.
func (p *Parsed) sllPayload(proto uint16, data []byte) ([]byte, netKind, Status) {
	if proto < 0x0600 {
		p.EtherType = proto
		if proto == 4 {
			return p.decodeLLC(data)
		}
		return nil, 0, NotIP
	}
	return p.etherPayload(proto, data)
}

// decodeIPNET handles Solaris ipnet: version(1) family(1) htype(2)
// pktlen(4) ifindex(4) grifindex(4) zsrc(4) zdst(4), big-endian.
func (p *Parsed) decodeIPNET(data []byte) ([]byte, netKind, Status) {
	if len(data) < 24 {
		return nil, 0, Truncated
	}
	p.IfaceHint = makeIfaceHint(be32(data[8:]), PacketUnknown)
	switch data[1] {
	case 2: // IPH_AF_INET
		return data[24:], netIPv4, OK
	case 26: // IPH_AF_INET6 (Solaris AF_INET6)
		return data[24:], netIPv6, OK
	}
	return nil, 0, NotIP
}
