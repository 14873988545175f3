package classify

import (
	"iter"
	"sync"
	"sync/atomic"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify/packet"
)

// Sharded runs engines in goroutines of their own, fed by the caller's
// goroutine (the reader): it decodes each packet once, to find its flow,
// and hands it to the engine that owns the flow's pair of hosts: a
// symmetric hash of the two addresses sends both directions, and every
// flow between the same two hosts, to the same engine (see owner).
// With one engine this is a two-stage pipeline: reading and decoding on
// one CPU, the flow table and classification on another (measured on the
// 5-million-packet gateway mix, 2 vCPUs: 1.05 s against 1.54 s for one
// goroutine doing both, docs/speed-log.md; an earlier design that also ran an engine in the
// reader's goroutine gained only 10%: the reader was the bottleneck).
//
// Every engine keeps its own Learner: DNS answers go to every engine, in
// capture order, learned by all and counted only by their flow's owner.
// Each learner keeps the answers any client received for an address, and
// the answers each client received only for the host pairs its engine
// owns (Learner.setShard): at every packet, an engine knows of its own
// flows exactly what a single engine would, and the report is the same
// for any number of engines, without locks or waiting.
//
// Packets from a source opened with capture.Options.Holds are handed over
// without copying (the batch holds their read buffer); the others' payloads
// are copied into the batch, since the reader's buffer is reused.
type Sharded struct {
	engines []*Engine
	active  []atomic.Int64
	snaps   []statsSnap
	p       packet.Parsed // the packet being dispatched
	meta    packetMeta    // its flow key and hash (owner)
	work    []chan *batch
	free    chan *batch
	cur     []*batch
	done    sync.WaitGroup
	// noCopies: Config.NoCopies; the payload's head is then not needed.
	noCopies bool
}

// statsSnap is an engine's counters as of its last batch, readable while
// it runs.
type statsSnap struct {
	sync.Mutex
	s Stats
}

// batch is a run of packets for one engine, with their decoding: the engine
// does not decode them again (measured: decoding bytes the reader's CPU
// just read cost the other CPU a cache miss per packet, more than copying
// the decoded header). Packets with a Hold point into the reader's buffers
// (held until the batch is done); the others' payloads are copied into buf.
type batch struct {
	items []batchItem
	holds []*capture.Hold
	buf   []byte
}

// batchItem is one packet of a batch, as the reader decoded it.
type batchItem struct {
	f         frame
	p         packet.Parsed
	st        packet.Status
	meta      packetMeta
	learnOnly bool // the engine only learns from it: another engine owns its flow
}

const (
	batchPackets = 512
	// batchBytes is the room for copied payloads a batch starts with (one
	// larger payload gets room of its own). Every engine has batchesQueue+2
	// batches: at 1 MiB each, the 5-million-packet gateway mix as pcapng
	// peaked at 157 MiB with five engines, 130 MiB at 256 KiB (bound 133),
	// no slower with one engine (10 paired runs). 512 packets of the mix's
	// payloads fill about 300 KiB: a batch may be sent before it is full.
	batchBytes   = 256 << 10
	batchesQueue = 8 // per engine: how far the reader may run ahead
)

// NewSharded starts n engines. cfg.MaxFlows is shared among them; sink is
// called from engine i's goroutine for its flows (classify them with
// Engine(i) as Parents), and drain, if not nil, with the flows engine i
// still tracks at Finish (see Config.Drain).
func NewSharded(n int, cfg Config, watch []uint16, sink func(worker int, f *Flow), drain func(worker int, flows iter.Seq[*Flow])) *Sharded {
	s := &Sharded{active: make([]atomic.Int64, n), snaps: make([]statsSnap, n),
		noCopies: cfg.NoCopies}
	s.free = make(chan *batch, n*(batchesQueue+2))
	for range n * (batchesQueue + 2) {
		s.free <- &batch{items: make([]batchItem, 0, batchPackets)}
	}
	for i := range n {
		c := cfg
		if cfg.MaxFlows > 0 {
			c.MaxFlows = max(1, cfg.MaxFlows/n)
		}
		worker := i
		c.Sink = func(f *Flow) { sink(worker, f) }
		if drain != nil {
			c.Drain = func(flows iter.Seq[*Flow]) { drain(worker, flows) }
		}
		e := New(c)
		e.SetWatchPorts(watch)
		e.learn.setShard(i, n)
		s.engines = append(s.engines, e)
		ch := make(chan *batch, batchesQueue)
		s.work = append(s.work, ch)
		s.cur = append(s.cur, <-s.free)
		s.done.Add(1)
		go func() {
			defer s.done.Done()
			s.run(worker, e, ch)
		}()
	}
	return s
}

