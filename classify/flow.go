package classify

import (
	"net/netip"
)

// Flow is one bidirectional connection (TCP), conversation (UDP) or ICMP
// exchange, as the flow table tracks it. The table owns it; a finished
// flow is handed to the sink and then reused.
//
// A flow table holds up to millions of them (a scan), so what only some
// flows need lives out of line: ICMP error details, names learned from the
// payload, the reassembly buffer and long histories in flowMore, the
// duplicate-suppression signatures beyond the first in a dupRing. Fields
// are ordered so that no padding is needed; TestFlowSize guards the size.
// Two pointers only: the collector has little to trace in a full table.
type Flow struct {
	key flowKey // 40 bytes

	First, Last int64 // capture time, Unix nanoseconds
	listed      int64 // Last when the flow was put on its timeout list (see flowList)
	// Per direction: packets and IP bytes.
	OrigPkts, RespPkts   uint64
	OrigBytes, RespBytes uint64

	// TCP
	tcpO, tcpR tcpEndpoint

	DNSNames *dnsNames // names from a DNS answer seen before the flow started
	more     *flowMore // nil until the flow needs it

	// Flow table bookkeeping, by number (slabs): this flow's, its
	// neighbours' in its timeout list, its dupRing's (0 until the flow
	// carries its second packet).
	id, prev, next, dups uint32

	// Duplicate suppression: entry 0 of the recent signatures (dedup.go).
	sig0 uint64
	t0   int64

	history  [histInline]byte // Zeek's history letters; more in more.history
	nameBase uint32           // sequence number of the originator's first payload byte
	iface0   ifaceID
	histLen  uint8
	nextSig  uint8 // recent signature written next

	Midstream bool // the capture started after the connection did
	Flipped   bool // the first packet seen came from the responder

	// ICMP: the first message's type and code (echo, ...).
	ICMPType, ICMPCode uint8
	// An ICMP error about this flow (destination unreachable, ...): its
	// details are in more (ICMPErrorText).
	ICMPError bool

	class timeoutClass
	bits  flowBits
	Proto uint8
}

// flowBits are flags the table and the name learning keep.
type flowBits uint8

const (
	bitEvicted   flowBits = 1 << iota // ended by the table's flow limit, not by going idle
	bitNameBased                      // nameBase is set
	bitNamesDone                      // no more names to learn from the payload
	bitOrigIsA                        // the originator is the key's "a" side
)

func (f *Flow) has(b flowBits) bool { return f.bits&b != 0 }

// origIsA tells whether the originator is the key's "a" side.
func (f *Flow) origIsA() bool { return f.bits&bitOrigIsA != 0 }

func (f *Flow) setOrigIsA(v bool) {
	f.bits &^= bitOrigIsA
	if v {
		f.bits |= bitOrigIsA
	}
}

// histInline is how many history letters fit in the Flow; most histories
// ("ShADadFf") do. Up to histMax are kept.
const (
	histInline = 16
	histMax    = 32
)

// flowMore is what few flows need. The table recycles it with the flow.
type flowMore struct {
	// The ICMP error about this flow (Flow.ICMPError), and how many
	// errors quoted it.
	icmpErrFrom      netip.Addr
	icmpErrPackets   uint32
	icmpErrType      uint8
	icmpErrCode      uint8
	icmpErrV6        bool
	icmpErrAboutOrig bool // the error quotes a packet the originator sent (its attempt failed)

	// Names that identify the responder, learned from the payload.
	sni         string
	httpHost    string
	connect     string // CONNECT target host of an HTTP proxy tunnel
	connectPort uint16

	stream *streamPrefix // the originator's first bytes, while a message is incomplete

	history [histMax - histInline]byte // letters beyond histInline
}

// extra returns the flow's flowMore, allocating it (from the table's free
// list) on first use.
func (f *Flow) extra(t *table) *flowMore {
	if f.more == nil {
		f.more = t.newMore()
	}
	return f.more
}

// sni, httpHost and connect are the names learned from the payload.
func (f *Flow) sni() string {
	if f.more == nil {
		return ""
	}
	return f.more.sni
}

func (f *Flow) httpHost() string {
	if f.more == nil {
		return ""
	}
	return f.more.httpHost
}

func (f *Flow) connect() (string, uint16) {
	if f.more == nil {
		return "", 0
	}
	return f.more.connect, f.more.connectPort
}

// Orig returns the originator's address and port.
func (f *Flow) Orig() (netip.Addr, uint16) {
	if f.origIsA() {
		return f.key.a.addr(), f.key.aPort
	}
	return f.key.b.addr(), f.key.bPort
}

// Resp returns the responder's address and port.
func (f *Flow) Resp() (netip.Addr, uint16) {
	if f.origIsA() {
		return f.key.b.addr(), f.key.bPort
	}
	return f.key.a.addr(), f.key.aPort
}

