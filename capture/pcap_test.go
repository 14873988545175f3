package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestPcapVariants(t *testing.T) {
	recs := testRecords(50)
	for _, spec := range []pcapSpec{
		{},
		{nano: true},
		{bigEndian: true},
		{bigEndian: true, nano: true},
		{major: 2, minor: 2, swapped: true}, // pre-2.3 length order
		{major: 2, minor: 3},                // 2.3 in the new order
		{major: 2, minor: 3, swapped: true}, // 2.3 in the old order (libpcap's MAYBE_SWAPPED)
		{link: uint32(LinkEthernet) | 0x30000000},        // FCS bits above the link type
		{snaplen: 64, link: 12},                          // records longer than the snap length; DLT_RAW 12
		{bigEndian: true, snaplen: 0xffffffff, link: 14}, // absurd snap length; OpenBSD DLT_RAW
	} {
		t.Run(fmt.Sprintf("%+v", spec), func(t *testing.T) {
			b, _ := buildPcap(spec, recs)
			res := readAll(t, openBytes(t, "v.pcap", b), 1000)
			if len(res.problems) != 0 {
				t.Fatalf("problems: %v", res.problems)
			}
			checkRecords(t, res.pkts, recs, spec.nano)
			want := LinkEthernet
			if spec.link == 12 || spec.link == 14 {
				want = LinkRaw
			}
			for i, p := range res.pkts {
				if p.Link != want || p.Number != uint64(i+1) || p.Iface != 0 || p.File != 0 {
					t.Fatalf("packet %d: link %d number %d iface %d file %d", i, p.Link, p.Number, p.Iface, p.File)
				}
			}
		})
	}
}

func TestNanosecondPcap(t *testing.T) {
	// tcpdump -r tcp-handshake-nano.pcap -tt --time-stamp-precision=nano
	want := []int64{1418145369_924505488, 1418145370_052027262, 1418145370_052115157}
	res := readAll(t, openBytes(t, "tcp-handshake-nano.pcap", readTestdata(t, "tcp-handshake-nano.pcap")), 10)
	if len(res.problems) != 0 || len(res.pkts) != len(want) {
		t.Fatalf("got %d packets, problems %v", len(res.pkts), res.problems)
	}
	for i, p := range res.pkts {
		if p.Time != want[i] || p.Link != LinkLinuxSLL {
			t.Errorf("packet %d: time %d link %d, want %d link 113", i+1, p.Time, p.Link, want[i])
		}
	}
}

func TestInvalidMicroseconds(t *testing.T) {
	// The second record's microsecond field is 1000000: kept (tcpdump shows
	// 17:16:10.1000000000), read as the next second, not treated as damage.
	res := readAll(t, openBytes(t, "timestamp_invalid_micro.pcap", readTestdata(t, "timestamp_invalid_micro.pcap")), 10)
	if len(res.problems) != 0 || len(res.pkts) != 3 {
		t.Fatalf("got %d packets, problems %v", len(res.pkts), res.problems)
	}
	if res.pkts[1].Time != 1418145371_000000000 {
		t.Errorf("time %d", res.pkts[1].Time)
	}
}

func TestTruncatedLastRecord(t *testing.T) {
	recs := testRecords(10)
	full, offs := buildPcap(pcapSpec{}, recs)
	last := offs[9]
	for _, tc := range []struct {
		cut  int
		want string
	}{
		{last + 16 + 10, fmt.Sprintf("v.pcap: packet 10 at byte %d: truncated record: it claims %d bytes, the file ends after 10", last, len(recs[9].data))},
		{last + 5, fmt.Sprintf("v.pcap: packet 10 at byte %d: truncated record header: the file ends 5 bytes into it", last)},
	} {
		res := readAll(t, openBytes(t, "v.pcap", full[:tc.cut]), 100)
		checkRecords(t, res.pkts, recs[:9], false)
		if len(res.problems) != 1 || res.problems[0].Fatal || res.problems[0].Error() != tc.want {
			t.Fatalf("problems %v, want one non-fatal %q", res.problems, tc.want)
		}
	}

	// A real capture cut in its last packet.
	b := readTestdata(t, "tcp-handshake-nano.pcap")
	res := readAll(t, openBytes(t, "nano.pcap", b[:len(b)-3]), 10)
	if len(res.pkts) != 2 || len(res.problems) != 1 || res.problems[0].Packet != 3 || res.problems[0].Offset != 208 ||
		res.problems[0].Msg != "truncated record: it claims 68 bytes, the file ends after 65" {
		t.Fatalf("got %d packets, problems %v", len(res.pkts), res.problems)
	}
}

// corrupt returns a copy of b with the uint32 at off replaced.
func corrupt(b []byte, off int, v uint32, bo binary.ByteOrder) []byte {
	c := bytes.Clone(b)
	bo.PutUint32(c[off:], v)
	return c
}

