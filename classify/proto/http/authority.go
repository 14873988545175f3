package http

// splitHostPort splits an authority ("host", "host:port", "[v6]",
// "[v6]:port"; RFC 3986 3.2.2) into host (IPv6 without brackets) and port
// (nil without one). ok is false for anything else: characters a host
// cannot have, a non-numeric or over-long port, a bare IPv6 address.
func splitHostPort(a []byte) (host, port []byte, ok bool) {
	var rest []byte
	if len(a) > 0 && a[0] == '[' {
		end := -1
		for i, c := range a {
			if c == ']' {
				end = i
				break
			}
		}
		if end < 2 {
			return nil, nil, false
		}
		host, rest = a[1:end:end], a[end+1:]
		// Zone identifiers (RFC 6874) and IPvFuture are not accepted:
		// clients do not send them.
		if !isIPv6(host) {
			return nil, nil, false
		}
	} else {
		i := 0
		for i < len(a) && a[i] != ':' {
			if !isRegName(a[i]) || a[i] == '%' {
				// A pct-encoded host name is legal (RFC 3986) but
				// not sent by clients, and servers differ on it.
				return nil, nil, false
			}
			i++
		}
		host, rest = a[:i:i], a[i:]
	}
	if len(rest) == 0 {
		return host, nil, true
	}
	if rest[0] != ':' || len(rest) > 6 {
		return nil, nil, false
	}
	port = rest[1:len(rest):len(rest)]
	n := 0
	for _, c := range port {
		if c < '0' || c > '9' {
			return nil, nil, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return nil, nil, false
	}
	return host, port, true
}

// absoluteAuthority returns the authority of an absolute-form target
// ("http://user@host:port/path?q"), without the userinfo.
func absoluteAuthority(t []byte) ([]byte, bool) {
	// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://".
	i := 0
	for i < len(t) && (isAlpha(t[i]) || i > 0 && (isDigit(t[i]) || t[i] == '+' || t[i] == '-' || t[i] == '.')) {
		i++
	}
	if i == 0 || len(t) < i+3 || string(t[i:i+3]) != "://" {
		return nil, false
	}
	a := t[i+3:]
	for j, c := range a {
		if c == '/' || c == '?' { // a target has no fragment: '#' is invalid
			a = a[:j]
			break
		}
	}
	for j := len(a) - 1; j >= 0; j-- {
		if a[j] == '@' {
			// userinfo = *( unreserved / pct-encoded / sub-delims / ":" )
			for k := 0; k < j; k++ {
				if a[k] != ':' && !isRegName(a[k]) || a[k] == '%' && !pct(a[k:j]) {
					return nil, false
				}
			}
			a = a[j+1:]
			break
		}
	}
	return a, true
}

// pct reports whether b starts with a valid pct-encoded octet: '%' HEX HEX.
func pct(b []byte) bool {
	return len(b) >= 3 && b[0] == '%' && isHex(b[1]) && isHex(b[2])
}

// validPath checks the pct-encoding of a target's path (up to '?'):
// servers reject "%zz" there.
func validPath(t []byte) bool {
	for i, c := range t {
		if c == '?' {
			return true
		}
		if c == '%' && !pct(t[i:]) {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isUnreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

// isRegName: unreserved, pct-encoded (its '%' and hex digits) and
// sub-delims (RFC 3986 3.2.2).
func isRegName(c byte) bool {
	if isUnreserved(c) {
		return true
	}
	switch c {
	case '%', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}

// isIPv6 checks the text form of an IPv6 address (RFC 4291 2.2): eight
// groups of 1 to 4 hex digits, or fewer around one "::", the last two
// possibly written as a dotted IPv4 address. It is netip.ParseAddr's
// syntax without zones, written out because ParseAddr takes a string.
func isIPv6(b []byte) bool {
	groups, ellipsis := 0, false
	i := 0
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		ellipsis, i = true, 2
	}
	for i < len(b) {
		// One group: hex digits, or the dotted IPv4 tail.
		j := i
		for j < len(b) && j-i < 5 && isHex(b[j]) {
			j++
		}
		if j < len(b) && b[j] == '.' {
			if !isIPv4(b[i:]) {
				return false
			}
			groups += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		groups++
		i = j
		if i == len(b) {
			break
		}
		if b[i] != ':' {
			return false
		}
		i++
		if i < len(b) && b[i] == ':' {
			if ellipsis {
				return false
			}
			ellipsis = true
			i++
		} else if i == len(b) {
			return false // a trailing single ':'
		}
	}
	if ellipsis {
		return groups <= 7
	}
	return groups == 8
}

// isIPv4 checks dotted-decimal IPv4: four numbers 0-255 without leading
// zeros.
func isIPv4(b []byte) bool {
	parts := 0
	for i := 0; i < len(b); {
		j, n := i, 0
		for j < len(b) && isDigit(b[j]) && j-i < 3 {
			n = n*10 + int(b[j]-'0')
			j++
		}
		if j == i || n > 255 || j-i > 1 && b[i] == '0' {
			return false
		}
		parts++
		if j == len(b) {
			break
		}
		if b[j] != '.' || parts == 4 {
			return false
		}
		i = j + 1
		if i == len(b) {
			return false
		}
	}
	return parts == 4
}
