package classify

// flowIndex finds a flow by its key: an open-addressing hash table with
// linear probing, holding each flow's pointer and the hash of its key.
// It replaces a Go map keyed by the 38-byte flowKey, whose hashing and
// probing were the largest cost of a packet of a known flow (measured:
// BenchmarkEstablishedFlow, and the end-to-end profile).
type flowIndex struct {
	slots []indexSlot // a power of two, at most half full
	n     int
}

type indexSlot struct {
	h uint64
	f *Flow // nil: empty
}

func newFlowIndex() flowIndex { return flowIndex{slots: make([]indexSlot, 1024)} }

func (ix *flowIndex) mask() uint64 { return uint64(len(ix.slots) - 1) }

// get returns the flow of key k (hash h), or nil.
func (ix *flowIndex) get(k *flowKey, h uint64) *Flow {
	m := ix.mask()
	for i := h & m; ; i = (i + 1) & m {
		s := &ix.slots[i]
		if s.f == nil {
			return nil
		}
		if s.h == h && s.f.key == *k {
			return s.f
		}
	}
}

// put adds a flow whose key (hash h) is not in the index.
func (ix *flowIndex) put(f *Flow, h uint64) {
	if 2*(ix.n+1) > len(ix.slots) {
		ix.grow()
	}
	m := ix.mask()
	i := h & m
	for ix.slots[i].f != nil {
		i = (i + 1) & m
	}
	ix.slots[i] = indexSlot{h: h, f: f}
	ix.n++
}

func (ix *flowIndex) grow() {
	old := ix.slots
	ix.slots = make([]indexSlot, 2*len(old))
	m := ix.mask()
	for _, s := range old {
		if s.f == nil {
			continue
		}
		i := s.h & m
		for ix.slots[i].f != nil {
			i = (i + 1) & m
		}
		ix.slots[i] = s
	}
}

// del removes a flow (its key's hash h), shifting back the entries of its probe run so that
// no lookup stops early at the hole (no tombstones).
func (ix *flowIndex) del(f *Flow, h uint64) {
	m := ix.mask()
	i := h & m
	for ix.slots[i].f != f {
		if ix.slots[i].f == nil {
			return
		}
		i = (i + 1) & m
	}
	for j := (i + 1) & m; ix.slots[j].f != nil; j = (j + 1) & m {
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
