package classify

import (
	"encoding/binary"

	"github.com/flowaudit/flowaudit/classify/packet"
)

// A capture taken on a gateway (tcpdump -i any) holds each forwarded packet
// twice: once on its way in, once on its way out. Counted twice, it would
// double packet and byte counts and confuse the handshake state. A packet
// is a duplicate when the same flow recently carried a packet with the
// same identity (IP ID, sequence and acknowledgement numbers, flags,
// lengths) captured on another interface. The TTL is left out: routing
// decrements it.
//
// A flow remembers its last dupSigs packets. Entry 0 lives in the Flow
// itself; the others in a dupRing, taken from the table's slabs only when
// the flow carries a second packet: a scan's flows, one packet each, need
// none.

// dupSigs is how many recent packets a flow compares a packet with.
const dupSigs = 4

// dupRing holds entries 1..dupSigs-1 of a flow's recent signatures (entry
// 0 is the Flow's sig0, t0, iface0).
type dupRing struct {
	sig   [dupSigs - 1]uint64
	t     [dupSigs - 1]int64
	iface [dupSigs - 1]ifaceID
}

// dupWindow is how far apart the two copies of a forwarded packet may be.
const dupWindow = int64(200e6) // 200 ms

// signature identifies a packet among those of its flow; head is
// payloadHead(p.Payload).
func signature(p *packet.Parsed, fromOrig bool, head uint64) uint64 {
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
	mix(head)
	return h
}

// payloadHead folds the first 16 bytes of a payload (fewer if shorter) into
// a word for signature. The sharded reader computes it while the packet is
// in its CPU's cache, so that the engine does not touch the payload of
// most packets at all.
func payloadHead(b []byte) uint64 {
	var w [16]byte
	copy(w[:], b)
	return binary.LittleEndian.Uint64(w[:8])*0x9e3779b97f4a7c15 ^ binary.LittleEndian.Uint64(w[8:])
}

// dupHead is payloadHead, or 0 where no packet can be a copy
// (Config.NoCopies): then nothing compares it.
func dupHead(b []byte, noCopies bool) uint64 {
	if noCopies {
		return 0
	}
	return payloadHead(b)
}

func isCopy(rsig uint64, rt int64, riface ifaceID, sig uint64, now int64, iface ifaceID) bool {
	return rsig == sig && riface != iface && now-rt <= dupWindow && rt-now <= dupWindow
}

// isDuplicate reports whether this packet is a copy, captured on another
// interface, of one the flow just carried; otherwise it remembers it.
func (t *table) isDuplicate(f *Flow, p *packet.Parsed, fromOrig bool, now int64, iface ifaceID, head uint64) bool {
	sig := signature(p, fromOrig, head)
	if f.nextSig == 0 && f.dups == 0 {
		// The flow's first packet: nothing to compare with.
		f.sig0, f.t0, f.iface0, f.nextSig = sig, now, iface, 1
		return false
	}
	if isCopy(f.sig0, f.t0, f.iface0, sig, now, iface) {
		return true
	}
	var r *dupRing
	if f.dups != 0 {
		r = t.dupRings.at(f.dups)
		for i := range r.sig {
			if isCopy(r.sig[i], r.t[i], r.iface[i], sig, now, iface) {
				return true
			}
		}
	} else {
		f.dups, r = t.dupRings.alloc()
	}
	// Entries are written in turn: 0 (sig0), 1, 2, 3, 0, ...
	if i := f.nextSig; i == 0 {
		f.sig0, f.t0, f.iface0 = sig, now, iface
	} else {
		r.sig[i-1], r.t[i-1], r.iface[i-1] = sig, now, iface
	}
	f.nextSig = (f.nextSig + 1) % dupSigs
	return false
}

// ifaceID numbers the interfaces (capture interface and link-layer hint)
// an engine has seen, so that a flow's recent signatures store two bytes
// rather than eight per packet. Beyond 65535 interfaces the rest share
// the last number: their copies of each other are not recognized (never a
// packet taken for a copy it is not).
type ifaceID uint16

type ifaceIDs struct {
	last   uint64
	lastID ifaceID
	seen   []uint64 // seen[i] is the interface numbered i
}

func (s *ifaceIDs) id(iface uint64) ifaceID {
	if iface == s.last && len(s.seen) > 0 {
		return s.lastID
	}
	id := -1
	for i, v := range s.seen {
		if v == iface {
			id = i
			break
		}
	}
	if id < 0 {
		id = len(s.seen)
		if id <= 0xffff {
			s.seen = append(s.seen, iface)
		} else {
			id = 0xffff
		}
	}
	s.last, s.lastID = iface, ifaceID(id)
	return s.lastID
}
