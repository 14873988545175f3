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
	a, b         [16]byte
	aPort, bPort uint16
	proto        uint8
}

// makeKey returns the canonical key for a packet from src to dst, and
// whether src is the key's "a" side.
func makeKey(src, dst netip.Addr, sport, dport uint16, proto uint8) (flowKey, bool) {
	s, d := src.As16(), dst.As16()
	sh, dh := binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(d[:8])
	sl, dl := binary.BigEndian.Uint64(s[8:]), binary.BigEndian.Uint64(d[8:])
	srcFirst := sh < dh || sh == dh && (sl < dl || sl == dl && sport <= dport)
	if srcFirst {
		return flowKey{a: s, b: d, aPort: sport, bPort: dport, proto: proto}, true
	}
	return flowKey{a: d, b: s, aPort: dport, bPort: sport, proto: proto}, false
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

// addrFrom16 turns a stored address back into an Addr (IPv4 unmapped).
func addrFrom16(b [16]byte) netip.Addr {
	return netip.AddrFrom16(b).Unmap()
}
