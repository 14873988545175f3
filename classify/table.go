package classify

import (
	"math"
	"time"
)

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

// flowList is a doubly linked list of flows of one timeout class, in the
// order they were put on it (Flow.listed). A packet of a flow does not move
// it (that cost two cache misses on its neighbours per packet); instead a
// flow found at the front with newer activity than when it was listed is
// moved to the back then. Since the others were listed later, a front flow
// listed within the timeout means no flow of the list has expired.
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
	f.listed = f.Last
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
		f = new(Flow)
	}
	f.key, f.hash = k, h
	f.First, f.Last = now, now
	t.flows.put(f)
	return f
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

// touch records activity of a flow: a new flow, or one whose class changed,
// goes to the back of its class's list; otherwise it stays where it is.
func (t *table) touch(f *Flow, c timeoutClass, inList bool) {
	if inList {
		if f.class == c {
			return
		}
		t.lists[f.class].remove(f)
	}
	f.class = c
	t.lists[c].pushBack(f)
}

// settle moves the flows at the front of l that were active since they
// were listed to the back, until the front is the least recently active.
// stop bounds the work: it returns at the first front flow listed after it.
func (l *flowList) settle(stop int64) {
	for f := l.head; f != nil && f.listed <= stop && f.Last > f.listed; f = l.head {
		l.remove(f)
		l.pushBack(f)
	}
}

// expire ends the flows idle for longer than their class's timeout.
func (t *table) expire(now int64) {
	t.lastExpiry = now
	for c := range t.lists {
		l := &t.lists[c]
		stop := now - t.timeouts[c] - 1
		for l.settle(stop); l.head != nil && now-l.head.Last > t.timeouts[c]; l.settle(stop) {
			t.end(l.head)
			t.expired++
		}
	}
}

// evictOldest ends one flow to make room: a half-open attempt first (a SYN
// scan must not push out established flows), then a datagram flow, then
// the least recently active of the others.
func (t *table) evictOldest() {
	for _, c := range []timeoutClass{classHalfOpen, classDatagram, classClosed, classEstablished} {
		t.lists[c].settle(math.MaxInt64)
		if f := t.lists[c].head; f != nil {
			f.evicted = true
			t.end(f)
			t.evictedByLimit++
			return
		}
	}
}

// end removes a flow, hands it to the sink, and keeps it for reuse.
func (t *table) end(f *Flow) {
	t.lists[f.class].remove(f)
	t.flows.del(f)
	t.sink(f)
	f.names.release()
	t.free = append(t.free, f)
}

// flush ends every flow (end of input). Reports sort what they show, so
// the order here does not matter.
func (t *table) flush() {
	for c := range t.lists {
		for f := t.lists[c].head; f != nil; f = t.lists[c].head {
			t.end(f)
		}
	}
}
