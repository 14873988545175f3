package main

import "fmt"

var userAgents = []string{
	"Microsoft NCSI",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36",
	"Debian APT-HTTP/1.3 (2.6.1)",
	"Microsoft-CryptoAPI/10.0",
}

// httpSession: a lookup, then HTTP/1.1 on port 80 with a Host header, one or a few requests.
func (g *gen) httpSession(s *session) {
	cl, v6, tg := g.client(), g.v6(), weighted(g, g.net.http, g.net.httpWeight)
	t, dst := g.now, tg.addr(g, v6)
	if g.chance(0.7) {
		t, dst = g.lookup(s, cl, v6, tg, t)
	}
	c := g.dial(s, cl.ep(v6, cl.ephemeral()), external(dst, 80), cl.vlan, t, g.ms(1, 50))
	c.open()
	for i := range g.count(1.5) {
		if i > 0 {
			c.t += g.ms(1, 500)
		}
		req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n",
			tg.path, tg.name, pick(g, userAgents))
		n := g.size(3000, 2, 20, 30<<20)
		resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nCache-Control: max-age=900\r\n\r\n", n)
		c.exchange([]byte(req), 0, []byte(resp), len(resp)+n, g.ms(0.5, 30), modePlain)
	}
	g.end(c, 0.05)
}

// connectSession: a client asks the proxy on 8080 for a tunnel to a TLS server, then speaks TLS
// through it.
func (g *gen) connectSession(s *session) {
	cl, tg := g.client(), weighted(g, g.net.tls, g.net.tlsWeight)
	c := g.dial(s, cl.ep(false, cl.ephemeral()), g.net.px.ep(false, 8080), cl.vlan, g.now, g.ms(0.2, 1))
	c.open()
	req := fmt.Sprintf("CONNECT %s:443 HTTP/1.1\r\nHost: %s:443\r\nUser-Agent: %s\r\nProxy-Connection: keep-alive\r\n\r\n",
		tg.name, tg.name, userAgents[1])
	resp := "HTTP/1.1 200 Connection established\r\n\r\n"
	c.exchange([]byte(req), 0, []byte(resp), 0, g.ms(2, 80), modePlain) // the proxy resolves and connects
	c.rtt[1] += g.ms(1, 50)                                             // the server is further away now
	g.tlsHandshake(c, tg.name)
	g.tlsExchanges(c)
	g.end(c, 0.05)
}
