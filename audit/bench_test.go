package audit

import (
	"path/filepath"
	"testing"
)

// BenchmarkAuditDemo is the whole offline audit of the demo capture (read,
// decode, flows, names, verdicts, report), per packet. scripts/bench-e2e
// measures the same on a 5-million-packet generated capture.
func BenchmarkAuditDemo(b *testing.B) {
	cat := builtin(b)
	file := filepath.Join("..", "testdata", "demo", "teams.pcap")
	var packets uint64
	b.ReportAllocs()
	for b.Loop() {
		r, err := Run(Options{Files: []string{file}, Catalog: cat, Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		packets = r.Capture.Packets
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(uint64(b.N)*packets), "ns/packet")
}
