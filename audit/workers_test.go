package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/report"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestSameReportWhateverTheWorkers: sharding flows across engines changes
// nothing in the report, whatever the number of workers.
func TestSameReportWhateverTheWorkers(t *testing.T) {
	cat := builtin(t)
	files := []string{filepath.Join("..", "testdata", "demo", "teams.pcap")}
	for _, f := range []string{"zerologon.pcap", "tftp.pcap", "dns_tcp.pcap", "vnd.ms-cab-compressed-multi-conn.pcap", "icmp-destunreach-udp.pcap", "q-in-q.pcap", "linux_dlt_sll2.pcap", "codm.pcap", "syn.pcap"} {
		files = append(files, filepath.Join("..", "testdata", "captures", f))
	}
	// The same captures as pcapng: packets from a pcapng source have no
	// Hold, so the workers get copies instead of held buffers.
	dir := t.TempDir()
	var ngFiles []string
	for i, f := range files {
		ng := filepath.Join(dir, fmt.Sprintf("%d.pcapng", i))
		toPcapng(t, f, ng)
		ngFiles = append(ngFiles, ng)
	}
	render := func(workers int, files []string, deferred bool) []byte {
		return auditJSON(t, Options{Files: files, Catalog: cat, Workers: workers, DeferFlows: deferred})
	}
	one := render(1, files, false)
	var r map[string]any
	if err := json.Unmarshal(one, &r); err != nil || len(r["flows"].([]any)) < 50 {
		t.Fatalf("one worker: %v, %d groups", err, len(r["flows"].([]any)))
	}
	for _, n := range []int{2, 3, 5} {
		if got := render(n, files, false); !bytes.Equal(got, one) {
			t.Errorf("%d workers: the report differs from one worker's:\n%s", n, firstDiff(one, got))
		}
	}
	// The flow groups spelled out as the report is written (the audit
	// command's way).
	for _, n := range []int{1, 2} {
		if got := render(n, files, true); !bytes.Equal(got, one) {
			t.Errorf("%d workers, groups deferred: the report differs from one worker's:\n%s", n, firstDiff(one, got))
		}
	}
	oneNg := render(1, ngFiles, false)
	for _, n := range []int{2, 3} {
		if got := render(n, ngFiles, false); !bytes.Equal(got, oneNg) {
			t.Errorf("pcapng, %d workers: the report differs from one worker's:\n%s", n, firstDiff(oneNg, got))
		}
	}
}

// auditJSON audits as o says and returns the report as JSON.
func auditJSON(t *testing.T, o Options) []byte {
	t.Helper()
	r, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Write(&b, report.Options{Format: report.FormatJSON}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			lo := max(0, i-3)
			return "line " + string(rune('0'+0)) + ":\n one: " + string(bytes.Join(al[lo:min(len(al), i+3)], []byte("\n"))) + "\n many: " + string(bytes.Join(bl[lo:min(len(bl), i+3)], []byte("\n")))
		}
	}
	return "lengths differ"
}

// TestSameReportOnGeneratedTraffic: the same on a larger gateway mix from
// the deterministic generator (TLS with split ClientHellos, DNS chains,
// failures, IPv6, VLANs, fragments).
func TestSameReportOnGeneratedTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a capture")
	}
	file := filepath.Join(t.TempDir(), "gateway.pcap")
	cmd := exec.Command("go", "run", "../internal/pcapgen", "-packets", "300000", "-seed", "7", "-o", file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pcapgen: %v\n%s", err, out)
	}
	cat := builtin(t)
	render := func(workers int) []byte {
		return auditJSON(t, Options{Files: []string{file}, Catalog: cat, Workers: workers})
	}
	one := render(1)
	if !bytes.Contains(one, []byte(`"sni"`)) || !bytes.Contains(one, []byte(`"dns"`)) || !bytes.Contains(one, []byte(`"blocked"`)) {
		t.Fatalf("the generated mix lacks names or failures")
	}
	for _, n := range []int{2, 3, 4} {
		if got := render(n); !bytes.Equal(got, one) {
			t.Errorf("%d workers: the report differs from one worker's:\n%s", n, firstDiff(one, got))
		}
	}

	// A classic Ethernet pcap holds no copies of packets captured on
	// other interfaces, so the engines do not look for them: looking
	// changes nothing.
	src, err := capture.Open(file, capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !classify.NoCopies(src) {
		t.Errorf("a classic Ethernet pcap may hold copies, says classify.NoCopies")
	}
	src.Close()
	noCopies = func(capture.Source) bool { return false }
	defer func() { noCopies = classify.NoCopies }()
	for _, n := range []int{1, 2} {
		if got := render(n); !bytes.Equal(got, one) {
			t.Errorf("%d workers looking for duplicates: the report differs:\n%s", n, firstDiff(one, got))
		}
	}
}

