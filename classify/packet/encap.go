package packet

// Encapsulations an ethertype may announce between the link layer and IP:
// PPPoE sessions and PPP (DSL and fibre uplinks), MPLS label stacks (a
// provider's links).

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
