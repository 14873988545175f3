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

type parentTable struct {
	ports     []uint16
	seen      map[pairPort]useSpan
	lastSweep int64
}

// parentMemory is how long a conversation on a watched port still
// explains dynamic ports between the same hosts.
const parentMemory = int64(3600e9)

// sweep forgets pairs that have not used a watched port for an hour.
func (t *parentTable) sweep(now int64) {
	if now-t.lastSweep < 60e9 {
		return
	}
	t.lastSweep = now
	for k, u := range t.seen {
		if now-u.last > parentMemory {
			delete(t.seen, k)
		}
	}
}

// SetWatchPorts tells the engine which ports dynamic requirements follow
// (Matcher.WatchPorts).
func (e *Engine) SetWatchPorts(ports []uint16) {
	e.parents.ports = slices.Clone(ports)
	e.parents.seen = map[pairPort]useSpan{}
}

// note records a new flow to a watched port.
func (t *parentTable) note(src, dst netip.Addr, dport uint16, now int64) {
	if len(t.ports) == 0 || !slices.Contains(t.ports, dport) {
		return
	}
	k := pairPort{makePair(src, dst), dport}
	u, ok := t.seen[k]
	if !ok || now < u.first {
		u.first = now
	}
	u.last = max(u.last, now)
	t.seen[k] = u
}

// SeenBefore implements Parents.
func (e *Engine) SeenBefore(a, b netip.Addr, port uint16, before int64) bool {
	u, ok := e.parents.seen[pairPort{makePair(a, b), port}]
	// A use at most a second after the flow started (capture timestamps of
	// two interfaces may disagree that much), or up to an hour before it.
	return ok && u.first <= before+int64(1e9) && before-u.last <= parentMemory
}
