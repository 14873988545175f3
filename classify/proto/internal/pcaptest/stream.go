package pcaptest

import "net/netip"

// Stream is one direction of a TCP connection, reassembled.
type Stream struct {
	Src, Dst netip.AddrPort // Src sent Data
	Data     []byte
	// Ends[i] is len(Data) after the i-th segment that extended it, in
	// capture order: Data[:Ends[i]] is what a parser had seen then.
	Ends []int
	Gap  bool // a segment was missing: Data stops before it
}

type flowKey struct{ src, dst netip.AddrPort }

type seg struct {
	seq  uint32
	data []byte
}

type asm struct {
	st      *Stream
	isn     bool   // next was set from a SYN or the first data
	next    uint32 // sequence number of the byte after Data
	pending []seg  // out-of-order segments
}

// TCPStreams reassembles the payload of each direction of each TCP
// connection, in order of first appearance. The stream starts after the SYN
// when the capture has it, else at the first data segment; retransmitted
// and overlapping bytes are taken once; a hole (a segment never captured)
// ends the stream there.
func TCPStreams(pkts []Packet) []*Stream {
	var order []*asm
	flows := map[flowKey]*asm{}
	for _, p := range pkts {
		if !p.TCP {
			continue
		}
		k := flowKey{p.Src, p.Dst}
		a := flows[k]
		if a == nil {
			a = &asm{st: &Stream{Src: p.Src, Dst: p.Dst}}
			flows[k] = a
			order = append(order, a)
		}
		if p.SYN {
			// A new connection on the same ports: start afresh.
			if len(a.st.Data) > 0 {
				a = &asm{st: &Stream{Src: p.Src, Dst: p.Dst}}
				flows[k] = a
				order = append(order, a)
			}
			a.isn, a.next = true, p.Seq+1
			continue
		}
		if len(p.Payload) == 0 {
			continue
		}
		if !a.isn {
			a.isn, a.next = true, p.Seq
		}
		a.add(seg{p.Seq, p.Payload})
	}
	var out []*Stream
	for _, a := range order {
		if len(a.pending) > 0 {
			a.st.Gap = true
		}
		if len(a.st.Data) > 0 {
			out = append(out, a.st)
		}
	}
	return out
}

func (a *asm) add(s seg) {
	grew := a.take(s)
	if !grew {
		if int32(s.seq-a.next) > 0 {
			a.pending = append(a.pending, s)
		}
		return
	}
	// Drain segments the new bytes made contiguous.
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(a.pending); i++ {
			p := a.pending[i]
			if int32(p.seq-a.next) <= 0 {
				a.take(p)
				a.pending = append(a.pending[:i], a.pending[i+1:]...)
				i--
				progress = true
			}
		}
	}
	a.st.Ends = append(a.st.Ends, len(a.st.Data))
}

// take appends the part of s after a.next if s starts at or before it.
func (a *asm) take(s seg) bool {
	d := int32(s.seq - a.next)
	if d > 0 {
		return false
	}
	skip := int(-d)
	if skip >= len(s.data) {
		return false // retransmission of bytes already taken
	}
	a.st.Data = append(a.st.Data, s.data[skip:]...)
	a.next += uint32(len(s.data) - skip)
	return true
}
