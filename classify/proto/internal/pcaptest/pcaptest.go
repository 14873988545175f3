// Package pcaptest reads packet captures for the proto parsers' tests: it
// decodes frames with gopacket, and reassembles each direction of a TCP
// connection into the byte stream a parser is fed. It is test support only
// (imported by _test files), kept out of the hot path and the binary.
package pcaptest

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Packet is one IPv4/IPv6 TCP or UDP packet of a capture.
type Packet struct {
	Index    int // position in the capture, from 0
	Src, Dst netip.AddrPort
	TCP      bool
	SYN      bool
	Seq      uint32
	Payload  []byte
}

// Testdata returns the path of a file in classify/proto/testdata, wherever
// the test runs from.
func Testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", name)
}

// SharedDir returns the shared capture corpus (FLOWAUDIT_PCAPS, default
// /work/shared/pcaps) or "" when it is not on this machine: tests over the
// whole corpus are extra checks, the ones CI relies on use Testdata.
func SharedDir() string {
	dir := os.Getenv("FLOWAUDIT_PCAPS")
	if dir == "" {
		dir = "/work/shared/pcaps"
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// Read returns the TCP and UDP packets of a pcap or pcapng file. Frames
// gopacket cannot take to a transport layer are left out.
func Read(tb testing.TB, path string) []Packet {
	tb.Helper()
	pkts, err := ReadFile(path)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return pkts
}

// ReadFile is Read returning the error, for walking a corpus where some
// files are expected not to open.
func ReadFile(path string) ([]Packet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, err
	}
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var lt layers.LinkType
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, err
		}
		src, lt = r, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, err
		}
		src, lt = r, r.LinkType()
	}
	var pkts []Packet
	for i := 0; ; i++ {
		data, _, err := src.ReadPacketData()
		if err == io.EOF {
			return pkts, nil
		}
		if err != nil {
			return pkts, err
		}
		if p, ok := decode(i, data, lt); ok {
			pkts = append(pkts, p)
		}
	}
}

func decode(i int, data []byte, lt layers.LinkType) (Packet, bool) {
	gp := gopacket.NewPacket(data, lt, gopacket.Default)
	p := Packet{Index: i}
	var src, dst netip.Addr
	switch n := gp.NetworkLayer().(type) {
	case *layers.IPv4:
		if n.Flags&layers.IPv4MoreFragments != 0 || n.FragOffset != 0 {
			return p, false // fragments: not reassembled here
		}
		src, _ = netip.AddrFromSlice(n.SrcIP)
		dst, _ = netip.AddrFromSlice(n.DstIP)
	case *layers.IPv6:
		src, _ = netip.AddrFromSlice(n.SrcIP)
		dst, _ = netip.AddrFromSlice(n.DstIP)
	default:
		return p, false
	}
	switch t := gp.TransportLayer().(type) {
	case *layers.TCP:
		p.TCP, p.SYN, p.Seq, p.Payload = true, t.SYN, t.Seq, t.Payload
		p.Src = netip.AddrPortFrom(src, uint16(t.SrcPort))
		p.Dst = netip.AddrPortFrom(dst, uint16(t.DstPort))
	case *layers.UDP:
		p.Payload = t.Payload
		p.Src = netip.AddrPortFrom(src, uint16(t.SrcPort))
		p.Dst = netip.AddrPortFrom(dst, uint16(t.DstPort))
	default:
		return p, false
	}
	return p, true
}
