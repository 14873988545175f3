package report

// pendingFlows are a report's flow groups, in the report's order, not yet
// spelled out as FlowGroups (Collector.BuildDeferred). The groups are the
// collector's, which copies a group before changing it once a report was
// built from it (Collector.stamp): they stay as they were.
type pendingFlows struct {
	groups []*groupEntry
	text   [][2]string // each group's first connection's source and destination as reports show them
}

// FlowGroups returns the report's flow groups (Flows), spelling them out
// first when the report was built deferred.
func (r *Report) FlowGroups() []FlowGroup {
	if p := r.pending; p != nil {
		r.Flows = make([]FlowGroup, len(p.groups))
		inParallel(len(p.groups), func(lo, hi int) {
			arena := make(StateCounts, 0, 2*(hi-lo))
			for i := lo; i < hi; i++ {
				r.Flows[i] = p.spell(i, &arena)
			}
		})
		r.pending = nil
	}
	return r.Flows
}

// spell spells out group i; its connection states go into arena.
func (p *pendingFlows) spell(i int, arena *StateCounts) FlowGroup {
	return p.groups[i].flowGroup(p.text[i][0], p.text[i][1], arena)
}
