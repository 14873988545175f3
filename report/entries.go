package report

import (
	"maps"
	"slices"
	"sync/atomic"
)

// A collector merged into another shares its groups with it instead of
// copying them: a pipeline's report merges each worker's collector into
// a fresh one, and copying tens of thousands of groups cost more than
// building the report. Either collector copies a shared group before it
// changes it (live mode's workers go on adding flows after a report).
// Stamps tell a collector's own groups from shared ones.

var stamps atomic.Uint64

// newStamp returns a stamp no collector has used.
func newStamp() uint64 { return stamps.Add(1) }

// lookup returns the group of key k, ready to be changed; nil if none.
func (c *Collector) lookup(k *groupKey) *groupEntry {
	i, ok := c.indexed()[*k]
	if !ok {
		return nil
	}
	return c.own(int(i))
}

// indexed returns the index of the groups, building it when a merge
// left it out.
func (c *Collector) indexed() map[groupKey]int32 {
	if c.index == nil {
		c.index = make(map[groupKey]int32, len(c.order))
		for i, e := range c.order {
			c.index[e.key] = int32(i)
		}
	}
	return c.index
}

// own returns the i-th group, copied first if it is shared.
func (c *Collector) own(i int) *groupEntry {
	e := c.order[i]
	if e.stamp != c.stamp {
		e = e.clone(c.stamp)
		c.order[i] = e
	}
	return e
}

// newEntry adds an empty group of key k.
func (c *Collector) newEntry(k groupKey) *groupEntry {
	e := &groupEntry{key: k, stamp: c.stamp}
	c.insert(e)
	return e
}

// insert adds a group that no group of c has the key of.
func (c *Collector) insert(e *groupEntry) {
	if e.key.coarse {
		c.coarse++
	}
	c.indexed()[e.key] = int32(len(c.order))
	c.order = append(c.order, e)
}

// clone copies a group deeply enough that changing the copy (appending to
// and sorting its lists, adding to its sets) leaves e as it was.
func (e *groupEntry) clone(stamp uint64) *groupEntry {
	n := *e
	n.stamp = stamp
	n.g.Names = slices.Clone(e.g.Names)
	n.g.SrcRoles = slices.Clone(e.g.SrcRoles)
	n.g.DstRoles = slices.Clone(e.g.DstRoles)
	n.sets.src = e.sets.src.clone()
	n.sets.dst = e.sets.dst.clone()
	return &n
}

func (d *distinct) clone() distinct {
	return distinct{few: slices.Clone(d.few), many: maps.Clone(d.many)}
}
