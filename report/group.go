package report

import (
	"bytes"
	"math"
	"net/netip"
	"slices"

	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/classify"
)

// groupEntry is the collector's record of a group: what Build spells out
// as a FlowGroup, kept compact. A collector holds up to some 60,000 of
// them; a full FlowGroup per group (strings for addresses, protocol and
// verdict, two copies of the key's addresses, sixteen state counters)
// made each some 800 bytes, most of the collector's memory and, as new
// memory first touched, most of what Add cost.
type groupEntry struct {
	id groupID
	// The first connection's addresses: also what identifies the group
	// when id has no source role (src) or no destination name (dst, not
	// in a coarse group), as every connection of the group has them then.
	// A coarse group shows "*" but keeps dst to tell connections apart.
	src, dst    netip.Addr
	hash        uint64 // of the key
	stamp       uint64 // of the collector that may change it in place
	first, last int64  // first and last seen, Unix ns (0: unknown)
	count       uint64
	origPkts    uint64
	respPkts    uint64
	origBytes   uint64
	respBytes   uint64
	history     string             // of the first connection
	d           *groupDetail       // nil while the group has none
	req         *catalog.Effective // the requirement of id.requirement, for its service
	// The role sets already merged into srcRoles and dstRoles (the
	// matcher's tables return the same bitset for the same prefix, and a
	// matcher's bitsets are all as long): most flows add nothing.
	srcSet, dstSet *uint64
	// Connections per state: all of them in state0 until another state
	// comes, when states counts every state.
	states    *[16]uint64
	srcs      distinct
	dsts      distinct
	sport     uint16
	state0    uint8
	answered  bool
	midstream bool
	assumed   bool
}

// groupDetail is what a group may have besides counters, out of line:
// a scan's groups have no name, role or ICMP error, and these took a
// fifth of a record.
//
// A group lists its first connection's names in their order, then the
// others' names, sorted, up to maxNames in all; and its first connection's
// ICMP error, else the smallest of the others'. Both are kept so that the result does
// not depend on the order connections arrive in (several workers, groups
// folded together): pool holds the smallest maxNames names of all the
// connections (the first connection's included), which are all the others
// a list can show; minICMP the smallest ICMP error of all.
type groupDetail struct {
	rep      []Name // the first connection's names
	pool     []Name // sorted (compareNames), at most maxNames
	srcRoles []string
	dstRoles []string
	repICMP  string // the first connection's ICMP error
	minICMP  string // the smallest ICMP error of any connection
}

// noDetail is what a group without detail reads; never written.
var noDetail = groupDetail{}

// names is the list a report shows: the first connection's names, then
// the others' in order, up to maxNames (never nil: reports write []). The
// report may share the group's lists (Build restamps the collector).
func (d *groupDetail) names() []Name {
	others := 0
	for _, n := range d.pool {
		if !slices.Contains(d.rep, n) {
			others++
		}
	}
	if others == 0 || len(d.rep) >= maxNames {
		if d.rep == nil {
			return []Name{}
		}
		return d.rep
	}
	out := make([]Name, len(d.rep), min(maxNames, len(d.rep)+others))
	copy(out, d.rep)
	for _, n := range d.pool {
		if len(out) >= maxNames {
			break
		}
		if !slices.Contains(d.rep, n) {
			out = append(out, n)
		}
	}
	return out
}

// icmpError is the ICMP error a report shows.
func (d *groupDetail) icmpError() string {
	if d.repICMP != "" {
		return d.repICMP
	}
	return d.minICMP
}

// addICMP notes a connection's ICMP error; first tells it is the group's
// first connection.
func (d *groupDetail) addICMP(t string, first bool) {
	if first {
		d.repICMP = t
	}
	if t != "" && (d.minICMP == "" || t < d.minICMP) {
		d.minICMP = t
	}
}

// addNames adds names to the pool, keeping the smallest maxNames.
func (d *groupDetail) addNames(names []Name) {
	for _, n := range names {
		d.addName(n)
	}
}

func (d *groupDetail) addName(n Name) {
	// Most connections of a group repeat names it has: plain equality
	// finds them faster than the search.
	if slices.Contains(d.pool, n) {
		return
	}
	i, _ := slices.BinarySearchFunc(d.pool, n, compareNames)
	if i >= maxNames {
		return
	}
	d.pool = slices.Insert(d.pool, i, n)
	if len(d.pool) > maxNames {
		d.pool = d.pool[:maxNames]
	}
}

