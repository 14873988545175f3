package dns

// Chain appends to dst the question name followed by the CNAME chain that
// starts from it: for "www.example.com CNAME a.cdn.net", "a.cdn.net CNAME
// b.cdn.net", it appends www.example.com, a.cdn.net, b.cdn.net. The records
// may come in any order. The walk stops at a name without a CNAME, at a
// name already in the chain (a CNAME loop), or after len(Answers) steps.
//
// An address answer belongs to the question when its owner name is in the
// chain; every name of the chain up to and including that owner then
// resolved to the address (AddrNames does this for one answer). Pass a
// reused dst (dst[:0]) to stay allocation-free.
func (m *Message) Chain(dst []Name) []Name {
	if !m.hasQ {
		return dst
	}
	base := len(dst)
	dst = append(dst, m.Question)
	cur := m.Question
	for steps := 0; steps < len(m.Answers); steps++ {
		next, ok := m.cname(cur)
		if !ok || inChain(dst[base:], next) {
			break
		}
		dst = append(dst, next)
		cur = next
	}
	return dst
}

// AddrNames appends to dst the names that resolved to the address of
// Answers[i]: the question, each CNAME target after it, ending with the
// owner name of Answers[i]. ok is false when Answers[i] is not an address
// record or its owner is not reached from the question (an unrelated record
// in the answer section); dst is then returned unchanged.
func (m *Message) AddrNames(i int, dst []Name) (names []Name, ok bool) {
	if i < 0 || i >= len(m.Answers) || !m.Answers[i].Addr.IsValid() {
		return dst, false
	}
	base := len(dst)
	dst = m.Chain(dst)
	owner := m.Answers[i].Name
	for j := base; j < len(dst); j++ {
		if dst[j].Equal(owner) {
			return dst[:j+1], true
		}
	}
	return dst[:base], false
}

// cname returns the target of the first CNAME record owned by n.
func (m *Message) cname(n Name) (Name, bool) {
	for i := range m.Answers {
		if rr := &m.Answers[i]; rr.Type == TypeCNAME && rr.Name.Equal(n) {
			return rr.Target, true
		}
	}
	return Name{}, false
}

func inChain(chain []Name, n Name) bool {
	for _, c := range chain {
		if c.Equal(n) {
			return true
		}
	}
	return false
}
