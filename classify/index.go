package classify

// flowIndex finds a flow by its key: an open-addressing hash table with
// linear probing. A slot holds 32 bits of the key's hash and the flow's
// number (slabs): eight bytes without a pointer, so a table of millions of
// flows costs the collector nothing to trace. It replaces a Go map keyed
// by the 38-byte flowKey, whose hashing and probing were the largest cost
// of a packet of a known flow (measured: BenchmarkEstablishedFlow, and the
// end-to-end profile).
//
// The slot position and the stored bits come from the hash's upper half:
// with several workers, the lower bits pick the worker (Sharded.owner),
// so all flows of one engine share them.
type flowIndex struct {
	slots []indexSlot // a power of two, at most half full
	n     int
	flows *slabs[Flow]
}

type indexSlot struct {
	h  uint32 // the key's hash >> 32
	id uint32 // the flow's number; 0: empty
}

func newFlowIndex(flows *slabs[Flow]) flowIndex {
	return flowIndex{slots: make([]indexSlot, 1024), flows: flows}
}

func (ix *flowIndex) mask() uint32 { return uint32(len(ix.slots) - 1) }

// get returns the flow of key k (hash h), or nil.
func (ix *flowIndex) get(k *flowKey, h uint64) *Flow {
	m, h32 := ix.mask(), uint32(h>>32)
	for i := h32 & m; ; i = (i + 1) & m {
		s := &ix.slots[i]
		if s.id == 0 {
			return nil
		}
		if s.h == h32 {
			if f := ix.flows.at(s.id); f.key.equal(k) {
				return f
			}
		}
	}
}

// put adds a flow whose key (hash h) is not in the index.
func (ix *flowIndex) put(f *Flow, h uint64) {
	if 2*(ix.n+1) > len(ix.slots) {
		ix.grow()
	}
	m, h32 := ix.mask(), uint32(h>>32)
	i := h32 & m
	for ix.slots[i].id != 0 {
		i = (i + 1) & m
	}
	ix.slots[i] = indexSlot{h: h32, id: f.id}
	ix.n++
}

func (ix *flowIndex) grow() {
	old := ix.slots
	ix.slots = make([]indexSlot, 2*len(old))
	m := ix.mask()
	for _, s := range old {
		if s.id == 0 {
			continue
		}
		i := s.h & m
		for ix.slots[i].id != 0 {
			i = (i + 1) & m
		}
		ix.slots[i] = s
	}
}

// del removes a flow (its key's hash h), shifting back the entries of its
// probe run so that no lookup stops early at the hole (no tombstones).
func (ix *flowIndex) del(f *Flow, h uint64) {
	m := ix.mask()
	i := uint32(h>>32) & m
	for ix.slots[i].id != f.id {
		if ix.slots[i].id == 0 {
			return
		}
		i = (i + 1) & m
	}
	for j := (i + 1) & m; ix.slots[j].id != 0; j = (j + 1) & m {
		home := ix.slots[j].h & m
		// Move slot j into the hole at i unless its home lies in (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			ix.slots[i] = ix.slots[j]
			i = j
		}
	}
	ix.slots[i] = indexSlot{}
	ix.n--
}
