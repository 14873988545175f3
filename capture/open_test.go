package capture

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// buildPcapng writes recs with pcapgo.NgWriter, one interface per link
// type; record i goes to interface ifaceOf(i).
func buildPcapng(t testing.TB, links []layers.LinkType, recs []rec, ifaceOf func(int) int) []byte {
	t.Helper()
	var b bytes.Buffer
	intf := pcapgo.DefaultNgInterface
	intf.LinkType = links[0]
	w, err := pcapgo.NewNgWriterInterface(&b, intf, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links[1:] {
		intf.LinkType = l
		if _, err := w.AddInterface(intf); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range recs {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, r.t), CaptureLength: len(r.data), Length: len(r.data), InterfaceIndex: ifaceOf(i)}
		if err := w.WritePacket(ci, r.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPcapngMultiInterfaceFile(t *testing.T) {
	// tcpdump -r pcapng-multi-interface.pcapng -tt --time-stamp-precision=nano;
	// interface 0 has nanosecond resolution, interface 1 microseconds.
	wantTime := []int64{1767663089_500330493, 1767663089_514291940, 1767663437_111897000, 1767663437_126460000, 1767663437_128303000, 1767663437_140942000}
	wantIface := []uint32{0, 0, 1, 1, 1, 1}
	res := readAll(t, openBytes(t, "m.pcapng", readTestdata(t, "pcapng-multi-interface.pcapng")), 20)
	if len(res.problems) != 0 || len(res.pkts) != len(wantTime) {
		t.Fatalf("%d packets, problems %v", len(res.pkts), res.problems)
	}
	for i, p := range res.pkts {
		if p.Time != wantTime[i] || p.Iface != wantIface[i] || p.Link != LinkEthernet || p.Number != uint64(i+1) {
			t.Errorf("packet %d: time %d iface %d link %d number %d", i+1, p.Time, p.Iface, p.Link, p.Number)
		}
	}
}

func TestPcapngMixedLinkTypes(t *testing.T) {
	recs := testRecords(30)
	links := []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeRaw, layers.LinkTypeLinuxSLL2}
	b := buildPcapng(t, links, recs, func(i int) int { return i % 3 })
	res := readAll(t, openBytes(t, "mixed.pcapng", b), 100)
	if len(res.problems) != 0 {
		t.Fatal(res.problems)
	}
	checkRecords(t, res.pkts, recs, true)
	want := []LinkType{LinkEthernet, LinkRaw, LinkLinuxSLL2}
	for i, p := range res.pkts {
		if p.Iface != uint32(i%3) || p.Link != want[i%3] {
			t.Fatalf("packet %d: iface %d link %d", i+1, p.Iface, p.Link)
		}
	}
}

func TestPcapngTruncated(t *testing.T) {
	b := readTestdata(t, "pcapng-multi-interface.pcapng")
	// Cut inside one of the later packet blocks.
	cut := bytes.Clone(b[:len(b)-300])
	res := readAll(t, openBytes(t, "m.pcapng", cut), 20)
	if len(res.pkts) == 0 || len(res.pkts) >= 6 {
		t.Fatalf("%d packets", len(res.pkts))
	}
	p := res.err.(*Problem)
	if !p.Fatal || p.Packet != uint64(len(res.pkts)+1) || !strings.HasSuffix(p.Error(), "truncated: the file ends inside a block") {
		t.Fatalf("end: %v", p)
	}
	if p.Offset != int64(len(cut)) {
		t.Errorf("offset %d, want %d (where the damage was detected)", p.Offset, len(cut))
	}
}

func TestPcapngDamagedBlock(t *testing.T) {
	recs := testRecords(10)
	b := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet}, recs, func(int) int { return 0 })
	// Make the fifth EPB point at interface 7, which does not exist.
	off := bytes.Index(b, recs[4].data) - 20
	b[off] = 7
	res := readAll(t, openBytes(t, "d.pcapng", b), 20)
	checkRecords(t, res.pkts, recs[:4], true)
	if res.err == nil || !strings.Contains(res.err.Error(), "d.pcapng: packet 5 at byte") || !strings.Contains(res.err.Error(), "pcapng: Interface id 7 not present") {
		t.Fatalf("end: %v", res.err)
	}
}

