package tls

import (
	"bytes"
	ctls "crypto/tls"
	"strings"
	"testing"
)

func TestOneRecord(t *testing.T) {
	stream := records(helloMsg(ext(23, nil), sniExt("Login.MicrosoftOnline.com"), alpnExt("h2", "http/1.1")))
	stream = append(stream, 20, 3, 3, 0, 1, 1) // a ChangeCipherSpec after it
	var p Parser
	h, need, st := p.Parse(stream)
	if st != Found || need != 0 || string(h.ServerName) != "Login.MicrosoftOnline.com" || h.Version != 0x0303 {
		t.Fatalf("%v %q need %d", st, h.ServerName, need)
	}
	if !within(h.ServerName, stream) || cap(h.ServerName) != len(h.ServerName) {
		t.Error("server name is not a capped sub-slice of the stream")
	}
	if h.End != len(stream)-6 {
		t.Errorf("End %d, want %d", h.End, len(stream)-6)
	}
	var protos []string
	for rest := h.ALPN; ; {
		p, r, ok := NextProtocol(rest)
		if !ok {
			break
		}
		protos, rest = append(protos, string(p)), r
	}
	if strings.Join(protos, ",") != "h2,http/1.1" {
		t.Errorf("ALPN %q", protos)
	}
	if sni, _, st := ClientHelloSNI(stream); st != Found || !bytes.Equal(sni, h.ServerName) {
		t.Errorf("ClientHelloSNI: %v %q", st, sni)
	}
}

func TestNoSNI(t *testing.T) {
	for name, msg := range map[string][]byte{
		"no server_name": helloMsg(ext(23, nil), alpnExt("h2")),
		"no extensions":  helloMsg(),
		"empty block":    helloMsg([]byte{}),
		// A server_name list with a name type other than host_name.
		"other name type": helloMsg(ext(0, []byte{0, 4, 7, 0, 1, 'x'})),
	} {
		if sni, need, st := ClientHelloSNI(records(msg)); st != NoSNI || sni != nil || need != 0 {
			t.Errorf("%s: %v %q %d", name, st, sni, need)
		}
	}
}

// TestTwoRecords cuts the message into two records at every offset,
// through the handshake header and the server name included.
func TestTwoRecords(t *testing.T) {
	const host = "teams.microsoft.com"
	msg := helloMsg(ext(10, []byte{0, 2, 0, 29}), sniExt(host), ext(43, []byte{2, 3, 4}))
	var p Parser
	for cut := 1; cut < len(msg); cut++ {
		stream := records(msg, cut)
		for _, f := range []func([]byte) ([]byte, int, Status){p.ClientHelloSNI, ClientHelloSNI} {
			sni, _, st := f(stream)
			if st != Found || string(sni) != host {
				t.Fatalf("cut %d: %v %q", cut, st, sni)
			}
			// A name cut by the record boundary is a copy; any other is in
			// the stream.
			at := bytes.Index(msg, []byte(host))
			straddles := cut > at && cut < at+len(host)
			if within(sni, stream) == straddles {
				t.Fatalf("cut %d: name in stream = %v, straddles = %v", cut, within(sni, stream), straddles)
			}
		}
	}
	// Many one-byte records.
	var cuts []int
	for i := 1; i < len(msg); i++ {
		cuts = append(cuts, i)
	}
	if sni, _, st := p.ClientHelloSNI(records(msg, cuts...)); st != Found || string(sni) != host {
		t.Fatalf("one-byte records: %v %q", st, sni)
	}
}

// TestTruncatedEveryLength: every prefix is NeedMore, with a need that is
// a lower bound, exact once the record header is in.
func TestTruncatedEveryLength(t *testing.T) {
	msg := helloMsg(sniExt("example.com"), alpnExt("h2"))
	for _, stream := range [][]byte{records(msg), records(msg, 3), records(msg, 60, 90)} {
		var p Parser
		for n := 0; n < len(stream); n++ {
			sni, need, st := p.ClientHelloSNI(stream[:n])
			if st != NeedMore || sni != nil || need <= n || need > len(stream) {
				t.Fatalf("prefix %d/%d: %v %q need %d", n, len(stream), st, sni, need)
			}
		}
		if _, need, st := p.ClientHelloSNI(stream); st != Found || need != 0 {
			t.Fatalf("complete: %v", st)
		}
	}
	one := records(msg)
	for n := recordHeader + handshakeHeader; n < len(one); n++ {
		if _, need, _ := ClientHelloSNI(one[:n]); need != len(one) {
			t.Fatalf("prefix %d: need %d, want %d", n, need, len(one))
		}
	}
}

