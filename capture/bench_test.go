package capture

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestNoAllocs: reading a packet allocates nothing, for classic pcap, for a
// merge, and for pcapng through NgReader.
func TestNoAllocs(t *testing.T) {
	recs := testRecords(3000)
	pcapFile, _ := buildPcap(pcapSpec{}, recs)
	a, b := interleaved(1500)
	fa, _ := buildPcap(pcapSpec{}, a)
	fb, _ := buildPcap(pcapSpec{bigEndian: true, nano: true}, b)
	ng := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2}, recs, func(i int) int { return i % 2 })

	check := func(name string, src Source) {
		t.Helper()
		defer src.Close()
		var p Packet
		for i := 0; i < 10; i++ { // past the first buffer fill
			if err := src.Next(&p); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(2000, func() {
			if err := src.Next(&p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.2f allocations per packet, want 0", name, allocs)
		}
	}
	check("pcap", openBytes(t, "a.pcap", pcapFile))
	merged, err := OpenAll([]string{writeTemp(t, "a.pcap", fa), writeTemp(t, "b.pcap", fb)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("merge", merged)
	check("pcapng", openBytes(t, "a.pcapng", ng))
}

var (
	benchOnce sync.Once
	benchFile []byte
	benchPkts int
)

// benchCapture is ~100k Ethernet/IPv4/TCP packets of mixed sizes written by
// pcapgo.Writer: mostly small (ACKs, requests), some full-size.
func benchCapture(b *testing.B) (path string, packets int, size int64) {
	benchOnce.Do(func() {
		const n = 100_000
		sizes := []int{0, 0, 40, 120, 600, 1400, 0, 1400}
		frames := make([][]byte, 64)
		var buf bytes.Buffer
		w := pcapgo.NewWriter(&buf)
		if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
			panic(err)
		}
		t0 := time.Unix(1_700_000_000, 0)
		for i := 0; i < n; i++ {
			k := i % len(frames)
			if frames[k] == nil {
				frames[k] = frame(k, sizes[k%len(sizes)])
			}
			f := frames[k]
			ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * 10 * time.Microsecond), CaptureLength: len(f), Length: len(f)}
			if err := w.WritePacket(ci, f); err != nil {
				panic(err)
			}
		}
		benchFile, benchPkts = buf.Bytes(), n
	})
	path = writeTemp(b, "bench.pcap", benchFile)
	return path, benchPkts, int64(len(benchFile))
}

// BenchmarkPcapRead: one op is one packet read with our reader from a file,
// reopened at its end. ns/op is ns per packet; MB/s counts file bytes.
func BenchmarkPcapRead(b *testing.B) {
	path, n, size := benchCapture(b)
	b.SetBytes(size / int64(n))
	b.ReportAllocs()
	src, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var p Packet
	var sum int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := src.Next(&p)
		if err == io.EOF {
			src.Close()
			if src, err = Open(path, Options{}); err != nil {
				b.Fatal(err)
			}
			err = src.Next(&p)
		}
		if err != nil {
			b.Fatal(err)
		}
		sum += len(p.Data)
	}
	src.Close()
	_ = sum
}

// BenchmarkPcapgoZeroCopy: the same with pcapgo.Reader.ZeroCopyReadPacketData
// over a 1 MiB bufio.Reader (the same buffer size as ours), time converted
// to Unix nanoseconds as Packet.Time needs.
func BenchmarkPcapgoZeroCopy(b *testing.B) {
	path, n, size := benchCapture(b)
	b.SetBytes(size / int64(n))
	b.ReportAllocs()
	open := func() (*os.File, *pcapgo.Reader) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			b.Fatal(err)
		}
		return f, r
	}
	f, r := open()
	var sum int
	var ts int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			f.Close()
			f, r = open()
			data, ci, err = r.ZeroCopyReadPacketData()
		}
		if err != nil {
			b.Fatal(err)
		}
		sum += len(data)
		ts += ci.Timestamp.UnixNano()
	}
	f.Close()
	_, _ = sum, ts
}

// BenchmarkPcapngRead: our pcapng path (NgReader underneath) on the same
// packets, for comparison.
func BenchmarkPcapngRead(b *testing.B) {
	_, n, _ := benchCapture(b)
	src := openBytes(b, "bench.pcap", benchFile)
	var recs []rec
	var p Packet
	for src.Next(&p) == nil {
		recs = append(recs, rec{t: p.Time, data: bytes.Clone(p.Data)})
	}
	ng := buildPcapng(b, []layers.LinkType{layers.LinkTypeEthernet}, recs, func(int) int { return 0 })
	path := writeTemp(b, "bench.pcapng", ng)
	b.SetBytes(int64(len(ng) / n))
	b.ReportAllocs()
	src, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := src.Next(&p)
		if err == io.EOF {
			src.Close()
			if src, err = Open(path, Options{}); err != nil {
				b.Fatal(err)
			}
			err = src.Next(&p)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	src.Close()
}