func TestResync(t *testing.T) {
	recs := testRecords(100)
	le, offs := buildPcap(pcapSpec{}, recs)
	be, beOffs := buildPcap(pcapSpec{bigEndian: true, nano: true}, recs)
	type tc struct {
		name      string
		file      []byte
		nano      bool
		want      []rec  // packets expected
		numbers   []int  // their Number, when not 1..n
		problem   string // the one problem expected
		skipBytes int64
	}
	without := func(k int) []rec { // all records but the k-th (1-based)
		return append(append([]rec(nil), recs[:k-1]...), recs[k:]...)
	}
	numbersWithout := func(n, k int) []int {
		var ns []int
		for i := 1; i <= n; i++ {
			if i != k {
				ns = append(ns, i)
			}
		}
		return ns
	}
	garbage := append(append(bytes.Clone(le[:offs[50]]), bytes.Repeat([]byte{0xff}, 7)...), le[offs[50]:]...)
	cases := []tc{
		{
			name: "huge caplen", file: corrupt(le, offs[39]+8, 0xffffffff, binary.LittleEndian),
			want: without(40), numbers: numbersWithout(100, 40),
			problem:   fmt.Sprintf("v.pcap: packet 40 at byte %d: record claims 4294967295 bytes, more than the snap length 65535; skipped %d bytes to the next plausible record at byte %d", offs[39], offs[40]-offs[39], offs[40]),
			skipBytes: int64(offs[40] - offs[39]),
		},
		{
			name: "caplen above origlen", file: corrupt(le, offs[39]+12, 3, binary.LittleEndian),
			want: without(40), numbers: numbersWithout(100, 40),
			problem:   fmt.Sprintf("v.pcap: packet 40 at byte %d: record claims %d captured bytes of a 3-byte packet; skipped %d bytes to the next plausible record at byte %d", offs[39], len(recs[39].data), offs[40]-offs[39], offs[40]),
			skipBytes: int64(offs[40] - offs[39]),
		},
		{
			name: "big-endian nanosecond", file: corrupt(be, beOffs[69]+8, 0x7fffffff, binary.BigEndian), nano: true,
			want: without(70), numbers: numbersWithout(100, 70),
			problem:   fmt.Sprintf("v.pcap: packet 70 at byte %d: record claims 2147483647 bytes, more than the snap length 65535; skipped %d bytes to the next plausible record at byte %d", beOffs[69], beOffs[70]-beOffs[69], beOffs[70]),
			skipBytes: int64(beOffs[70] - beOffs[69]),
		},
		{
			name: "first record", file: corrupt(le, offs[0]+8, 0xffffffff, binary.LittleEndian),
			want: without(1), numbers: numbersWithout(100, 1),
			problem:   fmt.Sprintf("v.pcap: packet 1 at byte 24: record claims 4294967295 bytes, more than the snap length 65535; skipped %d bytes to the next plausible record at byte %d", offs[1]-offs[0], offs[1]),
			skipBytes: int64(offs[1] - offs[0]),
		},
		{
			name: "last record", file: corrupt(le, offs[99]+8, 0xffffffff, binary.LittleEndian),
			want:      recs[:99],
			problem:   fmt.Sprintf("v.pcap: packet 100 at byte %d: record claims 4294967295 bytes, more than the snap length 65535; no plausible record in the remaining %d bytes", offs[99], len(le)-offs[99]),
			skipBytes: int64(len(le) - offs[99]),
		},
		{
			// Seven bytes inserted between records 50 and 51: nothing is lost,
			// the inserted bytes take number 51.
			name: "inserted bytes", file: garbage,
			want: recs, numbers: numbersWithout(101, 51),
			problem:   fmt.Sprintf("v.pcap: packet 51 at byte %d: record claims 2422559729 bytes, more than the snap length 65535; skipped 7 bytes to the next plausible record at byte %d", offs[50], offs[50]+7),
			skipBytes: 7,
		},
		{
			name: "garbage tail", file: append(bytes.Clone(le), bytes.Repeat([]byte{0xff}, 100)...),
			want:      recs,
			problem:   fmt.Sprintf("v.pcap: packet 101 at byte %d: record claims 4294967295 bytes, more than the snap length 65535; no plausible record in the remaining 100 bytes", len(le)),
			skipBytes: 100,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, bufSize := range []int{0, 4096} { // 4096: the scan crosses buffer refills
				src, err := OpenReader("v.pcap", bytes.NewReader(c.file), Options{BufferSize: bufSize})
				if err != nil {
					t.Fatal(err)
				}
				res := readAll(t, src, 1000)
				checkRecords(t, res.pkts, c.want, c.nano)
				if len(res.problems) != 1 || res.problems[0].Fatal || res.problems[0].Error() != c.problem {
					t.Fatalf("problems %v\nwant %q", res.problems, c.problem)
				}
				for i, p := range res.pkts {
					want := uint64(i + 1)
					if c.numbers != nil {
						want = uint64(c.numbers[i])
					}
					if p.Number != want {
						t.Fatalf("packet %d has number %d, want %d", i, p.Number, want)
					}
				}
				st := src.Stats()
				if st.Packets != uint64(len(c.want)) || st.Problems != 1 || st.Skipped != 1 || st.SkippedBytes != c.skipBytes {
					t.Fatalf("stats %+v", st)
				}
			}
		})
	}
}

