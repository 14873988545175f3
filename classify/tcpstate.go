package classify

// TCP endpoint states, as Zeek's TCP analyzer keeps them. The conn_state a
// flow ends with is computed from the pair, exactly as Zeek's conn.zeek does,
// so flowaudit's conn_state means what a Zeek user expects.
type tcpEndpointState uint8

const (
	tcpInactive    tcpEndpointState = iota // nothing seen from this side
	tcpSynSent                             // sent a SYN
	tcpSynAckSent                          // sent a SYN-ACK
	tcpPartial                             // sent something without a SYN we saw (midstream)
	tcpEstablished                         // handshake completed
	tcpClosed                              // sent a FIN
	tcpReset                               // sent a RST
)

// TCP flag bits, as in the header.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagACK = 0x10
)

// tcpEndpoint is one side of a TCP connection (24 bytes: two per flow).
type tcpEndpoint struct {
	size        uint64 // payload bytes sent (Zeek's endpoint size, from sequence numbers; here: bytes seen)
	nextSeq     uint32 // highest sequence number sent + 1 (with SYN/FIN counting as one)
	rexmits     uint32 // retransmissions seen (for the scaled 'T' entries)
	zeroWins    uint32 // zero windows seen (for the scaled 'W' entries)
	state, prev tcpEndpointState
	histSeen    uint8 // which history letters this side already has
	seqValid    bool
}

func (e *tcpEndpoint) set(s tcpEndpointState) {
	e.prev = e.state
	e.state = s
}

// tcpUpdate advances the state machine for one segment from the side ep
// (peer is the other side). It follows Zeek's TCP_Analyzer
// UpdateStateMachine and its helpers.
func tcpUpdate(ep, peer *tcpEndpoint, isOrig bool, flags uint8, origState *tcpEndpointState, payloadLen int) {
	syn, ack, fin, rst := flags&flagSYN != 0, flags&flagACK != 0, flags&flagFIN != 0, flags&flagRST != 0
	switch ep.state {
	case tcpInactive:
		if syn {
			if isOrig {
				if ack {
					ep.set(tcpSynAckSent)
				} else {
					ep.set(tcpSynSent)
				}
			} else {
				if peer.state == tcpSynSent {
					peer.set(tcpEstablished)
				}
				ep.set(tcpEstablished)
			}
		}
		if fin {
			ep.set(tcpClosed)
		}
		if rst {
			ep.set(tcpReset)
		}
		if ep.state == tcpInactive {
			switch {
			case !isOrig && payloadLen == 0 && *origState == tcpSynSent:
				// Some stacks ACK a SYN before answering it; not a partial connection.
			case ack && peer.state == tcpEstablished:
				// We missed this side's SYN but saw the SYN-ACK and now an ACK.
				ep.set(tcpEstablished)
			default:
				ep.set(tcpPartial)
			}
		}
	case tcpSynSent, tcpSynAckSent:
		if fin {
			ep.set(tcpClosed)
		}
		if rst {
			ep.set(tcpReset)
		}
	case tcpEstablished, tcpPartial:
		if syn && ep.state == tcpPartial && peer.state == tcpInactive && !ack {
			ep.set(tcpSynSent)
		}
		if fin && !rst {
			ep.set(tcpClosed)
			if peer.state == tcpReset && peer.prev == tcpClosed {
				// The peer's FIN then RST was a normal termination.
				peer.set(tcpClosed)
			}
		}
		if rst {
			ep.set(tcpReset)
		}
	case tcpClosed:
		// After a FIN exchange, a RST does not change the outcome.
		if rst && peer.state != tcpClosed {
			ep.set(tcpReset)
		}
	case tcpReset:
	}
}

// ConnState is Zeek's conn_state summary of a connection.
type ConnState uint8

const (
	StateNone   ConnState = iota // not TCP or UDP
	StateS0                      // attempt seen, no reply
	StateS1                      // established, not terminated
	StateSF                      // normal establishment and termination
	StateREJ                     // attempt rejected
	StateS2                      // established, close attempt by originator seen (no reply)
	StateS3                      // established, close attempt by responder seen (no reply)
	StateRSTO                    // established, originator aborted (RST)
	StateRSTR                    // responder sent a RST
	StateRSTOS0                  // originator sent a SYN then a RST; no SYN-ACK seen
	StateRSTRH                   // responder sent a SYN-ACK then a RST; no SYN seen
	StateSH                      // originator sent a SYN then a FIN; no SYN-ACK seen
	StateSHR                     // responder sent a SYN-ACK then a FIN; no SYN seen
	StateOTH                     // no SYN seen, midstream traffic
)

