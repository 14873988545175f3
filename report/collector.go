package report

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/flowaudit/flowaudit/classify"
)

// MaxGroups bounds the distinct findings kept in detail; beyond it, new
// findings are folded into coarser groups (destination "*"), so memory
// stays bounded on a scan of millions of addresses.
const MaxGroups = 50_000

// maxCoarse bounds the coarse groups (one per source, port and verdict);
// beyond it the port goes too (a scan of every port of many hosts is one
// group per source and verdict).
const maxCoarse = 10_000

// maxExamples is how many example connections a requirement keeps.
const maxExamples = 3

// Collector aggregates classified flows as they finish. It keeps groups
// and counters, never the flows themselves.
type Collector struct {
	m *classify.Matcher
	// order holds the groups as they began. index finds one by the hash of
	// its key: the position in order of the last group with that hash,
	// whose next is that of the one before (-1 ends). Hashing a key once
	// and keeping small slots is what makes Add cheap: keys are some 130
	// bytes. After a Merge into an empty collector, index and next are
	// nil until a lookup needs them.
	order  []*groupEntry
	index  map[uint64]int32
	next   []int32
	slab   []groupEntry // where new groups go (see newEntry)
	coarse int          // coarse groups in order
	// stamp marks the entries this collector alone holds, which it may
	// change in place; the others it shares with a collector merged into
	// another (or with that other), and copies before changing.
	stamp    uint64
	reqs     []reqCount
	verdicts [6]uint64
	total    uint64
	docBlock uint64
}

// groupKey identifies a group without building strings per flow: the
// source's role (else its address), the destination's first name (else
// its address); the strings it holds already exist (role and requirement
// ids, names, reasons).
type groupKey struct {
	srcRole     string
	src         netip.Addr // when there is no role
	dstName     string
	dst         netip.Addr // when there is no name
	dport       uint16
	proto       uint8
	verdict     classify.Verdict
	requirement string
	reason      string
	coarse      bool
}

// groupEntry is a group and what the collector keeps about it besides.
type groupEntry struct {
	g     FlowGroup
	sets  groupSets
	key   groupKey
	hash  uint64 // of key
	stamp uint64 // of the collector that may change it in place
}

// groupSets counts distinct addresses of a group, up to a bound.
type groupSets struct {
	src, dst distinct
	states   [16]uint64 // connections per classify.ConnState: a map only in the report
	// The role sets already merged into the group (the matcher's tables
	// return the same slice for the same prefix): most flows add nothing.
	srcSet, dstSet []uint64
}