// TestResyncTimeWindow: a candidate record whose time is far from the last
// good packet is not taken, even if its lengths look right.
func TestResyncTimeWindow(t *testing.T) {
	recs := testRecords(20)
	// Record 12 is 30 days later: plausible lengths, implausible time.
	recs[11].t += 30 * 24 * 3600 * 1e9
	b, offs := buildPcap(pcapSpec{}, recs)
	b = corrupt(b, offs[10]+8, 0xffffffff, binary.LittleEndian)
	res := readAll(t, openBytes(t, "w.pcap", b), 100)
	want := append(append([]rec(nil), recs[:10]...), recs[12:]...)
	checkRecords(t, res.pkts, want, false)
	if len(res.problems) != 1 || !strings.Contains(res.problems[0].Msg, fmt.Sprintf("next plausible record at byte %d", offs[12])) {
		t.Fatalf("problems %v", res.problems)
	}
}

func TestPcapHeaderProblems(t *testing.T) {
	good, _ := buildPcap(pcapSpec{}, testRecords(1))
	v3, _ := buildPcap(pcapSpec{major: 3, minor: 0}, nil)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "x: empty file"},
		{"html", []byte("<html><body>404</body></html>"), "x: not a pcap or pcapng file (starts with 3c 68 74 6d)"},
		{"short", []byte{0xd4, 0xc3, 0xb2}, "x: not a pcap or pcapng file (only 3 bytes: d4 c3 b2)"},
		{"header cut", good[:10], "x: truncated pcap file header (10 of 24 bytes)"},
		{"version", v3, "x: at byte 4: unknown pcap version 3.0 (this reader knows 2.x)"},
		{"gzip garbage", []byte{0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "x: gzip: invalid header"},
		{"gzip empty", gzipBytes(nil), "x: empty file (an empty gzip stream)"},
		{"gzip html", gzipBytes([]byte("<html>")), "x: not a pcap or pcapng file (starts with 3c 68 74 6d)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := OpenReader("x", bytes.NewReader(tc.file), Options{})
			p, ok := err.(*Problem)
			if src != nil || !ok || !p.Fatal || !p.Ended || p.Error() != tc.want {
				t.Fatalf("got %v, %#v; want fatal %q", src, err, tc.want)
			}
		})
	}
}

func TestHeaderOnlyFiles(t *testing.T) {
	for _, name := range []string{"empty.pcap", "empty.pcapng"} {
		src, err := Open(testdataDir+"/"+name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, src, 10)
		if len(res.pkts) != 0 || len(res.problems) != 0 {
			t.Fatalf("%s: %d packets, problems %v", name, len(res.pkts), res.problems)
		}
		if d, tot := src.Progress(); d != tot || tot == 0 {
			t.Errorf("%s: progress %d/%d", name, d, tot)
		}
		src.Close()
	}
}

// errReader returns its bytes, then err.
type errReader struct {
	b   []byte
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if len(e.b) == 0 {
		return 0, e.err
	}
	n := copy(p, e.b)
	e.b = e.b[n:]
	return n, nil
}

func TestReadErrorIsFatal(t *testing.T) {
	recs := testRecords(5)
	b, offs := buildPcap(pcapSpec{}, recs)
	src, err := OpenReader("e.pcap", &errReader{b: b[:offs[3]+20], err: io.ErrClosedPipe}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, src, 100)
	checkRecords(t, res.pkts, recs[:3], false)
	if res.err == nil || !strings.Contains(res.err.Error(), "read error: io: read/write on closed pipe") {
		t.Fatalf("end %v", res.err)
	}
}

// TestLargeRecordsGrowBuffer: records larger than the read buffer.
func TestLargeRecordsGrowBuffer(t *testing.T) {
	recs := []rec{
		{t: 1e18, data: bytes.Repeat([]byte{1}, 10000)},
		{t: 1e18 + 1000, data: bytes.Repeat([]byte{2}, 200000)},
		{t: 1e18 + 2000, data: []byte{3}},
	}
	b, _ := buildPcap(pcapSpec{snaplen: 262144}, recs)
	src, err := OpenReader("big.pcap", bytes.NewReader(b), Options{BufferSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, src, 10)
	if len(res.problems) != 0 {
		t.Fatal(res.problems)
	}
	checkRecords(t, res.pkts, recs, false)
}
