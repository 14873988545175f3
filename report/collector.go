package report

import (
	"net/netip"
	"slices"
	"strings"

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
	h := hashKey(&k)
	e := c.lookup(h, &k)
	if e == nil && len(c.order) >= MaxGroups {
		k = groupKey{groupID: groupID{srcRole: k.srcRole, dport: dport, proto: f.Proto, verdict: r.Verdict, requirement: k.requirement, reason: r.Reason, coarse: true}, src: k.src}
		if h = hashKey(&k); c.find(h, &k) < 0 && c.coarse >= maxCoarse {
			k.dport = 0 // any port
			h = hashKey(&k)
		}
		e = c.lookup(h, &k)
	}
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
			e.src, e.sport, e.history, e.first = src, sport, f.History(), first
			if !k.coarse {
				e.dst = dst
			}
			if t := f.ICMPErrorText(); t != "" {
				e.detail().icmpError = t
			}
		} else if f.ICMPError && e.info().icmpError == "" {
			e.detail().icmpError = f.ICMPErrorText()
		}
		if earliest && (len(names) > 0 || e.d != nil) {
			rep := make([]Name, len(names))
			for i, n := range names {
				rep[i] = Name{Name: n.Name, Source: n.Source}
			}
			d := e.detail()
			d.names, e.repNames = combineNames(rep, d.names), uint16(len(rep))
		} else if !earliest && len(names) > 0 {
			d := e.detail()
			added := false
			for _, n := range names {
				rn := Name{Name: n.Name, Source: n.Source}
				if !slices.Contains(d.names, rn) && len(d.names) < maxNames {
					d.names = append(d.names, rn)
					added = true
				}
			}
			if added {
				sortNames(d.names[e.repNames:])
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
}

// flowNames is f.Names() without its allocation for a flow that has no
// name (most of a gateway's, and every unanswered attempt).
func flowNames(f *classify.Flow) []classify.Name {
	if !f.HasNames() {
		return nil
	}
	return f.Names()
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
	if t := f.ICMPErrorText(); t != "" {
		e.detail().icmpError = t
	}
	if rn := c.m.RoleNames(r.SrcRoles); len(rn) > 0 {
		e.detail().srcRoles = rn
	}
	if rn := c.m.RoleNames(r.DstRoles); len(rn) > 0 {
		e.detail().dstRoles = rn
	}
	if len(names) > 0 {
		d := e.detail()
		d.names = make([]Name, 0, len(names))
		for _, n := range names {
			d.names = append(d.names, Name{Name: n.Name, Source: n.Source})
		}
	}
	e.repNames = uint16(len(names))
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
