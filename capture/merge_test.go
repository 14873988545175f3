package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// interleaved returns two record lists whose times alternate (a at even
// milliseconds, b at odd ones) plus one tie.
func interleaved(n int) (a, b []rec) {
	all := testRecords(2 * n)
	for i, r := range all {
		if i%2 == 0 {
			a = append(a, r)
		} else {
			b = append(b, r)
		}
	}
	b[n-1].t = a[n-1].t // a tie: the lower input index goes first
	return a, b
}

func TestOpenAllInterleaved(t *testing.T) {
	a, b := interleaved(200)
	fa, _ := buildPcap(pcapSpec{nano: true}, a)
	fb := buildPcapng(t, []layers.LinkType{layers.LinkTypeRaw}, b, func(int) int { return 0 })
	pa, pb := writeTemp(t, "a.pcap", fa), writeTemp(t, "b.pcapng", gzipBytes(fb))
	src, err := OpenAll([]string{pa, pb}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res := readAll(t, src, 10000)
	if len(res.problems) != 0 || len(res.pkts) != 400 {
		t.Fatalf("%d packets, problems %v", len(res.pkts), res.problems)
	}
	var na, nb int
	for i, p := range res.pkts {
		if i > 0 && p.Time < res.pkts[i-1].Time {
			t.Fatalf("packet %d out of order", i)
		}
		var want rec
		switch p.File {
		case 0:
			want = a[na]
			na++
			if p.Number != uint64(na) || p.Link != LinkEthernet {
				t.Fatalf("packet %d: number %d link %d", i, p.Number, p.Link)
			}
		case 1:
			want = b[nb]
			nb++
			if p.Number != uint64(nb) || p.Link != LinkRaw {
				t.Fatalf("packet %d: number %d link %d", i, p.Number, p.Link)
			}
		default:
			t.Fatalf("file %d", p.File)
		}
		if !bytes.Equal(p.Data, want.data) || p.Time != want.t {
			t.Fatalf("packet %d (file %d): wrong data or time", i, p.File)
		}
	}
	// The tie: a's last packet, then b's last.
	last := res.pkts[len(res.pkts)-2:]
	if last[0].File != 0 || last[1].File != 1 || last[0].Time != last[1].Time {
		t.Fatalf("tie broken wrongly: %+v %+v", last[0].File, last[1].File)
	}
	st := src.Stats()
	if st.Packets != 400 || st.Problems != 0 {
		t.Fatalf("stats %+v", st)
	}
	d, tot := src.Progress()
	if tot != int64(len(fa))+int64(len(gzipBytes(fb))) || d != tot {
		t.Fatalf("progress %d/%d", d, tot)
	}
}

// TestOpenAllProblems checks the merge contract: a problem in one input,
// even one that ends it, does not stop the others and is never fatal.
func TestOpenAllProblems(t *testing.T) {
	a, b := interleaved(100)
	fa, offs := buildPcap(pcapSpec{}, a)
	fa = corrupt(fa, offs[20]+8, 0xffffffff, binary.LittleEndian) // damaged record 21: resync
	fb := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet}, b, func(int) int { return 0 })
	fb = fb[:len(fb)/2] // cut: input 1 ends early
	names := []string{
		writeTemp(t, "a.pcap", fa),
		writeTemp(t, "b.pcapng", fb),
		writeTemp(t, "c.html", []byte("<html>not a capture</html>")),
		writeTemp(t, "d.pcap", nil),
	}
	src, err := OpenAll(names, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res := readAll(t, src, 10000)
	if res.err != nil {
		t.Fatalf("the merge ended with %v", res.err)
	}
	got := map[int]*Problem{}
	for _, p := range res.problems {
		if p.Fatal {
			t.Fatalf("fatal problem from a merge: %v", p)
		}
		got[p.Input] = p
	}
	if len(res.problems) != 4 {
		t.Fatalf("problems %v", res.problems)
	}
	if p := got[0]; p.Ended || p.Packet != 21 || !strings.Contains(p.Msg, "skipped") {
		t.Errorf("input 0: %v", p)
	}
	if p := got[1]; !p.Ended || !strings.Contains(p.Msg, "truncated") {
		t.Errorf("input 1: %v", p)
	}
	if p := got[2]; !p.Ended || !strings.HasSuffix(p.Error(), "c.html: not a pcap or pcapng file (starts with 3c 68 74 6d)") {
		t.Errorf("input 2: %v", p)
	}
	if p := got[3]; !p.Ended || !strings.HasSuffix(p.Error(), "d.pcap: empty file") {
		t.Errorf("input 3: %v", p)
	}
	var na, nb int
	for _, p := range res.pkts {
		if p.File == 0 {
			na++
		} else {
			nb++
		}
	}
	if na != 99 || nb == 0 || nb >= 100 {
		t.Fatalf("%d packets from a, %d from b", na, nb)
	}
	if st := src.Stats(); st.Problems != 4 || st.Packets != uint64(na+nb) {
		t.Fatalf("stats %+v", st)
	}
}

