package classify

import "time"

// Timeouts end flows that went idle, so the table holds the active flows
// only, however long the capture. Defaults follow Zeek where it has one.
type Timeouts struct {
	TCPEstablished time.Duration // Zeek's tcp_inactivity_timeout
	TCPHalfOpen    time.Duration // an attempt without answer: longer than SYN retries last
	TCPClosed      time.Duration // after FIN/RST: stragglers still count
	UDP            time.Duration // Zeek's udp_inactivity_timeout (also ICMP)
}

// DefaultTimeouts are used when a field is zero.
var DefaultTimeouts = Timeouts{
	TCPEstablished: 5 * time.Minute,
	TCPHalfOpen:    2 * time.Minute,
	TCPClosed:      10 * time.Second,
	UDP:            time.Minute,
}

type timeoutClass uint8

const (
	classHalfOpen timeoutClass = iota
	classEstablished
	classClosed
	classDatagram
	numClasses
)

// flowList is a doubly linked list of flows of one timeout class, oldest
// activity first: the front is always the next to expire.
type flowList struct{ head, tail *Flow }

func (l *flowList) remove(f *Flow) {
	if f.prev != nil {
		f.prev.next = f.next
	} else {
		l.head = f.next
	}
	if f.next != nil {
		f.next.prev = f.prev
	} else {
		l.tail = f.prev
	}
	f.prev, f.next = nil, nil
}

func (l *flowList) pushBack(f *Flow) {
	f.prev, f.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = f
	} else {
		l.head = f
	}
	l.tail = f
}

// table holds the active flows.
type table struct {
	flows    flowIndex
	lists    [numClasses]flowList
	timeouts [numClasses]int64
	limit    int
	free     []*Flow
	slab     []Flow // flows not handed out yet
	freeMore []*flowMore
	freeDups []*dupRing
	sink     func(*Flow)

	evictedByLimit uint64
	expired        uint64
	lastExpiry     int64
}

func newTable(t Timeouts, limit int, sink func(*Flow)) *table {
	pick := func(v, d time.Duration) int64 {
		if v <= 0 {
			v = d
		}
		return int64(v)
	}
	tb := &table{flows: newFlowIndex(), limit: limit, sink: sink}
	tb.timeouts[classHalfOpen] = pick(t.TCPHalfOpen, DefaultTimeouts.TCPHalfOpen)
	tb.timeouts[classEstablished] = pick(t.TCPEstablished, DefaultTimeouts.TCPEstablished)
	tb.timeouts[classClosed] = pick(t.TCPClosed, DefaultTimeouts.TCPClosed)
	tb.timeouts[classDatagram] = pick(t.UDP, DefaultTimeouts.UDP)
	return tb
}

// newFlow returns a zeroed flow, reusing a finished one when it can, and
// makes room when the table is full.
func (t *table) newFlow(k flowKey, h uint64, now int64) *Flow {
	if t.limit > 0 && t.flows.n >= t.limit {
		t.evictOldest()
	}
	var f *Flow
	if n := len(t.free); n > 0 {
		f = t.free[n-1]
		t.free = t.free[:n-1]
		*f = Flow{}
	} else {
		if len(t.slab) == 0 {
			t.slab = make([]Flow, flowSlab)
		}
		f = &t.slab[0]
		t.slab = t.slab[1:]
	}
	f.key = k
	f.First, f.Last = now, now
	t.flows.put(f, h)
	return f
}

// flowSlab is how many flows are allocated at once: one object for the
// allocator and the collector rather than hundreds, and no rounding up to
// a size class per flow. Flows are never freed (the free list keeps them),
// so a slab never pins memory that would otherwise be released.
const flowSlab = 256

// newMore returns a zeroed flowMore, reusing a finished flow's.
func (t *table) newMore() *flowMore {
	if n := len(t.freeMore); n > 0 {
		m := t.freeMore[n-1]
		t.freeMore = t.freeMore[:n-1]
		*m = flowMore{}
		return m
	}
	return new(flowMore)
}

// live returns the flow of key k, nil if there is none or if it went idle
// past its timeout: that flow then ends, and the packet starts another,
// whenever the periodic expiry would have run.
func (t *table) live(k *flowKey, h uint64, now int64) *Flow {
	f := t.flows.get(k, h)
	if f != nil && now-f.Last > t.timeouts[f.class] {
		t.end(f)
		t.expired++
		return nil
	}
	return f
}

// touch moves a flow to the back of the list of its (possibly new) class.
func (t *table) touch(f *Flow, c timeoutClass, inList bool) {
	if inList {
		t.lists[f.class].remove(f)
	}
	f.class = c
	t.lists[c].pushBack(f)
}

// expire ends the flows idle for longer than their class's timeout.
func (t *table) expire(now int64) {
	t.lastExpiry = now
	for c := range t.lists {
		l := &t.lists[c]
		for f := l.head; f != nil && now-f.Last > t.timeouts[c]; f = l.head {
			t.end(f)
			t.expired++
		}
	}
}

// evictOldest ends one flow to make room: a half-open attempt first (a SYN
// scan must not push out established flows), then a datagram flow, then
// the least recently active of the others.
func (t *table) evictOldest() {
	for _, c := range []timeoutClass{classHalfOpen, classDatagram, classClosed, classEstablished} {
		if f := t.lists[c].head; f != nil {
			f.bits |= bitEvicted
			t.end(f)
			t.evictedByLimit++
			return
		}
	}
}

// end removes a flow, hands it to the sink, and keeps it for reuse.
func (t *table) end(f *Flow) {
	t.lists[f.class].remove(f)
	t.flows.del(f, hashKey(&f.key))
	t.sink(f)
	if f.more != nil {
		f.more.stream = nil // the reassembly buffer is not recycled
		t.freeMore = append(t.freeMore, f.more)
		f.more = nil
	}
	if f.dups != nil {
		t.freeDups = append(t.freeDups, f.dups)
		f.dups = nil
	}
	f.DNSNames = nil
	t.free = append(t.free, f)
}

// flush ends every flow (end of input). Reports sort what they show, so
// the order here does not matter. It then lets go of the flows kept for
// reuse and of the index: the report is built after the input ends, and a
// full table (hundreds of MiB) would otherwise add to that peak.
func (t *table) flush() {
	for c := range t.lists {
		for f := t.lists[c].head; f != nil; f = t.lists[c].head {
			t.end(f)
		}
	}
	t.free, t.slab, t.freeMore, t.freeDups = nil, nil, nil, nil
	t.flows = newFlowIndex()
}