func TestNotTLS(t *testing.T) {
	good := records(helloMsg(sniExt("a.example")))
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, stream := range map[string][]byte{
		"http":             []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"one byte":         {0x17},
		"application data": mod(func(b []byte) []byte { b[0] = 23; return b }),
		"record version 2": mod(func(b []byte) []byte { b[1] = 2; return b[:2] }),
		"empty record":     {22, 3, 1, 0, 0},
		"record too long":  {22, 3, 1, 0x40, 0x01},
		"server hello":     mod(func(b []byte) []byte { b[5] = 2; return b[:6] }),
		"hello too short":  {22, 3, 1, 0, 8, 1, 0, 0, 4},
		"hello too long":   {22, 3, 3, 0x40, 0, 1, 0xFF, 0xFF, 0xFF},
		"legacy version":   mod(func(b []byte) []byte { b[9] = 2; return b }),
		"session id 33":    mod(func(b []byte) []byte { b[43] = 33; return b }),
		"odd suites":       mod(func(b []byte) []byte { b[77] = 3; return b }),
		"extensions len":   mod(func(b []byte) []byte { b[85]++; return b }),
		"ext past end":     mod(func(b []byte) []byte { b[89]++; return b }),
		"list len":         mod(func(b []byte) []byte { b[91]++; return b }),
		"name past ext":    mod(func(b []byte) []byte { b[94]++; return b }),
		"sslv2 hello":      {0x80, 0x2e, 0x01, 0x03, 0x01},
		"second record not handshake": func() []byte {
			b := records(helloMsg(sniExt("a.example")), 50)
			b[recordHeader+50] = 23
			return b
		}(),
		"duplicate server_name": records(helloMsg(sniExt("a.example"), sniExt("b.example"))),
		"two host_names":        records(helloMsg(ext(0, []byte{0, 8, 0, 0, 1, 'a', 0, 0, 1, 'b'}))),
		"empty host_name":       records(helloMsg(ext(0, []byte{0, 3, 0, 0, 0}))),
		"bad alpn":              records(helloMsg(ext(16, []byte{0, 3, 5, 'h', '2'}))),
	} {
		if sni, need, st := ClientHelloSNI(stream); st != NotTLS || sni != nil || need != 0 {
			t.Errorf("%s: %v %q need %d", name, st, sni, need)
		}
	}
}

// TestCryptoTLS parses ClientHellos written by crypto/tls: with the
// default post-quantum key share (X25519MLKEM768) they exceed one
// Ethernet segment, so they also test the multi-segment case.
func TestCryptoTLS(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  *ctls.Config
		sni  string
	}{
		{"pq", &ctls.Config{ServerName: "login.microsoftonline.com", NextProtos: []string{"h2", "http/1.1"}}, "login.microsoftonline.com"},
		{"tls12", &ctls.Config{ServerName: "teams.microsoft.com", MaxVersion: ctls.VersionTLS12}, "teams.microsoft.com"},
		{"ip, no sni", &ctls.Config{ServerName: "192.0.2.1", InsecureSkipVerify: true}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			stream := cryptoTLSHello(t, c.cfg)
			if c.name == "pq" && len(stream) <= 1500 {
				t.Errorf("ClientHello of %d bytes, expected > 1500 with the ML-KEM key share", len(stream))
			}
			var p Parser
			// Fed as TCP segments of 1448 bytes.
			for end := 1448; end < len(stream); end += 1448 {
				if _, need, st := p.ClientHelloSNI(stream[:end]); st != NeedMore || need != len(stream) {
					t.Fatalf("%d of %d bytes: %v need %d", end, len(stream), st, need)
				}
			}
			h, _, st := p.Parse(stream)
			want := Found
			if c.sni == "" {
				want = NoSNI
			}
			if st != want || string(h.ServerName) != c.sni || h.End != len(stream) {
				t.Fatalf("%v %q End %d of %d", st, h.ServerName, h.End, len(stream))
			}
			if c.cfg.NextProtos != nil {
				if p, _, ok := NextProtocol(h.ALPN); !ok || string(p) != "h2" {
					t.Errorf("ALPN %q", h.ALPN)
				}
			}
			// The same hello cut into records of 512 bytes.
			msg := stream[recordHeader:]
			if sni, _, st := p.ClientHelloSNI(records(msg, every(len(msg), 512)...)); st != want || string(sni) != c.sni {
				t.Errorf("in records of 512: %v %q", st, sni)
			}
		})
	}
}

func TestNextProtocol(t *testing.T) {
	for _, bad := range [][]byte{nil, {0}, {0, 'a'}, {3, 'a', 'b'}} {
		if _, _, ok := NextProtocol(bad); ok {
			t.Errorf("%q: ok", bad)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	msg := helloMsg(sniExt("login.microsoftonline.com"), alpnExt("h2", "http/1.1"))
	one := records(msg)
	at := bytes.Index(msg, []byte("microsoft"))
	split := records(msg, at) // the name straddles the records
	var p Parser
	p.ClientHelloSNI(split) // grow the scratch buffer once
	for name, f := range map[string]func(){
		"Parser, one record": func() { p.ClientHelloSNI(one) },
		"Parser, name split": func() { p.ClientHelloSNI(split) },
		"ClientHelloSNI":     func() { ClientHelloSNI(one) },
		"NeedMore":           func() { ClientHelloSNI(one[:len(one)/2]) },
	} {
		if a := testing.AllocsPerRun(1000, f); a != 0 {
			t.Errorf("%s: %v allocations", name, a)
		}
	}
}

func BenchmarkClientHelloSNI(b *testing.B) {
	small := records(helloMsg(sniExt("login.microsoftonline.com"), alpnExt("h2", "http/1.1")))
	pq := cryptoTLSHello(b, &ctls.Config{ServerName: "login.microsoftonline.com", NextProtos: []string{"h2", "http/1.1"}})
	for _, c := range []struct {
		name   string
		stream []byte
	}{
		{"small", small},
		{"crypto-tls-pq", pq},
		{"crypto-tls-pq-4-records", records(pq[recordHeader:], every(len(pq)-recordHeader, 400)...)},
		{"crypto-tls-pq-first-segment", pq[:1448]},
	} {
		b.Run(c.name, func(b *testing.B) {
			var p Parser
			b.ReportAllocs()
			b.SetBytes(int64(len(c.stream)))
			for b.Loop() {
				p.ClientHelloSNI(c.stream)
			}
		})
	}
}
