package classify

import (
	"net/netip"
	"slices"

	"github.com/flowaudit/flowaudit/classify/packet"
	"github.com/flowaudit/flowaudit/classify/proto/dns"
)

// Learner holds what an engine needs to know about traffic outside its own
// flows: the DNS answers that name destinations, and which host pairs used
// the ports dynamic requirements follow (RPC endpoint mapper, TFTP). It is
// fed packets in capture order (Learn). Each engine has its own: with
// several workers every engine is given the packets its learner wants (see
// Sharded), so all of them learn the same. Not safe for concurrent use.
type Learner struct {
	dns     *dnsTable
	parents parentTable
	tcp     map[flowKey]*streamPrefix // DNS over TCP: the server's side of each stream
	tcpSeen map[flowKey]int64
	msg     dns.Message
	chain   [][]byte
	last    int64
	// shard and shards: this learner's engine and how many there are
	// (setShard); 0 shards: a single engine, which owns every host pair.
	shard, shards int

	DNSMessages, DNSBad uint64
}

// NewLearner returns an empty learner.
func NewLearner() *Learner {
	return &Learner{dns: newDNSTable(), tcp: map[flowKey]*streamPrefix{}, tcpSeen: map[flowKey]int64{}}
}

// setShard makes the learner keep per-client DNS answers only for the host
// pairs engine shard of shards owns (Sharded.pick).
func (l *Learner) setShard(shard, shards int) { l.shard, l.shards = shard, shards }

// owns reports whether this learner's engine owns the host pair a, b.
func (l *Learner) owns(a, b netip.Addr) bool {
	return l.shards <= 1 || int(hashWords(wordsOf(a), wordsOf(b))%uint64(l.shards)) == l.shard
}

// forgetParents drops the host pairs seen using the watched ports, keeping
// the ports.
func (l *Learner) forgetParents() {
	if l.parents.seen != nil {
		l.parents.reset()
	}
}

// forgetNames drops the DNS answers learned and the partial DNS streams.
func (l *Learner) forgetNames() {
	l.dns = newDNSTable()
	l.tcp, l.tcpSeen = map[flowKey]*streamPrefix{}, map[flowKey]int64{}
}

// SetWatchPorts sets the ports whose use by a host pair explains later
// dynamic ports (Matcher.WatchPorts).
func (l *Learner) SetWatchPorts(ports []uint16) {
	l.parents.ports = slices.Clone(ports)
	l.parents.reset()
}

// learnerWants reports whether the other engines' learners learn anything
// from p: a DNS answer over UDP; over TCP, the server's side of a DNS
// stream and either side's FIN or RST. Queries are not needed: most DNS
// packets other engines are given are then answers only. The uses of the
// ports dynamic requirements follow are learned by the owner of the host
// pair alone, the only engine that asks about them (Sharded.owner).
func learnerWants(p *packet.Parsed) bool {
	if p.Fragment && p.FragOffset != 0 {
		return false
	}
	return p.SrcPort == 53 || p.DstPort == 53 && p.Proto == 6 && p.TCPFlags&(flagFIN|flagRST) != 0
}

// watchedUse reports whether p starts a use of a watched port: a SYN, or
// any datagram, to it.
func watchedUse(p *packet.Parsed, watch []uint16) bool {
	return len(watch) > 0 && (p.Proto == 6 && p.TCPFlags&(flagSYN|flagACK) == flagSYN || p.Proto == 17) &&
		slices.Contains(watch, p.DstPort)
}

// Learn takes one decoded packet.
func (l *Learner) Learn(p *packet.Parsed, now int64) {
	if p.Fragment && p.FragOffset != 0 {
		return
	}
	dnsPort := p.SrcPort == 53 || p.DstPort == 53
	watched := watchedUse(p, l.parents.ports)
	if !dnsPort && !watched && now-l.last < 60e9 {
		return
	}
	if now-l.last >= 60e9 {
		l.last = now
		if now > 0 {
			l.dns.sweep(now)
		}
		for k, t := range l.tcpSeen {
			if now-t > 300e9 {
				delete(l.tcp, k)
				delete(l.tcpSeen, k)
			}
		}
	}
	if watched {
		l.parents.note(p.Src, p.Dst, p.DstPort, now)
	}
	if !dnsPort {
		return
	}
	switch p.Proto {
	case 17:
		if p.SrcPort == 53 && len(p.Payload) >= 12 {
			l.message(p.Payload, p.Dst, now)
		}
	case 6:
		l.tcpDNS(p, now)
	}
}

// tcpDNS reassembles the server side of a DNS-over-TCP stream and learns
// from each length-prefixed message.
func (l *Learner) tcpDNS(p *packet.Parsed, now int64) {
	k, _ := makeKey(p.Src, p.Dst, p.SrcPort, p.DstPort, p.Proto)
	if p.TCPFlags&(flagFIN|flagRST) != 0 && len(p.Payload) == 0 {
		delete(l.tcp, k)
		delete(l.tcpSeen, k)
		return
	}
	if p.SrcPort != 53 {
		return
	}
	s := l.tcp[k]
	if s == nil {
		s = &streamPrefix{}
		l.tcp[k] = s
	}
	l.tcpSeen[k] = now
	seq := p.Seq
	if p.TCPFlags&flagSYN != 0 {
		if !s.based {
			s.base, s.based = seq+1, true
		}
		return
	}
	if len(p.Payload) == 0 || s.done {
		return
	}
	if s.add(seq, p.Payload, dnsStreamLimit) == nil {
		return
	}
	for {
		msg, rest, ok := dns.SplitTCP(s.buf[:s.have])
		if !ok {
			break
		}
		l.message(msg, p.Dst, now)
		s.consume(s.have - len(rest))
	}
	if s.have >= dnsStreamLimit {
		s.finish()
	}
}

// message parses one DNS message and records, for each A/AAAA answer, the
// queried name and every name of its CNAME chain.
func (l *Learner) message(b []byte, client netip.Addr, now int64) {
	m := &l.msg
	if err := m.Parse(b); err != nil {
		l.DNSBad++
		return
	}
	l.DNSMessages++
	if !m.Response || m.RCode != 0 {
		return
	}
	q := m.Question.Bytes()
	for i := range m.Answers {
		rr := &m.Answers[i]
		if rr.Type != 1 && rr.Type != 28 {
			continue
		}
		l.chain = append(l.chain[:0], q)
		l.chain = appendCNAMEPath(l.chain, m.Answers, q, rr.Name.Bytes())
		l.dns.add(client, rr.Addr, l.chain, rr.TTL, now, l.owns(client, rr.Addr))
	}
}

// lookup returns the DNS names of addr for a flow from client starting at now.
func (l *Learner) lookup(client, addr netip.Addr, now int64) *dnsNames {
	return l.dns.lookup(client, addr, now)
}

// SeenBefore implements Parents.
func (l *Learner) SeenBefore(a, b netip.Addr, port uint16, before int64) bool {
	if !l.parents.mayHaveSeen(a, b, port) {
		return false
	}
	u, ok := l.parents.seen[pairPort{makePair(a, b), port}]
	// A use at most a second after the flow started (capture timestamps of
	// two interfaces may disagree that much), or up to an hour before it.
	return ok && u.first <= before+int64(1e9) && before-u.last <= parentMemory
}
