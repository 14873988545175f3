package report

import (
	"cmp"
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/classify"
)

// Requirement statuses.
const (
	StatusObserved      = "observed"
	StatusBlocked       = "blocked"
	StatusPartlyBlocked = "partly-blocked"
	StatusNotObserved   = "not-observed"
)

func timeOf(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// severity orders findings: what needs action first.
func severity(v classify.Verdict, requirement string) int {
	switch v.String() {
	case "exposure":
		return 0
	case "blocked":
		if requirement != "" {
			return 1
		}
		return 2
	case "undocumented-port":
		return 3
	case "unexpected":
		return 4
	case "not-required":
		return 5
	}
	return 6 // documented
}

// Build assembles the report from the collected flows, every flow group
// spelled out in Flows.
func (c *Collector) Build(capture Capture, site *catalog.Site) *Report {
	r := c.BuildDeferred(capture, site)
	r.FlowGroups()
	return r
}

// BuildDeferred is Build without spelling out the flow groups: Flows is nil
// until FlowGroups is called, and Write spells the groups out as it writes
// them, a piece at a time and on every CPU. The report reads and writes
// the same as Build's. An audit of a gateway capture has tens of
// thousands of groups, some 400 bytes each spelled out: for a report that
// is only written, holding them all at once cost more time (the memory is
// new, first touched then) and memory than writing them. FlowGroups
// changes the report, and so does Write as text or Markdown: a deferred
// report is not safe for concurrent use until its groups are spelled out.
func (c *Collector) BuildDeferred(capture Capture, site *catalog.Site) *Report {
	r := &Report{Capture: capture, Requirements: []RequirementStatus{},
		Diff: Diff{DocumentedSeen: []string{}, DocumentedFailing: []string{}, DocumentedNeverSeen: []string{}, SeenUndocumented: []int{}}}
	if r.Capture.Files == nil {
		r.Capture.Files = []string{}
	}
	r.Capture.Connections = c.total
	r.Summary = Summary{Connections: c.total, Verdicts: map[string]uint64{}, DocumentedBlocked: c.docBlock, RequirementsStatus: map[string]int{},
		Grouping: c.level.grouping()}
	for i, n := range c.verdicts {
		r.Summary.Verdicts[classify.Verdict(i).String()] = n
	}
	// The report shares the groups' lists: the collector must copy a
	// group before changing it from now on.
	c.stamp = newStamp()
	// The addresses are spelled out once: the order compares them as text.
	rows := make([]row, len(c.order))
	text := make([][2]string, len(c.order))
	inParallel(len(c.order), func(lo, hi int) {
		for i, e := range c.order[lo:hi] {
			i += lo
			text[i] = [2]string{e.src.String(), e.dstText()}
			rows[i] = row{i: int32(i), state: e.mostCommon(), count: e.count,
				src: keyOf(text[i][0]), dst: keyOf(text[i][1])}
			rows[i].sev = int32(severity(e.id.verdict, e.id.requirement))
		}
	})
	// The groups are sorted as rows, without pointers, and with their
	// position as the last key, which makes an unstable sort give the
	// order of a stable one.
	rows = sortRows(rows, func(a, b row) int { return c.compareRows(text, &a, &b) })
	p := &pendingFlows{groups: make([]*groupEntry, len(rows)), text: make([][2]string, len(rows))}
	for i, w := range rows {
		e := c.order[w.i]
		p.groups[i], p.text[i] = e, text[w.i]
		switch e.id.verdict.String() {
		case "documented":
			continue
		case "undocumented-port", "unexpected":
			r.Diff.SeenUndocumented = append(r.Diff.SeenUndocumented, i)
		}
		r.Summary.Findings++
	}
	r.pending = p
	for i, e := range c.m.Effective {
		rc := c.reqs[i]
		st := RequirementStatus{ID: e.ID, Service: e.Service, Section: e.Section, Summary: e.Summary,
			Proto: e.Proto.String(), Ports: portsText(e), Flags: e.AllFlags().Names(),
			Flows: rc.flows, Blocked: rc.blocked, Examples: slices.Clone(rc.examples)}
		switch {
		case rc.flows == 0:
			st.Status = StatusNotObserved
			r.Diff.DocumentedNeverSeen = append(r.Diff.DocumentedNeverSeen, e.ID)
		case rc.blocked == rc.flows:
			st.Status = StatusBlocked
			r.Diff.DocumentedFailing = append(r.Diff.DocumentedFailing, e.ID)
		case rc.blocked > 0:
			st.Status = StatusPartlyBlocked
			r.Diff.DocumentedFailing = append(r.Diff.DocumentedFailing, e.ID)
			r.Diff.DocumentedSeen = append(r.Diff.DocumentedSeen, e.ID)
		default:
			st.Status = StatusObserved
			r.Diff.DocumentedSeen = append(r.Diff.DocumentedSeen, e.ID)
		}
		r.Summary.RequirementsStatus[st.Status]++
		r.Requirements = append(r.Requirements, st)
	}
	if site != nil {
		r.Site.File = site.File
		for _, p := range site.Internal {
			r.Site.Internal = append(r.Site.Internal, p.String())
		}
		r.Site.Services = site.Services
	}
	return r
}

// row is a group as the report orders them. What the order compares
// first is in the row, so that sorting tens of thousands of groups seldom
// looks at a group or its text (a cache miss each).
type row struct {
	count    uint64 // connections
	src, dst textKey
	i        int32 // in Collector.order
	sev      int32
	state    int32 // the most common connection state; -1: none
}

// textKey is what a text's order depends on, packed: its first 16 bytes as
// two big-endian words, zero padded, and its length. When two keys' words
// differ, the texts order as the words do (a text that ends early is
// padded with zeros, which order before any other byte, as an ended
// string does); when they are the same, texts of at most 16 bytes (every
// IPv4 address) order by length, and only longer ones need their text.
type textKey struct {
	hi, lo uint64
	n      int
}

func keyOf(s string) textKey {
	var b [16]byte
	copy(b[:], s)
	return textKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), len(s)}
}

