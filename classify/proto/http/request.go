// Package http reads the head of an HTTP/1.x request from the start of a
// client's TCP stream: the method, the target, and the host the request is
// for (Host header, absolute-form target, or CONNECT authority), so that a
// flow to a proxy or a web server can be named. It works in place on the
// stream: no copy, no allocation.
package http

// Status says what the stream holds.
type Status uint8

const (
	// Found: a complete, well-formed request head (up to the empty line).
	Found Status = iota + 1
	// NeedMore: a plausible start of a request head, shorter than
	// MaxHeader; call again once the stream has grown.
	NeedMore
	// NotHTTP: not an HTTP/1.x request, a head longer than MaxHeader, or
	// one a server must reject (RFC 9112): several Host lines, whitespace
	// before a colon, an invalid Host value, a target of no valid form
	// (a CONNECT without a port, "*" for another method than OPTIONS).
	// HTTP/0.9 requests and the HTTP/2 preface ("PRI * HTTP/2.0") too.
	NotHTTP
)

func (s Status) String() string {
	switch s {
	case Found:
		return "Found"
	case NeedMore:
		return "NeedMore"
	case NotHTTP:
		return "NotHTTP"
	}
	return "Status(?)"
}

// MaxHeader bounds the request head (request line, header lines, empty
// line): a longer one is NotHTTP, so a caller never buffers more.
const MaxHeader = 16 << 10

// Req is the head of a request. Every field is a sub-slice of the stream
// (nil when absent), as sent: host names are not lower-cased, so compare
// them with bytes.EqualFold or lower-case a copy. They may end with a dot.
type Req struct {
	Method  []byte // "GET", "CONNECT", ...
	Target  []byte // request-target: "/path?q", "http://host/path", "host:443", "*"
	Version []byte // "HTTP/1.1" or "HTTP/1.0"

	// Host is the host the request is for, without port: from the
	// target when it is in absolute form ("GET http://h:8080/ HTTP/1.1",
	// sent to forward proxies; RFC 9112 3.2.2 makes it override the
	// Host header), else from the Host header. An IPv6 literal comes
	// without its brackets. Port is the port given with it, if any.
	// Both are nil without a Host header (HTTP/1.0).
	Host []byte
	Port []byte

	// ConnectHost and ConnectPort are the authority of a CONNECT
	// request's target: the tunnel's destination (IPv6 without
	// brackets). Host still says what the Host header said.
	ConnectHost []byte
	ConnectPort []byte

	// HeaderEnd is the offset in the stream just past the empty line
	// that ends the head: the body or the next request starts there.
	HeaderEnd int
}

// Request parses the start of an HTTP/1.x request from a client's stream:
// method, target, Host header value, and for CONNECT the authority
// (host:port) of the tunnel. Status: Found, NeedMore (no end of headers
// yet and below MaxHeader), NotHTTP. Lines may end in CRLF or a bare LF
// (RFC 9112 2.2). Only Host is interpreted among the header fields;
// obs-fold continuation lines are accepted and ignored, except after Host
// or before the first field.
func Request(stream []byte) (r Req, status Status) {
	b := stream
	if len(b) > MaxHeader {
		b = b[:MaxHeader]
	}
	more := NeedMore
	if len(stream) >= MaxHeader {
		more = NotHTTP // the head does not end within the limit
	}

	line, next, whole := cutLine(b, 0)
	if !requestLine(&r, line, !whole) {
		return Req{}, NotHTTP
	}
	if !whole {
		return Req{}, more
	}
	var hostLine []byte
	seenHost := false
	// What an obs-fold line would continue: nothing before the first
	// field (RFC 9112 2.2 allows rejecting that, as net/http does), or
	// Host, whose value would then be ambiguous.
	foldOK := false
	for {
		line, next, whole = cutLine(b, next)
		isFold := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		if isFold && !foldOK {
			return Req{}, NotHTTP
		}
		if !whole {
			if !headerLine(line, true) && !isFold || isFold && !fieldValue(line) {
				return Req{}, NotHTTP
			}
			return Req{}, more
		}
		if len(line) == 0 {
			break
		}
		if isFold {
			if !fieldValue(line) {
				return Req{}, NotHTTP
			}
			continue
		}
		if !headerLine(line, false) {
			return Req{}, NotHTTP
		}
		foldOK = !isHost(line)
		if !foldOK {
			if seenHost {
				return Req{}, NotHTTP
			}
			seenHost, hostLine = true, line
		}
	}
	r.HeaderEnd = next

	if seenHost {
		v := trimOWS(hostLine[len("host:"):])
		if len(v) > 0 {
			var ok bool
			if r.Host, r.Port, ok = splitHostPort(v); !ok {
				return Req{}, NotHTTP
			}
		} else {
			r.Host = v[:0:0] // "Host:" with an empty value: present, empty
		}
	}
	if !target(&r) {
		return Req{}, NotHTTP
	}
	return r, Found
}

