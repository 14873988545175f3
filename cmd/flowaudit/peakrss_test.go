package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPeakRSSWithManyEngines: an audit stays within the memory it promises
// (100 MiB plus 300 bytes a tracked flow) whatever the number of workers.
// Each engine used to keep every client's DNS answers and ten 1 MiB batch
// buffers: a million packets of the generated gateway mix as pcapng (whose
// payloads are copied into the batches) peaked at 123 MiB with 6 workers
// and 157 MiB with 8, against a bound of 109 MiB; now 82 and 90 MiB.
func TestPeakRSSWithManyEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a million packets")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "gateway.pcapng")
	gen := exec.Command("go", "run", "../../internal/pcapgen", "-packets", "1000000", "-seed", "3", "-pcapng", "-o", file)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("pcapgen: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "report.json")
	cmd := exec.Command(flowauditBinary(t), "audit", "--workers", "8", "--format", "json", "--no-progress", "-o", out, file)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("audit: %v\n%s", err, b)
	}
	peakKiB := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Capture struct{ Connections int64 }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Capture.Connections < 20000 {
		t.Fatalf("%d connections in the report, want the mix's (over 20,000)", r.Capture.Connections)
	}
	// Every connection counts, not only those tracked at once: a bound
	// at least as high as the audit's own.
	bound := (memBase + memPerFlow*r.Capture.Connections) >> 10
	t.Logf("8 workers: peak RSS %d KiB, bound %d KiB (%d connections)", peakKiB, bound, r.Capture.Connections)
	if peakKiB > bound {
		t.Errorf("8 workers: peak RSS %d KiB, beyond 100 MiB + 300 B x %d connections = %d KiB", peakKiB, r.Capture.Connections, bound)
	}
}
