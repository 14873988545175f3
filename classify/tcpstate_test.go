package classify

import "testing"

// seg is one TCP segment in a scripted exchange: who sent it, flags, payload.
type seg struct {
	orig  bool
	flags uint8
	data  int
}

const (
	S  = flagSYN
	SA = flagSYN | flagACK
	A  = flagACK
	FA = flagFIN | flagACK
	R  = flagRST
	RA = flagRST | flagACK
)

// runTCP plays segments through the state machine and history, as the
// engine does, and returns conn_state and history.
func runTCP(segs []seg) (ConnState, string) {
	f := &Flow{Proto: 6}
	tb := newTable(Timeouts{}, 0, nil) // for a history longer than the Flow holds
	for _, s := range segs {
		ep, peer := &f.tcpO, &f.tcpR
		if !s.orig {
			ep, peer = peer, ep
		}
		ep.size += uint64(s.data)
		tcpUpdate(ep, peer, s.orig, s.flags, &f.tcpO.state, s.data)
		tcpHistory(ep, s.orig, s.flags, s.data, false, false, func(c byte, orig bool) { f.addHistory(tb, c, orig) })
	}
	return f.State(), f.History()
}

// TestZeekConnStates checks each conn_state against the exchange Zeek's
// documentation gives for it.
func TestZeekConnStates(t *testing.T) {
	cases := []struct {
		want    ConnState
		history string
		segs    []seg
	}{
		{StateS0, "S", []seg{{true, S, 0}, {true, S, 0}}},
		{StateS1, "ShAD", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 10}}},
		{StateSF, "ShADadFf", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 10}, {false, A, 0}, {false, A, 20}, {true, FA, 0}, {false, FA, 0}}},
		{StateREJ, "Sr", []seg{{true, S, 0}, {false, RA, 0}}},
		{StateS2, "ShADF", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 5}, {true, FA, 0}}},
		{StateS3, "ShADf", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 5}, {false, FA, 0}}},
		{StateRSTO, "ShADR", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 5}, {true, R, 0}}},
		{StateRSTR, "ShADr", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 5}, {false, RA, 0}}},
		{StateRSTOS0, "SR", []seg{{true, S, 0}, {true, R, 0}}},
		{StateRSTRH, "hr", []seg{{false, SA, 0}, {false, RA, 0}}},
		{StateSH, "SF", []seg{{true, S, 0}, {true, FA, 0}}},
		{StateSHR, "hf", []seg{{false, SA, 0}, {false, FA, 0}}},
		{StateOTH, "Dd", []seg{{true, A, 10}, {false, A, 10}}},
		// A FIN exchange followed by a RST is still a normal termination.
		{StateSF, "ShADFfR", []seg{{true, S, 0}, {false, SA, 0}, {true, A, 0}, {true, A, 5}, {true, FA, 0}, {false, FA, 0}, {true, R, 0}}},
		// SYN, SYN-ACK and nothing more: Zeek calls it established.
		{StateS1, "Sh", []seg{{true, S, 0}, {false, SA, 0}}},
	}
	for _, c := range cases {
		state, hist := runTCP(c.segs)
		if state != c.want || hist != c.history {
			t.Errorf("%v: got %s %q, want %s %q", c.segs, state, hist, c.want, c.history)
		}
	}
}

func TestSynThenReset(t *testing.T) {
	for h, want := range map[string]bool{"SR": true, "^SR": true, "STR": true, "ShR": true, "SAR": false, "S": false, "R": false, "SHR": false} {
		if got := synThenReset([]byte(h)); got != want {
			t.Errorf("synThenReset(%q) = %v", h, got)
		}
	}
}

func TestIsPowerOf10(t *testing.T) {
	for n, want := range map[uint32]bool{1: true, 10: true, 100: true, 1000: true, 2: false, 11: false, 20: false, 0: false} {
		if isPowerOf10(n) != want {
			t.Errorf("isPowerOf10(%d)", n)
		}
	}
}
