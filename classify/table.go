package classify

import (
	"iter"
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
// order they were put on it (Flow.listed). Links are flow numbers (Flow.id;
// 0: none). A packet of a flow does not move it (that cost two cache misses
// on its neighbours per packet); instead a flow found at the front with
// newer activity than when it was listed is moved to the back then. Since
// the others were listed later, a front flow listed within the timeout
// means no flow of the list has expired.
type flowList struct{ head, tail uint32 }

func (t *table) remove(l *flowList, f *Flow) {
	if f.prev != 0 {
		t.store.at(f.prev).next = f.next
	} else {
		l.head = f.next
	}
	if f.next != 0 {
		t.store.at(f.next).prev = f.prev
	} else {
		l.tail = f.prev
	}
	f.prev, f.next = 0, 0
}

func (t *table) pushBack(l *flowList, f *Flow) {
	f.listed = f.Last
	f.prev, f.next = l.tail, 0
	if l.tail != 0 {
		t.store.at(l.tail).next = f.id
	} else {
		l.head = f.id
	}
	l.tail = f.id
}

// front returns the oldest flow of list l, nil if it is empty.
func (t *table) front(l *flowList) *Flow {
	if l.head == 0 {
		return nil
	}
	return t.store.at(l.head)
}

// table holds the active flows.
type table struct {
	flows    flowIndex
	lists    [numClasses]flowList
	timeouts [numClasses]int64
	limit    int
	store    *slabs[Flow]
	dupRings slabs[dupRing]
	freeMore []*flowMore
	sink     func(*Flow)
	drain    func(iter.Seq[*Flow]) // at flush, instead of sink (Config.Drain)

	evictedByLimit uint64
	expired        uint64
	lastExpiry     int64
	peak           uint32 // flows held at once before the last flush, at most
}

func newTable(t Timeouts, limit int, sink func(*Flow)) *table {
	pick := func(v, d time.Duration) int64 {
		if v <= 0 {
			v = d
		}
		return int64(v)
	}
	tb := &table{store: new(slabs[Flow]), limit: limit, sink: sink}
	tb.flows = newFlowIndex(tb.store)
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
	id, f := t.store.alloc()
	f.id, f.key = id, k
	f.First, f.Last = now, now
	t.flows.put(f, h)
	return f
}

// peakFlows is the most flows the table held at once: the store hands out
// a new number only when no finished flow's is free.
func (t *table) peakFlows() uint32 { return max(t.peak, t.store.n) }

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
		if f.class == c {
			return // see flowList
		}
		t.remove(&t.lists[f.class], f)
	}
	f.class = c
	t.pushBack(&t.lists[c], f)
}

// settle moves the flows at the front of l that were active since they
// were listed to the back, until the front is the least recently active.
// stop bounds the work: it returns at the first front flow listed after it.
func (t *table) settle(l *flowList, stop int64) {
	for f := t.front(l); f != nil && f.listed <= stop && f.Last > f.listed; f = t.front(l) {
		t.remove(l, f)
		t.pushBack(l, f)
	}
}

// expire ends the flows idle for longer than their class's timeout.
func (t *table) expire(now int64) {
	t.lastExpiry = now
	for c := range t.lists {
		l := &t.lists[c]
		stop := now - t.timeouts[c] - 1
		for t.settle(l, stop); ; t.settle(l, stop) {
			f := t.front(l)
			if f == nil || now-f.Last <= t.timeouts[c] {
				break
			}
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
		t.settle(&t.lists[c], math.MaxInt64)
		if f := t.front(&t.lists[c]); f != nil {
			f.bits |= bitEvicted
			t.end(f)
			t.evictedByLimit++
			return
		}
	}
}

// end removes a flow, hands it to the sink, and keeps it for reuse.
func (t *table) end(f *Flow) {
	t.remove(&t.lists[f.class], f)
	t.flows.del(f, hashKey(&f.key))
	t.sink(f)
	if f.more != nil {
		f.more.stream = nil // the reassembly buffer is not recycled
		t.freeMore = append(t.freeMore, f.more)
		f.more = nil
	}
	if f.dups != 0 {
		t.dupRings.release(f.dups)
		f.dups = 0
	}
	f.DNSNames = nil
	t.store.release(f.id)
}

// flush ends every flow (end of input). Reports sort what they show, so
// the order here does not matter. It then lets go of the flows kept for
// reuse and of the index: the report is built after the input ends, and a
// full table (hundreds of MiB) would otherwise add to that peak. Since
// the whole table goes, a flow is only handed to the sink (or drain):
// unlinking it from its list and the index, one by one, cost a sixth of
// ending it.
func (t *table) flush() {
	all := func(yield func(*Flow) bool) {
		for c := range t.lists {
			for id := t.lists[c].head; id != 0; {
				f := t.store.at(id)
				id = f.next
				if !yield(f) {
					return
				}
			}
		}
	}
	if t.drain != nil {
		t.drain(all)
	} else {
		for f := range all {
			t.sink(f)
		}
	}
	t.lists = [numClasses]flowList{}
	t.peak = t.peakFlows()
	t.store, t.dupRings, t.freeMore = new(slabs[Flow]), slabs[dupRing]{}, nil
	t.flows = newFlowIndex(t.store)
}