// compareText orders two texts as strings.Compare does, given their keys.
func compareText(a, b *textKey, s, t string) int {
	switch {
	case a.hi != b.hi:
		return cmp.Compare(a.hi, b.hi)
	case a.lo != b.lo:
		return cmp.Compare(a.lo, b.lo)
	case a.n <= 16 && b.n <= 16:
		return cmp.Compare(a.n, b.n)
	}
	return strings.Compare(s, t)
}

// compareRows orders findings: by severity, the most connections first,
// then by what they are, so that reports are stable. text holds the
// groups' source and destination as reports show them.
func (c *Collector) compareRows(text [][2]string, a, b *row) int {
	switch {
	case a.sev != b.sev:
		return cmp.Compare(a.sev, b.sev)
	case a.count != b.count:
		return cmp.Compare(b.count, a.count)
	}
	if d := compareText(&a.src, &b.src, text[a.i][0], text[b.i][0]); d != 0 {
		return d
	}
	if d := compareText(&a.dst, &b.dst, text[a.i][1], text[b.i][1]); d != 0 {
		return d
	}
	x, y := c.order[a.i], c.order[b.i]
	switch {
	case x.id.proto != y.id.proto:
		return strings.Compare(ProtoName(x.id.proto), ProtoName(y.id.proto))
	case x.id.dport != y.id.dport:
		return cmp.Compare(x.id.dport, y.id.dport)
	case x.id.requirement != y.id.requirement:
		return strings.Compare(x.id.requirement, y.id.requirement)
	case a.state != b.state:
		return strings.Compare(stateName(a.state), stateName(b.state))
	}
	// What is left tells every two groups apart whatever the order they
	// were collected in (several workers): their keys.
	if d := cmp.Or(cmp.Compare(ord(x.first), ord(y.first)), strings.Compare(x.id.dstName, y.id.dstName),
		strings.Compare(x.id.srcRole, y.id.srcRole), strings.Compare(x.id.reason, y.id.reason),
		cmp.Compare(x.id.verdict, y.id.verdict)); d != 0 {
		return d
	}
	return cmp.Compare(a.i, b.i)
}

// sortRows sorts rows by compare, whose order is total: with more than one
// CPU, the halves are sorted at once and then merged (into a new slice,
// which it returns).
func sortRows(rows []row, compare func(a, b row) int) []row {
	if runtime.GOMAXPROCS(0) < 2 || len(rows) < 2*parallelMin {
		slices.SortFunc(rows, compare)
		return rows
	}
	half := len(rows) / 2
	l, r := rows[:half], rows[half:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(l, compare) })
	slices.SortFunc(r, compare)
	wg.Wait()
	out := make([]row, 0, len(rows))
	for len(l) > 0 && len(r) > 0 {
		if compare(l[0], r[0]) <= 0 {
			out, l = append(out, l[0]), l[1:]
		} else {
			out, r = append(out, r[0]), r[1:]
		}
	}
	out = append(out, l...)
	return append(out, r...)
}

func stateName(st int32) string {
	if st < 0 {
		return ""
	}
	return classify.ConnState(st).String()
}

func portsText(e *catalog.Effective) string {
	s := e.Ports.String()
	if e.Dynamic {
		if s != "" {
			s += ","
		}
		s += "dynamic"
	}
	if e.Proto == catalog.ProtoICMP && len(e.ICMPTypes) > 0 {
		s = "type"
		for i, t := range e.ICMPTypes {
			if i > 0 {
				s += ","
			} else {
				s += " "
			}
			s += itoa(int(t))
		}
	}
	return s
}

// inParallel runs fn over [0, n) split into one range per CPU, when n is
// large enough to be worth it: a report of tens of thousands of groups
// is built after the input has been read, with every CPU idle but one
// (BenchmarkBuild, 17,000 groups, 2 CPUs: 19-21 ms -> 13-15 ms; the two
// loops over the groups are most of Build). fn must only write to the
// elements of its range.
func inParallel(n int, fn func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n/parallelMin)
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := n*p/parts, n*(p+1)/parts
		if p == parts-1 {
			fn(lo, hi)
			break
		}
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

// parallelMin is the fewest groups per goroutine in inParallel.
const parallelMin = 2048