// run is engine w's goroutine.
func (s *Sharded) run(w int, e *Engine, ch chan *batch) {
	for b := range ch {
		for i := range b.items {
			it := &b.items[i]
			if it.learnOnly {
				e.learnOnly(&it.p, it.f.Time)
			} else {
				e.decoded(it.f, &it.p, it.st, &it.meta)
			}
		}
		for _, h := range b.holds {
			h.Release()
		}
		s.active[w].Store(int64(e.ActiveFlows()))
		s.snap(w, e)
		clear(b.items) // drop references to released buffers
		b.items, b.holds, b.buf = b.items[:0], b.holds[:0], b.buf[:0]
		s.free <- b
	}
	e.Finish()
	s.active[w].Store(0)
	s.snap(w, e)
}

// Packet dispatches one packet: to the engine that owns its flow, and to
// every other engine too when their learners need it.
func (s *Sharded) Packet(cp *capture.Packet) {
	if len(s.engines) == 1 {
		s.packetOne(cp)
		return
	}
	st := s.p.Decode(uint32(cp.Link), cp.Data)
	w, learn := s.owner(&s.p, st)
	if learn {
		for o := range s.engines {
			if o != w {
				s.add(o, cp, &s.p, st, true)
			}
		}
	}
	s.add(w, cp, &s.p, st, false)
}

func (s *Sharded) add(w int, cp *capture.Packet, p *packet.Parsed, st packet.Status, learnOnly bool) {
	b := s.cur[w]
	if cp.Hold == nil && len(b.buf)+len(p.Payload) > cap(b.buf) && len(b.buf) > 0 || len(b.items) == cap(b.items) {
		s.send(w)
		b = s.cur[w]
	}
	b.items = append(b.items, batchItem{f: frameOf(cp), p: *p, st: st, learnOnly: learnOnly})
	it := &b.items[len(b.items)-1]
	if !learnOnly {
		it.meta = s.meta
		it.meta.head = dupHead(p.Payload, s.noCopies)
	}
	s.keepPayload(b, cp, &it.p)
}

// packetOne dispatches a packet to the only engine: it is decoded in its
// batch item rather than copied there, and no engine is picked. The reader
// still keys the flow: the engine is the slower stage (measured on the
// 5-million-packet gateway mix, 2 vCPUs: 1.44 -> 1.27 s, fastest of 11
// interleaved runs; 1.35 s when the engine keyed the flow).
func (s *Sharded) packetOne(cp *capture.Packet) {
	b := s.cur[0]
	// Room is made before decoding, so the whole frame stands for the
	// payload that may have to be copied.
	if len(b.items) == cap(b.items) || cp.Hold == nil && len(b.buf)+len(cp.Data) > cap(b.buf) && len(b.buf) > 0 {
		s.send(0)
		b = s.cur[0]
	}
	b.items = b.items[:len(b.items)+1]
	it := &b.items[len(b.items)-1]
	it.st = it.p.Decode(uint32(cp.Link), cp.Data)
	it.f, it.learnOnly = frameOf(cp), false
	it.meta = packetMeta{head: dupHead(it.p.Payload, s.noCopies)}
	if p := &it.p; it.st == packet.OK && !(p.Fragment && p.FragOffset != 0) {
		it.meta.setKey(p)
	}
	s.keepPayload(b, cp, &it.p)
}

// keepPayload keeps the payload p points to for as long as batch b: the
// batch holds the read buffer of a packet with a Hold; the payload of one
// without is copied into the batch, since the reader's buffer is reused
// (of the packet's bytes, the engine reads only the payload).
func (s *Sharded) keepPayload(b *batch, cp *capture.Packet, p *packet.Parsed) {
	if cp.Hold != nil {
		if n := len(b.holds); n == 0 || b.holds[n-1] != cp.Hold {
			cp.Hold.Retain()
			b.holds = append(b.holds, cp.Hold)
		}
		return
	}
	if len(b.buf)+len(p.Payload) > cap(b.buf) {
		// The first packet without a Hold in this batch: its copy buffer
		// is made on demand, since a file replay with holds never needs it
		// (2.5 MiB an engine of batch buffers touched for nothing).
		b.buf = make([]byte, 0, max(batchBytes, len(p.Payload)))
	}
	pl := p.Payload
	p.Payload = nil
	if len(pl) > 0 {
		start := len(b.buf)
		b.buf = append(b.buf, pl...)
		p.Payload = b.buf[start:len(b.buf):len(b.buf)]
	}
}

func (s *Sharded) send(w int) {
	s.work[w] <- s.cur[w]
	s.cur[w] = <-s.free
}

// Flush hands the partial batches to the engines (live capture: so a quiet
// link does not hold packets back).
func (s *Sharded) Flush() {
	for w := range s.cur {
		if len(s.cur[w].items) > 0 {
			s.send(w)
		}
	}
}

// Finish flushes, ends every flow and waits for the engines.
func (s *Sharded) Finish() {
	s.Flush()
	for _, ch := range s.work {
		close(ch)
	}
	s.done.Wait()
}

