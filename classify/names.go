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

// nameState is what a flow keeps to learn names from its payload.
// The reassembly buffer is allocated only when a message spans segments,
// and dropped as soon as the names are found: most flows never need one.
type nameState struct {
	base   uint32 // sequence number of the originator's first payload byte
	based  bool
	done   bool
	stream *streamPrefix // the originator's first bytes, while a message is incomplete
}

func (n *nameState) release() {
	n.done = true
	n.stream = nil
}

// clientData looks at the originator's TCP payload for a ClientHello or an
// HTTP request. It tries the segment in place first: most first segments
// hold the whole message and need no copy. After a proxy's CONNECT request
// it goes on to the ClientHello sent through the tunnel.
func (e *Engine) clientData(f *Flow, seq uint32, payload []byte) {
	n := &f.names
	if n.done {
		return
	}
	if n.stream == nil && (!n.based || seq == n.base) {
		done, skip := e.parseClient(f, payload)
		if done {
			n.release()
			return
		}
		if skip > 0 {
			// The CONNECT head is complete: the tunnel's bytes start after it.
			n.base, n.based = seq+uint32(skip), true
			if rest := payload[skip:]; len(rest) > 0 {
				e.clientData(f, n.base, rest)
			}
			return
		}
	}
	if n.stream == nil {
		n.stream = &streamPrefix{}
		if n.based {
			n.stream.base, n.stream.based = n.base, true
		}
	}
	s := n.stream
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
		n.release()
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
			f.SNI = e.lowerString(sni)
			e.stats.SNI++
			return true, 0
		case tls.NeedMore:
			return false, 0
		}
		return true, 0
	case f.Connect == "" && looksLikeHTTP(stream):
		req, status := http.Request(stream)
		switch status {
		case http.Found:
			e.stats.HTTP++
			if len(req.ConnectHost) == 0 && len(req.Host) > 0 {
				f.HTTPHost = e.lowerString(req.Host)
			}
			if len(req.ConnectHost) > 0 {
				f.Connect = e.lowerString(req.ConnectHost)
				f.ConnectPort = parsePort(req.ConnectPort)
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
