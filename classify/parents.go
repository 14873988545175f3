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
}
