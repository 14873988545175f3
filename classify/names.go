package classify

import (
	"bytes"

	"github.com/flowaudit/flowaudit/classify/proto/http"
	"github.com/flowaudit/flowaudit/classify/proto/tls"
)

// Limits of what is reassembled per connection.
const (
	clientPrefixLimit = 32 << 10 // a ClientHello with post-quantum key shares, or request headers
	dnsStreamLimit    = 64 << 10 // one DNS message over TCP is at most 64 KiB
)

// A flow keeps, to learn names from its payload, the sequence number of
// the originator's first payload byte (Flow.nameBase, bitNameBased), and
// whether it is done (bitNamesDone). The reassembly buffer
// (flowMore.stream) is allocated only when a message spans segments, and
// dropped as soon as the names are found: most flows never need one.

// namesDone stops learning names from the flow's payload.
func (f *Flow) namesDone() {
	f.bits |= bitNamesDone
	if f.more != nil {
		f.more.stream = nil
	}
}

// clientData looks at the originator's TCP payload for a ClientHello or an
// HTTP request. It tries the segment in place first: most first segments
// hold the whole message and need no copy. After a proxy's CONNECT request
// it goes on to the ClientHello sent through the tunnel.
func (e *Engine) clientData(f *Flow, seq uint32, payload []byte) {
	if f.has(bitNamesDone) {
		return
	}
	var s *streamPrefix
	if f.more != nil {
		s = f.more.stream
	}
	if s == nil && (!f.has(bitNameBased) || seq == f.nameBase) {
		done, skip := e.parseClient(f, payload)
		if done {
			f.namesDone()
			return
		}
		if skip > 0 {
			// The CONNECT head is complete: the tunnel's bytes start after it.
			f.nameBase = seq + uint32(skip)
			f.bits |= bitNameBased
			if rest := payload[skip:]; len(rest) > 0 {
				e.clientData(f, f.nameBase, rest)
			}
			return
		}
	}
	if s == nil {
		s = &streamPrefix{}
		if f.has(bitNameBased) {
			s.base, s.based = f.nameBase, true
		}
		f.extra(e.table).stream = s
	}
	stream := s.add(seq, payload, clientPrefixLimit)
	if stream == nil {
		return
	}
	done, skip := e.parseClient(f, stream)
	if skip > 0 {
		s.consume(skip)
		if s.have > 0 {
			done, _ = e.parseClient(f, s.buf[:s.have])
		}
	}
	if done || s.have >= clientPrefixLimit {
		f.namesDone()
	}
}

// parseClient reports whether the stream needs no more bytes (a name was
// found, or the stream is neither TLS nor HTTP), or how many bytes of a
// CONNECT request to skip to reach the tunnel.
func (e *Engine) parseClient(f *Flow, stream []byte) (done bool, skip int) {
	switch {
	case stream[0] == 0x16: // TLS handshake record
		sni, _, status := tls.ClientHelloSNI(stream)
		switch status {
		case tls.Found:
			f.extra(e.table).sni = e.lowerString(sni)
			e.stats.SNI++
			return true, 0
		case tls.NeedMore:
			return false, 0
		}
		return true, 0
	case (f.more == nil || f.more.connect == "") && looksLikeHTTP(stream):
		req, status := http.Request(stream)
		switch status {
		case http.Found:
			e.stats.HTTP++
			if len(req.ConnectHost) == 0 && len(req.Host) > 0 {
				f.extra(e.table).httpHost = e.lowerString(req.Host)
			}
			if len(req.ConnectHost) > 0 {
				m := f.extra(e.table)
				m.connect = e.lowerString(req.ConnectHost)
				m.connectPort = parsePort(req.ConnectPort)
				return false, req.HeaderEnd
			}
			return true, 0
		case http.NeedMore:
			return false, 0
		}
		return true, 0
	}
	return true, 0
}

// looksLikeHTTP is a cheap test for an HTTP/1.x request method.
func looksLikeHTTP(b []byte) bool {
	for _, m := range httpMethods {
		if len(b) >= len(m) && bytes.Equal(b[:len(m)], m) {
			return true
		}
		if len(b) < len(m) && bytes.HasPrefix(m, b) {
			return true
		}
	}
	return false
}

var httpMethods = [][]byte{[]byte("GET "), []byte("POST "), []byte("HEAD "), []byte("PUT "), []byte("CONNECT "), []byte("OPTIONS "), []byte("DELETE "), []byte("PATCH ")}

// lowerString copies a name out of packet memory, lower-cased. It is called
// once per flow and name.
func (e *Engine) lowerString(b []byte) string {
	e.scratch = append(e.scratch[:0], b...)
	for i, c := range e.scratch {
		if c >= 'A' && c <= 'Z' {
			e.scratch[i] = c + 'a' - 'A'
		}
	}
	return string(bytes.TrimSuffix(e.scratch, []byte(".")))
}

// parsePort reads a decimal port; 0 when it is not one.
func parsePort(b []byte) uint16 {
	if len(b) == 0 || len(b) > 5 {
		return 0
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return 0
	}
	return uint16(n)
}
