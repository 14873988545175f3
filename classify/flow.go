package classify

import (
	"net/netip"
)

// Flow is one bidirectional connection (TCP), conversation (UDP) or ICMP
// exchange, as the flow table tracks it. The table owns it; a finished
// flow is handed to the sink and then reused.
type Flow struct {
	key     flowKey
	hash    uint64 // of key
	origIsA bool   // the originator is the key's "a" side

	Proto       uint8
	First, Last int64 // capture time, Unix nanoseconds
	// Per direction: packets and IP bytes.
	OrigPkts, RespPkts   uint64
	OrigBytes, RespBytes uint64

	Midstream bool // the capture started after the connection did
	Flipped   bool // the first packet seen came from the responder

	// TCP
	tcpO, tcpR tcpEndpoint
	history    [32]byte
	histLen    uint8

	// ICMP: the first message's type and code (echo, ...).
	ICMPType, ICMPCode uint8
	// An ICMP error about this flow (destination unreachable, ...).
	ICMPError      bool
	ICMPErrType    uint8
	ICMPErrCode    uint8
	ICMPErrV6      bool
	ICMPErrFrom    netip.Addr
	ICMPErrPackets uint32
	// The error quotes a packet the originator sent (its attempt failed),
	// not one the responder sent.
	ICMPErrAboutOrig bool

	// Names that identify the responder, with where they came from.
	DNSNames    *dnsNames // from a DNS answer seen before the flow started
	SNI         string
	HTTPHost    string
	Connect     string // CONNECT target host of an HTTP proxy tunnel
	ConnectPort uint16
	names       nameState

	// Duplicate suppression for packets captured on two interfaces.
	recent  [4]packetSig
	nextSig uint8

	// Flow table bookkeeping.
	prev, next *Flow
	listed     int64 // Last when the flow was put on its list (see flowList)
	class      timeoutClass
	evicted    bool // ended by the table's flow limit, not by going idle
}

// Orig returns the originator's address and port.
func (f *Flow) Orig() (netip.Addr, uint16) {
	if f.origIsA {
		return addrFrom16(f.key.a), f.key.aPort
	}
	return addrFrom16(f.key.b), f.key.bPort
}

// Resp returns the responder's address and port.
func (f *Flow) Resp() (netip.Addr, uint16) {
	if f.origIsA {
		return addrFrom16(f.key.b), f.key.bPort
	}
	return addrFrom16(f.key.a), f.key.aPort
}

// History returns Zeek's history letters.
func (f *Flow) History() string { return string(f.history[:f.histLen]) }

func (f *Flow) addHistory(c byte, orig bool) {
	if !orig && c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	if int(f.histLen) < len(f.history) {
		f.history[f.histLen] = c
		f.histLen++
	}
}

// State returns the conn_state: Zeek's for TCP; for UDP and ICMP, SF when
// both sides spoke, S0 when only the originator did, SHR when only the
// responder did.
func (f *Flow) State() ConnState {
	switch f.Proto {
	case 6:
		return tcpConnState(&f.tcpO, &f.tcpR, f.history[:f.histLen])
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
	if f.ICMPError && f.ICMPErrAboutOrig {
		return true, icmpErrorName(f.ICMPErrV6, f.ICMPErrType, f.ICMPErrCode)
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
	s := icmpErrorName(f.ICMPErrV6, f.ICMPErrType, f.ICMPErrCode) + " from " + f.ICMPErrFrom.String()
	if !f.ICMPErrAboutOrig {
		s += " (about the responder's packet)"
	}
	return s
}

// Names lists the names that identify the responder, most specific first:
// CONNECT target, SNI, HTTP Host, then the DNS names.
func (f *Flow) Names() []Name {
	var out []Name
	add := func(n, src string) {
		if n == "" {
			return
		}
		for _, o := range out {
			if o.Name == n && o.Source == src {
				return
			}
		}
		out = append(out, Name{Name: n, Source: src})
	}
	add(f.Connect, "connect")
	add(f.SNI, "sni")
	add(f.HTTPHost, "http-host")
	if f.DNSNames != nil {
		for _, n := range f.DNSNames.names {
			add(n, "dns")
		}
	}
	return out
}

func (f *Flow) connectName() []Name {
	return []Name{{Name: f.Connect, Source: "connect"}}
}

// Name is a name of a flow's destination and where it was learned.
type Name struct {
	Name   string `json:"name"`
	Source string `json:"source"` // dns, sni, http-host, connect
}
