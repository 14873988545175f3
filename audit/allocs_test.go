package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/internal/pkttest"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// writeLongFlows writes a capture of flows TCP connections that each
// complete a handshake and then carry perFlow data packets.
func writeLongFlows(t *testing.T, path string, flows, perFlow int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeRaw); err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(1_700_000_000, 0)
	write := func(i int, fromClient bool, syn, ack bool, payload int) {
		seg := pkttest.TCP{Src: fmt.Sprintf("10.1.0.%d", i), Dst: "192.0.2.10", SrcPort: uint16(40000 + i), DstPort: 8443, Payload: make([]byte, payload)}
		if syn {
			seg.Flags += "S"
		}
		if ack {
			seg.Flags += "A"
		}
		if !fromClient {
			seg.Src, seg.Dst, seg.SrcPort, seg.DstPort = seg.Dst, seg.Src, seg.DstPort, seg.SrcPort
		}
		b := seg.Bytes(t)
		ts = ts.Add(time.Millisecond)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(b), Length: len(b)}, b); err != nil {
			t.Fatal(err)
		}
	}
	for i := range flows {
		write(i, true, true, false, 0)
		write(i, false, true, true, 0)
		write(i, true, false, true, 0)
	}
	for k := range perFlow {
		for i := range flows {
			write(i, k%2 == 0, false, true, 100)
		}
	}
}

// TestAuditAllocatesPerFlowNotPerPacket: the whole audit, reader to report,
// allocates nothing for a packet of an established flow: ten times more
// packets on the same flows cost (almost) no more allocations.
func TestAuditAllocatesPerFlowNotPerPacket(t *testing.T) {
	dir := t.TempDir()
	short, long := filepath.Join(dir, "short.pcap"), filepath.Join(dir, "long.pcap")
	writeLongFlows(t, short, 20, 200)
	writeLongFlows(t, long, 20, 2000)
	cat := builtin(t)
	for _, workers := range []int{1, 2, 3} {
		mallocs := func(file string) uint64 {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if _, err := Run(Options{Files: []string{file}, Catalog: cat, Workers: workers}); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			return after.Mallocs - before.Mallocs
		}
		mallocs(short) // warm up: catalog compilation caches, pools
		a, b := mallocs(short), mallocs(long)
		extra := int64(b) - int64(a)
		// 36,000 more packets; a little slack for the runtime's own
		// bookkeeping (timers, goroutine stacks).
		if extra > 200 {
			t.Errorf("workers %d: %d more allocations for 36,000 more packets of the same flows (%d vs %d)", workers, extra, b, a)
		}
	}
}
