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

type parentTable struct {
	ports []uint16
	seen  map[pairPort]int64 // first use
}

// SetWatchPorts tells the engine which ports dynamic requirements follow
// (Matcher.WatchPorts).
func (e *Engine) SetWatchPorts(ports []uint16) {
	e.parents.ports = slices.Clone(ports)
	e.parents.seen = map[pairPort]int64{}
}

// note records a new flow to a watched port.
func (t *parentTable) note(src, dst netip.Addr, dport uint16, now int64) {
	if len(t.ports) == 0 || !slices.Contains(t.ports, dport) {
		return
	}
	k := pairPort{makePair(src, dst), dport}
	if first, ok := t.seen[k]; !ok || now < first {
		t.seen[k] = now
	}
}

// SeenBefore implements Parents.
func (e *Engine) SeenBefore(a, b netip.Addr, port uint16, before int64) bool {
	first, ok := e.parents.seen[pairPort{makePair(a, b), port}]
	return ok && first <= before
}
