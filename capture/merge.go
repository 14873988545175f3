package capture

import (
	"errors"
	"io"
)

// mergeBufferBudget is the read-buffer memory OpenAll spreads over its inputs
// when Options.BufferSize is not set: 1 MiB each for up to 64 files, less
// (down to 64 KiB) for more, so merging a directory of ring-buffer files does
// not take a gigabyte.
const mergeBufferBudget = 64 << 20

// OpenAll opens several inputs and merges their packets in time order. With
// one name it returns that input's source itself (no heap). Packet.File is
// the index of the packet's input in names.
//
// The merge is zero copy: each input's current packet (its head) stays in
// that input's buffer, and an input is advanced only on the Next call after
// its head was returned, when the caller is done with it.
//
// Contract for problems (see the package documentation): OpenAll fails only
// for an empty list, standard input named twice, or a file the system cannot
// open. Anything wrong inside an input, including not being a capture at all,
// comes out of Next as a *Problem with Fatal == false; Ended reports that
// this input stopped, and the merge continues with the others.
func OpenAll(names []string, opts Options) (Source, error) {
	if len(names) == 0 {
		return nil, errors.New("capture: no inputs to open")
	}
	stdin := 0
	for _, n := range names {
		if n == "-" {
			if stdin++; stdin > 1 {
				return nil, errors.New("capture: standard input (-) named more than once")
			}
		}
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = max(minBufferSize, min(defaultBufferSize, mergeBufferBudget/len(names)))
	}
	m := &merged{
		srcs:    make([]Source, len(names)),
		heads:   make([]Packet, len(names)),
		heap:    make([]int, 0, len(names)),
		pending: -1,
	}
	for i, name := range names {
		src, err := openIndexed(name, i, true, opts)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				m.Close()
				return nil, err
			}
			src = &failedSource{p: p}
		}
		m.srcs[i] = src
		m.unprimed = append(m.unprimed, i)
	}
	if len(names) == 1 {
		return m.srcs[0], nil
	}
	return m, nil
}

// merged is a min-heap of inputs keyed by the time of their head packet.
type merged struct {
	srcs     []Source
	heads    []Packet // heads[i]: the next packet of input i, valid while i is in heap
	heap     []int    // input indices, heap[0] has the earliest head
	unprimed []int    // inputs whose first packet has not been read yet
	pending  int      // input whose head was returned last and must be advanced; -1 if none
}

// Next implements Source.
func (m *merged) Next(p *Packet) error {
	for len(m.unprimed) > 0 {
		i := m.unprimed[len(m.unprimed)-1]
		err := m.srcs[i].Next(&m.heads[i])
		if err != nil && !inputStops(err) {
			return err // a skipped part: the same input is read again next time
		}
		m.unprimed = m.unprimed[:len(m.unprimed)-1]
		if err == nil {
			m.push(i)
		} else if err != io.EOF {
			return err
		}
	}
	if i := m.pending; i >= 0 {
		err := m.srcs[i].Next(&m.heads[i])
		if err != nil && !inputStops(err) {
			return err
		}
		if err == nil {
			m.down(0)
		} else {
			m.pending = -1
			m.removeTop()
			if err != io.EOF {
				return err
			}
		}
	}
	if len(m.heap) == 0 {
		m.pending = -1
		return io.EOF
	}
	i := m.heap[0]
	*p = m.heads[i]
	m.pending = i
	return nil
}

// inputStops reports whether err from an input's Next means it has no more
// packets: io.EOF, or a Problem that ended it. Inputs opened for a merge never
// return fatal Problems, but an error of any other kind is treated as the end
// too, so that a broken input cannot make the merge spin.
func inputStops(err error) bool {
	if err == io.EOF {
		return true
	}
	var p *Problem
	return !errors.As(err, &p) || p.Ended || p.Fatal
}

func (m *merged) less(a, b int) bool {
	ta, tb := m.heads[a].Time, m.heads[b].Time
	if ta != tb {
		return ta < tb
	}
	return a < b
}

func (m *merged) push(i int) {
	m.heap = append(m.heap, i)
	j := len(m.heap) - 1
	for j > 0 {
		parent := (j - 1) / 2
		if !m.less(m.heap[j], m.heap[parent]) {
			break
		}
		m.heap[j], m.heap[parent] = m.heap[parent], m.heap[j]
		j = parent
	}
}

func (m *merged) down(j int) {
	h := m.heap
	for {
		c := 2*j + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && m.less(h[c+1], h[c]) {
			c++
		}
		if !m.less(h[c], h[j]) {
			return
		}
		h[j], h[c] = h[c], h[j]
		j = c
	}
}

func (m *merged) removeTop() {
	last := len(m.heap) - 1
	m.heap[0] = m.heap[last]
	m.heap = m.heap[:last]
	m.down(0)
}

// Progress sums the inputs; the total is unknown (0) if any input's is.
func (m *merged) Progress() (done, total int64) {
	unknown := false
	for _, s := range m.srcs {
		d, t := s.Progress()
		done += d
		total += t
		if _, failed := s.(*failedSource); t == 0 && !failed {
			unknown = true
		}
	}
	if unknown {
		total = 0
	}
	return done, total
}

// Stats sums the inputs.
func (m *merged) Stats() Stats {
	var st Stats
	for _, s := range m.srcs {
		st.add(s.Stats())
	}
	return st
}

// OneInterface implements Source: classic pcap inputs number no
// interfaces, so a merge of them is one interface when they share a link
// type. An input that failed to open counts against it.
func (m *merged) OneInterface() (LinkType, bool) {
	var link LinkType
	for i, s := range m.srcs {
		l, ok := s.OneInterface()
		if !ok || i > 0 && l != link {
			return 0, false
		}
		link = l
	}
	return link, true
}

// Close closes every input and returns the first error.
func (m *merged) Close() error {
	var first error
	for _, s := range m.srcs {
		if s == nil {
			continue
		}
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// failedSource stands for an input of a merge that could not be opened as a
// capture: its Next reports the problem once, then io.EOF.
type failedSource struct {
	p        *Problem
	reported bool
}

func (f *failedSource) Next(*Packet) error {
	if f.reported {
		return io.EOF
	}
	f.reported = true
	return f.p
}

func (f *failedSource) Progress() (int64, int64)       { return 0, 0 }
func (f *failedSource) Stats() Stats                   { return Stats{Problems: 1} }
func (f *failedSource) OneInterface() (LinkType, bool) { return 0, false }
func (f *failedSource) Close() error                   { return nil }
