package report

import (
	"cmp"
	"slices"
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
func severity(g *FlowGroup) int {
	switch g.Verdict {
	case "exposure":
		return 0
	case "blocked":
		if g.Requirement != "" {
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

// Build assembles the report from the collected flows.
func (c *Collector) Build(capture Capture, site *catalog.Site) *Report {
	r := &Report{Capture: capture, Flows: []FlowGroup{}, Requirements: []RequirementStatus{},
		Diff: Diff{DocumentedSeen: []string{}, DocumentedFailing: []string{}, DocumentedNeverSeen: []string{}, SeenUndocumented: []int{}}}
	if r.Capture.Files == nil {
		r.Capture.Files = []string{}
	}
	r.Capture.Connections = c.total
	r.Summary = Summary{Connections: c.total, Verdicts: map[string]uint64{}, DocumentedBlocked: c.docBlock, RequirementsStatus: map[string]int{}}
	for i, n := range c.verdicts {
		r.Summary.Verdicts[classify.Verdict(i).String()] = n
	}
	// The report shares the groups' lists: the collector must copy a
	// group before changing it from now on.
	c.stamp = newStamp()
	r.Flows = make([]FlowGroup, 0, len(c.order))
	for _, e := range c.order {
		g := e.g
		g.ConnStates = map[string]uint64{}
		for st, n := range e.sets.states {
			if n > 0 {
				g.ConnStates[classify.ConnState(st).String()] = n
			}
		}
		g.ConnState = mostCommon(g.ConnStates)
		r.Flows = append(r.Flows, g)
	}
	slices.SortStableFunc(r.Flows, func(a, b FlowGroup) int {
		return cmp.Or(
			cmp.Compare(severity(&a), severity(&b)),
			cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Src, b.Src),
			cmp.Compare(a.Dst, b.Dst),
			cmp.Compare(a.Proto, b.Proto),
			cmp.Compare(a.DstPort, b.DstPort),
			cmp.Compare(a.Requirement, b.Requirement),
			cmp.Compare(a.ConnState, b.ConnState),
			a.FirstSeen.Compare(b.FirstSeen),
		)
	})
	for i := range r.Flows {
		g := &r.Flows[i]
		if g.Verdict != "documented" {
			r.Summary.Findings++
		}
		if g.Verdict == "undocumented-port" || g.Verdict == "unexpected" {
			r.Diff.SeenUndocumented = append(r.Diff.SeenUndocumented, i)
		}
	}
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

// mostCommon returns the state most connections of a group ended in
// (ties: alphabetical, so reports are stable).
func mostCommon(m map[string]uint64) string {
	best, n := "", uint64(0)
	for s, c := range m {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
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