func TestOpenAllSingle(t *testing.T) {
	recs := testRecords(10)
	ng := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet}, recs, func(int) int { return 0 })
	src, err := OpenAll([]string{writeTemp(t, "x.pcapng", ng[:len(ng)-40])}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*merged); ok {
		t.Fatal("one input should not go through the heap")
	}
	res := readAll(t, src, 100)
	if len(res.problems) != 1 || res.problems[0].Fatal || !res.problems[0].Ended {
		t.Fatalf("problems %v: the merge contract holds for one input too", res.problems)
	}
	checkRecords(t, res.pkts, recs[:9], true)
}

func TestOpenAllErrors(t *testing.T) {
	if _, err := OpenAll(nil, Options{}); err == nil {
		t.Error("no inputs: no error")
	}
	if _, err := OpenAll([]string{"-", "-"}, Options{}); err == nil {
		t.Error("stdin twice: no error")
	}
	b, _ := buildPcap(pcapSpec{}, testRecords(1))
	_, err := OpenAll([]string{writeTemp(t, "a.pcap", b), t.TempDir() + "/missing.pcap"}, Options{})
	var p *Problem
	if err == nil || errors.As(err, &p) {
		t.Errorf("missing file: got %v, want the system's error", err)
	}
}

// TestOneInterface: a classic pcap, or a merge of them with one link type,
// is known to come from one interface before it is read; pcapng never is
// (an interface block may follow any packet), nor a merge of link types or
// one with an input that is not a capture.
func TestOneInterface(t *testing.T) {
	recs := testRecords(3)
	eth, _ := buildPcap(pcapSpec{}, recs)
	sll, _ := buildPcap(pcapSpec{link: uint32(LinkLinuxSLL), bigEndian: true}, recs)
	ng := buildPcapng(t, []layers.LinkType{layers.LinkTypeEthernet}, recs, func(int) int { return 0 })
	a, b := writeTemp(t, "a.pcap", eth), writeTemp(t, "b.pcap", eth)
	for _, c := range []struct {
		name  string
		files []string
		link  LinkType
		ok    bool
	}{
		{"one pcap", []string{a}, LinkEthernet, true},
		{"one gzipped pcap", []string{writeTemp(t, "a.pcap.gz", gzipBytes(eth))}, LinkEthernet, true},
		{"cooked pcap", []string{writeTemp(t, "sll.pcap", sll)}, LinkLinuxSLL, true},
		{"two pcaps, one link type", []string{a, b}, LinkEthernet, true},
		{"two link types", []string{a, writeTemp(t, "sll.pcap", sll)}, 0, false},
		{"pcapng", []string{writeTemp(t, "a.pcapng", ng)}, 0, false},
		{"pcap and pcapng", []string{a, writeTemp(t, "a.pcapng", ng)}, 0, false},
		{"pcap and not a capture", []string{a, writeTemp(t, "x.txt", []byte("<html>not a capture</html>"))}, 0, false},
	} {
		src, err := OpenAll(c.files, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if link, ok := src.OneInterface(); link != c.link || ok != c.ok {
			t.Errorf("%s: OneInterface() = %d, %v; want %d, %v", c.name, link, ok, c.link, c.ok)
		}
		src.Close()
	}
}
