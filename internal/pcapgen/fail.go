package main

import (
	"encoding/binary"
	"net/netip"
)

// Failed attempts, and pings.

// Addresses outside that nobody answers for, or that probe inside.
var scanners = []netip.Addr{netip.MustParseAddr("45.155.205.12"), netip.MustParseAddr("193.32.162.77"),
	netip.MustParseAddr("162.142.125.9"), netip.MustParseAddr("198.51.100.23")}

// failTarget picks where a failing attempt goes: outside (after a lookup, sometimes) or inside.
func (g *gen) failTarget(s *session, cl *host, v6 bool) (endpoint, int64, int64) {
	t := g.now
	switch g.r.IntN(3) {
	case 0:
		h := pick(g, []*host{g.net.sql, g.net.site, g.net.dp, g.net.clients[g.r.IntN(len(g.net.clients))]})
		return h.ep(v6, pick(g, []uint16{1433, 445, 3389, 8530, 10123, 5985, 22})), t, g.ms(0.1, 2)
	case 1:
		tg := weighted(g, g.net.tls, g.net.tlsWeight)
		t, a := g.lookup(s, cl, v6, tg, t)
		return external(a, pick(g, []uint16{443, 8443, 22, 5986, 3389})), t, g.ms(1, 50)
	}
	a := pick(g, scanners)
	if v6 {
		a = netip.MustParseAddr("2001:db8:dead::25")
	}
	return external(a, pick(g, []uint16{443, 80, 25, 5671, 8883})), t, g.ms(1, 50)
}

// synUnansweredSession: a SYN nobody answers, retransmitted after 1 s and 3 s.
func (g *gen) synUnansweredSession(s *session) {
	cl, v6 := g.client(), g.v6()
	dst, t, rtt := g.failTarget(s, cl, v6)
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), dst, cl.vlan, t, rtt)
	isn := c.seq[0]
	for _, d := range []int64{0, 1e9, 3e9} {
		c.seq[0] = isn
		c.emit(t+d, 0, tcpSYN, nil, 0, 0, 0, 0)
	}
}

// synRSTSession: a SYN answered by RST (closed port, or a firewall rejecting).
func (g *gen) synRSTSession(s *session) {
	cl, v6 := g.client(), g.v6()
	dst, t, rtt := g.failTarget(s, cl, v6)
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), dst, cl.vlan, t, rtt)
	c.emit(t, 0, tcpSYN, nil, 0, 0, 0, 0)
	c.emit(t+rtt, 1, tcpRST|tcpACK, nil, 0, 0, 0, 0)
	if g.chance(0.5) { // Windows tries again
		c.seq[0]--
		c.emit(t+5e8, 0, tcpSYN, nil, 0, 0, 0, 0)
		c.emit(t+5e8+rtt, 1, tcpRST|tcpACK, nil, 0, 0, 0, 0)
	}
}

// UDP services that may be closed.
var udpPorts = []uint16{53, 69, 123, 161, 514, 1434, 5353, 389}

// udpUnreachableSession: a datagram to a closed port, answered by ICMP port unreachable quoting it.
func (g *gen) udpUnreachableSession(s *session) {
	cl, v6 := g.client(), g.v6()
	port := pick(g, udpPorts)
	var dst endpoint
	rtt := g.ms(0.1, 2)
	if g.chance(0.5) {
		dst = g.net.clients[g.r.IntN(len(g.net.clients))].ep(v6, port)
	} else {
		dst, rtt = external(pick(g, scanners), port), g.ms(1, 50)
		if v6 {
			dst.addr = netip.MustParseAddr("2001:db8:dead::53")
		}
	}
	src := cl.ep(v6, cl.ephemeral())
	uf := g.newFlow(protoUDP, src, dst, cl.vlan)
	ufi := s.add(uf)
	p := pkt{t: g.now, flow: ufi, data: g.udpProbe(port), seq: g.r.Uint32(), id: uint16(1 + g.r.IntN(65535))}
	s.pkts = append(s.pkts, p)

	b := g.frame(uf, &p)
	ip := b[uf.ipOff:]
	n := int(binary.BigEndian.Uint16(ip[2:]))
	proto, typ, code, limit := uint8(protoICMP), byte(3), byte(3), 548 // RFC 1812: up to 576 bytes in all
	if v6 {
		proto, typ, code, limit, n = protoICMP6, 1, 4, 1232, 40+int(binary.BigEndian.Uint16(ip[4:]))
	}
	msg := append([]byte{typ, code, 0, 0, 0, 0, 0, 0}, ip[:min(n, limit)]...)
	dst.port, src.port = 0, 0
	fi := s.add(g.newFlow(proto, dst, src, cl.vlan))
	s.pkts = append(s.pkts, pkt{t: g.now + rtt, flow: fi, data: msg})
}

