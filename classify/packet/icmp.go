package packet

import "net/netip"

// decodeICMPv4 parses the 8-byte ICMP header (type, code, checksum and the
// 4 type-specific bytes). Payload is what follows those 8 bytes.
func (p *Parsed) decodeICMPv4(b []byte, n int) Status {
	if len(b) >= 2 {
		p.ICMPType, p.ICMPCode = b[0], b[1]
	}
	if st := need(b, n, 8); st != OK {
		return p.short(st)
	}
	p.Payload, p.PayloadLen = b[8:], n-8
	switch p.ICMPType {
	case 0, 8, 13, 14, 15, 16, 17, 18: // echo, timestamp, information, address mask
		p.ICMPID = be16(b[4:])
	case 3, 4, 5, 11, 12: // unreachable, source quench, redirect, time exceeded, parameter problem
		p.Quoted.decodeIPv4(b[8:])
	}
	return OK
}

// decodeICMPv6 parses the ICMPv6 header. RFC 4443 gives the errors and
// echo messages a 4-byte body at least (unused / MTU / pointer /
// identifier+sequence), so like ICMPv4 the header is taken to be 8 bytes
// and Payload follows it; gopacket's ICMPv6 payload starts 4 bytes
// earlier. A message may still be just its 4-byte header, whatever its
// type (found by FuzzDecode, twice: gopacket accepts it): it has no
// payload, no echo identifier and no quote (an error without one is a
// flow of its own, as when its quote is cut).
func (p *Parsed) decodeICMPv6(b []byte, n int) Status {
	if len(b) >= 2 {
		p.ICMPType, p.ICMPCode = b[0], b[1]
	}
	if n >= 4 && n < 8 {
		if st := need(b, n, 4); st != OK {
			return p.short(st)
		}
		return OK
	}
	if st := need(b, n, 8); st != OK {
		return p.short(st)
	}
	p.Payload, p.PayloadLen = b[8:], n-8
	switch p.ICMPType {
	case 128, 129: // echo request, reply
		p.ICMPID = be16(b[4:])
	case 1, 2, 3, 4: // unreachable, packet too big, time exceeded, parameter problem
		p.Quoted.decodeIPv6(b[8:])
	}
	return OK
}

// hasPorts says whether the protocol starts with 16-bit source and
// destination ports.
func hasPorts(proto uint8) bool {
	switch proto {
	case ProtoTCP, ProtoUDP, ProtoUDPLite, ProtoSCTP, 33: // 33: DCCP
		return true
	}
	return false
}

// decodeIPv4 reads a quoted IPv4 header. Its total length is ignored: the
// quote is cut on purpose. Ports need only 4 bytes of transport header.
func (q *Quoted) decodeIPv4(b []byte) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return
	}
	hl := int(b[0]&0x0f) * 4
	if hl < 20 {
		return
	}
	q.Valid = true
	q.Src = netip.AddrFrom4([4]byte(b[12:16]))
	q.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	q.Proto = b[9]
	if be16(b[6:])&0x1fff != 0 {
		return // a later fragment: no transport header
	}
	if hasPorts(q.Proto) && len(b) >= hl+4 {
		q.SrcPort = be16(b[hl:])
		q.DstPort = be16(b[hl+2:])
	}
}

// decodeIPv6 reads a quoted IPv6 header, walking its extension headers as
// far as the quote goes.
func (q *Quoted) decodeIPv6(b []byte) {
	if len(b) < ipv6HeaderBytes || b[0]>>4 != 6 {
		return
	}
	q.Valid = true
	q.Src = netip.AddrFrom16([16]byte(b[8:24]))
	q.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	w := walkIPv6(b, len(b))
	q.Proto = w.nh
	if w.st != OK || w.fragOffset != 0 {
		return
	}
	if hasPorts(q.Proto) && len(b) >= w.off+4 {
		q.SrcPort = be16(b[w.off:])
		q.DstPort = be16(b[w.off+2:])
	}
}
