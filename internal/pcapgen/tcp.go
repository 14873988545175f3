package main

// A conn adds the packets of one TCP connection to a session, with the timing seen at the
// gateway: a packet from the client passes at t, the server's answer at t+rtt[1], and the
// client's answer to a server packet rtt[0] after it.
type conn struct {
	s    *session
	f    *flow
	fi   uint8
	t    int64
	rtt  [2]int64
	seq  [2]uint32
	cwnd [2]int
	nspb float64 // nanoseconds per byte at the bottleneck
	acks int     // the receiver acknowledges every acks segments
}

// dial makes a TCP flow from a to b; the first packet passes at t. rttServer is the round trip
// from the gateway to b and back.
func (g *gen) dial(s *session, a, b endpoint, vlan uint16, t, rttServer int64) *conn {
	f := g.newFlow(protoTCP, a, b, vlan)
	c := &conn{s: s, f: f, fi: s.add(f), t: t, rtt: [2]int64{g.ms(0.1, 1), rttServer},
		seq: [2]uint32{g.r.Uint32(), g.r.Uint32()}, cwnd: [2]int{10, 10}, nspb: 8000 / g.between(20, 1000), acks: 2}
	if g.chance(0.3) { // a stack in quick-ack mode
		c.acks = 1
	}
	return c
}

func (c *conn) emit(t int64, dir int, flags uint8, data []byte, fill int, mode uint8, moff, mlen int) {
	p := pkt{t: t, dir: uint8(dir), flags: flags, seq: c.seq[dir], data: data, fill: uint16(fill),
		flow: c.fi, mode: mode, moff: uint32(moff), mlen: uint32(mlen)}
	if flags&tcpACK != 0 {
		p.ack = c.seq[1-dir]
	}
	c.seq[dir] += uint32(len(data) + fill)
	if flags&(tcpSYN|tcpFIN) != 0 {
		c.seq[dir]++
	}
	c.s.pkts = append(c.s.pkts, p)
}

// open adds the three-way handshake.
func (c *conn) open() {
	c.emit(c.t, 0, tcpSYN, nil, 0, 0, 0, 0)
	c.t += c.rtt[1]
	c.emit(c.t, 1, tcpSYN|tcpACK, nil, 0, 0, 0, 0)
	c.t += c.rtt[0]
	c.emit(c.t, 0, tcpACK, nil, 0, 0, 0, 0)
}

// send adds a message of n bytes from dir, head followed by filler, in MSS-sized segments sent
// in slow-start bursts, the peer acknowledging every (or every second) segment. c.t becomes the time the
// peer's answer to the message would pass.
func (c *conn) send(dir int, head []byte, n int, mode uint8) {
	n = max(n, len(head))
	peer, self := c.rtt[1-dir], c.rtt[dir]
	t, last := c.t, c.t
	sent, unacked := 0, 0
	for sent < n {
		burst := t
		for k := 0; k < c.cwnd[dir] && sent < n; k++ {
			sz := min(c.f.mss, n-sent)
			var data []byte
			if sent < len(head) {
				data = head[sent:min(len(head), sent+sz)]
			}
			flags := uint8(tcpACK)
			if sent+sz == n {
				flags |= tcpPSH
			}
			c.emit(t, dir, flags, data, sz-len(data), mode, sent, n)
			sent += sz
			last = t
			if unacked++; unacked == c.acks || sent == n {
				c.emit(t+peer, 1-dir, tcpACK, nil, 0, 0, 0, 0)
				unacked = 0
			}
			t += int64(float64(sz+54) * c.nspb)
		}
		c.cwnd[dir] = min(2*c.cwnd[dir], 256)
		t = max(t, burst+peer+self)
	}
	c.t = last + peer
}

// exchange adds a request from the client and, think nanoseconds later, the server's response.
func (c *conn) exchange(req []byte, reqLen int, resp []byte, respLen int, think int64, mode uint8) {
	c.send(0, req, reqLen, mode)
	c.t += think
	c.send(1, resp, respLen, mode)
}

// close adds a FIN from dir, the peer's FIN and the last ACK.
func (c *conn) close(dir int) {
	c.emit(c.t, dir, tcpFIN|tcpACK, nil, 0, 0, 0, 0)
	c.t += c.rtt[1-dir]
	c.emit(c.t, 1-dir, tcpFIN|tcpACK, nil, 0, 0, 0, 0)
	c.t += c.rtt[dir]
	c.emit(c.t, dir, tcpACK, nil, 0, 0, 0, 0)
}

// reset adds a RST from dir.
func (c *conn) reset(dir int) { c.emit(c.t, dir, tcpRST|tcpACK, nil, 0, 0, 0, 0) }

// end closes the connection after an idle time: mostly FIN from either side, sometimes RST.
func (g *gen) end(c *conn, rstShare float64) {
	c.t += g.ms(1, 3000)
	dir := g.r.IntN(2)
	if g.chance(rstShare) {
		c.reset(dir)
	} else {
		c.close(dir)
	}
}

// udp adds a datagram of head plus fill filler bytes on flow fi.
func (g *gen) udp(s *session, fi uint8, t int64, dir int, head []byte, fill int) {
	s.pkts = append(s.pkts, pkt{t: t, flow: fi, dir: uint8(dir), data: head, fill: uint16(fill), seq: g.r.Uint32()})
}
