package report

import (
	"math"
	"net/netip"
)

// level is how much of a flow its group keeps: the level of detail of a
// collector's groups, all of them.
//
// A collector's level follows from the flows it has seen, never from their
// order: it leaves levelFine once more than MaxGroups distinct groups would
// be kept in detail, and levelPort once more than maxCoarse groups remain
// per port. Two collectors merge at the higher of their levels, then fold
// further if the union needs it: a count of distinct keys only grows as
// flows come, so every order and split of the same flows (one worker or
// several) ends at the same level with the same groups.
type level uint8

const (
	levelFine level = iota // a group per source (or role), destination (or name), port, verdict
	levelPort              // destination "*": a group per source, port and verdict
	levelAny               // destination "*", any port: a group per source and verdict
)

// grouping names a level as Summary.Grouping does.
func (l level) grouping() string {
	switch l {
	case levelPort:
		return "per-port"
	case levelAny:
		return "per-source"
	}
	return ""
}

// groupingText says in words what a report's grouping means.
func groupingText(g string) string {
	switch g {
	case "per-port":
		return "over 50,000 distinct groups (a scan?): findings are grouped per source, port, verdict and requirement, destination *"
	case "per-source":
		return "over 50,000 distinct groups and 10,000 ports (a scan?): findings are grouped per source, verdict and requirement, destination * and port 0"
	}
	return ""
}

// bound is how many groups a collector keeps at level l before it folds.
func (l level) bound() int {
	switch l {
	case levelFine:
		return MaxGroups
	case levelPort:
		return maxCoarse
	}
	return math.MaxInt
}

// coarsen makes k the key of its group at level l.
func (k *groupKey) coarsen(l level) {
	if l >= levelPort {
		k.dstName, k.dst, k.coarse = "", netip.Addr{}, true
	}
	if l >= levelAny {
		k.dport = 0
	}
}

// fold moves the collector's groups to the next coarser level, and on as
// long as there are more than its bound: each group is merged into the
// coarser group its key belongs to.
func (c *Collector) fold() {
	for len(c.order) > c.level.bound() {
		c.regroup(c.level + 1)
	}
}

// regroup moves the collector's groups to level l, coarser than theirs.
func (c *Collector) regroup(l level) {
	old := c.order
	c.order, c.index, c.next, c.slab, c.level = nil, nil, nil, nil, l
	for _, e := range old {
		c.absorb(e)
	}
}

// absorb adds group o, of c's level or finer, to c's groups.
func (c *Collector) absorb(o *groupEntry) {
	k := o.key()
	k.coarsen(c.level)
	if k.groupID == o.id {
		if i := c.find(o.hash, &k); i >= 0 {
			c.own(i).merge(o)
		} else {
			c.insert(o)
		}
		return
	}
	h := hashKey(&k)
	if i := c.find(h, &k); i >= 0 {
		c.own(i).merge(o)
		return
	}
	// The first group of a coarser key becomes that group: a copy, since
	// o may be shared with another collector.
	e := o.clone(c.stamp)
	e.id, e.hash = k.groupID, h
	c.insert(e)
}
