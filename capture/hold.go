package capture

import "sync/atomic"

// A Hold keeps one read buffer of a source alive for the packets that point
// into it. A classic pcap source opened with Options.Holds fills each
// buffer once and then moves on to a fresh one, so Packet.Data stays valid
// after the next Next call for as long as someone holds the buffer: a
// reader can then hand packets to other goroutines without copying them
// (the sharded audit does). Without Options.Holds, Packet.Hold is nil and
// Data is valid only until the next Next call.
//
// The source holds the buffer it is reading; whoever keeps packets calls
// Retain once per holder (a batch, say) before the next Next call, and
// Release when done with them. The last Release returns the buffer to its
// pool.
type Hold struct {
	buf  []byte
	refs atomic.Int32
	pool *Holds
}

// Retain adds a holder.
func (h *Hold) Retain() { h.refs.Add(1) }

// Release drops a holder; the last one recycles the buffer.
func (h *Hold) Release() {
	switch n := h.refs.Add(-1); {
	case n == 0:
		h.pool.put(h)
	case n < 0:
		panic("capture: Hold released more often than retained")
	}
}

// Holds is a pool of read buffers shared by the sources of one audit. It is
// safe for concurrent use.
type Holds struct {
	size int
	free chan *Hold
}

// NewHolds returns a pool of buffers of size bytes (0: the default read
// buffer size), keeping up to keep idle buffers for reuse.
func NewHolds(size, keep int) *Holds {
	if size <= 0 {
		size = defaultBufferSize
	}
	return &Holds{size: size, free: make(chan *Hold, keep)}
}

// get returns a buffer of at least n bytes, held once (by the source).
func (p *Holds) get(n int) *Hold {
	var h *Hold
	if n <= p.size {
		select {
		case h = <-p.free:
		default:
			h = &Hold{buf: make([]byte, p.size), pool: p}
		}
	} else {
		h = &Hold{buf: make([]byte, n), pool: p}
	}
	h.refs.Store(1)
	return h
}

func (p *Holds) put(h *Hold) {
	if len(h.buf) != p.size {
		return // an oversized buffer for one huge record: let it go
	}
	select {
	case p.free <- h:
	default:
	}
}
