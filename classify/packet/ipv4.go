package packet

import "net/netip"

// decodeIPv4 parses an IPv4 header and what follows it.
func (p *Parsed) decodeIPv4(b []byte) Status {
	if len(b) < 20 {
		return Truncated
	}
	if b[0]>>4 != 4 {
		return Malformed
	}
	// The fixed header is all there: fill it in before validating, so that
	// even a malformed packet can be attributed to its addresses.
	p.IPVersion = 4
	p.Src = netip.AddrFrom4([4]byte(b[12:16]))
	p.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	p.TTL = b[8]
	p.Proto = b[9]
	p.IPID = uint32(be16(b[4:]))
	frag := be16(b[6:])
	p.MoreFragments = frag&0x2000 != 0
	p.FragOffset = frag << 3 // 13-bit offset in 8-byte units, flags shifted out
	p.Fragment = p.MoreFragments || p.FragOffset != 0

	hl := int(b[0]&0x0f) * 4
	total := int(be16(b[2:]))
	if total == 0 {
		// TCP segmentation offload: the sending host's capture sees the
		// packet before the NIC fills in the length. Trust the capture, as
		// Wireshark and gopacket do.
		total = len(b)
	}
	p.IPLen = total
	if hl < 20 || total < hl {
		return Malformed
	}
	if hl > len(b) {
		// Cut inside the options; a total length beyond the capture is
		// just the snap length.
		return Truncated
	}
	end := min(total, len(b)) // drops Ethernet padding
	body, n := b[hl:end], total-hl
	if p.FragOffset != 0 {
		// No transport header in later fragments.
		p.Payload, p.PayloadLen = body, n
		return OK
	}
	return p.decodeTransport(body, n)
}
