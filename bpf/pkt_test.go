package bpf

import (
	"encoding/binary"
	"net/netip"
)

// Crafted frames for BPF_PROG_TEST_RUN. Checksums are left zero: the
// program never looks at them.

var be = binary.BigEndian

func ether(typ uint16, payload []byte, vlans ...uint16) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1}
	for _, tci := range vlans {
		b = be.AppendUint16(b, 0x8100)
		b = be.AppendUint16(b, tci)
	}
	b = be.AppendUint16(b, typ)
	return append(b, payload...)
}

// mpls puts n MPLS labels before payload, the last with the
// bottom-of-stack bit unless open.
func mpls(n int, open bool, payload []byte) []byte {
	var b []byte
	for i := range n {
		v := uint32(16+i)<<12 | 64 // label, TTL 64
		if i == n-1 && !open {
			v |= 0x100
		}
		b = be.AppendUint32(b, v)
	}
	return append(b, payload...)
}

// pppoe puts the PPP header ppp (its protocol, maybe after the address and
// control bytes) and payload in a PPPoE session frame (code 0).
func pppoe(ppp []byte, payload []byte) []byte {
	b := []byte{0x11, 0, 0x12, 0x34}
	b = be.AppendUint16(b, uint16(len(ppp)+len(payload)))
	return append(append(b, ppp...), payload...)
}

// ipv4 builds an IPv4 packet; frag is the flags+offset field.
func ipv4(src, dst string, proto uint8, frag uint16, payload []byte) []byte {
	b := make([]byte, 20, 20+len(payload))
	b[0] = 0x45
	be.PutUint16(b[2:], uint16(20+len(payload)))
	be.PutUint16(b[4:], 0x1234)
	be.PutUint16(b[6:], frag)
	b[8] = 64
	b[9] = proto
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(b[12:], s[:])
	copy(b[16:], d[:])
	return append(b, payload...)
}

func ipv6(src, dst string, nh uint8, payload []byte) []byte {
	b := make([]byte, 40, 40+len(payload))
	b[0] = 0x60
	be.PutUint16(b[4:], uint16(len(payload)))
	b[6] = nh
	b[7] = 64
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	return append(b, payload...)
}

// ext6 is an IPv6 options extension header (hop-by-hop, destination options,
// routing) of 8*(units+1) bytes.
func ext6(nh uint8, units int, payload []byte) []byte {
	b := make([]byte, 8*(units+1))
	b[0], b[1] = nh, uint8(units)
	b[2] = 1 // PadN
	b[3] = uint8(len(b) - 4)
	return append(b, payload...)
}

func frag6(nh uint8, offset uint16, more bool, payload []byte) []byte {
	b := make([]byte, 8)
	b[0] = nh
	v := offset &^ 7
	if more {
		v |= 1
	}
	be.PutUint16(b[2:], v)
	be.PutUint32(b[4:], 0xabcd)
	return append(b, payload...)
}

const (
	fin = 0x01
	syn = 0x02
	rst = 0x04
	psh = 0x08
	ack = 0x10
)

func tcp(sport, dport uint16, seq uint32, flags uint8, payload []byte) []byte {
	b := make([]byte, 20, 20+len(payload))
	be.PutUint16(b[0:], sport)
	be.PutUint16(b[2:], dport)
	be.PutUint32(b[4:], seq)
	b[12] = 5 << 4
	b[13] = flags
	be.PutUint16(b[14:], 65535)
	return append(b, payload...)
}

func udp(sport, dport uint16, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	be.PutUint16(b[0:], sport)
	be.PutUint16(b[2:], dport)
	be.PutUint16(b[4:], uint16(8+len(payload)))
	return append(b, payload...)
}

func icmp(typ, code uint8, payload []byte) []byte {
	return append([]byte{typ, code, 0, 0, 0, 0, 0, 0}, payload...)
}

func bytesOf(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}
