package classify

import (
	"testing"
	"unsafe"
)

// TestFlowSize guards the size of a Flow: a flow table holds up to
// millions (a SYN scan fills it), and the memory target is 300 bytes per
// tracked flow, index and all. Rarely needed data belongs in flowMore.
func TestFlowSize(t *testing.T) {
	const max = 216
	if s := unsafe.Sizeof(Flow{}); s > max {
		t.Errorf("Flow is %d bytes, want at most %d", s, max)
	}
	if s := unsafe.Sizeof(tcpEndpoint{}); s > 24 {
		t.Errorf("tcpEndpoint is %d bytes, want at most 24", s)
	}
}
