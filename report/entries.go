package report

import (
	"encoding/binary"
	"hash/maphash"
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

// keySeed seeds the hashes of group keys: one for every collector, so a
// group's hash, computed once, serves every collector it is merged into.
var keySeed = maphash.MakeSeed()

// hashKey hashes what identifies a group, laid out in bytes: hashing the
// key as a value (maphash.Comparable) costs a call per field, and was a
// quarter of what Add cost. Equal keys give equal bytes.
func hashKey(k *groupKey) uint64 {
	var buf [256]byte
	b := buf[:0]
	for _, s := range [...]string{k.srcRole, k.dstName, k.requirement, k.reason} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	src, dst := k.src.As16(), k.dst.As16()
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	b = binary.LittleEndian.AppendUint16(b, k.dport)
	coarse := byte(0)
	if k.coarse {
		coarse = 1
	}
	// BitLen tells IPv4 from IPv6 (and from no address) with the same bytes.
	b = append(b, byte(k.src.BitLen()), byte(k.dst.BitLen()), k.proto, byte(k.verdict), coarse)
	return maphash.Bytes(keySeed, b)
}

// lookup returns the group of key k (of hash h), ready to be changed; nil
// if none.
func (c *Collector) lookup(h uint64, k *groupKey) *groupEntry {
	i := c.find(h, k)
	if i < 0 {
		return nil
	}
	return c.own(i)
}

// find returns the position of the group of key k (of hash h), -1 if none.
func (c *Collector) find(h uint64, k *groupKey) int {
	c.indexed()
	i, ok := c.index[h]
	if !ok {
		return -1
	}
	for ; i >= 0; i = c.next[i] {
		if c.order[i].is(k) {
			return int(i)
		}
	}
	return -1
}

// indexed builds the index when a merge left it out.
func (c *Collector) indexed() {
	if c.index != nil {
		return
	}
	c.index = make(map[uint64]int32, len(c.order))
	c.next = make([]int32, 0, len(c.order))
	for i, e := range c.order {
		c.link(int32(i), e.hash)
	}
}

// link indexes the group at position i.
func (c *Collector) link(i int32, h uint64) {
	prev, ok := c.index[h]
	if !ok {
		prev = -1
	}
	c.next = append(c.next, prev)
	c.index[h] = i
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

// newEntry adds an empty group of key k, of hash h; the caller gives it
// the addresses of its key.
func (c *Collector) newEntry(k groupID, h uint64) *groupEntry {
	if len(c.slab) == 0 {
		c.slab = make([]groupEntry, min(max(len(c.order)/4, 16), maxSlab))
	}
	e := &c.slab[0]
	c.slab = c.slab[1:]
	e.id, e.hash, e.stamp = k, h, c.stamp
	c.insert(e)
	return e
}

// Groups are allocated in slabs: one allocation of some 400 bytes per new
// group was most of what Add cost. A slab lives as long as one of its
// groups; a group copied because it was shared leaves its slot unused,
// at most once per group and report.
const maxSlab = 1024

// insert adds a group that no group of c has the key of.
func (c *Collector) insert(e *groupEntry) {
	c.indexed()
	c.link(int32(len(c.order)), e.hash)
	c.order = append(c.order, e)
}
