package main

import (
	"encoding/binary"
	"fmt"
)

// Traffic between internal hosts on the catalog's ports: Configuration Manager and Cassandra.

// rpcSession: the RPC endpoint mapper on 135, then the dynamic port it names.
func (g *gen) rpcSession(s *session) {
	cl, srv := g.client(), g.net.site
	v6 := g.chance(0.1)
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), srv.ep(v6, 135), cl.vlan, g.now, g.ms(0.1, 2))
	c.open()
	c.exchange(dcerpc(11, 116), 116, dcerpc(12, 108), 108, g.ms(0.05, 1), modePlain) // bind, bind_ack
	c.exchange(dcerpc(0, 156), 156, dcerpc(2, 152), 152, g.ms(0.05, 1), modePlain)   // ept_map
	c.close(0)
	dyn := uint16(49152 + g.r.IntN(16384))
	d := g.dial(s, cl.ep(v6, cl.ephemeral()), srv.ep(v6, dyn), cl.vlan, c.t+g.ms(0.1, 2), c.rtt[1])
	d.open()
	d.exchange(dcerpc(11, 160), 160, dcerpc(12, 84), 84, g.ms(0.05, 1), modePlain)
	for range g.count(4) {
		d.t += g.ms(0.5, 200)
		d.exchange(dcerpc(0, 0), g.size(300, 1, 40, 60000), dcerpc(2, 0), g.size(800, 1.5, 40, 2<<20), g.ms(0.2, 20), modePlain)
	}
	g.end(d, 0.02)
}

func dcerpc(ptype byte, n int) []byte {
	return []byte{5, 0, ptype, 3, 0x10, 0, 0, 0, byte(n), byte(n >> 8), 0, 0, 1, 0, 0, 0}
}

// smbSession: SMB2 on 445 from a client to the distribution point: negotiation, then reads.
func (g *gen) smbSession(s *session) {
	cl := g.client()
	v6 := g.chance(0.1)
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), pick(g, []*host{g.net.dp, g.net.site, g.net.dc[0]}).ep(v6, 445), cl.vlan, g.now, g.ms(0.1, 2))
	c.open()
	for _, sz := range [][2]int{{250, 300}, {170, 350}, {650, 280}, {120, 90}} { // negotiate, session setup x2, tree connect
		c.exchange(smb2(sz[0]), sz[0], smb2(sz[1]), sz[1], g.ms(0.1, 3), modePlain)
	}
	for range g.count(6) {
		n := g.size(32768, 1.2, 1000, 8<<20)
		c.exchange(smb2(120), 120, smb2(n), n, g.ms(0.1, 5), modePlain)
	}
	g.end(c, 0.02)
}

func smb2(n int) []byte {
	n -= 4
	return []byte{0, byte(n >> 16), byte(n >> 8), byte(n), 0xfe, 'S', 'M', 'B', 64, 0}
}

// sqlSession: TDS on 1433 from the site server or management point to SQL Server.
func (g *gen) sqlSession(s *session) {
	cl := pick(g, []*host{g.net.site, g.net.mp, g.net.sup})
	c := g.dial(s, cl.ep(false, cl.ephemeral()), g.net.sql.ep(false, 1433), 0, g.now, g.ms(0.1, 1))
	c.open()
	c.exchange(tds(18, 47), 47, tds(4, 43), 43, g.ms(0.1, 1), modePlain) // pre-login
	c.exchange(tds(16, 250), 250, tds(4, 400), 400, g.ms(0.5, 5), modePlain)
	for range g.count(10) {
		c.t += g.ms(0.1, 300)
		c.exchange(tds(1, 0), g.size(400, 1, 60, 8000), tds(4, 0), g.size(900, 2, 30, 4<<20), g.ms(0.2, 50), modePlain)
	}
	g.end(c, 0.05)
}

func tds(typ byte, n int) []byte { return []byte{typ, 1, byte(n >> 8), byte(n), 0, 0, 1, 0} }

// notifySession: a client's notification channel to the management point on 10123: few, small,
// spread-out messages.
func (g *gen) notifySession(s *session) {
	cl := g.client()
	c := g.dial(s, cl.ep(false, cl.ephemeral()), g.net.mp.ep(false, 10123), cl.vlan, g.now, g.ms(0.1, 2))
	c.open()
	for range g.count(5) {
		c.exchange(nil, g.size(120, 0.5, 20, 2000), nil, g.size(80, 0.5, 20, 2000), g.ms(0.1, 2), modePlain)
		c.t += g.ms(100, 4000)
	}
	g.end(c, 0.1)
}

// wsusSession: a client asks the software update point for updates: HTTP on 8530 or TLS on 8531.
func (g *gen) wsusSession(s *session) {
	cl := g.client()
	port := uint16(8530)
	if g.chance(0.4) {
		port = 8531
	}
	c := g.dial(s, cl.ep(false, cl.ephemeral()), g.net.sup.ep(false, port), cl.vlan, g.now, g.ms(0.1, 2))
	c.open()
	if port == 8531 {
		g.tlsHandshake(c, "sup01.corp.contoso.com")
		g.tlsExchanges(c)
	} else {
		for range g.count(3) {
			body := g.size(1500, 1, 300, 30000)
			req := fmt.Sprintf("POST /ClientWebService/client.asmx HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n"+
				"SOAPAction: \"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"\r\n"+
				"User-Agent: Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50\r\nHost: sup01.corp.contoso.com:8530\r\nContent-Length: %d\r\n\r\n", body)
			n := g.size(20000, 1.5, 300, 5<<20)
			resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n", n)
			c.exchange([]byte(req), len(req)+body, []byte(resp), len(resp)+n, g.ms(1, 100), modePlain)
			c.t += g.ms(1, 300)
		}
	}
	g.end(c, 0.02)
}