// History returns Zeek's history letters.
func (f *Flow) History() string {
	if f.histLen <= histInline {
		return string(f.history[:f.histLen])
	}
	return string(f.history[:]) + string(f.more.history[:f.histLen-histInline])
}

// historyBytes returns the history letters, in buf when they do not all
// fit in the Flow.
func (f *Flow) historyBytes(buf *[histMax]byte) []byte {
	if f.histLen <= histInline {
		return f.history[:f.histLen]
	}
	n := copy(buf[:], f.history[:])
	n += copy(buf[n:], f.more.history[:f.histLen-histInline])
	return buf[:n]
}

// addHistory appends a letter; t provides the flowMore a long history
// needs.
func (f *Flow) addHistory(t *table, c byte, orig bool) {
	if !orig && c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	switch {
	case f.histLen < histInline:
		f.history[f.histLen] = c
	case f.histLen < histMax:
		f.extra(t).history[f.histLen-histInline] = c
	default:
		return
	}
	f.histLen++
}

// State returns the conn_state: Zeek's for TCP; for UDP and ICMP, SF when
// both sides spoke, S0 when only the originator did, SHR when only the
// responder did.
func (f *Flow) State() ConnState {
	switch f.Proto {
	case 6:
		var buf [histMax]byte
		return tcpConnState(&f.tcpO, &f.tcpR, f.historyBytes(&buf))
	default:
		switch {
		case f.OrigPkts > 0 && f.RespPkts > 0:
			return StateSF
		case f.OrigPkts > 0:
			return StateS0
		case f.RespPkts > 0:
			return StateSHR
		}
		return StateOTH
	}
}

// Answered reports whether the responder sent anything back.
func (f *Flow) Answered() bool { return f.RespPkts > 0 }

// Blocked reports whether the attempt failed, and why: Zeek's failed
// states (S0, REJ, RSTOS0, and SH when a SYN was sent), or an ICMP error
// about a packet the originator sent. A UDP flow without answer or error
// is not blocked: it is unanswered.
func (f *Flow) Blocked() (bool, string) {
	if f.ICMPError && f.more.icmpErrAboutOrig {
		m := f.more
		return true, icmpErrorName(m.icmpErrV6, m.icmpErrType, m.icmpErrCode)
	}
	if f.Proto != 6 {
		return false, ""
	}
	switch f.State() {
	case StateS0:
		return true, "no answer to SYN"
	case StateREJ:
		return true, "rejected (RST)"
	case StateRSTOS0:
		return true, "originator reset before any answer"
	case StateSH:
		if f.tcpO.histSeen&histSYN != 0 {
			return true, "SYN then FIN, no answer"
		}
	}
	return false, ""
}

// ICMPErrorText says which ICMP error the flow got ("" if none) and
// whether it was about the responder's packet.
func (f *Flow) ICMPErrorText() string {
	if !f.ICMPError {
		return ""
	}
	m := f.more
	s := icmpErrorName(m.icmpErrV6, m.icmpErrType, m.icmpErrCode) + " from " + m.icmpErrFrom.String()
	if !m.icmpErrAboutOrig {
		s += " (about the responder's packet)"
	}
	return s
}

// HasNames reports whether Names has anything to list (most flows of a
// gateway have no name).
func (f *Flow) HasNames() bool {
	if m := f.more; m != nil && (m.connect != "" || m.sni != "" || m.httpHost != "") {
		return true
	}
	return f.DNSNames != nil
}

// Names lists the names that identify the responder, most specific first:
// CONNECT target, SNI, HTTP Host, then the DNS names.
func (f *Flow) Names() []Name { return f.AppendNames(nil) }

// AppendNames appends the names of Names to out: with a buffer the caller
// reuses (or keeps on its stack), ending a flow allocates nothing for them.
func (f *Flow) AppendNames(out []Name) []Name {
	start := len(out)
	add := func(n, src string) {
		if n == "" {
			return
		}
		for _, o := range out[start:] {
			if o.Name == n && o.Source == src {
				return
			}
		}
		out = append(out, Name{Name: n, Source: src})
	}
	if m := f.more; m != nil {
		add(m.connect, "connect")
		add(m.sni, "sni")
		add(m.httpHost, "http-host")
	}
	if f.DNSNames != nil {
		for _, n := range f.DNSNames.names {
			add(n, "dns")
		}
	}
	return out
}

func (f *Flow) connectName() []Name {
	c, _ := f.connect()
	return []Name{{Name: c, Source: "connect"}}
}

// Name is a name of a flow's destination and where it was learned.
type Name struct {
	Name   string `json:"name"`
	Source string `json:"source"` // dns, sni, http-host, connect
}