var connStateNames = [...]string{"", "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"}

func (s ConnState) String() string { return connStateNames[s] }

// Failed reports whether the state says the attempt failed: no answer,
// rejected, or given up before an answer.
func (s ConnState) Failed() bool {
	return s == StateS0 || s == StateREJ || s == StateRSTOS0 || s == StateSH
}

// tcpConnState is Zeek's conn_state() for TCP. history is needed for one
// case (RSTOS0: "^?S[^HAFGIQ]*R.*").
func tcpConnState(o, r *tcpEndpoint, history []byte) ConnState {
	os, rs := o.state, r.state
	oInactive := os == tcpInactive || os == tcpPartial
	rInactive := rs == tcpInactive || rs == tcpPartial
	switch {
	case rs == tcpReset:
		if os == tcpSynSent || os == tcpSynAckSent || (os == tcpReset && o.size == 0 && r.size == 0) {
			return StateREJ
		}
		if oInactive {
			return StateRSTRH
		}
		return StateRSTR
	case os == tcpReset:
		if rInactive {
			if synThenReset(history) {
				return StateRSTOS0
			}
			return StateOTH
		}
		return StateRSTO
	case rs == tcpClosed && os == tcpClosed:
		return StateSF
	case os == tcpClosed:
		if rInactive {
			return StateSH
		}
		return StateS2
	case rs == tcpClosed:
		if oInactive {
			return StateSHR
		}
		return StateS3
	case os == tcpSynSent && rs == tcpInactive:
		return StateS0
	case os == tcpEstablished && rs == tcpEstablished:
		return StateS1
	}
	return StateOTH
}

// synThenReset matches Zeek's /^\^?S[^HAFGIQ]*R.*/ on the history.
func synThenReset(h []byte) bool {
	i := 0
	if i < len(h) && h[i] == '^' {
		i++
	}
	if i >= len(h) || h[i] != 'S' {
		return false
	}
	for i++; i < len(h); i++ {
		switch h[i] {
		case 'R':
			return true
		case 'H', 'A', 'F', 'G', 'I', 'Q':
			return false
		}
	}
	return false
}

// History letters, Zeek's: upper case for the originator, lower case for
// the responder; each is recorded once per side, except retransmissions
// and zero windows, recorded again at 10, 100, 1000... occurrences.
const (
	histSYN uint8 = 1 << iota
	histSYNACK
	histACK
	histData
	histFIN
	histRST
	histInconsistent
	histMultiFlag
)

// tcpHistory records the history letters one segment adds.
func tcpHistory(ep *tcpEndpoint, isOrig bool, flags uint8, payloadLen int, rexmit, zeroWin bool, add func(byte, bool)) {
	check := func(bit uint8, c byte) {
		if ep.histSeen&bit == 0 {
			ep.histSeen |= bit
			add(c, isOrig)
		}
	}
	syn, fin, rst, ack := flags&flagSYN != 0, flags&flagFIN != 0, flags&flagRST != 0, flags&flagACK != 0
	bits := b2i(syn) + b2i(fin) + b2i(rst)
	switch {
	case bits > 1 && fin && rst:
		check(histInconsistent, 'I')
	case bits > 1:
		check(histMultiFlag, 'Q')
	case syn && ack:
		check(histSYNACK, 'H')
	case syn:
		check(histSYN, 'S')
	case fin:
		check(histFIN, 'F')
	case rst:
		check(histRST, 'R')
	}
	if payloadLen > 0 {
		check(histData, 'D')
	} else if bits == 0 && ack {
		check(histACK, 'A')
	}
	if rexmit {
		ep.rexmits++
		if isPowerOf10(ep.rexmits) {
			add('T', isOrig)
		}
	}
	if zeroWin {
		ep.zeroWins++
		if isPowerOf10(ep.zeroWins) {
			add('W', isOrig)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isPowerOf10(n uint32) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}
