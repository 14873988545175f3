package classify

import "github.com/flowaudit/flowaudit/classify/packet"

// A capture taken on a gateway (tcpdump -i any) holds each forwarded packet
// twice: once on its way in, once on its way out. Counted twice, it would
// double packet and byte counts and confuse the handshake state. A packet
// is a duplicate when the same flow recently carried a packet with the
// same identity (IP ID, sequence and acknowledgement numbers, flags,
// lengths) captured on another interface. The TTL is left out: routing
// decrements it.
type packetSig struct {
	sig   uint64
	t     int64
	iface uint64
}

// dupWindow is how far apart the two copies of a forwarded packet may be.
const dupWindow = int64(200e6) // 200 ms

func signature(p *packet.Parsed, fromOrig bool) uint64 {
	h := uint64(14695981039346656037)
	mix := func(v uint64) {
		h ^= v
		h *= 1099511628211
	}
	if fromOrig {
		mix(1)
	}
	mix(uint64(p.IPID))
	mix(uint64(p.Seq)<<32 | uint64(p.Ack))
	mix(uint64(p.TCPFlags)<<32 | uint64(p.IPLen))
	mix(uint64(p.PayloadLen)<<16 | uint64(p.ICMPType)<<8 | uint64(p.ICMPCode))
	n := min(len(p.Payload), 16)
	for _, b := range p.Payload[:n] {
		mix(uint64(b))
	}
	return h
}

// isDuplicate reports whether this packet is a copy, captured on another
// interface, of one the flow just carried; otherwise it remembers it.
func (f *Flow) isDuplicate(p *packet.Parsed, fromOrig bool, now int64, iface uint64) bool {
	sig := signature(p, fromOrig)
	for i := range f.recent {
		r := &f.recent[i]
		if r.sig == sig && r.iface != iface && now-r.t <= dupWindow && r.t-now <= dupWindow {
			return true
		}
	}
	f.recent[f.nextSig] = packetSig{sig: sig, t: now, iface: iface}
	f.nextSig = (f.nextSig + 1) % uint8(len(f.recent))
	return false
}