func TestGzip(t *testing.T) {
	recs := testRecords(300)
	pcap, _ := buildPcap(pcapSpec{}, recs)
	ng := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet}, recs, func(int) int { return 0 })
	for _, tc := range []struct {
		name string
		file []byte
		nano bool
	}{{"x.pcap", pcap, false}, {"x.pcapng", ng, true}} {
		gz := gzipBytes(tc.file)
		path := writeTemp(t, "no-suffix", gz) // detected by magic, not by name
		src, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, src, 1000)
		if len(res.problems) != 0 {
			t.Fatal(res.problems)
		}
		checkRecords(t, res.pkts, recs, tc.nano)
		if d, tot := src.Progress(); d != int64(len(gz)) || tot != int64(len(gz)) {
			t.Errorf("%s: progress %d/%d, want compressed size %d", tc.name, d, tot, len(gz))
		}
		src.Close()

		// Cut-off download: every whole packet before the cut, then a fatal problem.
		res = readAll(t, openBytes(t, tc.name, gz[:len(gz)*2/3]), 1000)
		if len(res.pkts) < 100 || len(res.pkts) >= len(recs) {
			t.Fatalf("%s cut: %d packets", tc.name, len(res.pkts))
		}
		checkRecords(t, res.pkts, recs[:len(res.pkts)], tc.nano)
		if res.err == nil || !strings.Contains(res.err.Error(), "gzip: the compressed stream is truncated") {
			t.Fatalf("%s cut: end %v", tc.name, res.err)
		}
	}
}

func TestStdin(t *testing.T) {
	recs := testRecords(2000)
	b, _ := buildPcap(pcapSpec{nano: true}, recs)
	for _, file := range [][]byte{b, gzipBytes(b)} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() { w.Write(file); w.Close() }()
		old := os.Stdin
		os.Stdin = r
		src, err := Open("-", Options{})
		os.Stdin = old
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, src, 10000)
		if len(res.problems) != 0 {
			t.Fatal(res.problems)
		}
		checkRecords(t, res.pkts, recs, true)
		if d, tot := src.Progress(); d != int64(len(file)) || tot != 0 {
			t.Errorf("progress %d/%d, want %d/0 (a pipe has no size)", d, tot, len(file))
		}
		src.Close()
		r.Close()
	}
	// Problems name standard input.
	r, w, _ := os.Pipe()
	go func() { w.Write([]byte("hello")); w.Close() }()
	old := os.Stdin
	os.Stdin = r
	_, err := Open("-", Options{})
	os.Stdin = old
	if err == nil || err.Error() != "stdin: not a pcap or pcapng file (starts with 68 65 6c 6c)" {
		t.Fatalf("got %v", err)
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open(t.TempDir()+"/nope.pcap", Options{})
	if !os.IsNotExist(err) {
		t.Fatalf("got %v, want a not-exist error", err)
	}
}

func TestProgressRegularFile(t *testing.T) {
	b, _ := buildPcap(pcapSpec{}, testRecords(100))
	src, err := Open(writeTemp(t, "p.pcap", b), Options{BufferSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var p Packet
	if err := src.Next(&p); err != nil {
		t.Fatal(err)
	}
	d, tot := src.Progress()
	if tot != int64(len(b)) || d <= 0 || d >= tot {
		t.Fatalf("after one packet: %d/%d", d, tot)
	}
	for src.Next(&p) == nil {
	}
	if d, _ := src.Progress(); d != tot {
		t.Fatalf("at the end: %d/%d", d, tot)
	}
	if err := src.Next(&p); err != io.EOF {
		t.Fatal(err)
	}
}
