package report

import (
	"maps"
	"net/netip"
	"slices"
)

// maxDistinct bounds the distinct addresses a group counts: reports say
// "counted up to 1000".
const maxDistinct = 1000

// distinct is the set of a group's distinct addresses, counted up to
// maxDistinct. A scan folds millions of destinations into coarse groups
// that each count a few hundred: as a map of netip.Addr such a set cost
// some 40 bytes an address and was half of the collector's memory. IPv4
// addresses (nearly all) are kept as a sorted slice of 4-byte words; the
// others in a short list, a map beyond. Once the count reaches the bound
// it can no longer change, and the addresses are let go.
type distinct struct {
	v4   []uint32    // sorted
	more *otherAddrs // nil while no other address came; full once saturated
}

// otherAddrs holds the addresses that are not IPv4 (IPv6, IPv4-mapped
// IPv6, zoned), which are rare: a list while short, a map beyond.
type otherAddrs struct {
	few  []netip.Addr
	many map[netip.Addr]struct{}
}

// full marks a saturated set: its count is maxDistinct, whatever comes.
var full = &otherAddrs{}

const fewAddrs = 8

func (o *otherAddrs) len() int {
	if o == nil {
		return 0
	}
	return len(o.few) + len(o.many)
}

// add adds a and returns the count of distinct addresses, at most
// maxDistinct.
func (d *distinct) add(a netip.Addr) int {
	if d.more == full {
		return maxDistinct
	}
	if a.Is4() {
		w := as4(a)
		i, found := slices.BinarySearch(d.v4, w)
		if !found {
			d.v4 = slices.Insert(d.v4, i, w)
		}
	} else {
		if d.more == nil {
			d.more = &otherAddrs{}
		}
		d.more.add(a)
	}
	n := len(d.v4) + d.more.len()
	if n >= maxDistinct {
		d.v4, d.more = nil, full
		return maxDistinct
	}
	return n
}

func as4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func (o *otherAddrs) add(a netip.Addr) {
	if o.many != nil {
		o.many[a] = struct{}{}
		return
	}
	if slices.Contains(o.few, a) {
		return
	}
	if len(o.few) < fewAddrs {
		o.few = append(o.few, a)
		return
	}
	o.many = make(map[netip.Addr]struct{}, 2*fewAddrs)
	for _, x := range o.few {
		o.many[x] = struct{}{}
	}
	o.few = nil
	o.many[a] = struct{}{}
}

// union adds o's addresses to d and returns the count, as add does.
func (d *distinct) union(o *distinct) int {
	if o.more == full {
		d.v4, d.more = nil, full
		return maxDistinct
	}
	n := d.count()
	for _, w := range o.v4 {
		n = d.add(netip.AddrFrom4([4]byte{byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w)}))
	}
	if o.more != nil {
		for _, a := range o.more.few {
			n = d.add(a)
		}
		for a := range o.more.many {
			n = d.add(a)
		}
	}
	return n
}

// count is the count add last returned (0 for an empty set).
func (d *distinct) count() int {
	if d.more == full {
		return maxDistinct
	}
	return len(d.v4) + d.more.len()
}

// clone returns a copy that can change without changing d.
func (d *distinct) clone() distinct {
	n := distinct{v4: slices.Clone(d.v4), more: d.more}
	if d.more != nil && d.more != full {
		n.more = &otherAddrs{few: slices.Clone(d.more.few), many: maps.Clone(d.more.many)}
	}
	return n
}
