// Package tls finds the server name (SNI) in a TLS ClientHello, the first
// bytes a TLS client sends, so that a flow can be named by the host it was
// opened for. It parses the client's byte stream in place: no
// reassembly copy, no allocation.
package tls

// Status says what the stream holds.
type Status uint8

const (
	// Found: a complete, well-formed ClientHello with a host_name.
	Found Status = iota + 1
	// NoSNI: a complete, well-formed ClientHello without a host_name.
	NoSNI
	// NeedMore: a plausible start of a ClientHello (every byte so far
	// fits one); call again once the stream has grown.
	NeedMore
	// NotTLS: not a TLS ClientHello, or a malformed one: inconsistent
	// lengths, a record that is not a handshake, a duplicate server_name.
	// Also the SSLv2-compatible hello, which has no extensions.
	NotTLS
)

func (s Status) String() string {
	switch s {
	case Found:
		return "Found"
	case NoSNI:
		return "NoSNI"
	case NeedMore:
		return "NeedMore"
	case NotTLS:
		return "NotTLS"
	}
	return "Status(?)"
}

// Hello is what Parse extracts from a ClientHello. Its slices alias the
// stream, except a field that straddles two TLS records, which is copied
// into the Parser's buffer (valid until the Parser's next call).
type Hello struct {
	// ServerName is the first host_name of the server_name extension, as
	// sent: not lower-cased, not validated as a DNS name (compare with
	// bytes.EqualFold; escape before printing). nil without one.
	ServerName []byte
	// ALPN is the application_layer_protocol_negotiation extension's
	// ProtocolNameList without its length: iterate with NextProtocol.
	ALPN []byte
	// Version is legacy_version (0x0303 for TLS 1.2 and 1.3 clients).
	Version uint16
	// End is the offset in the stream just past the ClientHello's last
	// byte.
	End int
}

const (
	handshakeHeader = 4
	typeClientHello = 1
	// minBody is the smallest ClientHello body: version, random, empty
	// session id, one cipher suite, one compression method.
	minBody = 2 + 32 + 1 + 2 + 2 + 1 + 1
	// maxBody is the largest body the encoding allows (session id 32,
	// cipher suites 2^16-2, compression methods 255, extensions
	// 2^16-1): a longer length cannot be a ClientHello, so the caller
	// is told NotTLS rather than asked to buffer up to 16 MiB.
	maxBody = 2 + 32 + 1 + 32 + 2 + 65534 + 1 + 255 + 2 + 65535
)

// Parser parses ClientHellos. Its only state is a buffer that receives a
// field straddling two TLS records (a server name cut by a record
// boundary), so that even that case does not allocate once the buffer has
// grown. The zero value is ready; use one per goroutine.
type Parser struct {
	scratch []byte
}

// ClientHelloSNI looks for a TLS ClientHello at the start of a client's byte
// stream (the first bytes the client sent on the TCP connection,
// concatenated, possibly spanning several TLS records and TCP segments).
// It returns the server_name and a status: Found, NoSNI, NeedMore (need is
// then a lower bound on the stream length worth calling again at, always
// more than len(stream); exact when the rest of the ClientHello lies in
// the record the stream ends in, the usual case) or NotTLS.
//
// The whole ClientHello must be there for Found or NoSNI, even when the
// server_name comes early: a message is only believed once all of it is
// consistent.
//
// sni is a sub-slice of stream, or of the Parser's buffer when it
// straddles two records. It is returned as sent: see Hello.ServerName.
func (p *Parser) ClientHelloSNI(stream []byte) (sni []byte, need int, status Status) {
	h, need, status := p.Parse(stream)
	return h.ServerName, need, status
}

// ClientHelloSNI is Parser.ClientHelloSNI with a Parser of its own: it
// allocates only when the server name straddles two TLS records, which
// clients do not do unless the ClientHello exceeds 16 KiB.
func ClientHelloSNI(stream []byte) (sni []byte, need int, status Status) {
	var p Parser
	return p.ClientHelloSNI(stream)
}

