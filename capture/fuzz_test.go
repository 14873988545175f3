package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// FuzzPcapReader feeds arbitrary bytes through OpenReader and reads to the
// end: no panic, no endless loop, the end is sticky, and packets keep the
// invariants the decoder relies on.
func FuzzPcapReader(f *testing.F) {
	for _, name := range []string{"tcp-handshake-nano.pcap", "pcapng-multi-interface.pcapng", "quic_handshake_truncated.pcap", "trunc-hdr.pcap", "empty.pcapng", "LINKTYPE_RAW_ipv6.pcap"} {
		f.Add(readTestdata(f, name))
	}
	recs := testRecords(12)
	le, offs := buildPcap(pcapSpec{snaplen: 1500}, recs)
	f.Add(le)
	f.Add(corrupt(le, offs[5]+8, 0xffffffff, binary.LittleEndian))
	f.Add(le[:len(le)-7])
	be, _ := buildPcap(pcapSpec{bigEndian: true, nano: true, major: 2, minor: 3}, recs[:3])
	f.Add(be)
	f.Add(gzipBytes(le))
	f.Add(buildPcapng(f, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2}, recs[:4], func(i int) int { return i % 2 }))

	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := OpenReader("fuzz", bytes.NewReader(data), Options{BufferSize: 4096})
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || !p.Fatal {
				t.Fatalf("OpenReader: %T %v, want a fatal *Problem", err, err)
			}
			return
		}
		defer src.Close()
		_, isPcap := src.(*pcapSource)
		// Every call consumes at least one byte of the decompressed stream;
		// gzip expands by at most ~1032 times.
		limit := len(data) + 10
		if len(data) >= 2 && data[0] == magicGzip0 && data[1] == magicGzip1 {
			limit = 1100*len(data) + 10
		}
		var p Packet
		for i := 0; ; i++ {
			if i > limit {
				t.Fatalf("no end after %d calls", limit)
			}
			err := src.Next(&p)
			if err == nil {
				if isPcap && (len(p.Data) > p.Length || p.Number != uint64(i+1)) {
					t.Fatalf("packet %d: %d bytes of %d, number %d", i+1, len(p.Data), p.Length, p.Number)
				}
				continue
			}
			if err == io.EOF {
				break
			}
			var pr *Problem
			if !errors.As(err, &pr) {
				t.Fatalf("Next: %T %v", err, err)
			}
			if pr.Fatal {
				if src.Next(&p) != io.EOF {
					t.Fatal("Next after a fatal problem is not io.EOF")
				}
				break
			}
		}
		if src.Next(&p) != io.EOF {
			t.Fatal("the end is not sticky")
		}
	})
}
