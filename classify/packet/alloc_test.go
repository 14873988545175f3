package packet

import (
	"testing"
)

// TestNoAllocs: the hot path must not allocate, for every link type and
// the ICMP error paths included.
func TestNoAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters distort allocation counts")
	}
	var p Parsed
	for _, bp := range builtCorpus(t) {
		data, link := bp.data, bp.link
		st := p.Decode(link, data)
		allocs := testing.AllocsPerRun(200, func() { p.Decode(link, data) })
		if allocs != 0 {
			t.Errorf("%s (%v): %v allocations per Decode, want 0", bp.name, st, allocs)
		}
	}
	// Not-IP, truncated and malformed paths too.
	for _, bp := range builtCorpus(t)[:6] {
		for _, n := range []int{0, 10, 15, 30, 50} {
			data, link := bp.data[:min(n, len(bp.data))], bp.link
			if allocs := testing.AllocsPerRun(50, func() { p.Decode(link, data) }); allocs != 0 {
				t.Errorf("%s cut at %d: %v allocations", bp.name, n, allocs)
			}
		}
	}
}
