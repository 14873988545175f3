package packet

// decodeTransport parses the header of p.Proto. b is the captured part of
// the IP payload (ending at the IP length), n its length per the IP header
// (n >= len(b)).
func (p *Parsed) decodeTransport(b []byte, n int) Status {
	switch p.Proto {
	case ProtoTCP:
		return p.decodeTCP(b, n)
	case ProtoUDP, ProtoUDPLite:
		return p.decodeUDP(b, n)
	case ProtoSCTP:
		return p.decodeSCTP(b, n)
	case ProtoICMP:
		return p.decodeICMPv4(b, n)
	case ProtoICMPv6:
		return p.decodeICMPv6(b, n)
	}
	p.Payload, p.PayloadLen = b, n
	return OK
}

// short is the status for a transport header that does not fit in the
// n bytes the IP header announces: Malformed, except in a first fragment,
// where a header split across fragments is legal (if odd: RFC 1858 tiny
// fragments) and the rest is in a fragment Decode does not see.
func (p *Parsed) short(st Status) Status {
	if st == Malformed && p.MoreFragments {
		return OK
	}
	return st
}

// setPorts reads the source and destination ports that TCP, UDP, UDP-Lite,
// SCTP and DCCP all put in their first four bytes. It runs before the full
// header is checked so that a cut header still names its flow.
func (p *Parsed) setPorts(b []byte, n int) {
	if len(b) >= 4 && n >= 4 {
		p.SrcPort = be16(b[0:])
		p.DstPort = be16(b[2:])
	}
}

func (p *Parsed) decodeTCP(b []byte, n int) Status {
	p.setPorts(b, n)
	if st := need(b, n, 20); st != OK {
		return p.short(st)
	}
	p.Seq = be32(b[4:])
	p.Ack = be32(b[8:])
	p.TCPFlags = b[13]
	p.Window = be16(b[14:])
	off := int(b[12]>>4) * 4
	if off < 20 {
		return Malformed
	}
	if st := need(b, n, off); st != OK {
		return p.short(st)
	}
	p.Payload, p.PayloadLen = b[off:], n-off
	return OK
}

// decodeUDP also serves UDP-Lite, whose length field is a checksum
// coverage and says nothing about the payload length.
func (p *Parsed) decodeUDP(b []byte, n int) Status {
	p.setPorts(b, n)
	if st := need(b, n, 8); st != OK {
		return p.short(st)
	}
	st := OK
	plen := n - 8
	if ulen := int(be16(b[4:])); p.Proto == ProtoUDP && ulen != 0 {
		// 0 is a jumbogram (RFC 2675): the IP length rules. A first
		// fragment's UDP length covers the whole datagram, not this
		// fragment, so it can only be checked when unfragmented.
		switch {
		case ulen < 8:
			st = Malformed
		case p.Fragment:
		case ulen > n:
			st = Malformed
		default:
			plen = ulen - 8
		}
	}
	p.PayloadLen = plen
	p.Payload = b[8:min(8+plen, len(b))]
	return st
}

func (p *Parsed) decodeSCTP(b []byte, n int) Status {
	p.setPorts(b, n)
	if st := need(b, n, 12); st != OK {
		return p.short(st)
	}
	p.Payload, p.PayloadLen = b[12:], n-12
	return OK
}