// target checks the request-target's form (RFC 9112 3.2) and takes the
// host from it when it has one: authority-form for CONNECT,
// asterisk-form for OPTIONS, else origin-form ("/path") or absolute-form
// ("http://host/path").
func target(r *Req) bool {
	t := r.Target
	switch {
	case string(r.Method) == "CONNECT":
		var ok bool
		r.ConnectHost, r.ConnectPort, ok = splitHostPort(t)
		return ok && len(r.ConnectPort) > 0 && len(r.ConnectHost) > 0
	case t[0] == '/':
		return validPath(t)
	case string(t) == "*":
		return string(r.Method) == "OPTIONS"
	}
	auth, ok := absoluteAuthority(t)
	if !ok || !validPath(t) {
		return false
	}
	h, p, ok := splitHostPort(auth)
	if !ok || len(h) == 0 {
		return false
	}
	r.Host, r.Port = h, p
	return true
}

// cutLine returns the line starting at off without its CRLF or LF, the
// offset after it, and whether its end was found. A lone CR stays in the
// line (and is rejected there as a control character), except a CR ending
// an incomplete line, which may be the start of CRLF.
func cutLine(b []byte, off int) (line []byte, next int, whole bool) {
	for i := off; i < len(b); i++ {
		if b[i] == '\n' {
			end := i
			if end > off && b[end-1] == '\r' {
				end--
			}
			return b[off:end], i + 1, true
		}
	}
	line = b[off:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, len(b), false
}

const maxMethod = 32 // longer than any registered method; rejects binary early

// requestLine parses "method SP target SP version" into r. With partial,
// line is an incomplete first line: it must be a plausible prefix.
func requestLine(r *Req, line []byte, partial bool) bool {
	i := 0
	for i < len(line) && isTchar(line[i]) {
		i++
	}
	if i > maxMethod {
		return false
	}
	if i == len(line) {
		return partial
	}
	if i == 0 || line[i] != ' ' {
		return false
	}
	r.Method = line[:i:i]
	t := i + 1
	j := t
	for j < len(line) && line[j] > ' ' && line[j] != 0x7F {
		j++
	}
	if j == len(line) {
		return partial
	}
	if j == t || line[j] != ' ' {
		return false
	}
	r.Target = line[t:j:j]
	v := line[j+1:]
	// "HTTP/1." DIGIT: 1.0 and 1.1 in practice.
	const proto = "HTTP/1.x"
	if len(v) > len(proto) || !partial && len(v) != len(proto) {
		return false
	}
	for k := range v {
		if k == len(proto)-1 {
			if v[k] < '0' || v[k] > '9' {
				return false
			}
		} else if v[k] != proto[k] {
			return false
		}
	}
	r.Version = v[:len(v):len(v)]
	return true
}

// headerLine checks "name: value" (no whitespace before the colon, RFC
// 9112 5.1). With partial, line is an incomplete last line.
func headerLine(line []byte, partial bool) bool {
	i := 0
	for i < len(line) && isTchar(line[i]) {
		i++
	}
	if i == len(line) {
		return partial
	}
	if i == 0 || line[i] != ':' {
		return false
	}
	return fieldValue(line[i+1:])
}

// fieldValue accepts visible ASCII, SP, HTAB and obs-text (RFC 9110 5.5).
func fieldValue(v []byte) bool {
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7F {
			return false
		}
	}
	return true
}

func isHost(line []byte) bool {
	return len(line) >= 5 && line[4] == ':' &&
		line[0]|0x20 == 'h' && line[1]|0x20 == 'o' && line[2]|0x20 == 's' && line[3]|0x20 == 't'
}

func trimOWS(v []byte) []byte {
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	return v
}

// isTchar reports whether c may appear in a token (RFC 9110 5.6.2).
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}