// TestSYNScanStaysBounded: a scan of 300,000 ports and hosts with a flow
// table of 12,000 (shared evenly by one, two or three engines): the flows beyond the limit are ended early and counted,
// every attempt is still reported (blocked: no answer), and the findings
// fold into coarse groups instead of growing without bound. Any number of
// workers gives the same report: the level of detail depends on the flows,
// not on which collector (one per engine) saw them or in what order. The
// pipeline tells at the end how many flows it tracked at most.
func TestSYNScanStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a capture")
	}
	file := filepath.Join(t.TempDir(), "scan.pcap")
	if out, err := exec.Command("go", "run", "../internal/pcapgen/cmd/synscan", "-n", "300000", "-o", file).CombinedOutput(); err != nil {
		t.Fatalf("synscan: %v\n%s", err, out)
	}
	// Ending is told, before the flows left are ended, of the most flows
	// tracked so far (the table filled early); Ended after.
	peak, ending := 0, 0
	onEnding := func(n int) {
		if peak != 0 {
			t.Error("Ending called after Ended")
		}
		ending = n
	}
	r, err := Run(Options{Files: []string{file}, Catalog: builtin(t), Workers: 1, MaxFlows: 12000, Ending: onEnding, Ended: func(n int) { peak = n }})
	if err != nil {
		t.Fatal(err)
	}
	if peak != 12000 || ending != 12000 {
		t.Errorf("at most %d flows at once (%d before ending those left), want the table's 12000", peak, ending)
	}
	if r.Summary.Connections != 300000 || r.Summary.Verdicts["blocked"] != 300000 {
		t.Errorf("connections %d, blocked %d", r.Summary.Connections, r.Summary.Verdicts["blocked"])
	}
	if r.Capture.Evicted != 288000 {
		t.Errorf("evicted %d, want 288000", r.Capture.Evicted)
	}
	if n := len(r.Flows); n > report.MaxGroups+20000 {
		t.Errorf("%d groups: not bounded", n)
	}
	var total uint64
	for _, g := range r.Flows {
		total += g.Count
	}
	if total != 300000 {
		t.Errorf("groups account for %d connections", total)
	}
	var a bytes.Buffer
	if err := r.Write(&a, report.Options{Format: report.FormatJSON}); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{2, 3, 4} {
		peak, ending = 0, 0
		other, err := Run(Options{Files: []string{file}, Catalog: builtin(t), Workers: workers, MaxFlows: 12000, Ending: onEnding, Ended: func(n int) { peak = n }})
		if err != nil {
			t.Fatal(err)
		}
		// The table is shared evenly by the engines, each full.
		if peak != 12000 || ending != 12000 {
			t.Errorf("%d workers: at most %d flows at once (%d before ending those left), want 12000", workers, peak, ending)
		}
		var b bytes.Buffer
		if err := other.Write(&b, report.Options{Format: report.FormatJSON}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%d workers: the report differs from one worker's:\n%s", workers, firstDiff(a.Bytes(), b.Bytes()))
		}
	}
}

// toPcapng rewrites a classic pcap file as pcapng (same packets, times and
// link type).
func toPcapng(t *testing.T, src, dst string) {
	t.Helper()
	r := openPcap(t, src)
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	w, err := pcapgo.NewNgWriter(out, r.LinkType())
	if err != nil {
		t.Fatal(err)
	}
	for ci, data := range packets(t, r) {
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// openPcap opens a classic pcap file for the length of the test.
func openPcap(t *testing.T, path string) *pcapgo.Reader {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	r, err := pcapgo.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// packets yields every packet r reads; a read error fails the test.
func packets(t *testing.T, r *pcapgo.Reader) iter.Seq2[gopacket.CaptureInfo, []byte] {
	return func(yield func(gopacket.CaptureInfo, []byte) bool) {
		for {
			data, ci, err := r.ReadPacketData()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !yield(ci, data) {
				return
			}
		}
	}
}
