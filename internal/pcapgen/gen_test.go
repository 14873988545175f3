package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func generate(t *testing.T, cfg Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != int64(cfg.Packets) {
		t.Fatalf("wrote %d packets, want %d", st.Packets, cfg.Packets)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Packets: 20000, Seed: 42, Rate: 2000}
	a, b := sha256.Sum256(generate(t, cfg)), sha256.Sum256(generate(t, cfg))
	if a != b {
		t.Fatalf("same seed, different files: %x and %x", a, b)
	}
	cfg.Seed++
	if c := sha256.Sum256(generate(t, cfg)); c == a {
		t.Fatal("another seed gave the same file")
	}
}

// TestPcapng: -pcapng writes the same packets, at the same nanosecond
// times, as a classic pcap with nanosecond timestamps.
func TestPcapng(t *testing.T) {
	cfg := Config{Packets: 5000, Seed: 9, Rate: 2000, Nano: true}
	classic := generate(t, cfg)
	cfg.Nano, cfg.Pcapng = false, true
	ng := generate(t, cfg)
	r, err := pcapgo.NewReader(bytes.NewReader(classic))
	if err != nil {
		t.Fatal(err)
	}
	nr, err := pcapgo.NewNgReader(bytes.NewReader(ng), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("not pcapng: %v", err)
	}
	if nr.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("link type %v, want Ethernet", nr.LinkType())
	}
	for i := 0; ; i++ {
		want, wci, werr := r.ReadPacketData()
		got, gci, gerr := nr.ReadPacketData()
		if werr == io.EOF || gerr == io.EOF {
			if werr != gerr || i != cfg.Packets {
				t.Fatalf("packet %d: pcap ended %v, pcapng %v; want both after %d", i, werr, gerr, cfg.Packets)
			}
			break
		}
		if werr != nil || gerr != nil {
			t.Fatalf("packet %d: %v, %v", i, werr, gerr)
		}
		if !bytes.Equal(got, want) || !gci.Timestamp.Equal(wci.Timestamp) || gci.Length != wci.Length {
			t.Fatalf("packet %d differs: pcapng %d bytes at %v, pcap %d bytes at %v", i, len(got), gci.Timestamp, len(want), wci.Timestamp)
		}
	}
}

// census counts, in a capture, what the mix is made of.
type census struct {
	packets, vlan, ipv6, fragments, unreachable, rst, cnameAnswers int
	clientHellos, splitClientHellos                                int
	synFlows, unansweredSYNs                                       int
	retransmittedSYNs                                              int // unanswered SYNs sent again 1 s, then 2 s later
	sni                                                            map[string]bool
	dnsOverTCP, http, connect                                      int
}

type fourTuple struct {
	src, dst string
	sp, dp   layers.TCPPort
}

func takeCensus(t *testing.T, file []byte, nano bool) census {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("link type %v", r.LinkType())
	}
	want := gopacket.TimestampResolutionMicrosecond
	if nano {
		want = gopacket.TimestampResolutionNanosecond
	}
	if r.Resolution() != want {
		t.Fatalf("resolution %v, want %v", r.Resolution(), want)
	}
	c := census{sni: map[string]bool{}}
	syns := map[fourTuple][]time.Time{}
	answered := map[fourTuple]bool{}
	var last time.Time
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c.packets++
		if ci.Timestamp.Before(last) {
			t.Fatalf("packet %d: time goes back: %v after %v", c.packets, ci.Timestamp, last)
		}
		last = ci.Timestamp
		p := gopacket.NewPacket(data, layers.LinkTypeEthernet, gopacket.Default)
		if e := p.ErrorLayer(); e != nil {
			t.Fatalf("packet %d: %v\n%s", c.packets, e.Error(), p.Dump())
		}
		for _, l := range p.Layers() {
			if l, ok := l.(interface {
				SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
			}); ok {
				if err := l.SetNetworkLayerForChecksum(p.NetworkLayer()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err, bad := p.VerifyChecksums(); err != nil || len(bad) > 0 {
			t.Fatalf("packet %d: checksums: %v %v\n%s", c.packets, err, bad, p.Dump())
		}
		if p.Layer(layers.LayerTypeDot1Q) != nil {
			c.vlan++
		}
		if p.Layer(layers.LayerTypeIPv6) != nil {
			c.ipv6++
		}
		if ip, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok && (ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0) {
			c.fragments++
		}
		if i, ok := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4); ok && i.TypeCode == layers.CreateICMPv4TypeCode(3, 3) {
			c.unreachable++
		}
		if i, ok := p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6); ok && i.TypeCode == layers.CreateICMPv6TypeCode(1, 4) {
			c.unreachable++
		}
		if d, ok := p.Layer(layers.LayerTypeDNS).(*layers.DNS); ok && d.QR {
			for _, a := range d.Answers {
				if a.Type == layers.DNSTypeCNAME {
					c.cnameAnswers++
					break
				}
			}
		}
		tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			continue
		}
		net := p.NetworkLayer().NetworkFlow()
		k := fourTuple{net.Src().String(), net.Dst().String(), tcp.SrcPort, tcp.DstPort}
		back := fourTuple{k.dst, k.src, k.dp, k.sp}
		switch {
		case tcp.RST:
			c.rst++
			answered[back] = true
		case tcp.SYN && !tcp.ACK:
			syns[k] = append(syns[k], ci.Timestamp)
		case tcp.SYN && tcp.ACK:
			answered[back] = true
		}
		pl := tcp.Payload
		switch {
		case tcp.DstPort == 443 && len(pl) > 9 && pl[0] == 22 && pl[5] == 1:
			c.clientHellos++
			if n := 5 + int(binary.BigEndian.Uint16(pl[3:])); n > len(pl) {
				c.splitClientHellos++
			} else if sni := serverName(pl[9:n]); sni != "" {
				c.sni[sni] = true
			}
		case tcp.DstPort == 53 && len(pl) > 0:
			c.dnsOverTCP++
		case bytes.HasPrefix(pl, []byte("GET ")) && bytes.Contains(pl, []byte("\r\nHost: ")):
			c.http++
		case bytes.HasPrefix(pl, []byte("CONNECT ")) && tcp.DstPort == 8080:
			c.connect++
		}
	}
	for k, ts := range syns {
		c.synFlows++
		if answered[k] {
			continue
		}
		c.unansweredSYNs++
		if len(ts) == 3 && ts[1].Sub(ts[0]) == time.Second && ts[2].Sub(ts[1]) == 2*time.Second {
			c.retransmittedSYNs++
		}
	}
	return c
}

