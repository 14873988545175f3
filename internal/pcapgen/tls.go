package main

import "encoding/binary"

// tlsSession: maybe a lookup, then a TLS connection on 443: handshake, a few requests and
// responses, FIN or RST.
func (g *gen) tlsSession(s *session) {
	cl, v6, tg := g.client(), g.v6(), weighted(g, g.net.tls, g.net.tlsWeight)
	t, dst := g.now, tg.addr(g, v6)
	if g.chance(0.6) {
		t, dst = g.lookup(s, cl, v6, tg, t)
	}
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), external(dst, 443), cl.vlan, t, g.ms(1, 50))
	c.open()
	g.tlsHandshake(c, tg.name)
	g.tlsExchanges(c)
	g.end(c, 0.1)
}

// tlsHandshake adds a TLS 1.3 handshake after the TCP one: ClientHello (over two segments when
// it carries a post-quantum key share), the server's flight, the client's Finished.
func (g *gen) tlsHandshake(c *conn, sni string) {
	pq := g.chance(0.2)
	ch := g.clientHello(sni, pq)
	c.t += g.ms(0.02, 0.3)
	c.send(0, ch, len(ch), modePlain)
	c.t += g.ms(0.2, 3)
	sh := g.serverHello(pq)
	c.send(1, sh, len(sh)+int(binary.BigEndian.Uint16(sh[len(sh)-2:])), modePlain)
	c.send(0, []byte{20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 53}, 64, modePlain)
}

// tlsExchanges adds requests and responses of application data: a few of any size, or, on a
// chatty connection (notifications, keep-alives, an API client), many small ones.
func (g *gen) tlsExchanges(c *conn) {
	if g.chance(0.45) {
		for range g.count(25) {
			c.t += g.ms(5, 2000)
			c.exchange(nil, recordsLen(g.size(200, 0.8, 30, 4000)), nil, recordsLen(g.size(300, 1, 30, 8000)), g.ms(0.2, 20), modeRecords)
		}
		return
	}
	for i := range g.count(3) {
		if i > 0 {
			c.t += g.ms(1, 2000)
		}
		req := g.size(600, 0.8, 80, 16000)
		if g.chance(0.03) {
			req = g.size(200000, 1.5, 16000, 20<<20) // an upload
		}
		c.exchange(nil, recordsLen(req), nil, recordsLen(g.size(3000, 2, 100, 40<<20)), g.ms(0.5, 40), modeRecords)
	}
}

// clientHello builds a TLS record with a ClientHello like a browser's: SNI, ALPN, key shares
// (X25519MLKEM768 and X25519 when pq, about 1,750 bytes; X25519 alone padded to 517 bytes).
func (g *gen) clientHello(sni string, pq bool) []byte {
	var ext []byte
	addExt := func(typ uint16, body []byte) {
		ext = binary.BigEndian.AppendUint16(ext, typ)
		ext = binary.BigEndian.AppendUint16(ext, uint16(len(body)))
		ext = append(ext, body...)
	}
	if sni != "" {
		b := binary.BigEndian.AppendUint16(nil, uint16(len(sni)+3))
		b = append(b, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(len(sni)))
		addExt(0, append(b, sni...))
	}
	addExt(23, nil)                                            // extended master secret
	addExt(0xff01, []byte{0})                                  // renegotiation info
	groups := []byte{0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18} // x25519, secp256r1, secp384r1
	if pq {
		groups = []byte{0, 8, 0x11, 0xec, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18}
	}
	addExt(10, groups)
	addExt(11, []byte{1, 0})
	addExt(35, nil) // session ticket
	addExt(16, []byte{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'})
	addExt(5, []byte{1, 0, 0, 0, 0})
	addExt(13, []byte{0, 16, 4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1})
	addExt(18, nil)
	var ks []byte
	if pq {
		ks = append(ks, 0x11, 0xec, 1216>>8, 1216&0xff)
		ks = g.random(ks, 1216)
	}
	ks = append(ks, 0x00, 0x1d, 0, 32)
	ks = g.random(ks, 32)
	addExt(51, append(binary.BigEndian.AppendUint16(nil, uint16(len(ks))), ks...))
	addExt(45, []byte{1, 1})
	addExt(43, []byte{4, 3, 4, 3, 3})
	addExt(27, []byte{2, 0, 2})

	body := []byte{3, 3}
	body = g.random(body, 32)
	body = append(body, 32)
	body = g.random(body, 32)
	body = append(body, 0, 30, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c,
		0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35)
	body = append(body, 1, 0)
	if n := len(body) + 2 + len(ext) + 4 + 4; !pq && n < 512 { // padding (RFC 7685) to 512 bytes
		addExt(21, make([]byte, 512-n))
	}
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	return handshakeRecord(1, 1, body)
}

// serverHello builds the server's first flight: ServerHello, ChangeCipherSpec, and the header of
// the record carrying the encrypted handshake (its body, a certificate chain, is filler).
func (g *gen) serverHello(pq bool) []byte {
	ks := []byte{0x00, 0x1d, 0, 32}
	n := 32
	if pq {
		ks, n = []byte{0x11, 0xec, 1120 >> 8, 1120 & 0xff}, 1120
	}
	ks = g.random(ks, n)
	var ext []byte
	ext = append(ext, 0, 43, 0, 2, 3, 4, 0, 51)
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(ks)))
	ext = append(ext, ks...)
	body := []byte{3, 3}
	body = g.random(body, 32)
	body = append(body, 32)
	body = g.random(body, 32)
	body = append(body, 0x13, 0x01, 0)
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	b := handshakeRecord(3, 2, body)
	b = append(b, 20, 3, 3, 0, 1, 1)
	cert := 2000 + g.r.IntN(4000)
	return append(b, 23, 3, 3, byte(cert>>8), byte(cert))
}

func handshakeRecord(minor, typ byte, body []byte) []byte {
	n := len(body)
	b := []byte{22, 3, minor, byte((n + 4) >> 8), byte(n + 4), typ, byte(n >> 16), byte(n >> 8), byte(n)}
	return append(b, body...)
}

func (g *gen) random(b []byte, n int) []byte {
	for range n {
		b = append(b, byte(g.r.Uint32()))
	}
	return b
}
