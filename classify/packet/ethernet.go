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
