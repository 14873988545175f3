package report

import (
	"net/netip"
	"strings"

	"github.com/flowaudit/flowaudit/classify"
)

// MaxGroups bounds the distinct findings kept in detail; beyond it, new
// findings are folded into coarser groups (destination "*"), so memory
// stays bounded on a scan of millions of addresses.
const MaxGroups = 200_000

// maxExamples is how many example connections a requirement keeps.
const maxExamples = 3

// Collector aggregates classified flows as they finish. It keeps groups
// and counters, never the flows themselves.
type Collector struct {
	m        *classify.Matcher
	groups   map[groupKey]*FlowGroup
	sets     map[groupKey]*groupSets
	order    []groupKey
	reqs     []reqCount
	verdicts [6]uint64
	total    uint64
	docBlock uint64
	scratch  strings.Builder
}

type groupKey struct {
	src, dst    string // role or address; name or address
	dport       uint16
	proto       uint8
	verdict     classify.Verdict
	requirement string
	reason      string
	coarse      bool
}

// groupSets counts distinct addresses of a group, up to a bound.
type groupSets struct{ src, dst map[netip.Addr]struct{} }

const maxDistinct = 1000

func addDistinct(m map[netip.Addr]struct{}, a netip.Addr) int {
	if len(m) < maxDistinct {
		m[a] = struct{}{}
	}
	return len(m)
}

type reqCount struct {
	flows, blocked uint64
	examples       []FlowRef
}

// NewCollector returns a collector for flows classified by m.
func NewCollector(m *classify.Matcher) *Collector {
	return &Collector{m: m, groups: map[groupKey]*FlowGroup{}, sets: map[groupKey]*groupSets{}, reqs: make([]reqCount, len(m.Effective))}
}

// Add records one finished flow and its verdict.
func (c *Collector) Add(f *classify.Flow, r classify.Result) {
	c.total++
	c.verdicts[r.Verdict]++
	src, sport := f.Orig()
	dst, dport := f.Resp()
	state := f.State()
	names := f.Names()
	blocked, _ := f.Blocked()
	if r.Verdict == classify.VerdictBlocked && r.Requirement != nil {
		c.docBlock++
	}
	for _, i := range r.Matches {
		rc := &c.reqs[i]
		rc.flows++
		if blocked {
			rc.blocked++
		}
		if len(rc.examples) < maxExamples {
			rc.examples = append(rc.examples, FlowRef{Src: src.String(), Dst: dst.String(), DstPort: dport,
				Proto: protoName(f.Proto), ConnState: state.String(), Time: timeOf(f.First)})
		}
	}

	srcRoles := c.m.RoleNames(r.SrcRoles)
	k := groupKey{src: src.String(), dst: dst.String(), dport: dport, proto: f.Proto, verdict: r.Verdict, reason: r.Reason}
	if len(srcRoles) > 0 {
		k.src = srcRoles[0]
	}
	if len(names) > 0 {
		k.dst = names[0].Name
	}
	if r.Requirement != nil {
		k.requirement = r.Requirement.ID
	}
	g := c.groups[k]
	if g == nil && len(c.groups) >= MaxGroups {
		k = groupKey{src: k.src, dst: "*", dport: dport, proto: f.Proto, verdict: r.Verdict, requirement: k.requirement, reason: r.Reason, coarse: true}
		g = c.groups[k]
	}
	if g == nil {
		g = &FlowGroup{
			Src: src.String(), Dst: dst.String(), SrcPort: sport, DstPort: dport, Proto: protoName(f.Proto),
			History: f.History(), Verdict: r.Verdict.String(), Reason: r.Reason,
			SrcRoles: srcRoles, DstRoles: c.m.RoleNames(r.DstRoles), ConnStates: map[string]uint64{},
			Midstream: f.Midstream, FirstSeen: timeOf(f.First), LastSeen: timeOf(f.Last), Assumed: r.Assumed,
		}
		if len(srcRoles) > 0 {
			g.SrcRole = srcRoles[0]
		}
		if k.coarse {
			g.Dst = "*"
		}
		g.Names = make([]Name, 0, len(names))
		for _, n := range names {
			g.Names = append(g.Names, Name{Name: n.Name, Source: n.Source})
		}
		if len(names) > 0 {
			g.DstName = names[0].Name
		}
		if r.Requirement != nil {
			g.Requirement, g.Service = r.Requirement.ID, r.Requirement.Service
		}
		c.groups[k] = g
		c.sets[k] = &groupSets{src: map[netip.Addr]struct{}{}, dst: map[netip.Addr]struct{}{}}
		c.order = append(c.order, k)
	}
	sets := c.sets[k]
	g.Sources = addDistinct(sets.src, src)
	g.Destinations = addDistinct(sets.dst, dst)
	g.ConnStates[state.String()]++
	if f.Answered() {
		g.Answered = true
	}
	g.Count++
	g.Packets += f.OrigPkts + f.RespPkts
	g.Bytes += f.OrigBytes + f.RespBytes
	g.OrigPackets += f.OrigPkts
	g.RespPackets += f.RespPkts
	g.OrigBytes += f.OrigBytes
	g.RespBytes += f.RespBytes
	if g.ICMPError == "" {
		g.ICMPError = f.ICMPErrorText()
	}
	if t := timeOf(f.First); t.Before(g.FirstSeen) {
		g.FirstSeen = t
	}
	if t := timeOf(f.Last); t.After(g.LastSeen) {
		g.LastSeen = t
	}
}

// Merge adds another collector's counts (one per worker) into c.
func (c *Collector) Merge(o *Collector) {
	c.total += o.total
	c.docBlock += o.docBlock
	for i := range c.verdicts {
		c.verdicts[i] += o.verdicts[i]
	}
	for i := range o.reqs {
		rc, oc := &c.reqs[i], &o.reqs[i]
		rc.flows += oc.flows
		rc.blocked += oc.blocked
		for _, ex := range oc.examples {
			if len(rc.examples) < maxExamples {
				rc.examples = append(rc.examples, ex)
			}
		}
	}
	for _, k := range o.order {
		og := o.groups[k]
		g := c.groups[k]
		if g == nil {
			cp := *og
			cp.ConnStates = map[string]uint64{}
			for s, n := range og.ConnStates {
				cp.ConnStates[s] = n
			}
			c.groups[k] = &cp
			c.sets[k] = &groupSets{src: map[netip.Addr]struct{}{}, dst: map[netip.Addr]struct{}{}}
			for a := range o.sets[k].src {
				addDistinct(c.sets[k].src, a)
			}
			for a := range o.sets[k].dst {
				addDistinct(c.sets[k].dst, a)
			}
			c.order = append(c.order, k)
			continue
		}
		for s, n := range og.ConnStates {
			g.ConnStates[s] += n
		}
		for a := range o.sets[k].src {
			g.Sources = addDistinct(c.sets[k].src, a)
		}
		for a := range o.sets[k].dst {
			g.Destinations = addDistinct(c.sets[k].dst, a)
		}
		g.Answered = g.Answered || og.Answered
		g.Count += og.Count
		g.Packets += og.Packets
		g.Bytes += og.Bytes
		g.OrigPackets += og.OrigPackets
		g.RespPackets += og.RespPackets
		g.OrigBytes += og.OrigBytes
		g.RespBytes += og.RespBytes
		if og.FirstSeen.Before(g.FirstSeen) {
			g.FirstSeen, g.SrcPort, g.History = og.FirstSeen, og.SrcPort, og.History
		}
		if og.LastSeen.After(g.LastSeen) {
			g.LastSeen = og.LastSeen
		}
	}
}

func protoName(p uint8) string {
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
