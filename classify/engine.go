// Package classify is flowaudit's hot path: it decodes packets, tracks
// bidirectional flows with their TCP handshake outcome (Zeek's conn_state
// and history), learns the names that identify each destination (DNS
// answers, TLS SNI, HTTP Host, CONNECT targets), and matches finished flows
// against the compiled catalog.
//
// The same Engine serves offline replay and the live engines: they all
// hand it capture.Packets.
package classify

import (
	"iter"
	"net/netip"
	"time"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify/packet"
	"github.com/flowaudit/flowaudit/classify/proto/dns"
)

// Config sets up an Engine.
type Config struct {
	Timeouts Timeouts
	MaxFlows int // flows tracked at once; the least active are ended beyond it (0: no limit)
	// ServerPorts are ports known to be servers' (the catalog's documented
	// ports): with the well-known ports below 1024 they tell the responder
	// of a connection whose start the capture missed.
	ServerPorts []uint16
	// Sink receives each finished flow (idle, evicted, or at Finish). It
	// must not keep the *Flow: the engine reuses it.
	Sink func(*Flow)
	// Drain, when set, receives at Finish the flows still tracked, in one
	// call, instead of Sink one by one: it must range over the sequence
	// once, from any goroutine, before it returns. The flows stay valid
	// during the call and nothing else of the engine changes meanwhile, so
	// it may classify them in other goroutines.
	Drain func(flows iter.Seq[*Flow])
	// NoCopies says no packet can be a copy of another captured on a
	// different interface (see NoCopies): the engine does not look for
	// duplicates (measured: a tenth of the engine's time on the
	// 5-million-packet gateway mix).
	NoCopies bool
}

// NoCopies reports whether src can hold no copies of a packet captured on
// two interfaces: all its packets come from one interface, of a link type
// whose frames name no interface or direction. Then no packet is a
// duplicate (dedup.go), and looking for them can be left out.
func NoCopies(src capture.Source) bool {
	link, one := src.OneInterface()
	return one && !packet.LinkNamesInterface(uint32(link))
}

// Stats count what the engine saw.
type Stats struct {
	Packets     uint64 // handed to the engine
	Bytes       uint64 // captured bytes handed to the engine
	IP          uint64 // decoded as IPv4/IPv6
	NotIP       uint64 // ARP, LLDP, ...: not flows
	Malformed   uint64 // headers that contradict themselves
	Truncated   uint64 // cut short by the snap length before the transport header
	UnknownLink uint64 // link layers flowaudit does not decode (packet.UnsupportedLink)
	Duplicates  uint64 // the same packet captured on another interface
	Fragments   uint64 // non-first IP fragments
	ICMPErrors  uint64 // ICMP errors attached to the flow they quote
	Flows       uint64 // flows created
	Expired     uint64 // flows ended by their idle timeout
	Evicted     uint64 // flows ended early because the flow table was full
	// PeakFlows is the most flows tracked at once. Of several engines,
	// it is the sum of each one's most: at least the most they tracked
	// together (their peaks may not coincide).
	PeakFlows   uint64
	DNSMessages uint64
	DNSBad      uint64
	SNI, HTTP   uint64
	First, Last int64 // capture time of the first and last packet
}

// Engine classifies packets into flows. It is not safe for concurrent use;
// the audit runs one per worker.
type Engine struct {
	cfg     Config
	p       packet.Parsed
	table   *table
	learn   *Learner
	frags   fragTable
	stats   Stats
	scratch []byte
	servers portBits
	ifaces  ifaceIDs
}

// portBits is a set of ports.
type portBits [1024]uint64

func (b *portBits) has(p uint16) bool { return b[p/64]&(1<<(p%64)) != 0 }

// New returns an engine.
func New(cfg Config) *Engine {
	e := &Engine{cfg: cfg, learn: NewLearner(), frags: newFragTable()}
	for p := range uint16(1024) {
		e.servers[p/64] |= 1 << (p % 64)
	}
	for _, p := range cfg.ServerPorts {
		e.servers[p/64] |= 1 << (p % 64)
	}
	sink := cfg.Sink
	if sink == nil {
		sink = func(*Flow) {}
	}
	e.table = newTable(cfg.Timeouts, cfg.MaxFlows, func(f *Flow) {
		if f.has(bitEvicted) {
			e.stats.Evicted++
		}
		sink(f)
	})
	e.table.drain = cfg.Drain
	return e
}

