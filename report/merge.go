package report

import (
	"slices"
)

// Merge adds another collector's counts (one per worker) into c. The two
// share o's groups afterwards (see entries.go): o may go on adding flows.
// The groups are merged at the coarser of the two levels of detail, and
// folded further if the union needs it (fold.go).
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
			rc.addExample(ex)
		}
	}
	// From now on o's groups are shared: o copies one before changing it.
	o.stamp = newStamp()
	if len(c.order) == 0 && c.level <= o.level {
		c.order, c.index, c.next, c.level = slices.Clone(o.order), nil, nil, o.level
		return
	}
	if o.level > c.level {
		c.regroup(o.level)
	}
	for _, oe := range o.order {
		c.absorb(oe)
	}
	c.fold()
}
