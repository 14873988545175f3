package classify

import (
	"testing"
	"unsafe"
)

// TestFlowSize guards the size of a Flow: a flow table holds up to
// millions (a SYN scan fills it), and the memory target is 300 bytes per
// tracked flow, index and all. Rarely needed data belongs in flowMore.
func TestFlowSize(t *testing.T) {
	const max = 224
	if s := unsafe.Sizeof(Flow{}); s > max {
		t.Errorf("Flow is %d bytes, want at most %d", s, max)
	}
	if s := unsafe.Sizeof(tcpEndpoint{}); s > 24 {
		t.Errorf("tcpEndpoint is %d bytes, want at most 24", s)
	}
}

// TestLongHistory: letters beyond those the Flow holds go to flowMore;
// History and the conn_state (RSTOS0 looks at the whole history) see them
// all, up to histMax.
func TestLongHistory(t *testing.T) {
	tb := newTable(Timeouts{}, 0, nil)
	f := &Flow{Proto: 6}
	want := "S"
	f.addHistory(tb, 'S', true)
	for range histInline + 2 {
		f.addHistory(tb, 'T', true)
		want += "T"
	}
	f.addHistory(tb, 'R', true)
	want += "R"
	if got := f.History(); got != want {
		t.Errorf("history %q, want %q", got, want)
	}
	f.tcpO.state = tcpReset
	if s := f.State(); s != StateRSTOS0 {
		t.Errorf("state %s, want RSTOS0 (the R is beyond the inline letters)", s)
	}
	for range 2 * histMax {
		f.addHistory(tb, 'T', true)
	}
	if n := len(f.History()); n != histMax {
		t.Errorf("%d letters kept, want %d", n, histMax)
	}
}