func sameSet(a, b []uint64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// distinct is a set of addresses: a short slice while it is small (most
// groups have one or two), a map beyond.
type distinct struct {
	few  []netip.Addr
	many map[netip.Addr]struct{}
}

const fewAddrs = 8

func (d *distinct) add(a netip.Addr) int {
	if d.many != nil {
		if len(d.many) < maxDistinct {
			d.many[a] = struct{}{}
		}
		return len(d.many)
	}
	for _, x := range d.few {
		if x == a {
			return len(d.few)
		}
	}
	if len(d.few) < fewAddrs {
		d.few = append(d.few, a)
		return len(d.few)
	}
	d.many = make(map[netip.Addr]struct{}, 2*fewAddrs)
	for _, x := range d.few {
		d.many[x] = struct{}{}
	}
	d.few = nil
	d.many[a] = struct{}{}
	return len(d.many)
}

func (d *distinct) each(f func(netip.Addr)) {
	for _, a := range d.few {
		f(a)
	}
	for a := range d.many {
		f(a)
	}
}

const maxDistinct = 1000

type reqCount struct {
	flows, blocked uint64
	examples       []FlowRef
}

// NewCollector returns a collector for flows classified by m.
func NewCollector(m *classify.Matcher) *Collector {
	return &Collector{m: m, index: map[uint64]int32{}, stamp: newStamp(), reqs: make([]reqCount, len(m.Effective))}
}

// Add records one finished flow and its verdict.
func (c *Collector) Add(f *classify.Flow, r classify.Result) {
	c.total++
	c.verdicts[r.Verdict]++
	src, sport := f.Orig()
	dst, dport := f.Resp()
	state := f.State()
	names := flowNames(f)
	if r.Verdict == classify.VerdictBlocked && r.Requirement != nil {
		c.docBlock++
	}
	var blocked bool
	if len(r.Matches) > 0 {
		blocked, _ = f.Blocked()
	}
	for _, i := range r.Matches {
		rc := &c.reqs[i]
		rc.flows++
		if blocked {
			rc.blocked++
		}
		if len(rc.examples) < maxExamples || !timeOf(f.First).After(rc.examples[len(rc.examples)-1].Time) {
			rc.addExample(FlowRef{Src: src.String(), Dst: dst.String(), DstPort: dport,
				Proto: ProtoName(f.Proto), ConnState: state.String(), Time: timeOf(f.First)})
		}
	}

	k := groupKey{dport: dport, proto: f.Proto, verdict: r.Verdict, reason: r.Reason}
	if k.srcRole = c.m.FirstRole(r.SrcRoles); k.srcRole == "" {
		k.src = src
	}
	if len(names) > 0 {
		k.dstName = names[0].Name
	} else {
		k.dst = dst
	}
	if r.Requirement != nil {
		k.requirement = r.Requirement.ID
	}
	var g *FlowGroup
	var sets *groupSets
	h := hashKey(&k)
	if e := c.lookup(h, &k); e != nil {
		g, sets = &e.g, &e.sets
	}
	if g == nil && len(c.order) >= MaxGroups {
		k = groupKey{srcRole: k.srcRole, src: k.src, dport: dport, proto: f.Proto, verdict: r.Verdict, requirement: k.requirement, reason: r.Reason, coarse: true}
		if h = hashKey(&k); c.find(h, &k) < 0 && c.coarse >= maxCoarse {
			k.dport = 0
			h = hashKey(&k)
		}
		if e := c.lookup(h, &k); e != nil {
			g, sets = &e.g, &e.sets
		}
	}
	first, last := timeOf(f.First), timeOf(f.Last)
	if g == nil {
		e := c.newEntry(k, h)
		g, sets = &e.g, &e.sets
		c.flowGroup(g, f, r, names, k.coarse)
		if k.coarse && k.dport == 0 {
			g.DstPort = 0 // any port
		}
	} else {
		// An existing group: counters, and the description of its first
		// connection when this one came earlier. No strings are built
		// unless something changes.
		earliest := precedes(first, sport, src.String, dst.String, g)
		if earliest {
			g.Src, g.SrcPort, g.History, g.FirstSeen = src.String(), sport, f.History(), first
			if !k.coarse {
				g.Dst = dst.String()
			}
			if e := f.ICMPErrorText(); e != "" {
				g.ICMPError = e
			}
		} else if g.ICMPError == "" && f.ICMPError {
			g.ICMPError = f.ICMPErrorText()
		}
		addCounts(g, &FlowGroup{LastSeen: last, Count: 1, Packets: f.OrigPkts + f.RespPkts, Bytes: f.OrigBytes + f.RespBytes,
			OrigPackets: f.OrigPkts, RespPackets: f.RespPkts, OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
			Answered: f.Answered(), Midstream: f.Midstream, Assumed: r.Assumed})
		if earliest {
			rep := make([]Name, len(names))
			for i, n := range names {
				rep[i] = Name{Name: n.Name, Source: n.Source}
			}
			g.Names, g.repNames = combineNames(rep, g.Names), len(rep)
		} else {
			added := false
			for _, n := range names {
				rn := Name{Name: n.Name, Source: n.Source}
				if !slices.Contains(g.Names, rn) && len(g.Names) < maxNames {
					g.Names = append(g.Names, rn)
					added = true
				}
			}
			if added {
				sortNames(g.Names[g.repNames:])
			}
		}
		if !sameSet(sets.srcSet, r.SrcRoles) {
			g.SrcRoles = unionSorted(g.SrcRoles, c.m.RoleNames(r.SrcRoles))
			sets.srcSet = r.SrcRoles
		}
		if !sameSet(sets.dstSet, r.DstRoles) {
			g.DstRoles = unionSorted(g.DstRoles, c.m.RoleNames(r.DstRoles))
			sets.dstSet = r.DstRoles
		}
	}
	g.Sources = sets.src.add(src)
	g.Destinations = sets.dst.add(dst)
	sets.states[state]++
}

// flowNames is f.Names() without its allocation for a flow that has no
// name (most of a gateway's, and every unanswered attempt).
func flowNames(f *classify.Flow) []classify.Name {
	if !f.HasNames() {
		return nil
	}
	return f.Names()
}

// flowGroup describes one flow as a group of one, in one.
func (c *Collector) flowGroup(one *FlowGroup, f *classify.Flow, r classify.Result, names []classify.Name, coarse bool) {
	src, sport := f.Orig()
	dst, dport := f.Resp()
	srcRoles := c.m.RoleNames(r.SrcRoles)
	*one = FlowGroup{
		Src: src.String(), Dst: dst.String(), SrcPort: sport, DstPort: dport, Proto: ProtoName(f.Proto),
		History: f.History(), Verdict: r.Verdict.String(), Reason: r.Reason,
		SrcRoles: srcRoles, DstRoles: c.m.RoleNames(r.DstRoles), Answered: f.Answered(),
		Midstream: f.Midstream, FirstSeen: timeOf(f.First), LastSeen: timeOf(f.Last), Assumed: r.Assumed,
		Count: 1, Packets: f.OrigPkts + f.RespPkts, Bytes: f.OrigBytes + f.RespBytes,
		OrigPackets: f.OrigPkts, RespPackets: f.RespPkts, OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
		ICMPError: f.ICMPErrorText(), Names: make([]Name, 0, len(names)),
	}
	if len(srcRoles) > 0 {
		one.SrcRole = srcRoles[0]
	}
	if coarse {
		one.Dst = "*"
	}
	for _, n := range names {
		one.Names = append(one.Names, Name{Name: n.Name, Source: n.Source})
	}
	if len(names) > 0 {
		one.DstName = names[0].Name
	}
	one.repNames = len(one.Names)
	if r.Requirement != nil {
		one.Requirement, one.Service = r.Requirement.ID, r.Requirement.Service
	}
}

// mergeGroup adds o's connections to g. What describes "the first
// connection" comes from the earliest one, so the result does not depend
// on the order flows arrive in (several workers).
func mergeGroup(g, o *FlowGroup) {
	if earlier(o, g) {
		g.Names, g.repNames = combineNames(o.Names[:o.repNames], append(slices.Clone(g.Names), o.Names[o.repNames:]...)), o.repNames
		g.Src, g.SrcPort, g.History = o.Src, o.SrcPort, o.History
		if g.Dst != "*" {
			g.Dst = o.Dst
		}
		if o.ICMPError != "" {
			g.ICMPError = o.ICMPError
		}
		g.FirstSeen = o.FirstSeen
	} else if g.ICMPError == "" {
		g.ICMPError = o.ICMPError
	}
	addCounts(g, o)
	g.SrcRoles = unionSorted(g.SrcRoles, o.SrcRoles)
	g.DstRoles = unionSorted(g.DstRoles, o.DstRoles)
	for _, n := range o.Names {
		if !slices.Contains(g.Names, n) && len(g.Names) < maxNames {
			g.Names = append(g.Names, n)
		}
	}
	sortNames(g.Names[g.repNames:])
}

// maxNames bounds the names a group lists.
const maxNames = 16

// addCounts adds o's counters and flags to g.
func addCounts(g, o *FlowGroup) {
	if o.LastSeen.After(g.LastSeen) {
		g.LastSeen = o.LastSeen
	}
	g.Count += o.Count
	g.Packets += o.Packets
	g.Bytes += o.Bytes
	g.OrigPackets += o.OrigPackets
	g.RespPackets += o.RespPackets
	g.OrigBytes += o.OrigBytes
	g.RespBytes += o.RespBytes
	g.Answered = g.Answered || o.Answered
	g.Midstream = g.Midstream || o.Midstream
	g.Assumed = g.Assumed || o.Assumed
}

// earlier orders connections: first seen, then source port and addresses.
func earlier(a, b *FlowGroup) bool {
	return precedes(a.FirstSeen, a.SrcPort, func() string { return a.Src }, func() string { return a.Dst }, b)
}

// precedes reports whether a connection (first seen, source port, source
// and destination) comes before the one describing group b. The addresses
// are only spelled out to break a tie.
func precedes(first time.Time, sport uint16, src, dst func() string, b *FlowGroup) bool {
	if c := first.Compare(b.FirstSeen); c != 0 {
		return c < 0
	}
	if sport != b.SrcPort {
		return sport < b.SrcPort
	}
	if s := src(); s != b.Src {
		return s < b.Src
	}
	return dst() < b.Dst
}

func unionSorted(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	slices.Sort(a)
	return a
}

var sourceRank = map[string]int{"connect": 0, "sni": 1, "http-host": 2, "dns": 3}

// Names of a group: those of its first connection in their order (proxy
// target, SNI, Host, then the DNS chain from the queried name), then the
// other connections' names, sorted, so the list does not depend on the
// order flows arrive in.

// combineNames returns rep followed by the names of others not in rep, sorted.
func combineNames(rep, others []Name) []Name {
	out := slices.Clone(rep)
	for _, n := range others {
		if !slices.Contains(out, n) && len(out) < maxNames {
			out = append(out, n)
		}
	}
	sortNames(out[len(rep):])
	return out
}

// sortNames orders names by source (most specific first), then name.
func sortNames(names []Name) {
	slices.SortFunc(names, func(a, b Name) int {
		if d := sourceRank[a.Source] - sourceRank[b.Source]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// addExample keeps the earliest connections as examples.
func (rc *reqCount) addExample(ex FlowRef) {
	rc.examples = append(rc.examples, ex)
	slices.SortFunc(rc.examples, func(a, b FlowRef) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if a.Src != b.Src {
			return strings.Compare(a.Src, b.Src)
		}
		return strings.Compare(a.Dst, b.Dst)
	})
	if len(rc.examples) > maxExamples {
		rc.examples = rc.examples[:maxExamples]
	}
}

// ProtoName names an IP protocol as reports write it.
func ProtoName(p uint8) string {
	switch p {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 1:
		return "icmp"
	case 58:
		return "icmpv6"
	}
	return "ip-proto-" + itoa(int(p))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
