package classify

import "fmt"

// icmpErrorName says what an ICMP or ICMPv6 error means, in the words
// firewall teams use.
func icmpErrorName(v6 bool, typ, code uint8) string {
	if v6 {
		switch typ {
		case 1:
			switch code {
			case 0:
				return "ICMPv6 no route to destination"
			case 1:
				return "ICMPv6 administratively prohibited"
			case 3:
				return "ICMPv6 address unreachable"
			case 4:
				return "ICMPv6 port unreachable"
			case 5:
				return "ICMPv6 source address failed policy"
			case 6:
				return "ICMPv6 reject route"
			}
			return fmt.Sprintf("ICMPv6 destination unreachable (code %d)", code)
		case 2:
			return "ICMPv6 packet too big"
		case 3:
			return "ICMPv6 time exceeded"
		case 4:
			return "ICMPv6 parameter problem"
		}
		return fmt.Sprintf("ICMPv6 type %d code %d", typ, code)
	}
	switch typ {
	case 3:
		switch code {
		case 0:
			return "ICMP network unreachable"
		case 1:
			return "ICMP host unreachable"
		case 2:
			return "ICMP protocol unreachable"
		case 3:
			return "ICMP port unreachable"
		case 4:
			return "ICMP fragmentation needed"
		case 9, 10:
			return "ICMP network/host administratively prohibited"
		case 13:
			return "ICMP administratively prohibited"
		}
		return fmt.Sprintf("ICMP destination unreachable (code %d)", code)
	case 11:
		return "ICMP time exceeded"
	case 12:
		return "ICMP parameter problem"
	case 4:
		return "ICMP source quench"
	case 5:
		return "ICMP redirect"
	}
	return fmt.Sprintf("ICMP type %d code %d", typ, code)
}

// isICMPError reports whether an ICMP message is an error that quotes the
// packet it is about.
func isICMPError(v6 bool, typ uint8) bool {
	if v6 {
		return typ >= 1 && typ <= 4
	}
	return typ == 3 || typ == 4 || typ == 5 || typ == 11 || typ == 12
}

// blocksFlow reports whether an ICMP error says the destination refused or
// could not be reached (not "packet too big" or "fragmentation needed",
// not "time exceeded" on a traceroute, not a redirect).
func blocksFlow(v6 bool, typ, code uint8) bool {
	if v6 {
		return typ == 1
	}
	return typ == 3 && code != 4
}
