package packet

// Ethertypes Decode follows.
const (
	etherTypeIPv4   = 0x0800
	etherTypeIPv6   = 0x86dd
	etherTypeDot1Q  = 0x8100 // 802.1Q customer tag
	etherTypeDot1AD = 0x88a8 // 802.1ad service tag (QinQ outer tag)
	etherTypeQinQ   = 0x9100 // pre-standard QinQ outer tag, still used by some switches
	etherTypeMPLS   = 0x8847 // MPLS unicast label stack
	etherTypeMPLSMC = 0x8848 // MPLS multicast label stack
	etherTypePPPoE  = 0x8864 // PPPoE session stage: PPP frames over Ethernet (DSL and fibre uplinks)
	etherTypePPP    = 0x880b // a PPP frame straight after the ethertype
	maxEtherLength  = 1500   // ethertype values up to this are 802.3 lengths
)

// decodeEthernet handles Ethernet II and 802.3 frames.
func (p *Parsed) decodeEthernet(data []byte) ([]byte, netKind, Status) {
	if len(data) < 14 {
		return nil, 0, Truncated
	}
	return p.etherPayload(be16(data[12:]), data[14:])
}

// etherPayload follows an ethertype through any number of VLAN tags (each
// tag is TCI(2) + inner ethertype(2)). The loop consumes 4 bytes per tag,
// so it ends on any input.
func (p *Parsed) etherPayload(et uint16, data []byte) ([]byte, netKind, Status) {
	for {
		p.EtherType = et
		switch et {
		case etherTypeIPv4:
			return data, netIPv4, OK
		case etherTypeIPv6:
			return data, netIPv6, OK
		case etherTypeDot1Q, etherTypeDot1AD, etherTypeQinQ:
			if len(data) < 4 {
				return nil, 0, Truncated
			}
			if p.VLANs < 255 {
				p.VLANs++
			}
			et = be16(data[2:])
			data = data[4:]
			continue
		case etherTypeMPLS, etherTypeMPLSMC:
			return decodeMPLS(data)
		case etherTypePPPoE:
			return decodePPPoE(data)
		case etherTypePPP:
			return decodePPP(data)
		}
		if et <= maxEtherLength {
			// 802.3: the field is the LLC frame length; bytes past it are padding.
			if int(et) < len(data) {
				data = data[:et]
			}
			return p.decodeLLC(data)
		}
		return nil, 0, NotIP
	}
}

// decodeLLC recognises IP carried in 802.2 LLC + SNAP (RFC 1042; 802.1H
// bridge tunnel): DSAP AA, SSAP AA, UI control 03, OUI 00-00-00 or
// 00-00-F8, then an ethertype. Any other LLC frame (STP, NetBIOS, IPX) is
// not IP.
func (p *Parsed) decodeLLC(data []byte) ([]byte, netKind, Status) {
	if len(data) < 3 {
		return nil, 0, Truncated
	}
	if data[0] != 0xaa || data[1] != 0xaa || data[2] != 0x03 {
		return nil, 0, NotIP
	}
	if len(data) < 8 {
		return nil, 0, Truncated
	}
	if data[3] != 0 || data[4] != 0 || (data[5] != 0 && data[5] != 0xf8) {
		return nil, 0, NotIP
	}
	et := be16(data[6:])
	if et <= maxEtherLength {
		return nil, 0, NotIP
	}
	// The ethertype is followed as in an Ethernet II frame: IP, VLAN tags,
	// MPLS labels.
	return p.etherPayload(et, data[8:])
}

// decodePPPoE handles a PPPoE session frame (RFC 2516): version and type
// (1), code (1, always 0 in the session stage), session (2), length (2),
// then a PPP frame of that length (the rest is Ethernet padding).
func decodePPPoE(data []byte) ([]byte, netKind, Status) {
	if len(data) < 6 {
		return nil, 0, Truncated
	}
	if data[1] != 0 {
		return nil, 0, NotIP
	}
	if n := 6 + int(be16(data[4:])); n < len(data) {
		data = data[:n]
	}
	return decodePPP(data[6:])
}

// PPP protocol numbers Decode follows.
const (
	pppIPv4          = 0x0021
	pppIPv6          = 0x0057
	pppMPLS          = 0x0281
	pppMPLSMulticast = 0x0283
)

// decodePPP handles a PPP frame (RFC 1661): the HDLC address and control
// bytes (ff 03) when present, then the protocol, one byte when its low bit
// says the field was compressed (RFC 1661 6.5), else two.
func decodePPP(data []byte) ([]byte, netKind, Status) {
	if len(data) >= 1 && data[0] == 0xff {
		if len(data) < 2 {
			return nil, 0, Truncated
		}
		if data[1] == 0x03 {
			data = data[2:]
		}
	}
	if len(data) < 1 {
		return nil, 0, Truncated
	}
	var proto uint16
	if data[0]&1 != 0 {
		proto, data = uint16(data[0]), data[1:]
	} else {
		if len(data) < 2 {
			return nil, 0, Truncated
		}
		if data[1]&1 == 0 {
			return nil, 0, Malformed // the last byte of a protocol number is odd
		}
		proto, data = be16(data), data[2:]
	}
	switch proto {
	case pppIPv4:
		return data, netIPv4, OK
	case pppIPv6:
		return data, netIPv6, OK
	case pppMPLS, pppMPLSMulticast:
		return decodeMPLS(data)
	}
	return nil, 0, NotIP
}

// decodeMPLS walks an MPLS label stack (RFC 3032: four bytes a label, the
// last one with the bottom-of-stack bit) on a provider's link. The stack
// does not say what it carries, so what follows is taken as IP when its
// first byte reads as an IP header's, as Wireshark, Zeek and gopacket do:
// 0x45-0x4f (IPv4 with a valid header length), 0x6x (IPv6). Anything else
// is not IP: a pseudowire's control word (a first nibble of 0) and the
// Ethernet frame it carries are not followed. The loop consumes four bytes
// a label, so it ends on any input.
func decodeMPLS(data []byte) ([]byte, netKind, Status) {
	for {
		if len(data) < 4 {
			return nil, 0, Truncated
		}
		bottom := data[2]&1 != 0
		data = data[4:]
		if bottom {
			break
		}
	}
	if len(data) == 0 {
		return nil, 0, Truncated
	}
	switch b := data[0]; {
	case b >= 0x45 && b <= 0x4f:
		return data, netIPv4, OK
	case b>>4 == 6:
		return data, netIPv6, OK
	}
	return nil, 0, NotIP
}