// Parse is ClientHelloSNI returning ALPN too; need is set only with
// NeedMore.
func (p *Parser) Parse(stream []byte) (h Hello, need int, status Status) {
	r := reader{s: stream, left: handshakeHeader, scratch: p.scratch[:0]}
	h = parse(&r)
	p.scratch = r.scratch
	switch r.state {
	case NeedMore:
		return Hello{}, r.need(), NeedMore
	case NotTLS:
		return Hello{}, 0, NotTLS
	}
	h.End = r.pos
	if h.ServerName == nil {
		return h, 0, NoSNI
	}
	return h, 0, Found
}

// parse reads one ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2), leaving
// the verdict in r.state (0: complete and well-formed).
func parse(r *reader) (h Hello) {
	if r.u8() != typeClientHello {
		r.bad() // checked before the length arrives: reject early
		return
	}
	n := r.u24()
	if r.state != 0 {
		return
	}
	if n < minBody || n > maxBody {
		r.bad()
		return
	}
	r.left, r.hdrDone = n, true

	h.Version = uint16(r.u16())
	if h.Version>>8 != 3 {
		r.bad()
	}
	r.skip(32) // random
	if sid := r.u8(); sid > 32 {
		r.bad()
	} else {
		r.skip(sid)
	}
	if cs := r.u16(); cs < 2 || cs%2 != 0 {
		r.bad()
	} else {
		r.skip(cs)
	}
	if cm := r.u8(); cm < 1 {
		r.bad()
	} else {
		r.skip(cm)
	}
	if r.state != 0 || r.left == 0 {
		return // no extensions (SSL 3.0 style): NoSNI when complete
	}
	if ext := r.u16(); ext != r.left {
		r.bad()
	}
	var seenSNI, seenALPN bool
	for r.left > 0 && r.state == 0 {
		typ, n := r.u16(), r.u16()
		if n > r.left {
			r.bad()
			return
		}
		switch typ {
		case 0: // server_name, RFC 6066 3
			if seenSNI {
				r.bad() // RFC 8446 4.2: one extension of each type
			}
			seenSNI = true
			h.ServerName = serverName(r, n)
		case 16: // application_layer_protocol_negotiation, RFC 7301 3.1
			if seenALPN {
				r.bad()
			}
			seenALPN = true
			h.ALPN = alpn(r, n)
		default:
			r.skip(n)
		}
	}
	return h
}

// serverName reads a server_name extension of n bytes and returns its
// host_name.
func serverName(r *reader, n int) (host []byte) {
	stop := r.left - n // r.left at the end of the extension
	if n < 2 || r.u16() != n-2 {
		r.bad()
		return nil
	}
	for r.left > stop && r.state == 0 {
		if r.left-stop < 3 {
			r.bad()
			return nil
		}
		typ, l := r.u8(), r.u16()
		if l > r.left-stop {
			r.bad()
			return nil
		}
		if typ != 0 {
			r.skip(l) // not host_name: none are defined, skip
			continue
		}
		if host != nil || l == 0 {
			r.bad() // RFC 6066: one name per type, HostName<1..2^16-1>
			return nil
		}
		host = r.bytes(l)
	}
	return host
}

// alpn reads an ALPN extension of n bytes and returns its ProtocolNameList
// after checking its structure.
func alpn(r *reader, n int) []byte {
	if n < 2 || r.u16() != n-2 || n == 2 {
		r.bad()
		return nil
	}
	list := r.bytes(n - 2)
	for rest := list; len(rest) > 0; {
		var ok bool
		if _, rest, ok = NextProtocol(rest); !ok {
			r.bad()
			return nil
		}
	}
	return list
}

// NextProtocol splits the first protocol name off an ALPN
// ProtocolNameList (Hello.ALPN). ok is false at the end of the list or on a
// malformed entry.
func NextProtocol(list []byte) (proto, rest []byte, ok bool) {
	if len(list) < 2 || list[0] == 0 || int(list[0]) >= len(list) {
		return nil, nil, false
	}
	n := 1 + int(list[0])
	return list[1:n:n], list[n:], true
}