// udpProbe is a request on a UDP port, valid enough for the decoders that know the port.
func (g *gen) udpProbe(port uint16) []byte {
	switch port {
	case 53:
		return g.dnsMsg(uint16(g.r.Uint32()), g.net.other[0], 1, false, false)
	case 123:
		return append(ntp(0x23, 0), make([]byte, 40)...)
	case 69:
		return []byte("\x00\x01pxelinux.0\x00octet\x00")
	case 1434:
		return []byte{3}
	}
	return append([]byte{0x30, 0x26, 2, 1, 1}, make([]byte, 35)...)
}

// udpUnansweredSession: a query to a resolver that is down, retried after 1 s and 2 s more, or a
// datagram sent into the void.
func (g *gen) udpUnansweredSession(s *session) {
	cl, v6 := g.client(), g.v6()
	if g.chance(0.5) {
		fi := s.add(g.newFlow(protoUDP, cl.ep(v6, cl.ephemeral()), g.net.deadDNS.ep(v6, 53), cl.vlan))
		q := g.dnsMsg(uint16(g.r.Uint32()), g.anyTarget(), 1, false, false)
		for _, d := range []int64{0, 1e9, 3e9} {
			g.udp(s, fi, g.now+d, 0, q, 0)
		}
		return
	}
	dst := external(pick(g, scanners), pick(g, []uint16{500, 4500, 1194, 3478, 51820}))
	if v6 {
		dst.addr = netip.MustParseAddr("2001:db8:dead::1")
	}
	fi := s.add(g.newFlow(protoUDP, cl.ep(v6, cl.ephemeral()), dst, cl.vlan))
	g.udp(s, fi, g.now, 0, nil, 40+g.r.IntN(200))
}

// pingSession: echo requests and replies, a second apart; some are large enough to be sent in
// IPv4 fragments.
func (g *gen) pingSession(s *session) {
	cl, v6 := g.client(), g.v6()
	dst, rtt := g.net.clients[g.r.IntN(len(g.net.clients))].ep(v6, 0), g.ms(0.1, 2)
	if g.chance(0.5) {
		dst, rtt = external(publicDNS[g.r.IntN(2)], 0), g.ms(1, 50)
		if v6 {
			dst.addr = publicDNS[2+g.r.IntN(2)]
		}
	}
	proto, req, rep := uint8(protoICMP), byte(8), byte(0)
	if v6 {
		proto, req, rep = protoICMP6, 128, 129
	}
	fi := s.add(g.newFlow(proto, cl.ep(v6, 0), dst, cl.vlan))
	size := 32
	if !v6 && g.chance(0.5) {
		size = 2000 + g.r.IntN(2500)
	}
	id := uint16(g.r.Uint32())
	for seq := range uint16(g.count(3)) {
		t := g.now + int64(seq)*1e9
		for dir, typ := range []byte{req, rep} {
			msg := []byte{typ, 0, 0, 0, byte(id >> 8), byte(id), byte(seq >> 8), byte(seq)}
			for i := range size {
				msg = append(msg, 'a'+byte(i%23))
			}
			g.icmp(s, fi, t+int64(dir)*rtt, dir, msg)
		}
	}
}

// icmp adds an ICMP message, in IPv4 fragments of at most 1480 bytes when it is larger.
func (g *gen) icmp(s *session, fi uint8, t int64, dir int, msg []byte) {
	if len(msg) <= 1480 || s.flows[fi].v6 {
		s.pkts = append(s.pkts, pkt{t: t, flow: fi, dir: uint8(dir), data: msg})
		return
	}
	binary.BigEndian.PutUint16(msg[2:], csum(msg, 0))
	id := uint16(1 + g.r.IntN(65535))
	for off := 0; off < len(msg); off += 1480 {
		end, more := min(off+1480, len(msg)), uint8(1)
		if end == len(msg) {
			more = 0
		}
		s.pkts = append(s.pkts, pkt{t: t, flow: fi, dir: uint8(dir), data: msg[off:end], id: id, mode: modeFrag, moff: uint32(off), flags: more})
		t += 12000
	}
}
