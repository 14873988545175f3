package packet

import "net/netip"

// IPv6 extension headers Decode walks past. ESP (50) and No Next Header
// (59) end the walk like an upper-layer protocol: nothing after them can
// be read.
const (
	ipv6HopByHop    = 0
	ipv6Routing     = 43
	ipv6Fragment    = 44
	ipv6AH          = 51
	ipv6DestOpts    = 60
	ipv6Mobility    = 135
	ipv6HIP         = 139
	ipv6Shim6       = 140
	ipv6HeaderBytes = 40
)

// decodeIPv6 parses an IPv6 header, its extension headers and what
// follows them.
func (p *Parsed) decodeIPv6(b []byte) Status {
	if len(b) < ipv6HeaderBytes {
		return Truncated
	}
	if b[0]>>4 != 6 {
		return Malformed
	}
	p.IPVersion = 6
	p.Src = netip.AddrFrom16([16]byte(b[8:24]))
	p.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	p.TTL = b[7]
	total := ipv6HeaderBytes + int(be16(b[4:]))
	if total == ipv6HeaderBytes {
		// Payload length 0: a jumbogram (the real length is in a hop-by-hop
		// option) or segmentation offload. Either way the capture is the
		// best length there is.
		total = len(b)
	}
	p.IPLen = total
	e := walkIPv6(b, total)
	p.Proto = e.nh
	if e.fragHeader {
		p.IPID = e.fragID
		p.FragOffset = e.fragOffset
		p.MoreFragments = e.more
		p.Fragment = e.fragOffset != 0 || e.more
	}
	if e.st != OK {
		return e.st
	}
	end := min(total, len(b)) // drops Ethernet padding
	body, n := b[e.off:end], total-e.off
	if e.fragOffset != 0 {
		p.Payload, p.PayloadLen = body, n
		return OK
	}
	return p.decodeTransport(body, n)
}

// ipv6Walk is where the extension-header chain ended.
type ipv6Walk struct {
	nh         uint8 // the upper-layer protocol, or the header the walk stopped at
	off        int   // offset of nh's header in the packet
	st         Status
	fragHeader bool
	more       bool
	fragOffset uint16
	fragID     uint32
}

// walkIPv6 follows the extension headers of the IPv6 packet b (captured
// bytes, fixed header included) whose length per its header is total.
// A header running past total is Malformed, past the capture Truncated.
// Every header is at least 8 bytes long, so the walk ends on any input.
// It stops after the fragment header of a non-first fragment: the rest is
// the middle of someone else's header.
func walkIPv6(b []byte, total int) ipv6Walk {
	w := ipv6Walk{nh: b[6], off: ipv6HeaderBytes}
	for {
		var hl int
		switch w.nh {
		case ipv6HopByHop, ipv6Routing, ipv6DestOpts, ipv6Mobility, ipv6HIP, ipv6Shim6:
			if w.st = need(b[w.off:], total-w.off, 2); w.st != OK {
				return w
			}
			hl = (int(b[w.off+1]) + 1) * 8
		case ipv6AH:
			if w.st = need(b[w.off:], total-w.off, 2); w.st != OK {
				return w
			}
			hl = (int(b[w.off+1]) + 2) * 4
		case ipv6Fragment:
			if w.st = need(b[w.off:], total-w.off, 8); w.st != OK {
				return w
			}
			if w.fragHeader {
				// RFC 8200 4.1: at most one fragment header. Two would
				// describe the packet twice; keep the first and stop.
				w.st = Malformed
				return w
			}
			f := b[w.off:]
			w.fragHeader = true
			w.fragOffset = be16(f[2:]) &^ 7 // 13-bit offset in 8-byte units, then 2 reserved bits and M
			w.more = f[3]&1 != 0
			w.fragID = be32(f[4:])
			w.nh = f[0]
			w.off += 8
			if w.fragOffset != 0 {
				return w
			}
			continue
		default:
			return w
		}
		if w.st = need(b[w.off:], total-w.off, hl); w.st != OK {
			return w
		}
		w.nh = b[w.off]
		w.off += hl
	}
}
