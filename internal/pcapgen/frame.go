package main

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

const (
	protoICMP  = 1
	protoTCP   = 6
	protoUDP   = 17
	protoICMP6 = 58

	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10

	fillerSize = 1 << 16 // filler bytes (random: encrypted payload) come from here
	recBody    = 16401   // a full TLS 1.3 record: 16 KiB of plaintext, content type, tag
)

// An endpoint is one side of a flow.
type endpoint struct {
	addr netip.Addr
	mac  [6]byte
	port uint16
	ttl  uint8
}

// A flow is a template per direction, Ethernet to the fixed part of the transport header, built
// once with gopacket; gen.frame copies it and patches lengths, sequence numbers, flags and
// checksums for each packet.
type flow struct {
	proto  uint8
	v6     bool
	ipOff  int
	l4Off  int
	mss    int
	hdr    [2][]byte
	psum   [2]uint64 // checksum of the pseudo-header without the length
	win    [2]uint16 // TCP window after the handshake (scaled)
	synWin [2]uint16
	ipid   [2]uint16
}

func (g *gen) newFlow(proto uint8, a, b endpoint, vlan uint16) *flow {
	f := &flow{proto: proto, v6: a.addr.Is6(), ipOff: 14, mss: 1460}
	etype := layers.EthernetTypeIPv4
	if f.v6 {
		etype, f.mss = layers.EthernetTypeIPv6, 1440
	}
	if vlan != 0 {
		f.ipOff += 4
	}
	f.l4Off = f.ipOff + 20
	if f.v6 {
		f.l4Off = f.ipOff + 40
	}
	hl := f.l4Off
	switch proto {
	case protoTCP:
		hl += 20
	case protoUDP:
		hl += 8
	}
	for dir := range 2 {
		src, dst := a, b
		if dir == 1 {
			src, dst = b, a
		}
		eth := &layers.Ethernet{SrcMAC: src.mac[:], DstMAC: dst.mac[:], EthernetType: etype}
		ls := []gopacket.SerializableLayer{eth}
		if vlan != 0 {
			eth.EthernetType = layers.EthernetTypeDot1Q
			ls = append(ls, &layers.Dot1Q{VLANIdentifier: vlan, Type: etype})
		}
		if f.v6 {
			ls = append(ls, &layers.IPv6{Version: 6, FlowLabel: g.r.Uint32() & 0xfffff, NextHeader: layers.IPProtocol(proto),
				HopLimit: src.ttl, SrcIP: src.addr.AsSlice(), DstIP: dst.addr.AsSlice()})
		} else {
			ip := &layers.IPv4{Version: 4, IHL: 5, TTL: src.ttl, Protocol: layers.IPProtocol(proto),
				SrcIP: src.addr.AsSlice(), DstIP: dst.addr.AsSlice()}
			if proto == protoTCP {
				ip.Flags = layers.IPv4DontFragment
			}
			ls = append(ls, ip)
		}
		switch proto {
		case protoTCP:
			ls = append(ls, &layers.TCP{SrcPort: layers.TCPPort(src.port), DstPort: layers.TCPPort(dst.port), DataOffset: 5})
		case protoUDP:
			ls = append(ls, &layers.UDP{SrcPort: layers.UDPPort(src.port), DstPort: layers.UDPPort(dst.port)})
		}
		if err := gopacket.SerializeLayers(g.sbuf, gopacket.SerializeOptions{}, ls...); err != nil {
			panic(err) // only bad templates fail: a bug
		}
		f.hdr[dir] = bytes.Clone(g.sbuf.Bytes()[:hl])
		s, d := src.addr.As16(), dst.addr.As16()
		if !f.v6 {
			s, d = [16]byte{12: s[12], s[13], s[14], s[15]}, [16]byte{12: d[12], d[13], d[14], d[15]}
		}
		f.psum[dir] = sum16(s[:]) + sum16(d[:]) + uint64(proto)
		f.ipid[dir] = uint16(g.r.Uint32())
		f.synWin[dir] = pick(g, []uint16{64240, 65535, 65160, 29200})
		f.win[dir] = pick(g, []uint16{502, 1026, 2053, 8212, 64240})
	}
	return f
}

