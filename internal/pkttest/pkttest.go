// Package pkttest builds packets for tests with gopacket: IPv4 TCP
// segments and UDP datagrams without a link header, checksums and lengths
// filled in.
package pkttest

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TCP describes an IPv4/TCP packet. Flags are letters: S, A, F, R, P.
type TCP struct {
	Src, Dst         string
	SrcPort, DstPort uint16
	TTL              uint8 // 0: 64
	ID               uint16
	DontFragment     bool
	Flags            string
	Seq, Ack         uint32
	Payload          []byte
}

// Bytes serializes the packet.
func (s TCP) Bytes(tb testing.TB) []byte {
	tb.Helper()
	ip := ipv4(s.Src, s.Dst, s.TTL, s.ID, layers.IPProtocolTCP)
	if s.DontFragment {
		ip.Flags = layers.IPv4DontFragment
	}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(s.SrcPort), DstPort: layers.TCPPort(s.DstPort), Seq: s.Seq, Ack: s.Ack, Window: 64240}
	for _, c := range s.Flags {
		switch c {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		case 'P':
			tcp.PSH = true
		default:
			tb.Fatalf("pkttest: unknown TCP flag %q", c)
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		tb.Fatal(err)
	}
	return Serialize(tb, ip, tcp, gopacket.Payload(s.Payload))
}

// UDP describes an IPv4/UDP datagram.
type UDP struct {
	Src, Dst         string
	SrcPort, DstPort uint16
	TTL              uint8 // 0: 64
	ID               uint16
	Payload          []byte
}

// Bytes serializes the datagram.
func (s UDP) Bytes(tb testing.TB) []byte {
	tb.Helper()
	ip := ipv4(s.Src, s.Dst, s.TTL, s.ID, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(s.SrcPort), DstPort: layers.UDPPort(s.DstPort)}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		tb.Fatal(err)
	}
	return Serialize(tb, ip, udp, gopacket.Payload(s.Payload))
}

func ipv4(src, dst string, ttl uint8, id uint16, proto layers.IPProtocol) *layers.IPv4 {
	if ttl == 0 {
		ttl = 64
	}
	return &layers.IPv4{Version: 4, TTL: ttl, Id: id, Protocol: proto, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
}

// Serialize writes layers into one packet, fixing lengths and checksums.
func Serialize(tb testing.TB, l ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, l...); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
