package classify

import (
	"encoding/binary"
	"net/netip"
)

// flowKey identifies a bidirectional flow: the two endpoints in a canonical
// order (lower address, then lower port, first), so both directions of a
// flow find it with one map lookup. It is a plain comparable value: hashing
// it allocates nothing.
type flowKey struct {
	a, b         addrWords
	aPort, bPort uint16
	proto        uint8
}

// equal reports whether two keys are the same flow's. Written out, the
// comparison is five inlined word compares; k == *o calls the compiler's
// generated equality, which calls memequal for the addresses (measured:
// memeqbody was 4% of the 5-million-packet gateway mix's CPU profile).
func (k *flowKey) equal(o *flowKey) bool {
	return k.a.lo == o.a.lo && k.b.lo == o.b.lo && k.a.hi == o.a.hi && k.b.hi == o.b.hi &&
		k.aPort == o.aPort && k.bPort == o.bPort && k.proto == o.proto
}

// addrWords is an address as two big-endian words of its 16-byte form
// (IPv4 mapped): comparing them orders addresses as their bytes do. The
// key holds words, and is written field by field, because the reader keys
// every packet: copying 16-byte arrays (As16, a returned key) makes the CPU
// load 16 bytes that two 8-byte stores just wrote, which it cannot forward
// (measured: keying was a quarter of the reader's time on the
// 5-million-packet gateway mix).
type addrWords struct{ hi, lo uint64 }

func wordsOf(a netip.Addr) addrWords {
	if a.Is4() {
		b := a.As4()
		return addrWords{lo: 0xffff<<32 | uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return addrWords{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// addr turns the words back into an Addr (IPv4 unmapped). An IPv4 address
// is built from its bytes: through a 16-byte array it took 2.5 times as
// long (a 16-byte load of what two 8-byte stores wrote), and every flow's
// addresses are turned back several times when it ends.
func (w addrWords) addr() netip.Addr {
	if w.hi == 0 && w.lo>>32 == 0xffff {
		return netip.AddrFrom4([4]byte{byte(w.lo >> 24), byte(w.lo >> 16), byte(w.lo >> 8), byte(w.lo)})
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], w.hi)
	binary.BigEndian.PutUint64(b[8:], w.lo)
	return netip.AddrFrom16(b).Unmap()
}

// makeKey returns the canonical key for a packet from src to dst, and
// whether src is the key's "a" side.
func makeKey(src, dst netip.Addr, sport, dport uint16, proto uint8) (k flowKey, srcIsA bool) {
	srcIsA = k.set(src, dst, sport, dport, proto)
	return k, srcIsA
}

// set makes k the canonical key for a packet from src to dst, and tells
// whether src is the key's "a" side.
func (k *flowKey) set(src, dst netip.Addr, sport, dport uint16, proto uint8) (srcIsA bool) {
	s, d := wordsOf(src), wordsOf(dst)
	srcIsA = s.hi < d.hi || s.hi == d.hi && (s.lo < d.lo || s.lo == d.lo && sport <= dport)
	if !srcIsA {
		s, d, sport, dport = d, s, dport, sport
	}
	k.a.hi, k.a.lo, k.b.hi, k.b.lo = s.hi, s.lo, d.hi, d.lo
	k.aPort, k.bPort, k.proto = sport, dport, proto
	return srcIsA
}

func less16(x, y *[16]byte) bool {
	xh, yh := binary.BigEndian.Uint64(x[:8]), binary.BigEndian.Uint64(y[:8])
	return xh < yh || xh == yh && binary.BigEndian.Uint64(x[8:]) < binary.BigEndian.Uint64(y[8:])
}

// pairKey identifies an unordered pair of hosts (for the dynamic ports that
// follow an earlier flow between them).
type pairKey struct{ a, b [16]byte }

func makePair(x, y netip.Addr) pairKey {
	a, b := x.As16(), y.As16()
	if less16(&b, &a) {
		a, b = b, a
	}
	return pairKey{a, b}
}
