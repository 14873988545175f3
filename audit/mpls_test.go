package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowaudit/flowaudit/report"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestMPLSLabelledTraffic: a real capture whose IP frames are put under
// MPLS labels, as a provider's link carries them (one label, then two,
// in turn; unicast and multicast ethertypes), gives the same report as
// the capture itself, but for the bytes the labels add to the frames.
func TestMPLSLabelledTraffic(t *testing.T) {
	src := filepath.Join("..", "testdata", "demo", "teams.pcap")
	labelled := filepath.Join(t.TempDir(), "teams-mpls.pcap")
	if n := toMPLS(t, src, labelled); n < 1000 {
		t.Fatalf("only %d frames labelled", n)
	}
	cat := builtin(t)
	render := func(file string, workers int) map[string]any {
		r, err := Run(Options{Files: []string{file}, Catalog: cat, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.Write(&b, report.Options{Format: report.FormatJSON}); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b.Bytes(), &m); err != nil {
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
	for _, workers := range []int{1, 2} {
		got, err := json.MarshalIndent(render(labelled, workers), "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%d workers: the labelled capture's report differs:\n%s", workers, firstDiff(want, got))
		}
	}
}

// toMPLS copies an Ethernet capture, putting every untagged IPv4 and IPv6
// frame under MPLS labels, and returns how many it labelled.
func toMPLS(t *testing.T, src, dst string) int {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	r, err := pcapgo.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
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
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(data) >= 14 && (binary.BigEndian.Uint16(data[12:]) == 0x0800 || binary.BigEndian.Uint16(data[12:]) == 0x86dd) {
			labels := 1 + n%2
			frame := append([]byte(nil), data[:12]...)
			frame = binary.BigEndian.AppendUint16(frame, 0x8847+uint16(n%3/2)) // now and then 0x8848
			for i := range labels {
				v := uint32(100+i)<<12 | 64
				if i == labels-1 {
					v |= 0x100 // bottom of stack
				}
				frame = binary.BigEndian.AppendUint32(frame, v)
			}
			data = append(frame, data[14:]...)
			ci.CaptureLength, ci.Length = len(data), ci.Length+4*labels
			n++
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