// ActiveFlows is the number of flows tracked (as of the engines' last batch).
func (s *Sharded) ActiveFlows() int {
	n := 0
	for i := range s.active {
		n += int(s.active[i].Load())
	}
	return n
}

func (s *Sharded) snap(worker int, e *Engine) {
	st := e.Stats()
	s.snaps[worker].Lock()
	s.snaps[worker].s = st
	s.snaps[worker].Unlock()
}

// Stats adds up the engines' counters as of their last batch (all of them
// after Finish). Safe to call while the engines run. Every engine parses
// every DNS message: those counts are engine 0's.
func (s *Sharded) Stats() Stats {
	var t Stats
	for i := range s.snaps {
		s.snaps[i].Lock()
		t.add(s.snaps[i].s)
		s.snaps[i].Unlock()
	}
	s.snaps[0].Lock()
	t.DNSMessages, t.DNSBad = s.snaps[0].s.DNSMessages, s.snaps[0].s.DNSBad
	s.snaps[0].Unlock()
	return t
}

// Engine returns engine i (the Parents of its flows).
func (s *Sharded) Engine(i int) *Engine { return s.engines[i] }

// owner picks the engine of a decoded packet's flow; learn tells whether
// every engine's learner needs the packet too.
//
// Flows are sharded by their pair of hosts, not by their ports: all of a
// pair's flows, fragments and ICMP errors go to one engine. What is kept
// per host pair then lives in that engine only: the DNS answers a client
// received for an address (the largest table an engine learns), the uses
// of the ports dynamic requirements follow, and the report's groups.
// Sharded by five-tuple, every engine kept all of them: the
// 5-million-packet gateway mix as pcapng with three engines peaked at
// 158 MiB, beyond the 133 MiB bound for its flows. The cost: one busy
// host pair (two hosts behind NAT) cannot be spread over engines.
func (s *Sharded) owner(p *packet.Parsed, st packet.Status) (w int, learn bool) {
	s.meta.keyed = false
	if st != packet.OK && (st != packet.Truncated || p.IPVersion == 0) {
		return 0, false // counted by engine 0
	}
	learn = learnerWants(p)
	if p.Fragment && p.FragOffset != 0 {
		return s.pick(hashWords(wordsOf(p.Src), wordsOf(p.Dst))), learn
	}
	if (p.Proto == 1 || p.Proto == 58) && p.Quoted.Valid && isICMPError(p.Proto == 58, p.ICMPType) {
		return s.pick(hashWords(wordsOf(p.Quoted.Src), wordsOf(p.Quoted.Dst))), learn
	}
	m := &s.meta
	m.setKey(p)
	return s.pick(hashWords(m.key.a, m.key.b)), learn
}

// pick maps a host pair's hash (hashWords) to an engine.
func (s *Sharded) pick(h uint64) int { return int(h % uint64(len(s.engines))) }

// hashKey mixes a canonical flow key; both directions give the same key.
func hashKey(k *flowKey) uint64 {
	h := hashWords(k.a, k.b)
	h ^= uint64(k.aPort)<<24 | uint64(k.bPort)<<8 | uint64(k.proto)
	h *= 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// hashWords mixes two addresses, in either order.
func hashWords(a, b addrWords) uint64 {
	var h uint64 = 0xcbf29ce484222325
	h = (h ^ a.hi ^ b.hi) * 0x100000001b3
	h ^= h >> 31
	h = (h ^ a.lo ^ b.lo) * 0x100000001b3
	return h ^ h>>31
}

// add sums counters; First and Last span both.
func (s *Stats) add(o Stats) {
	first, last := s.First, s.Last
	*s = Stats{
		Packets: s.Packets + o.Packets, Bytes: s.Bytes + o.Bytes, IP: s.IP + o.IP, NotIP: s.NotIP + o.NotIP,
		Malformed: s.Malformed + o.Malformed, Truncated: s.Truncated + o.Truncated, UnknownLink: s.UnknownLink + o.UnknownLink,
		Duplicates: s.Duplicates + o.Duplicates, Fragments: s.Fragments + o.Fragments, ICMPErrors: s.ICMPErrors + o.ICMPErrors,
		Flows: s.Flows + o.Flows, Expired: s.Expired + o.Expired, Evicted: s.Evicted + o.Evicted, PeakFlows: s.PeakFlows + o.PeakFlows,
		DNSMessages: s.DNSMessages + o.DNSMessages, DNSBad: s.DNSBad + o.DNSBad, SNI: s.SNI + o.SNI, HTTP: s.HTTP + o.HTTP,
		First: first, Last: last,
	}
	if o.First != 0 && (s.First == 0 || o.First < s.First) {
		s.First = o.First
	}
	if o.Last > s.Last {
		s.Last = o.Last
	}
}
