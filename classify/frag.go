package classify

import (
	"net/netip"

	"github.com/flowaudit/flowaudit/classify/packet"
)

// IP fragments after the first carry no ports: they are tied to their
// flow through the first fragment's (source, destination, protocol, IP ID).
type fragKey struct {
	src, dst [16]byte
	id       uint32
	proto    uint8
}

type fragEntry struct {
	flow     flowKey
	known    bool // the first fragment has been seen
	fromOrig bool
	// Fragments seen before the first one, credited when it arrives.
	pendingPkts, pendingBytes uint64
	seen                      int64
}

type fragTable struct {
	m         map[fragKey]*fragEntry
	lastSweep int64
}

func newFragTable() fragTable { return fragTable{m: map[fragKey]*fragEntry{}} }

func makeFragKey(src, dst netip.Addr, id uint32, proto uint8) fragKey {
	return fragKey{src: src.As16(), dst: dst.As16(), id: id, proto: proto}
}

// first records the flow of a first fragment and credits fragments that
// arrived before it.
func (t *fragTable) first(p *packet.Parsed, k flowKey, fromOrig bool, now int64) (pkts, bytes uint64) {
	fk := makeFragKey(p.Src, p.Dst, p.IPID, p.Proto)
	e := t.m[fk]
	if e == nil {
		e = &fragEntry{}
		t.m[fk] = e
	}
	e.flow, e.known, e.fromOrig, e.seen = k, true, fromOrig, now
	pkts, bytes = e.pendingPkts, e.pendingBytes
	e.pendingPkts, e.pendingBytes = 0, 0
	return pkts, bytes
}

// fragment credits a later fragment to its flow.
func (e *Engine) fragment(p *packet.Parsed, now int64, iface ifaceID, head uint64) {
	fk := makeFragKey(p.Src, p.Dst, p.IPID, p.Proto)
	fe := e.frags.m[fk]
	if fe == nil {
		fe = &fragEntry{seen: now}
		e.frags.m[fk] = fe
	}
	if !fe.known {
		fe.pendingPkts++
		fe.pendingBytes += uint64(p.IPLen)
		return
	}
	f := e.table.flows.get(&fe.flow, hashKey(&fe.flow))
	if f == nil {
		return
	}
	if e.duplicate(f, p, fe.fromOrig, now, iface, head) {
		e.stats.Duplicates++
		return
	}
	f.Last = now
	if fe.fromOrig {
		f.OrigPkts++
		f.OrigBytes += uint64(p.IPLen)
	} else {
		f.RespPkts++
		f.RespBytes += uint64(p.IPLen)
	}
	e.table.touch(f, f.class, true)
}

// sweep forgets fragment entries older than a minute (reassembly timeouts
// are shorter than that everywhere).
func (t *fragTable) sweep(now int64) {
	if now-t.lastSweep < 10e9 {
		return
	}
	t.lastSweep = now
	for k, e := range t.m {
		if now-e.seen > 60e9 {
			delete(t.m, k)
		}
	}
}