// ldapSession: LDAP (TCP or UDP) on 389, LDAPS on 636, or the global catalog on 3268.
func (g *gen) ldapSession(s *session) {
	cl, dc := g.client(), pick(g, g.net.dc)
	v6 := g.chance(0.1)
	switch g.r.IntN(4) {
	case 0: // CLDAP ping
		fi := s.add(g.newFlow(protoUDP, cl.ep(v6, cl.ephemeral()), dc.ep(v6, 389), cl.vlan))
		g.udp(s, fi, g.now, 0, ldap(3, 180), 180-8)
		g.udp(s, fi, g.now+g.ms(0.1, 2), 1, ldap(4, 160), 160-8)
		return
	case 1:
		c := g.dial(s, cl.ep(v6, cl.ephemeral()), dc.ep(v6, 636), cl.vlan, g.now, g.ms(0.1, 2))
		c.open()
		g.tlsHandshake(c, fmt.Sprintf("dc%02d.corp.contoso.com", 1+int(dc.v4.As4()[3]-10)))
		g.tlsExchanges(c)
		g.end(c, 0.05)
		return
	}
	port := uint16(389)
	if g.chance(0.5) {
		port = 3268
	}
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), dc.ep(v6, port), cl.vlan, g.now, g.ms(0.1, 2))
	c.open()
	c.exchange(ldap(0, 1500), 1500, ldap(1, 200), 200, g.ms(0.5, 5), modePlain) // SASL bind
	for range g.count(4) {
		n := g.size(300, 0.6, 60, 4000)
		m := g.size(1200, 1.5, 60, 500000)
		c.exchange(ldap(3, n), n, ldap(4, m), m, g.ms(0.1, 20), modePlain)
		c.t += g.ms(0.1, 200)
	}
	g.end(c, 0.05)
}

func ldap(op byte, n int) []byte {
	b := []byte{0x30, 0x84, 0, 0, 0, 0, 2, 1, 7, 0x60 | op}
	binary.BigEndian.PutUint32(b[2:], uint32(max(n-6, 0)))
	return b
}

// cassandraSession: an application server's CQL connection to a Cassandra node on 9042.
func (g *gen) cassandraSession(s *session) {
	app, node := pick(g, g.net.apps), pick(g, g.net.cass)
	c := g.dial(s, app.ep(false, app.ephemeral()), node.ep(false, 9042), node.vlan, g.now, g.ms(0.1, 1))
	c.open()
	c.exchange(cql(5, 0), 9, cql(6, 0), 60, g.ms(0.05, 0.5), modePlain) // OPTIONS, SUPPORTED
	c.exchange(cql(1, 22), 31, cql(2, 0), 9, g.ms(0.05, 1), modePlain)  // STARTUP, READY
	for range g.count(30) {
		c.t += g.ms(0.05, 100)
		c.exchange(cql(7, 0), g.size(150, 0.7, 20, 8000), cql(8, 0), g.size(400, 2, 20, 2<<20), g.ms(0.2, 20), modePlain)
	}
	g.end(c, 0.02)
}

func cql(op byte, n int) []byte {
	ver := byte(0x04)
	if op%2 == 0 && op != 0 && op != 4 {
		ver = 0x84 // responses (ERROR 0, READY 2, SUPPORTED 6, RESULT 8)
	}
	return []byte{ver, 0, 0, 1, op, 0, 0, byte(n >> 8), byte(n)}
}

// internodeSession: Cassandra nodes gossip and stream over TLS on 7001.
func (g *gen) internodeSession(s *session) {
	a, b := pick(g, g.net.cass), pick(g, g.net.cass)
	c := g.dial(s, a.ep(false, a.ephemeral()), b.ep(false, 7001), a.vlan, g.now, g.ms(0.1, 1))
	c.open()
	g.tlsHandshake(c, "")
	g.tlsExchanges(c)
	g.end(c, 0.02)
}

// exposureSession: a host outside reaches Cassandra, which should be internal only: some get a
// CQL answer, the others a RST.
func (g *gen) exposureSession(s *session) {
	src := external(pick(g, scanners), uint16(1024+g.r.IntN(64000)))
	node := pick(g, g.net.cass)
	port := pick(g, []uint16{9042, 9042, 7001})
	c := g.dial(s, src, node.ep(false, port), node.vlan, g.now, g.ms(0.1, 1))
	c.rtt[0] = g.ms(5, 150) // the client is the far side here
	if g.chance(0.5) {
		c.emit(c.t, 0, tcpSYN, nil, 0, 0, 0, 0)
		c.t += c.rtt[1]
		c.emit(c.t, 1, tcpRST|tcpACK, nil, 0, 0, 0, 0)
		return
	}
	c.open()
	c.exchange(cql(5, 0), 9, cql(6, 0), 60, g.ms(0.05, 0.5), modePlain)
	c.reset(0)
}
