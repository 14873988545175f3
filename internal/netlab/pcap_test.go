package netlab

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Captures are read with pcapgo and decoded with gopacket's layers.

type pcapFile struct {
	nano     bool
	linkType layers.LinkType
	packets  []pkt
}

type pkt struct {
	n            int // 1-based packet number
	ts           time.Time
	ifindex      int // SLL2 interface index, -1 otherwise
	src, dst     netip.Addr
	proto        uint8 // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6
	sport, dport uint16
	syn, ack     bool
	fin, rst     bool
	seq, ackn    uint32
	payload      []byte
	icmp         *icmpErr
}

type icmpErr struct {
	typ, code    uint8
	src, dst     netip.Addr // of the embedded packet
	proto        uint8
	sport, dport uint16
}

func readPcap(path string) (*pcapFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	r, err := pcapgo.NewReader(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f := &pcapFile{nano: r.Resolution().Exponent == -9, linkType: r.LinkType()}
	for n := 1; ; n++ {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: packet %d: %w", path, n, err)
		}
		p := decode(data, f.linkType)
		p.n, p.ts = n, ci.Timestamp
		f.packets = append(f.packets, p)
	}
}

func decode(data []byte, lt layers.LinkType) pkt {
	p := pkt{ifindex: -1}
	gp := gopacket.NewPacket(data, lt, gopacket.NoCopy)
	if l, ok := gp.Layer(layers.LayerTypeLinuxSLL2).(*layers.LinuxSLL2); ok {
		p.ifindex = int(l.InterfaceIndex)
	}
	var ipPayload []byte
	if ip, ok := gp.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
		p.src, _ = netip.AddrFromSlice(ip.SrcIP.To4())
		p.dst, _ = netip.AddrFromSlice(ip.DstIP.To4())
		p.proto = uint8(ip.Protocol)
		ipPayload = ip.Payload
	} else if ip, ok := gp.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
		p.src, _ = netip.AddrFromSlice(ip.SrcIP)
		p.dst, _ = netip.AddrFromSlice(ip.DstIP)
		p.proto = uint8(ip.NextHeader)
		ipPayload = ip.Payload
	} else {
		return p
	}
	switch p.proto {
	case 6:
		if t, ok := gp.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			p.sport, p.dport = uint16(t.SrcPort), uint16(t.DstPort)
			p.syn, p.ack, p.fin, p.rst = t.SYN, t.ACK, t.FIN, t.RST
			p.seq, p.ackn = t.Seq, t.Ack
			p.payload = t.Payload
		}
	case 17:
		if u, ok := gp.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
			p.sport, p.dport = uint16(u.SrcPort), uint16(u.DstPort)
			p.payload = u.Payload
		}
	case 1, 58:
		p.icmp = parseICMPError(p.proto, ipPayload)
	}
	return p
}

// parseICMPError parses an ICMP destination unreachable and the start of the
// packet it quotes (IP header and the first 8 bytes: the ports).
func parseICMPError(proto uint8, b []byte) *icmpErr {
	if len(b) < 8 {
		return nil
	}
	e := &icmpErr{typ: b[0], code: b[1]}
	if (proto == 1 && e.typ != 3) || (proto == 58 && e.typ != 1) {
		return nil
	}
	in := b[8:]
	var hl int
	switch {
	case len(in) >= 20 && in[0]>>4 == 4:
		hl = int(in[0]&0xf) * 4
		e.src, _ = netip.AddrFromSlice(in[12:16])
		e.dst, _ = netip.AddrFromSlice(in[16:20])
		e.proto = in[9]
	case len(in) >= 40 && in[0]>>4 == 6:
		hl = 40
		e.src, _ = netip.AddrFromSlice(in[8:24])
		e.dst, _ = netip.AddrFromSlice(in[24:40])
		e.proto = in[6]
	default:
		return e
	}
	if len(in) >= hl+4 {
		e.sport = binary.BigEndian.Uint16(in[hl:])
		e.dport = binary.BigEndian.Uint16(in[hl+2:])
	}
	return e
}

// clientHelloSNI returns the server_name of a TLS ClientHello at the start of
// b (a TLS record), or "".
func clientHelloSNI(b []byte) string {
	// record: type 22, version, length; handshake: type 1, length(3)
	if len(b) < 9 || b[0] != 22 || b[1] != 3 || b[5] != 1 {
		return ""
	}
	h := b[9:]
	// version(2) random(32)
	if len(h) < 34 {
		return ""
	}
	h = h[34:]
	skip := func(n int) bool {
		if len(h) < n {
			return false
		}
		h = h[n:]
		return true
	}
	vec := func(lenBytes int) bool {
		if len(h) < lenBytes {
			return false
		}
		n := 0
		for i := 0; i < lenBytes; i++ {
			n = n<<8 | int(h[i])
		}
		return skip(lenBytes + n)
	}
	if !vec(1) || !vec(2) || !vec(1) { // session id, cipher suites, compression
		return ""
	}
	if len(h) < 2 {
		return ""
	}
	h = h[2:] // extensions length
	for len(h) >= 4 {
		typ, n := int(h[0])<<8|int(h[1]), int(h[2])<<8|int(h[3])
		h = h[4:]
		if len(h) < n {
			return ""
		}
		ext := h[:n]
		h = h[n:]
		if typ != 0 || len(ext) < 5 {
			continue
		}
		// list length(2), name type(1) = 0, name length(2), name
		ln := int(ext[3])<<8 | int(ext[4])
		if ext[2] == 0 && len(ext) >= 5+ln {
			return string(ext[5 : 5+ln])
		}
	}
	return ""
}
