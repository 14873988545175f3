package classify

import (
	"bytes"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/capture"
)

// realClientHello captures the bytes Go's TLS client sends first: a modern
// ClientHello with a post-quantum key share, over 1,500 bytes.
func realClientHello(t *testing.T, serverName string) []byte {
	t.Helper()
	c, s := net.Pipe()
	defer s.Close()
	go func() {
		conn := tls.Client(c, &tls.Config{ServerName: serverName, InsecureSkipVerify: true})
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		conn.Handshake()
		c.Close()
	}()
	var buf bytes.Buffer
	s.SetReadDeadline(time.Now().Add(2 * time.Second))
	chunk := make([]byte, 4096)
	for {
		n, err := s.Read(chunk)
		buf.Write(chunk[:n])
		if err != nil || buf.Len() >= 5 && buf.Len() >= 5+int(buf.Bytes()[3])<<8|int(buf.Bytes()[4]) {
			break
		}
	}
	return buf.Bytes()
}

// TestClientHelloSplitInsideServerName: the server_name itself is cut
// between two TCP segments, and the segments arrive out of order.
func TestClientHelloSplitInsideServerName(t *testing.T) {
	const name = "login.microsoftonline.com"
	hello := realClientHello(t, name)
	if len(hello) < 1500 {
		t.Logf("ClientHello is %d bytes", len(hello))
	}
	at := bytes.Index(hello, []byte(name))
	if at < 0 {
		t.Fatal("server name not in the ClientHello")
	}
	cut := at + len(name)/2 // inside the name
	c, s := "10.77.1.2", "10.77.2.2"
	seg1 := tcpSeg(t, c, s, 40000, 443, 64, 4, "PA", 101, 501, hello[:cut])
	seg2 := tcpSeg(t, c, s, 40000, 443, 64, 5, "PA", 101+uint32(cut), 501, hello[cut:])
	for _, order := range [][][]byte{{seg1, seg2}, {seg2, seg1}} {
		var got []flowSummary
		e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
		feed(e, capture.LinkIPv4, 1e18,
			tcpSeg(t, c, s, 40000, 443, 64, 1, "S", 100, 0, nil),
			tcpSeg(t, s, c, 443, 40000, 64, 2, "SA", 500, 101, nil),
			tcpSeg(t, c, s, 40000, 443, 64, 3, "A", 101, 501, nil),
			order[0], order[1])
		e.Finish()
		if len(got) != 1 || !hasName(got[0].names, name, "sni") {
			t.Errorf("SNI not found (first segment %d bytes): %v", len(order[0]), got)
		}
	}
	// Three TLS records, one segment each, for good measure: the handshake
	// message spans records.
	var recs []byte
	body := hello[5:]
	for len(body) > 0 {
		n := min(len(body), 600)
		recs = append(recs, 0x16, 0x03, 0x01, byte(n>>8), byte(n))
		recs = append(recs, body[:n]...)
		body = body[n:]
	}
	var got []flowSummary
	e := New(Config{Sink: func(f *Flow) { got = append(got, summarize(f)) }})
	pkts := [][]byte{tcpSeg(t, c, s, 40001, 443, 64, 1, "S", 100, 0, nil), tcpSeg(t, s, c, 443, 40001, 64, 2, "SA", 500, 101, nil)}
	for off := 0; off < len(recs); off += 700 {
		end := min(off+700, len(recs))
		pkts = append(pkts, tcpSeg(t, c, s, 40001, 443, 64, uint16(3+off), "PA", 101+uint32(off), 501, recs[off:end]))
	}
	feed(e, capture.LinkIPv4, 1e18, pkts...)
	e.Finish()
	if len(got) != 1 || !hasName(got[0].names, name, "sni") {
		t.Errorf("SNI across records not found: %v", got)
	}
}