// serverName returns the SNI of a complete ClientHello body (after the handshake header).
func serverName(b []byte) string {
	if len(b) < 35 {
		return ""
	}
	b = b[34:]          // version, random
	b = b[1+int(b[0]):] // session id
	n := int(binary.BigEndian.Uint16(b))
	b = b[2+n:]         // cipher suites
	b = b[1+int(b[0]):] // compression
	b = b[2:]           // extensions length
	for len(b) >= 4 {
		typ, n := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if typ == 0 {
			return string(b[9 : 4+n])
		}
		b = b[4+n:]
	}
	return ""
}

func TestMix(t *testing.T) {
	const n = 100000
	c := takeCensus(t, generate(t, Config{Packets: n, Seed: 1, Rate: 2000}), false)
	t.Logf("%+v", c)
	perMille := func(x int) int { return 1000 * x / c.packets }
	check := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %d, want %d to %d", what, got, lo, hi)
		}
	}
	check("packets", c.packets, n, n)
	check("VLAN-tagged packets, per mille", perMille(c.vlan), 50, 200)
	check("IPv6 packets, per mille", perMille(c.ipv6), 70, 300)
	check("IPv4 fragments", c.fragments, 2, 300)
	check("RSTs", c.rst, 50, 300)
	check("ICMP port unreachable", c.unreachable, 20, 200)
	check("connections", c.synFlows, 700, 3000)
	check("unanswered SYNs (connections)", c.unansweredSYNs, 30, 200)
	check("DNS answers with a CNAME chain", c.cnameAnswers, 1000, 4000)
	check("ClientHellos", c.clientHellos, 400, 2000)
	check("ClientHellos over two segments, percent", 100*c.splitClientHellos/max(c.clientHellos, 1), 12, 30)
	check("DNS over TCP", c.dnsOverTCP, 1, 50)
	check("HTTP requests with Host", c.http, 50, 400)
	check("CONNECTs", c.connect, 10, 150)
	for _, name := range []string{"login.microsoftonline.com", "management.azure.com", "contoso.blob.core.windows.net", "www.example.com"} {
		if !c.sni[name] {
			t.Errorf("no ClientHello for %s", name)
		}
	}
}

// At a low session rate the capture spans many seconds: unanswered SYNs are sent again 1 s and
// 3 s after the first.
func TestSlowMix(t *testing.T) {
	c := takeCensus(t, generate(t, Config{Packets: 50000, Seed: 3, Rate: 20, Nano: true}), true)
	t.Logf("%d packets, %d unanswered SYNs", c.packets, c.unansweredSYNs)
	if c.retransmittedSYNs < 5 {
		t.Errorf("%d unanswered SYNs retransmitted after 1 s and 3 s (of %d unanswered), want 5 or more", c.retransmittedSYNs, c.unansweredSYNs)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		st, err := Generate(io.Discard, Config{Packets: 100000, Seed: 1, Rate: 2000})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(st.Bytes)
	}
}