// info is e's detail, to read.
func (e *groupEntry) info() *groupDetail {
	if e.d == nil {
		return &noDetail
	}
	return e.d
}

// detail is e's detail, to change.
func (e *groupEntry) detail() *groupDetail {
	if e.d == nil {
		e.d = &groupDetail{}
	}
	return e.d
}

// groupID is what identifies a group besides its addresses.
type groupID struct {
	srcRole     string
	dstName     string
	requirement string
	reason      string
	dport       uint16
	proto       uint8
	verdict     classify.Verdict
	coarse      bool
}

// key is what identifies e, as Add looks it up.
func (e *groupEntry) key() groupKey {
	k := groupKey{groupID: e.id}
	if k.srcRole == "" {
		k.src = e.src
	}
	if k.dstName == "" && !k.coarse {
		k.dst = e.dst
	}
	return k
}

// is reports whether e is the group of k.
func (e *groupEntry) is(k *groupKey) bool {
	return e.id == k.groupID && (k.srcRole != "" || e.src == k.src) && (k.dstName != "" || k.coarse || e.dst == k.dst)
}

func setOf(set []uint64) *uint64 {
	if len(set) == 0 {
		return nil
	}
	return &set[0]
}

// addState counts a connection that ended in state st; e.count does not
// count it yet.
func (e *groupEntry) addState(st classify.ConnState) {
	if e.states == nil {
		if e.count == 0 {
			e.state0 = uint8(st)
		}
		if uint8(st) == e.state0 {
			return
		}
		e.states = new([16]uint64)
		e.states[e.state0] = e.count
	}
	e.states[st]++
}

// eachState calls f with every state some connection ended in and their
// count.
func (e *groupEntry) eachState(f func(st int, n uint64)) {
	if e.states == nil {
		if e.count > 0 {
			f(int(e.state0), e.count)
		}
		return
	}
	for st, n := range e.states {
		if n > 0 {
			f(st, n)
		}
	}
}

// mostCommon returns the state most connections of a group ended in
// (ties: alphabetical, so reports are stable); -1 when there is none.
func (e *groupEntry) mostCommon() int32 {
	best, n := int32(-1), uint64(0)
	e.eachState(func(st int, c uint64) {
		if c > n || c == n && classify.ConnState(st).String() < stateName(best) {
			best, n = int32(st), c
		}
	})
	return best
}

// ord orders times in Unix ns as timeOf's results compare: 0 (unknown)
// before any other.
func ord(ns int64) int64 {
	if ns == 0 {
		return math.MinInt64
	}
	return ns
}

// precedes reports whether a connection (first seen, source port, source
// and destination) comes before the one describing e: the order reports
// compared the addresses in as text, which is only spelled out to break
// a tie. Connections with the same first time, source port and source
// are ordered by destination, also in a coarse group (a scan from one
// port): which one describes a group must not depend on arrival order.
func (e *groupEntry) precedes(first int64, sport uint16, src, dst netip.Addr) bool {
	if a, b := ord(first), ord(e.first); a != b {
		return a < b
	}
	if sport != e.sport {
		return sport < e.sport
	}
	// Addresses order as text (as the report sorts them), spelled out in
	// buffers on the stack: a flow that ties on time and port allocates
	// nothing.
	var x, y [64]byte
	if s, t := appendAddr(x[:0], src), appendAddr(y[:0], e.src); !bytes.Equal(s, t) {
		return bytes.Compare(s, t) < 0
	}
	return bytes.Compare(appendAddr(x[:0], dst), appendAddr(y[:0], e.dst)) < 0
}

// appendAddr appends a.String() to b.
func appendAddr(b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(b, a.String()...)
	}
	return a.AppendTo(b)
}