// Stats returns the counters so far.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Expired = e.table.expired
	s.PeakFlows = uint64(e.table.peakFlows())
	s.DNSMessages, s.DNSBad = e.learn.DNSMessages, e.learn.DNSBad
	return s
}

// ActiveFlows is the number of flows tracked now.
func (e *Engine) ActiveFlows() int { return e.table.flows.n }

// Finish ends every flow still tracked.
// What the engine learned is dropped with its flows: the report is built
// next, and a full table's memory is then better given to it.
func (e *Engine) Finish() {
	// The flows still tracked are ended next, which grows the report's
	// groups while the flow table is still held: the learned DNS answers
	// go first, since nothing needs them any more (a flow looked its names
	// up when it started), and their memory can hold the groups. What the
	// flows' classification still consults (the parents) goes after.
	e.learn.forgetNames()
	e.table.flush()
	e.learn.forgetParents()
}

// Packet processes one captured packet.
func (e *Engine) Packet(cp *capture.Packet) {
	st := e.p.Decode(uint32(cp.Link), cp.Data)
	m := packetMeta{head: dupHead(e.p.Payload, e.cfg.NoCopies)}
	e.decoded(frameOf(cp), &e.p, st, &m)
}

// frame is what an engine needs of a capture.Packet besides its decoding:
// 16 bytes rather than 72 in each item of a sharded batch.
type frame struct {
	Time  int64
	Size  uint32 // captured bytes
	Iface uint32
}

func frameOf(cp *capture.Packet) frame {
	return frame{Time: cp.Time, Size: uint32(len(cp.Data)), Iface: cp.Iface}
}

// packetMeta is what is derived from a decoded packet before its engine
// processes it. The sharded reader computes it (it needs the key to pick
// the engine, and the payload is in its CPU's cache), so the engine does
// not compute it again.
type packetMeta struct {
	key    flowKey // the packet's own canonical flow key, when keyed
	hash   uint64  // hashKey(&key)
	srcIsA bool
	keyed  bool
	head   uint64 // dupHead(p.Payload)
}

// setKey keys the flow of p.
func (m *packetMeta) setKey(p *packet.Parsed) {
	m.srcIsA = m.key.set(p.Src, p.Dst, p.SrcPort, p.DstPort, p.Proto)
	m.hash, m.keyed = hashKey(&m.key), true
}

// decoded processes a packet already decoded into p, with status st.
func (e *Engine) decoded(cp frame, p *packet.Parsed, st packet.Status, m *packetMeta) {
	head := m.head
	now := cp.Time
	e.stats.Packets++
	e.stats.Bytes += uint64(cp.Size)
	if e.stats.First == 0 || now < e.stats.First {
		e.stats.First = now
	}
	if now > e.stats.Last {
		e.stats.Last = now
	}
	switch st {
	case packet.OK:
	case packet.NotIP:
		e.stats.NotIP++
		return
	case packet.UnsupportedLink:
		e.stats.UnknownLink++
		return
	case packet.Truncated:
		e.stats.Truncated++
		if p.IPVersion == 0 {
			return
		}
		// The IP header is there: the packet still counts for its flow.
	default:
		e.stats.Malformed++
		return
	}
	e.stats.IP++
	if now-e.table.lastExpiry >= int64(time.Second) || now < e.table.lastExpiry {
		e.table.expire(now)
		e.frags.sweep(now)
	}
	e.learn.Learn(p, now)
	iface := e.ifaces.id(uint64(cp.Iface)<<32 | uint64(p.IfaceHint))

	if p.Fragment && p.FragOffset != 0 {
		e.stats.Fragments++
		e.fragment(p, now, iface, head)
		return
	}
	if (p.Proto == 1 || p.Proto == 58) && p.Quoted.Valid && isICMPError(p.Proto == 58, p.ICMPType) {
		e.icmpError(p, now)
		return
	}
	if !m.keyed {
		m.setKey(p)
	}
	k, h, srcIsA := &m.key, m.hash, m.srcIsA
	f := e.table.live(k, h, now)
	isNew := f == nil
	if isNew {
		f = e.table.newFlow(*k, h, now)
		e.stats.Flows++
		f.Proto = p.Proto
		e.setOriginator(f, p, srcIsA)
	}
	fromOrig := srcIsA == f.origIsA()
	if e.duplicate(f, p, fromOrig, now, iface, head) {
		e.stats.Duplicates++
		return
	}
	var earlyPkts, earlyBytes uint64
	if p.Fragment && p.MoreFragments {
		earlyPkts, earlyBytes = e.frags.first(p, *k, fromOrig, now)
	}
	f.Last = now
	if fromOrig {
		f.OrigPkts += 1 + earlyPkts
		f.OrigBytes += uint64(p.IPLen) + earlyBytes
	} else {
		f.RespPkts += 1 + earlyPkts
		f.RespBytes += uint64(p.IPLen) + earlyBytes
	}
	class := classDatagram
	switch p.Proto {
	case 6:
		class = e.tcp(f, p, fromOrig)
	case 1, 58:
		if isNew {
			f.ICMPType, f.ICMPCode = p.ICMPType, p.ICMPCode
		}
	}
	if isNew {
		src, _ := f.Orig()
		dst, _ := f.Resp()
		f.DNSNames = e.learn.lookup(src, dst, now)
	}
	e.table.touch(f, class, !isNew)
}

