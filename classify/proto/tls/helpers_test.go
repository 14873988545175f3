package tls

import (
	"bytes"
	ctls "crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// ext builds one extension.
func ext(typ uint16, data []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// sniExt builds a server_name extension with one host_name.
func sniExt(host string) []byte {
	entry := append([]byte{0}, byte(len(host)>>8), byte(len(host)))
	entry = append(entry, host...)
	list := binary.BigEndian.AppendUint16(nil, uint16(len(entry)))
	return ext(0, append(list, entry...))
}

func alpnExt(protos ...string) []byte {
	var l []byte
	for _, p := range protos {
		l = append(l, byte(len(p)))
		l = append(l, p...)
	}
	return ext(16, append(binary.BigEndian.AppendUint16(nil, uint16(len(l))), l...))
}

// helloMsg builds a ClientHello handshake message (header included) with
// the given extensions; exts == nil leaves the extensions block out.
func helloMsg(exts ...[]byte) []byte {
	body := []byte{3, 3}
	body = append(body, bytes.Repeat([]byte{0xAB}, 32)...) // random
	body = append(body, 32)
	body = append(body, bytes.Repeat([]byte{0xCD}, 32)...) // session id
	body = append(body, 0, 4, 0x13, 0x01, 0xC0, 0x2F)      // cipher suites
	body = append(body, 1, 0)                              // null compression
	if exts != nil {
		var all []byte
		for _, e := range exts {
			all = append(all, e...)
		}
		body = binary.BigEndian.AppendUint16(body, uint16(len(all)))
		body = append(body, all...)
	}
	return append([]byte{typeClientHello, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

// records wraps a handshake message into TLS records, cutting it after
// each of the given message offsets.
func records(msg []byte, cuts ...int) []byte {
	var out []byte
	prev := 0
	for _, c := range append(cuts, len(msg)) {
		out = append(out, typeHandshake, 3, 1, byte((c-prev)>>8), byte(c-prev))
		out = append(out, msg[prev:c]...)
		prev = c
	}
	return out
}

// cryptoTLSHello returns the first bytes a crypto/tls client writes: its
// ClientHello, as sent on the wire.
func cryptoTLSHello(tb testing.TB, cfg *ctls.Config) []byte {
	tb.Helper()
	client, server := net.Pipe()
	defer server.Close()
	go func() {
		c := ctls.Client(client, cfg)
		c.Handshake() // fails once the server side closes
		c.Close()
	}()
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, recordHeader)
	if _, err := io.ReadFull(server, hdr); err != nil {
		tb.Fatal(err)
	}
	rec := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(server, rec); err != nil {
		tb.Fatal(err)
	}
	return append(hdr, rec...)
}

// within reports whether b is a sub-slice of s.
func within(b, s []byte) bool {
	if len(b) == 0 || len(s) == 0 {
		return false
	}
	base := &s[0]
	for i := range s {
		if &s[i] == &b[0] {
			return i+len(b) <= len(s) && &s[0] == base
		}
	}
	return false
}

// every returns the cuts that split n bytes into records of size bytes.
func every(n, size int) []int {
	var cuts []int
	for c := size; c < n; c += size {
		cuts = append(cuts, c)
	}
	return cuts
}
