package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

const testdataDir = "../testdata/capture"

// frame builds an Ethernet/IPv4/TCP frame with payloadLen bytes of payload;
// i varies addresses, ports and payload bytes.
func frame(i, payloadLen int) []byte {
	eth := &layers.Ethernet{
		SrcMAC:       net.HardwareAddr{0x02, 0, 0, 0, byte(i >> 8), byte(i)},
		DstMAC:       net.HardwareAddr{0x02, 0, 0, 0, 0, 1},
		EthernetType: layers.EthernetTypeIPv4,
	}
	ip := &layers.IPv4{
		Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: net.IPv4(10, 0, byte(i>>8), byte(i)), DstIP: net.IPv4(192, 0, 2, 1),
	}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(1024 + i%50000), DstPort: 443, Seq: uint32(i), ACK: true, PSH: payloadLen > 0, Window: 512}
	tcp.SetNetworkLayerForChecksum(ip)
	payload := make([]byte, payloadLen)
	for j := range payload {
		payload[j] = byte(i + j)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// rec is one record to write: its time (Unix ns), data and original length
// (0: len(data)).
type rec struct {
	t    int64
	data []byte
	orig int
}

// testRecords returns n records of mixed sizes, 1 ms apart from t0.
func testRecords(n int) []rec {
	sizes := []int{0, 40, 200, 1400, 7}
	const t0 = 1_700_000_000_123_456_000
	rs := make([]rec, n)
	for i := range rs {
		rs[i] = rec{t: t0 + int64(i)*1_000_000, data: frame(i, sizes[i%len(sizes)])}
	}
	return rs
}

// pcapSpec describes a classic pcap file to build by hand (pcapgo.Writer
// only writes little-endian files).
type pcapSpec struct {
	bigEndian    bool
	nano         bool
	snaplen      uint32
	link         uint32
	major, minor uint16
	swapped      bool // write the lengths in pre-2.3 order
}

// buildPcap writes recs and returns the file and the offset of each record.
func buildPcap(spec pcapSpec, recs []rec) ([]byte, []int) {
	var bo binary.ByteOrder = binary.LittleEndian
	if spec.bigEndian {
		bo = binary.BigEndian
	}
	if spec.snaplen == 0 {
		spec.snaplen = 65535
	}
	if spec.major == 0 {
		spec.major, spec.minor = 2, 4
	}
	if spec.link == 0 {
		spec.link = uint32(LinkEthernet)
	}
	magic := uint32(magicMicro)
	if spec.nano {
		magic = magicNano
	}
	b := make([]byte, 24)
	bo.PutUint32(b, magic)
	bo.PutUint16(b[4:], spec.major)
	bo.PutUint16(b[6:], spec.minor)
	bo.PutUint32(b[16:], spec.snaplen)
	bo.PutUint32(b[20:], spec.link)
	offs := make([]int, len(recs))
	for i, r := range recs {
		offs[i] = len(b)
		var h [16]byte
		sec, frac := r.t/1e9, r.t%1e9
		if !spec.nano {
			frac /= 1000
		}
		orig := r.orig
		if orig == 0 {
			orig = len(r.data)
		}
		capl := len(r.data)
		if spec.swapped {
			capl, orig = orig, capl
		}
		bo.PutUint32(h[0:], uint32(sec))
		bo.PutUint32(h[4:], uint32(frac))
		bo.PutUint32(h[8:], uint32(capl))
		bo.PutUint32(h[12:], uint32(orig))
		b = append(b, h[:]...)
		b = append(b, r.data...)
	}
	return b, offs
}

// result is what readAll collected: packets (copied), problems, and the
// error that ended the loop (nil for io.EOF).
type result struct {
	pkts     []Packet
	problems []*Problem
	err      error
}

// readAll reads src to the end, copying packets, collecting problems, and
// failing the test if it does not end within limit calls.
func readAll(t testing.TB, src Source, limit int) result {
	t.Helper()
	var res result
	var p Packet
	for i := 0; ; i++ {
		if i > limit {
			t.Fatalf("no end after %d calls to Next", limit)
		}
		err := src.Next(&p)
		if err == nil {
			if cap(p.Data) != len(p.Data) {
				t.Fatalf("packet %d: Data has spare capacity: an append would overwrite the source's buffer", p.Number)
			}
			q := p
			q.Data = append([]byte(nil), p.Data...)
			res.pkts = append(res.pkts, q)
			continue
		}
		if err == io.EOF {
			// The end is sticky.
			if err2 := src.Next(&p); err2 != io.EOF {
				t.Fatalf("Next after io.EOF returned %v", err2)
			}
			return res
		}
		var pr *Problem
		if !errors.As(err, &pr) {
			t.Fatalf("Next returned %T %v, want *Problem or io.EOF", err, err)
		}
		res.problems = append(res.problems, pr)
		if pr.Fatal {
			if err2 := src.Next(&p); err2 != io.EOF {
				t.Fatalf("Next after a fatal problem returned %v, want io.EOF", err2)
			}
			res.err = err
			return res
		}
	}
}

// openBytes opens b as an in-memory capture.
func openBytes(t testing.TB, name string, b []byte) Source {
	t.Helper()
	src, err := OpenReader(name, bytes.NewReader(b), Options{})
	if err != nil {
		t.Fatalf("OpenReader(%s): %v", name, err)
	}
	return src
}

// checkRecords compares packets with the records they came from.
func checkRecords(t *testing.T, got []Packet, want []rec, nano bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d packets, want %d", len(got), len(want))
	}
	for i, p := range got {
		w := want[i]
		wt := w.t
		if !nano {
			wt = wt / 1000 * 1000
		}
		wl := w.orig
		if wl == 0 {
			wl = len(w.data)
		}
		if !bytes.Equal(p.Data, w.data) || p.Time != wt || p.Length != wl {
			t.Fatalf("packet %d: got %d bytes at %d (len %d), want %d bytes at %d (len %d)", i, len(p.Data), p.Time, p.Length, len(w.data), wt, wl)
		}
	}
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
