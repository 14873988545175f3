package packet

import "encoding/binary"

// NFLOG attribute types (linux/netfilter/nfnetlink_log.h).
const (
	nfulaIfindexIndev  = 4
	nfulaIfindexOutdev = 5
	nfulaPayload       = 9
)

// decodeNFLOG handles LINKTYPE_NFLOG: family(1) version(1) resource_id(2)
// then netlink TLVs (length(2) type(2) value, padded to 4 bytes) until the
// NFULA_PAYLOAD attribute, which holds the IP packet.
//
// The TLV length and type are in the capturing host's byte order, which
// the file does not record: the TLVs are read little-endian (nearly every
// Linux host) and, if that finds no payload, big-endian.
func (p *Parsed) decodeNFLOG(data []byte) ([]byte, netKind, Status) {
	if len(data) < 4 {
		return nil, 0, Truncated
	}
	var kind netKind
	switch data[0] {
	case 2: // AF_INET
		kind = netIPv4
	case 10: // AF_INET6 (Linux)
		kind = netIPv6
	default:
		return nil, 0, NotIP
	}
	w := walkNFLOG(data[4:], binary.LittleEndian)
	if w.st != OK {
		if be := walkNFLOG(data[4:], binary.BigEndian); be.st == OK {
			w = be
		}
	}
	if w.st != OK {
		return nil, 0, w.st
	}
	// The interface netfilter saw: the input device when there is one (the
	// packet arrived), else the output device (locally generated). NFLOG
	// has no packet type.
	switch {
	case w.indev != 0:
		p.IfaceHint = makeIfaceHint(w.indev, PacketUnknown)
	case w.outdev != 0:
		p.IfaceHint = makeIfaceHint(w.outdev, PacketOutgoing)
	}
	return w.payload, kind, OK
}

type nflogWalk struct {
	payload       []byte
	st            Status
	indev, outdev uint32
}

// walkNFLOG finds the payload attribute among the TLVs in b.
func walkNFLOG(b []byte, order binary.ByteOrder) nflogWalk {
	var w nflogWalk
	for len(b) >= 4 {
		l := int(order.Uint16(b))
		t := order.Uint16(b[2:]) // compared whole, flag bits included, as tcpdump does
		if l < 4 {
			w.st = Malformed
			return w
		}
		if t == nfulaPayload {
			// A snap length may cut the packet: decode what there is.
			w.payload = b[4:min(l, len(b))]
			return w
		}
		if l > len(b) {
			w.st = Truncated
			return w
		}
		if l >= 8 {
			// Interface indexes are __be32 whatever the host order.
			switch t {
			case nfulaIfindexIndev:
				w.indev = be32(b[4:])
			case nfulaIfindexOutdev:
				w.outdev = be32(b[4:])
			}
		}
		b = b[min((l+3)&^3, len(b)):]
	}
	// No payload attribute in what was captured.
	w.st = Truncated
	return w
}