// duplicate reports whether the packet is a copy, captured on another
// interface, of one flow f just carried (dedup.go).
func (e *Engine) duplicate(f *Flow, p *packet.Parsed, fromOrig bool, now int64, iface ifaceID, head uint64) bool {
	return !e.cfg.NoCopies && e.table.isDuplicate(f, p, fromOrig, now, iface, head)
}

// setOriginator decides which side started the flow: the sender of a SYN,
// or of the first datagram. A SYN-ACK seen first means its receiver
// started it (history '^'); TCP without a SYN means the capture started
// mid-connection: the side on the well-known, else the lower, port is taken
// as the responder.
func (e *Engine) setOriginator(f *Flow, p *packet.Parsed, srcIsA bool) {
	senderIsOrig := true
	switch p.Proto {
	case 6:
		syn, ack := p.TCPFlags&flagSYN != 0, p.TCPFlags&flagACK != 0
		switch {
		case syn && !ack:
		case syn && ack:
			senderIsOrig = false
			f.Flipped = true
		default:
			f.Midstream = true
			senderIsOrig = e.serverSide(p.DstPort, p.SrcPort)
			f.Flipped = !senderIsOrig
		}
	case 17:
		// A datagram from a well-known port to an ephemeral one is an
		// answer whose question the capture missed.
		if e.servers.has(p.SrcPort) && !e.servers.has(p.DstPort) {
			senderIsOrig = false
			f.Flipped = true
		}
	case 1:
		if p.ICMPType == 0 { // echo reply
			senderIsOrig, f.Flipped = false, true
		}
	case 58:
		if p.ICMPType == 129 {
			senderIsOrig, f.Flipped = false, true
		}
	}
	f.setOrigIsA(srcIsA == senderIsOrig)
	if f.Flipped {
		f.addHistory(e.table, '^', true)
	}
}

// serverSide reports whether port a looks like the server's rather than b:
// a well-known (or documented) port, else the lower one.
func (e *Engine) serverSide(a, b uint16) bool {
	aw, bw := e.servers.has(a), e.servers.has(b)
	if aw != bw {
		return aw
	}
	return a <= b
}

// tcp updates the handshake state, history and names for one segment.
func (e *Engine) tcp(f *Flow, p *packet.Parsed, fromOrig bool) timeoutClass {
	ep, peer := &f.tcpO, &f.tcpR
	if !fromOrig {
		ep, peer = peer, ep
	}
	flags := p.TCPFlags
	// Sequence tracking for retransmissions and stream offsets.
	segLen := uint32(p.PayloadLen)
	if flags&flagSYN != 0 {
		segLen++
	}
	if flags&flagFIN != 0 {
		segLen++
	}
	rexmit := false
	if ep.seqValid {
		end := p.Seq + segLen
		if p.PayloadLen > 0 && flags&flagRST == 0 && int32(end-ep.nextSeq) <= 0 {
			rexmit = true
		} else if int32(end-ep.nextSeq) > 0 {
			ep.nextSeq = end
		}
	} else {
		ep.seqValid = true
		ep.nextSeq = p.Seq + segLen
	}
	if !rexmit {
		ep.size += uint64(p.PayloadLen)
	}
	tcpUpdate(ep, peer, fromOrig, flags, &f.tcpO.state, p.PayloadLen)
	zeroWin := p.Window == 0 && flags&(flagSYN|flagFIN|flagRST) == 0
	tcpHistory(ep, fromOrig, flags, p.PayloadLen, rexmit, zeroWin, func(c byte, orig bool) { f.addHistory(e.table, c, orig) })

	if len(p.Payload) > 0 && flags&flagRST == 0 {
		dataSeq := p.Seq
		if flags&flagSYN != 0 {
			dataSeq++
		}
		if fromOrig && p.SrcPort != 53 && p.DstPort != 53 {
			e.clientData(f, dataSeq, p.Payload)
		}
	} else if flags&flagSYN != 0 && fromOrig && !f.has(bitNameBased) {
		f.nameBase = p.Seq + 1
		f.bits |= bitNameBased
	}

	switch {
	case f.tcpO.state == tcpReset || f.tcpR.state == tcpReset,
		f.tcpO.state == tcpClosed && f.tcpR.state == tcpClosed:
		return classClosed
	case f.tcpO.state == tcpEstablished || f.tcpR.state == tcpEstablished ||
		f.tcpO.state == tcpPartial || f.tcpR.state == tcpPartial ||
		f.tcpO.state == tcpClosed || f.tcpR.state == tcpClosed:
		return classEstablished
	}
	return classHalfOpen
}

