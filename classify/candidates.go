package classify

import (
	"slices"
)

// candidate is a requirement that may apply to a flow's destination port.
type candidate struct {
	req   uint32 // index into Matcher.reqs
	check bool   // the port alone does not settle it: portMatches decides
}

// portTable lists, for every TCP and UDP port, the requirements whose
// ports hold it, in catalog order, computed once: a flow's candidates are
// then one load, with nothing left to check of their ports but the
// dynamic ones (RPC, TFTP: the flow's host pair must have used the parent
// port). Filing requirements under their single ports and checking every
// range for every flow left two candidates in three on port 443 to be
// turned down one by one.
type portTable struct {
	of    [2][]uint16   // TCP, UDP: port -> index into lists
	lists [][]candidate // one per run of ports with the same candidates
	icmp  []candidate   // every ICMP requirement, each checked (types)
}

func protoSlot(proto uint8) (int, bool) {
	switch proto {
	case 6:
		return 0, true
	case 17:
		return 1, true
	}
	return 0, false
}

// build fills the table from compiled requirements. The ports are cut
// into runs at every range's ends (and at 1024, where dynamic ports
// start); the candidates are the same throughout a run.
func (t *portTable) build(reqs []compiledReq) {
	for i, c := range reqs {
		if c.proto == 1 {
			t.icmp = append(t.icmp, candidate{req: uint32(i), check: true})
		}
	}
	for _, proto := range []uint8{6, 17} {
		slot, _ := protoSlot(proto)
		cuts := []int{0, 1024, 1 << 16}
		for _, c := range reqs {
			if c.proto != proto {
				continue
			}
			for _, r := range c.e.Ports {
				cuts = append(cuts, int(r.Lo), int(r.Hi)+1)
			}
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		of := make([]uint16, 1<<16)
		for k := 0; k+1 < len(cuts); k++ {
			lo, hi := cuts[k], cuts[k+1]
			id := uint16(len(t.lists))
			t.lists = append(t.lists, candidatesAt(reqs, proto, uint16(lo)))
			for p := lo; p < hi; p++ {
				of[p] = id
			}
		}
		t.of[slot] = of
	}
}

// candidatesAt lists the requirements that may apply to port p.
func candidatesAt(reqs []compiledReq, proto uint8, p uint16) []candidate {
	var out []candidate
	for i, c := range reqs {
		switch {
		case c.proto != proto:
		case c.e.Ports.Contains(p):
			out = append(out, candidate{req: uint32(i)})
		case c.e.Dynamic && p >= 1024 && len(c.parentPort) > 0:
			out = append(out, candidate{req: uint32(i), check: true})
		}
	}
	return out
}

// at lists the candidates for a destination port, in catalog order. In a
// tunnel (an HTTP CONNECT to port extra) the requirements of both ports
// are listed, each to be checked: those of extra apply to the tunnel, not
// to the flow's own port. Only then does it allocate.
func (t *portTable) at(proto uint8, port uint16, tunnel bool, extra uint16) []candidate {
	if proto == 1 {
		return t.icmp
	}
	slot, ok := protoSlot(proto)
	if !ok {
		return nil
	}
	a := t.lists[t.of[slot][port]]
	if !tunnel || extra == port {
		return a
	}
	b := t.lists[t.of[slot][extra]]
	out := append(append(make([]candidate, 0, len(a)+len(b)), a...), b...)
	for i := range out {
		out[i].check = true
	}
	slices.SortFunc(out, func(x, y candidate) int { return int(x.req) - int(y.req) })
	return slices.CompactFunc(out, func(x, y candidate) bool { return x.req == y.req })
}
