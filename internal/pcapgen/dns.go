package main

import (
	"bytes"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Public resolvers some clients use instead of the internal one.
var publicDNS = []netip.Addr{
	netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("8.8.8.8"),
	netip.MustParseAddr("2606:4700:4700::1111"), netip.MustParseAddr("2001:4860:4860::8888"),
}

func (g *gen) resolver(v6 bool) (endpoint, bool) {
	if g.chance(0.9) {
		return g.net.resolver.ep(v6, 53), false
	}
	i := g.r.IntN(2)
	if v6 {
		i += 2
	}
	return external(publicDNS[i], 53), true
}

// lookup adds the DNS exchange (A, or AAAA for v6) in which cl learns tg's addresses, starting
// at t. It returns the time cl acts on the answer and the address it picks.
func (g *gen) lookup(s *session, cl *host, v6 bool, tg *target, t int64) (int64, netip.Addr) {
	qt, other := layers.DNSTypeA, layers.DNSTypeAAAA
	if v6 {
		qt, other = other, qt
	}
	srv, public := g.resolver(v6)
	delay := g.ms(0.2, 2) // cached
	if public || g.chance(0.3) {
		delay = g.ms(5, 80)
	}
	answered := t + delay
	for _, q := range []layers.DNSType{qt, other} {
		fi := s.add(g.newFlow(protoUDP, cl.ep(v6, cl.ephemeral()), srv, cl.vlan))
		id := uint16(g.r.Uint32())
		g.udp(s, fi, t, 0, g.dnsMsg(id, tg, q, false, false), 0)
		g.udp(s, fi, t+delay, 1, g.dnsMsg(id, tg, q, true, false), 0)
		if !g.chance(0.4) { // most clients ask for the other family too
			break
		}
		t += g.ms(0.01, 0.1)
	}
	return answered + g.ms(0.05, 0.5), tg.addr(g, v6)
}

// dnsMsg builds a query for tg or its answer: the CNAME chain, then the addresses.
func (g *gen) dnsMsg(id uint16, tg *target, qt layers.DNSType, resp, truncated bool) []byte {
	d := &layers.DNS{ID: id, QR: resp, OpCode: layers.DNSOpCodeQuery, RD: true, RA: resp, TC: truncated,
		Questions: []layers.DNSQuestion{{Name: []byte(tg.name), Type: qt, Class: layers.DNSClassIN}}}
	if resp && tg.nx {
		d.ResponseCode = layers.DNSResponseCodeNXDomain
	} else if resp && !truncated {
		name := tg.name
		for _, c := range tg.chain {
			d.Answers = append(d.Answers, layers.DNSResourceRecord{Name: []byte(name), Type: layers.DNSTypeCNAME,
				Class: layers.DNSClassIN, TTL: tg.ttl, CNAME: []byte(c)})
			name = c
		}
		addrs := tg.v4
		if qt == layers.DNSTypeAAAA {
			addrs = tg.v6
		}
		for _, a := range addrs {
			d.Answers = append(d.Answers, layers.DNSResourceRecord{Name: []byte(name), Type: qt,
				Class: layers.DNSClassIN, TTL: min(tg.ttl, 300), IP: a.AsSlice()})
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		panic(err)
	}
	return bytes.Clone(buf.Bytes())
}

// anyTarget picks a name clients look up: mostly those they connect to.
func (g *gen) anyTarget() *target {
	switch g.r.IntN(4) {
	case 0:
		return pick(g, g.net.other)
	case 1:
		return weighted(g, g.net.http, g.net.httpWeight)
	}
	return weighted(g, g.net.tls, g.net.tlsWeight)
}

// dnsSession: a client looks up one to three names and connects to none of them (yet).
func (g *gen) dnsSession(s *session) {
	cl, v6, t := g.client(), g.v6(), g.now
	for range 1 + g.r.IntN(3) {
		t, _ = g.lookup(s, cl, v6, g.anyTarget(), t)
		t += g.ms(0.1, 50)
	}
}

// dnsTCPSession: an answer too long for UDP (truncated), asked again over TCP.
func (g *gen) dnsTCPSession(s *session) {
	cl, v6, tg := g.client(), g.v6(), g.anyTarget()
	srv, _ := g.resolver(v6)
	fi := s.add(g.newFlow(protoUDP, cl.ep(v6, cl.ephemeral()), srv, cl.vlan))
	id := uint16(g.r.Uint32())
	qt := layers.DNSTypeA
	g.udp(s, fi, g.now, 0, g.dnsMsg(id, tg, qt, false, false), 0)
	t := g.now + g.ms(0.2, 20)
	g.udp(s, fi, t, 1, g.dnsMsg(id, tg, qt, true, true), 0)
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), srv, cl.vlan, t+g.ms(0.05, 0.5), g.ms(0.2, 20))
	c.open()
	c.exchange(lengthPrefixed(g.dnsMsg(id+1, tg, qt, false, false)), 0,
		lengthPrefixed(g.dnsMsg(id+1, tg, qt, true, false)), 0, g.ms(0.1, 5), modePlain)
	c.close(0)
}

func lengthPrefixed(m []byte) []byte { return append([]byte{byte(len(m) >> 8), byte(len(m))}, m...) }