// appendCNAMEPath appends the CNAME targets leading from the queried name
// to owner, then owner itself.
func appendCNAMEPath(chain [][]byte, answers []dns.RR, from, owner []byte) [][]byte {
	cur := from
	for steps := 0; steps < 16 && !equalFold(cur, owner); steps++ {
		next := []byte(nil)
		for i := range answers {
			if answers[i].Type == 5 && equalFold(answers[i].Name.Bytes(), cur) {
				next = answers[i].Target.Bytes()
				break
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	if !equalFold(cur, owner) {
		chain = append(chain, owner)
	}
	return chain
}

func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// icmpError attaches an ICMP error to the flow whose packet it quotes. An
// error about a packet the originator sent means its attempt failed; an
// error about a packet the responder sent (an answer to a closed socket)
// is recorded but blocks nothing. An error about a flow the capture never
// saw (the capture point saw only the answer) still records the attempt.
func (e *Engine) icmpError(p *packet.Parsed, now int64) {
	e.stats.ICMPErrors++
	q := &p.Quoted
	k, srcIsA := makeKey(q.Src, q.Dst, q.SrcPort, q.DstPort, q.Proto)
	h := hashKey(&k)
	f := e.table.live(&k, h, now)
	isNew := f == nil
	if isNew {
		f = e.table.newFlow(k, h, now)
		e.stats.Flows++
		f.Proto = q.Proto
		// The quoted packet is the only one seen: its sender started the
		// flow, unless it came from a well-known port to an ephemeral one.
		senderIsOrig := !(q.Proto != 6 && e.servers.has(q.SrcPort) && !e.servers.has(q.DstPort))
		f.setOrigIsA(srcIsA == senderIsOrig)
		f.Flipped = !senderIsOrig
	}
	v6 := p.Proto == 58
	aboutOrig := srcIsA == f.origIsA()
	m := f.extra(e.table)
	if !f.ICMPError && blocksFlow(v6, p.ICMPType, p.ICMPCode) {
		f.ICMPError = true
		m.icmpErrType, m.icmpErrCode, m.icmpErrV6 = p.ICMPType, p.ICMPCode, v6
		m.icmpErrFrom = p.Src
		m.icmpErrAboutOrig = aboutOrig
	}
	m.icmpErrPackets++
	f.Last = now
	if isNew {
		src, _ := f.Orig()
		dst, _ := f.Resp()
		f.DNSNames = e.learn.lookup(src, dst, now)
		class := classDatagram
		if f.Proto == 6 {
			class = classHalfOpen
		}
		e.table.touch(f, class, false)
		return
	}
	e.table.touch(f, f.class, true)
}

// SetWatchPorts tells the engine's learner which ports dynamic
// requirements follow (Matcher.WatchPorts).
func (e *Engine) SetWatchPorts(ports []uint16) { e.learn.SetWatchPorts(ports) }

// learnOnly feeds the engine's learner a packet whose flow another engine
// owns (Sharded), decoded into p: the DNS answers and port uses in it,
// nothing else.
func (e *Engine) learnOnly(p *packet.Parsed, now int64) { e.learn.Learn(p, now) }

// SeenBefore implements Parents.
func (e *Engine) SeenBefore(a, b netip.Addr, port uint16, before int64) bool {
	return e.learn.SeenBefore(a, b, port, before)
}