// frame builds the bytes of p in g.buf.
func (g *gen) frame(f *flow, p *pkt) []byte {
	b := append(g.buf[:0], f.hdr[p.dir]...)
	if f.proto == protoTCP && p.flags&tcpSYN != 0 {
		// MSS, NOP, window scale 8, NOP, NOP, SACK permitted.
		b = append(b, 2, 4, byte(f.mss>>8), byte(f.mss), 1, 3, 3, 8, 1, 1, 4, 2)
	}
	pay := len(b)
	b = append(b, p.data...)
	if p.fill > 0 {
		off := int(p.seq*2654435761) & (fillerSize - 1)
		b = append(b, g.filler[off:off+int(p.fill)]...)
	}
	if p.mode == modeRecords {
		overlayRecords(b[pay:], p.moff, p.mlen)
	}
	l4 := b[f.l4Off:]
	switch f.proto {
	case protoTCP:
		binary.BigEndian.PutUint32(l4[4:], p.seq)
		binary.BigEndian.PutUint32(l4[8:], p.ack)
		l4[12] = byte((pay-f.l4Off)/4) << 4
		l4[13] = p.flags
		win := f.win[p.dir]
		if p.flags&tcpSYN != 0 {
			win = f.synWin[p.dir]
		}
		binary.BigEndian.PutUint16(l4[14:], win)
		binary.BigEndian.PutUint16(l4[16:], csum(l4, f.psum[p.dir]+uint64(len(l4))))
	case protoUDP:
		binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
		c := csum(l4, f.psum[p.dir]+uint64(len(l4)))
		if c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(l4[6:], c)
	case protoICMP:
		if p.mode != modeFrag {
			binary.BigEndian.PutUint16(l4[2:], csum(l4, 0))
		}
	case protoICMP6:
		binary.BigEndian.PutUint16(l4[2:], csum(l4, f.psum[p.dir]+uint64(len(l4))))
	}
	ip := b[f.ipOff:]
	if f.v6 {
		binary.BigEndian.PutUint16(ip[4:], uint16(len(ip)-40))
	} else {
		id := p.id
		if id == 0 {
			f.ipid[p.dir]++
			id = f.ipid[p.dir]
		}
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
		binary.BigEndian.PutUint16(ip[4:], id)
		if p.mode == modeFrag {
			binary.BigEndian.PutUint16(ip[6:], uint16(p.flags)<<13|uint16(p.moff/8))
		}
		binary.BigEndian.PutUint16(ip[10:], csum(ip[:20], 0))
	}
	for len(b) < 60 { // Ethernet padding, as on the wire
		b = append(b, 0)
	}
	g.buf = b
	return b
}

// overlayRecords writes TLS application-data record headers where they fall in seg, bytes
// [off, off+len(seg)) of a message of mlen bytes made of full records and a shorter last one.
func overlayRecords(seg []byte, off, mlen uint32) {
	const rec = 5 + recBody
	end := off + uint32(len(seg))
	for r := off / rec * rec; r < end; r += rec {
		n := min(recBody, mlen-r-5)
		h := [5]byte{23, 3, 3, byte(n >> 8), byte(n)}
		for i, c := range h {
			if pos := r + uint32(i); pos >= off && pos < end {
				seg[pos-off] = c
			}
		}
	}
}

// recordsLen rounds n so that the last record of a message of n bytes has a body.
func recordsLen(n int) int {
	if m := n % (5 + recBody); m > 0 && m < 22 {
		n += 22 - m
	}
	return n
}

// sum16 returns the sum of b as big-endian 16-bit words (b has even length).
func sum16(b []byte) uint64 {
	var s uint64
	for i := 0; i+1 < len(b); i += 2 {
		s += uint64(binary.BigEndian.Uint16(b[i:]))
	}
	return s
}

// csum returns the Internet checksum of b, starting from the partial sum init; the checksum
// field in b must be zero.
func csum(b []byte, init uint64) uint16 {
	return fold(add64(b, init))
}

func add64(b []byte, s uint64) uint64 {
	var c uint64
	for ; len(b) >= 32; b = b[32:] {
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[8:]), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[16:]), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[24:]), c)
	}
	for ; len(b) >= 8; b = b[8:] {
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b), c)
	}
	var tail [8]byte
	copy(tail[:], b)
	s, c = bits.Add64(s, binary.BigEndian.Uint64(tail[:]), c)
	s, c = bits.Add64(s, 0, c)
	return s + c
}

func fold(s uint64) uint16 {
	s = s>>32 + s&0xffffffff
	s = s>>32 + s&0xffffffff
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	return ^uint16(s)
}
