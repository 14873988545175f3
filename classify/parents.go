package classify

import (
	"net/netip"
	"slices"
)

// Dynamic ports (RPC after the endpoint mapper, TFTP's reply port) are
// recognised by the conversation that preceded them between the same two
// hosts. The engine remembers, for the few ports the catalog says such
// conversations use, when each host pair last used them.
type pairPort struct {
	pair pairKey
	port uint16
}

// useSpan is when a host pair first and last used a watched port.
type useSpan struct{ first, last int64 }

// parentTable is never swept by time: a flow may last hours after the
// conversation that explains it, and whether it is explained must not
// depend on when it is classified. It holds one entry per host pair and
// watched port, a few thousand at most on a real site; maxParents bounds it.
type parentTable struct {
	ports []uint16
	seen  map[pairPort]useSpan
	// filter has a bit set for every (host pair, port) in seen, by a hash
	// (usedBit): most flows a dynamic requirement asks about have no
	// parent, and one bit then answers where a lookup in seen (a 34-byte
	// key hashed, and a cache miss) cost 0.2 us a flow ending (CPU profile
	// of the 5-million-packet gateway mix).
	filter *[parentFilterBits / 64]uint64
}

// parentFilterBits is the size of parentTable.filter: 8 KiB.
const parentFilterBits = 1 << 16

// usedBit is the filter bit of a host pair's use of port.
func usedBit(a, b netip.Addr, port uint16) uint32 {
	h := hashWords(wordsOf(a), wordsOf(b)) ^ uint64(port)*0x9e3779b97f4a7c15
	return uint32(h>>40) % parentFilterBits
}

// mayHaveSeen reports whether the pair a, b may have used port: false
// only when it did not.
func (t *parentTable) mayHaveSeen(a, b netip.Addr, port uint16) bool {
	if len(t.seen) == 0 {
		return false
	}
	i := usedBit(a, b, port)
	return t.filter[i/64]&(1<<(i%64)) != 0
}

// reset forgets every use.
func (t *parentTable) reset() {
	t.seen = map[pairPort]useSpan{}
	t.filter = new([parentFilterBits / 64]uint64)
}

const maxParents = 1 << 20

// parentMemory is how long a conversation on a watched port still
// explains dynamic ports between the same hosts.
const parentMemory = int64(3600e9)

// note records a new flow to a watched port.
func (t *parentTable) note(src, dst netip.Addr, dport uint16, now int64) {
	if len(t.ports) == 0 || !slices.Contains(t.ports, dport) {
		return
	}
	k := pairPort{makePair(src, dst), dport}
	u, ok := t.seen[k]
	if !ok && len(t.seen) >= maxParents {
		return
	}
	if !ok || now < u.first {
		u.first = now
	}
	u.last = max(u.last, now)
	t.seen[k] = u
	i := usedBit(src, dst, dport)
	t.filter[i/64] |= 1 << (i % 64)
}