// merge adds o's connections to e (a group of the same key). What
// describes "the first connection" comes from the earliest one, so the
// result does not depend on the order flows arrive in (several workers).
func (e *groupEntry) merge(o *groupEntry) {
	oi := o.info()
	earliest := e.precedes(o.first, o.sport, o.src, o.dst)
	if earliest {
		e.src, e.dst, e.sport, e.history, e.first = o.src, o.dst, o.sport, o.history, o.first
	}
	if e.states != nil || o.states != nil || o.state0 != e.state0 {
		if e.states == nil {
			e.states = new([16]uint64)
			e.states[e.state0] = e.count
		}
		o.eachState(func(st int, n uint64) { e.states[st] += n })
	}
	e.addCounts(o.last, o.count, o.origPkts, o.respPkts, o.origBytes, o.respBytes, o.answered, o.midstream, o.assumed)
	if e.d != nil || o.d != nil {
		d := e.detail()
		if earliest {
			d.rep = oi.rep
			d.repICMP = oi.repICMP
		}
		d.addICMP(oi.minICMP, false)
		d.addNames(oi.pool)
		d.srcRoles = unionSorted(d.srcRoles, oi.srcRoles)
		d.dstRoles = unionSorted(d.dstRoles, oi.dstRoles)
	}
	e.srcs.union(&o.srcs)
	e.dsts.union(&o.dsts)
}

// addCounts adds a connection's (or another group's) counters and flags.
func (e *groupEntry) addCounts(last int64, count, origPkts, respPkts, origBytes, respBytes uint64, answered, midstream, assumed bool) {
	if ord(last) > ord(e.last) {
		e.last = last
	}
	e.count += count
	e.origPkts += origPkts
	e.respPkts += respPkts
	e.origBytes += origBytes
	e.respBytes += respBytes
	e.answered = e.answered || answered
	e.midstream = e.midstream || midstream
	e.assumed = e.assumed || assumed
}

// clone copies a group deeply enough that changing the copy (appending to
// and sorting its lists, adding to its sets and counters) leaves e as it
// was.
func (e *groupEntry) clone(stamp uint64) *groupEntry {
	n := *e
	n.stamp = stamp
	if e.d != nil {
		d := *e.d
		d.pool, d.srcRoles, d.dstRoles = slices.Clone(d.pool), slices.Clone(d.srcRoles), slices.Clone(d.dstRoles)
		n.d = &d
	}
	if e.states != nil {
		s := *e.states
		n.states = &s
	}
	n.srcs = e.srcs.clone()
	n.dsts = e.dsts.clone()
	return &n
}

// flowGroup spells e out as the report shows it; src and dst are its
// first connection's addresses as text.
func (e *groupEntry) flowGroup(src, dst string, arena *StateCounts) FlowGroup {
	d := e.info()
	// The states go into the caller's arena, sliced to their length: a
	// group has one or two, and an allocation each cost more than them.
	n0 := len(*arena)
	e.eachState(func(st int, n uint64) {
		*arena = append(*arena, StateCount{classify.ConnState(st).String(), n})
	})
	states := (*arena)[n0:len(*arena):len(*arena)]
	if len(states) > 1 {
		states.sort()
	}
	g := FlowGroup{
		Src: src, Dst: dst, SrcRole: e.id.srcRole, DstName: e.id.dstName,
		Sources: e.srcs.count(), Destinations: e.dsts.count(),
		SrcPort: e.sport, DstPort: e.id.dport, Proto: ProtoName(e.id.proto),
		ConnState: stateName(e.mostCommon()), ConnStates: states,
		History: e.history, Names: d.names(), Verdict: e.id.verdict.String(),
		Requirement: e.id.requirement, Reason: e.id.reason,
		SrcRoles: d.srcRoles, DstRoles: d.dstRoles,
		Answered: e.answered, Assumed: e.assumed, Midstream: e.midstream,
		Packets: e.origPkts + e.respPkts, Bytes: e.origBytes + e.respBytes,
		OrigPackets: e.origPkts, RespPackets: e.respPkts, OrigBytes: e.origBytes, RespBytes: e.respBytes,
		ICMPError: d.icmpError(), FirstSeen: timeOf(e.first), LastSeen: timeOf(e.last), Count: e.count,
	}
	if e.req != nil {
		g.Service = e.req.Service
	}
	return g
}

// dstText is the destination a group shows: its first connection's, "*"
// for a coarse group.
func (e *groupEntry) dstText() string {
	if e.id.coarse {
		return "*"
	}
	return e.dst.String()
}
