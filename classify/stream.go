package classify

// streamPrefix reassembles the first bytes one side of a TCP connection
// sent, in sequence order, up to a limit: enough for a ClientHello that
// spans several segments (post-quantum key shares make that the common
// case), arrives out of order, or spans several TLS records; for an HTTP
// request line and Host; for DNS messages over TCP. The buffer is allocated
// only when a message does not fit in its first segment.
type streamPrefix struct {
	buf    []byte
	base   uint32 // sequence number of buf[0]
	based  bool
	have   int // bytes contiguous from base
	ranges [4]seqRange
	nr     int
	done   bool
}

type seqRange struct{ lo, hi int }

// add places a segment's payload. It returns the contiguous prefix when it
// grew (nil otherwise). limit bounds the buffer.
func (s *streamPrefix) add(seq uint32, data []byte, limit int) []byte {
	if s.done || len(data) == 0 {
		return nil
	}
	if !s.based {
		s.base, s.based = seq, true
	}
	off := int(int32(seq - s.base))
	if off < 0 {
		// Before the start (a retransmission overlapping it): keep the part after.
		if -off >= len(data) {
			return nil
		}
		data = data[-off:]
		off = 0
	}
	if off >= limit {
		return nil
	}
	if off+len(data) > limit {
		data = data[:limit-off]
	}
	end := off + len(data)
	if end <= s.have {
		return nil // all seen already
	}
	if cap(s.buf) < end {
		n := 2 * cap(s.buf)
		if n < 2048 {
			n = 2048
		}
		for n < end {
			n *= 2
		}
		if n > limit {
			n = limit
		}
		nb := make([]byte, len(s.buf), n)
		copy(nb, s.buf)
		s.buf = nb
	}
	if len(s.buf) < end {
		s.buf = s.buf[:end]
	}
	copy(s.buf[off:end], data)
	if off > s.have {
		s.addRange(off, end)
		return nil
	}
	s.have = end
	// Fold in the out-of-order ranges that now touch the prefix.
	for grew := true; grew; {
		grew = false
		for i := 0; i < s.nr; i++ {
			r := s.ranges[i]
			if r.lo <= s.have {
				if r.hi > s.have {
					s.have = r.hi
				}
				s.ranges[i] = s.ranges[s.nr-1]
				s.nr--
				grew = true
				i--
			}
		}
	}
	return s.buf[:s.have]
}

func (s *streamPrefix) addRange(lo, hi int) {
	for i := 0; i < s.nr; i++ {
		r := &s.ranges[i]
		if lo <= r.hi && hi >= r.lo {
			r.lo, r.hi = min(r.lo, lo), max(r.hi, hi)
			return
		}
	}
	if s.nr < len(s.ranges) {
		s.ranges[s.nr] = seqRange{lo, hi}
		s.nr++
	}
	// More holes than we track: the bytes are kept in buf but not counted
	// until the prefix reaches them again.
}

// consume drops n bytes from the front (a parsed DNS message) so the
// buffer holds only what is still to parse.
func (s *streamPrefix) consume(n int) {
	copy(s.buf, s.buf[n:])
	s.buf = s.buf[:len(s.buf)-n]
	s.have -= n
	s.base += uint32(n)
	for i := 0; i < s.nr; i++ {
		s.ranges[i].lo -= n
		s.ranges[i].hi -= n
	}
}

// finish stops collecting and lets the buffer go.
func (s *streamPrefix) finish() {
	s.done = true
	s.buf = nil
}
