package packet

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// benchPackets is every Ethernet frame of the testdata captures plus the
// built Ethernet packets: VLAN, QinQ, IPv4 fragments, TCP, UDP, DNS, ICMP
// errors, ARP. Both benchmarks decode exactly these.
func benchPackets(b *testing.B) [][]byte {
	var out [][]byte
	for _, s := range seedPackets(b) {
		if s.link == LinkTypeEthernet {
			out = append(out, s.data)
		}
	}
	if len(out) == 0 {
		b.Fatal("no Ethernet packets")
	}
	return out
}

func BenchmarkDecode(b *testing.B) {
	pkts := benchPackets(b)
	var p Parsed
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Decode(LinkTypeEthernet, pkts[i%len(pkts)])
	}
}

// BenchmarkGopacketDecodingLayerParser is gopacket's fastest path: a
// DecodingLayerParser with preallocated layers, no packet objects.
func BenchmarkGopacketDecodingLayerParser(b *testing.B) {
	pkts := benchPackets(b)
	var (
		eth     layers.Ethernet
		dot1q   layers.Dot1Q
		ip4     layers.IPv4
		ip6     layers.IPv6
		ip6ext  layers.IPv6ExtensionSkipper
		tcp     layers.TCP
		udp     layers.UDP
		icmp4   layers.ICMPv4
		icmp6   layers.ICMPv6
		payload gopacket.Payload
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &ip4, &ip6, &ip6ext, &tcp, &udp, &icmp4, &icmp6, &payload)
	parser.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = parser.DecodeLayers(pkts[i%len(pkts)], &decoded)
	}
}

// BenchmarkGopacketNewPacket is gopacket's usual API, lazily decoded and
// without copying, asking only for the network and transport layers.
func BenchmarkGopacketNewPacket(b *testing.B) {
	pkts := benchPackets(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pk := gopacket.NewPacket(pkts[i%len(pkts)], layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		_ = pk.NetworkLayer()
		_ = pk.TransportLayer()
	}
}

// BenchmarkDecodeLinkTypes covers every link type, one built packet each.
func BenchmarkDecodeLinkTypes(b *testing.B) {
	corpus := builtCorpus(b)
	var p Parsed
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := &corpus[i%len(corpus)]
		p.Decode(s.link, s.data)
	}
}
