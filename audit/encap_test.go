package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestEncapsulatedTraffic: a real capture whose IP frames are carried as
// a provider's link or a DSL uplink carries them, under MPLS labels (one,
// then two, in turn; unicast and multicast ethertypes) or in PPPoE
// sessions (PPP protocol numbers of two bytes and compressed ones, with
// and without the HDLC address and control bytes), gives the same report
// as the capture itself, but for the bytes the encapsulation adds.
func TestEncapsulatedTraffic(t *testing.T) {
	src := filepath.Join("..", "testdata", "demo", "teams.pcap")
	cat := builtin(t)
	render := func(file string, workers int) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(auditJSON(t, Options{Files: []string{file}, Catalog: cat, Workers: workers}), &m); err != nil {
			t.Fatal(err)
		}
		c := m["capture"].(map[string]any)
		if c["skipped"].(float64) > 42 { // the capture's own ARP and the like
			t.Errorf("%s: %v frames skipped as not IP", file, c["skipped"])
		}
		delete(c, "files")
		delete(c, "bytes")
		return m
	}
	want, err := json.MarshalIndent(render(src, 1), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []struct {
		name string
		wrap wrapIP
	}{{"mpls", mplsWrap}, {"pppoe", pppoeWrap}} {
		t.Run(enc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "teams-"+enc.name+".pcap")
			if n := reencapsulate(t, src, file, enc.wrap); n < 1000 {
				t.Fatalf("only %d frames encapsulated", n)
			}
			for _, workers := range []int{1, 2} {
				got, err := json.MarshalIndent(render(file, workers), "", " ")
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%d workers: the report differs:\n%s", workers, firstDiff(want, got))
				}
			}
		})
	}
}

// wrapIP returns the ethertype and the headers that carry the n-th IP
// packet (IPv6 when v6) of a capture in another encapsulation.
type wrapIP func(n int, v6 bool, ip []byte) (uint16, []byte)

// mplsWrap puts one or two labels before the packet.
func mplsWrap(n int, _ bool, _ []byte) (uint16, []byte) {
	labels := 1 + n%2
	var h []byte
	for i := range labels {
		v := uint32(100+i)<<12 | 64
		if i == labels-1 {
			v |= 0x100 // bottom of stack
		}
		h = binary.BigEndian.AppendUint32(h, v)
	}
	return 0x8847 + uint16(n%3/2), h // now and then 0x8848
}

// pppoeWrap puts the packet in a PPPoE session frame.
func pppoeWrap(n int, v6 bool, ip []byte) (uint16, []byte) {
	proto := []byte{0x00, 0x21}
	if v6 {
		proto = []byte{0x00, 0x57}
	}
	var ppp []byte
	switch n % 3 {
	case 1:
		ppp = append([]byte{0xff, 0x03}, proto...)
	case 2:
		ppp = proto[1:] // a compressed protocol field
	default:
		ppp = proto
	}
	h := []byte{0x11, 0x00, 0x12, 0x34}
	h = binary.BigEndian.AppendUint16(h, uint16(len(ppp)+len(ip)))
	return 0x8864, append(h, ppp...)
}

// reencapsulate copies an Ethernet capture, carrying every untagged IPv4
// and IPv6 frame as wrap says, and returns how many it changed.
func reencapsulate(t *testing.T, src, dst string, wrap wrapIP) int {
	t.Helper()
	r := openPcap(t, src)
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("%s: link type %v, want Ethernet", src, r.LinkType())
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	w := pcapgo.NewWriter(out)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	n := 0
	for ci, data := range packets(t, r) {
		if len(data) >= 14 && (binary.BigEndian.Uint16(data[12:]) == 0x0800 || binary.BigEndian.Uint16(data[12:]) == 0x86dd) {
			et, head := wrap(n, binary.BigEndian.Uint16(data[12:]) == 0x86dd, data[14:])
			frame := append([]byte(nil), data[:12]...)
			frame = binary.BigEndian.AppendUint16(frame, et)
			frame = append(append(frame, head...), data[14:]...)
			ci.Length += len(frame) - len(data)
			ci.CaptureLength = len(frame)
			data = frame
			n++
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
