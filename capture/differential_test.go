package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// corpusDir is the shared capture corpus, ../shared/pcaps from the repository
// root. FLOWAUDIT_PCAPS overrides it.
func corpusDir(t *testing.T) string {
	dir := os.Getenv("FLOWAUDIT_PCAPS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "pcaps")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("no capture corpus at %s", dir)
	}
	return dir
}

// refPacket is what pcapgo reports for one packet.
type refPacket struct {
	data   []byte
	time   int64
	length int
	link   LinkType
	iface  int
}

// reference reads b with pcapgo (NewReader or NewNgReader, chosen by magic,
// as our reader does). ok is false if pcapgo fails anywhere in the file.
func reference(b []byte) (pkts []refPacket, ok bool) {
	r := bytes.NewReader(b)
	var read func() ([]byte, refPacket, error)
	if len(b) >= 4 && binary.LittleEndian.Uint32(b) == magicPcapng {
		ng, err := pcapgo.NewNgReader(r, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, false
		}
		read = func() ([]byte, refPacket, error) {
			data, ci, err := ng.ReadPacketData()
			if err != nil {
				return nil, refPacket{}, err
			}
			return data, refPacket{time: ci.Timestamp.UnixNano(), length: ci.Length, iface: ci.InterfaceIndex,
				link: canonicalLink(uint32(ci.AncillaryData[0].(layers.LinkType)))}, nil
		}
	} else {
		pr, err := pcapgo.NewReader(r)
		if err != nil {
			return nil, false
		}
		// pcapgo multiplies the microsecond field by 1000 in 32 bits, which
		// wraps for fields above 4294967 (tcpdump/timestamp_invalid_micro.pcap
		// has 2147483648 µs, which pcapgo reads as 0). There, and only there,
		// the expected time is the exact sum, computed from the record header
		// (pcapgo reads records in order, so their offsets are known).
		var bo binary.ByteOrder = binary.LittleEndian
		if m := binary.LittleEndian.Uint32(b); m != magicMicro && m != magicNano {
			bo = binary.BigEndian
		}
		micro := bo.Uint32(b) == magicMicro
		off := pcapFileHeaderLen
		read = func() ([]byte, refPacket, error) {
			data, ci, err := pr.ReadPacketData()
			p := refPacket{time: ci.Timestamp.UnixNano(), length: ci.Length, link: canonicalLink(uint32(pr.LinkType()))}
			if err == nil {
				if frac := uint64(bo.Uint32(b[off+4:])); micro && frac*1000 > 0xffffffff {
					p.time = int64(bo.Uint32(b[off:]))*1e9 + int64(frac)*1000
				}
				off += pcapRecordHeaderLen + len(data)
			}
			return data, p, err
		}
	}
	for {
		data, p, err := read()
		if err == io.EOF {
			return pkts, true
		}
		if err != nil {
			return nil, false
		}
		p.data = data
		pkts = append(pkts, p)
	}
}

// TestDifferential: for every capture of the corpus that pcapgo reads without
// error, our reader yields the same packets in the same order, from the file
// and from a gzip of it, with no problems.
func TestDifferential(t *testing.T) { differential(t, corpusDir(t)) }

// TestDifferentialTestdata runs the same comparison on the captures kept in
// the repository, so machines without the corpus compare with pcapgo too.
func TestDifferentialTestdata(t *testing.T) { differential(t, testdataDir) }

func differential(t *testing.T, dir string) {
	var files, packets int
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".pcap") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		want, ok := reference(b)
		if !ok {
			t.Logf("skipped %s: pcapgo cannot read it", path)
			return nil
		}
		files++
		packets += len(want)
		for _, gz := range []bool{false, true} {
			in := b
			if gz {
				in = gzipBytes(b)
			}
			src, err := Open(writeTemp(t, d.Name(), in), Options{})
			if err != nil {
				t.Errorf("%s (gzip %v): %v", path, gz, err)
				continue
			}
			res := readAll(t, src, 10*len(want)+10)
			src.Close()
			if len(res.problems) != 0 {
				t.Errorf("%s (gzip %v): problems %v", path, gz, res.problems)
			}
			if len(res.pkts) != len(want) {
				t.Errorf("%s (gzip %v): %d packets, pcapgo %d", path, gz, len(res.pkts), len(want))
				continue
			}
			for i, p := range res.pkts {
				w := want[i]
				if !bytes.Equal(p.Data, w.data) || p.Time != w.time || p.Length != w.length || p.Link != w.link ||
					p.Iface != uint32(w.iface) || p.Number != uint64(i+1) {
					t.Errorf("%s (gzip %v) packet %d: got %d bytes time %d len %d link %d iface %d; pcapgo %d bytes time %d len %d link %d iface %d",
						path, gz, i+1, len(p.Data), p.Time, p.Length, p.Link, p.Iface, len(w.data), w.time, w.length, w.link, w.iface)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no capture in the corpus was readable by pcapgo")
	}
	t.Logf("%d files, %d packets agree with pcapgo", files, packets)
}
