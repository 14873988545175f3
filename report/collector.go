package report

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/flowaudit/flowaudit/classify"
)

// MaxGroups bounds the distinct findings kept in detail. A capture with
// more (a scan of millions of addresses) is reported in coarser groups,
// all of them: per source, port, verdict and requirement (destination
// "*"), and beyond maxCoarse of those without the port too. The level of
// detail thus depends on what the capture holds, not on the order flows
// end in: the report is the same for any number of workers, and memory
// stays bounded (see fold.go).
const MaxGroups = 50_000

// maxCoarse bounds the groups per source, port and verdict; beyond it the
// port goes too (a scan of every port of many hosts is one group per
// source and verdict).
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
	order []*groupEntry
	index map[uint64]int32
	next  []int32
	slab  []groupEntry // where new groups go (see newEntry)
	level level        // of detail of every group
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
	groupID
	src netip.Addr // when there is no role
	dst netip.Addr // when there is no name, and the group is not coarse
}

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
	// On Add's stack: the collector copies the names it keeps.
	var nameBuf [8]classify.Name
	names := f.AppendNames(nameBuf[:0])
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

	k := groupKey{groupID: groupID{dport: dport, proto: f.Proto, verdict: r.Verdict, reason: r.Reason}}
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
	k.coarsen(c.level)
	h := hashKey(&k)
	e := c.lookup(h, &k)
	first, last := f.First, f.Last
	if e == nil {
		e = c.newEntry(k.groupID, h)
		c.describe(e, f, r, names)
	} else {
		// An existing group: counters, and the description of its first
		// connection when this one came earlier. No strings are built
		// unless something changes.
		earliest := e.precedes(first, sport, src, dst)
		if earliest {
			e.src, e.dst, e.sport, e.history, e.first = src, dst, sport, f.History(), first
		}
		if f.ICMPError || earliest && e.d != nil {
			e.detail().addICMP(f.ICMPErrorText(), earliest)
		}
		if earliest && (len(names) > 0 || e.d != nil) {
			e.detail().rep = nameList(names)
		}
		if len(names) > 0 {
			d := e.detail()
			for _, n := range names {
				d.addName(Name{Name: n.Name, Source: n.Source})
			}
		}
		// A union sorts the roles: it is done whenever the set differs.
		if p := setOf(r.SrcRoles); p != e.srcSet {
			if rn := c.m.RoleNames(r.SrcRoles); len(rn) > 0 || e.d != nil {
				d := e.detail()
				d.srcRoles = unionSorted(d.srcRoles, rn)
			}
			e.srcSet = p
		}
		if p := setOf(r.DstRoles); p != e.dstSet {
			if rn := c.m.RoleNames(r.DstRoles); len(rn) > 0 || e.d != nil {
				d := e.detail()
				d.dstRoles = unionSorted(d.dstRoles, rn)
			}
			e.dstSet = p
		}
	}
	e.addState(state)
	e.addCounts(last, 1, f.OrigPkts, f.RespPkts, f.OrigBytes, f.RespBytes, f.Answered(), f.Midstream, r.Assumed)
	e.srcs.add(src)
	e.dsts.add(dst)
	if len(c.order) > c.level.bound() {
		c.fold()
	}
}

// nameList is a flow's names as a report lists them.
func nameList(names []classify.Name) []Name {
	out := make([]Name, len(names))
	for i, n := range names {
		out[i] = Name{Name: n.Name, Source: n.Source}
	}
	return out
}

// describe makes new group e the description of flow f, its first
// connection; Add counts it.
func (c *Collector) describe(e *groupEntry, f *classify.Flow, r classify.Result, names []classify.Name) {
	e.src, e.sport = f.Orig()
	e.dst, _ = f.Resp()
	e.first, e.last = f.First, f.Last
	e.history = f.History()
	e.srcSet, e.dstSet = setOf(r.SrcRoles), setOf(r.DstRoles)
	e.req = r.Requirement
	if f.ICMPError {
		e.detail().addICMP(f.ICMPErrorText(), true)
	}
	if rn := c.m.RoleNames(r.SrcRoles); len(rn) > 0 {
		e.detail().srcRoles = rn
	}
	if rn := c.m.RoleNames(r.DstRoles); len(rn) > 0 {
		e.detail().dstRoles = rn
	}
	if len(names) > 0 {
		d := e.detail()
		d.rep = nameList(names)
		d.addNames(d.rep)
	}
}

// maxNames bounds the names a group lists.
const maxNames = 16

func unionSorted(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	slices.Sort(a)
	return a
}

// sourceRank orders the sources of names, most specific first.
func sourceRank(s string) int {
	switch s {
	case "connect":
		return 0
	case "sni":
		return 1
	case "http-host":
		return 2
	}
	return 3 // dns
}

// compareNames orders names by source (most specific first), then name.
func compareNames(a, b Name) int {
	if d := sourceRank(a.Source) - sourceRank(b.Source); d != 0 {
		return d
	}
	return strings.Compare(a.Name, b.Name)
}

// addExample keeps the earliest connections as examples.
func (rc *reqCount) addExample(ex FlowRef) {
	rc.examples = append(rc.examples, ex)
	// Every field breaks ties, so that the examples kept do not depend
	// on the order flows arrive in.
	slices.SortFunc(rc.examples, func(a, b FlowRef) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Src, b.Src), strings.Compare(a.Dst, b.Dst),
			cmp.Compare(a.DstPort, b.DstPort), strings.Compare(a.Proto, b.Proto), strings.Compare(a.ConnState, b.ConnState))
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
