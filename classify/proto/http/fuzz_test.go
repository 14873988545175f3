package http

import (
	"bytes"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
)

func FuzzHTTPRequest(f *testing.F) {
	for _, file := range []string{"wikipedia.pcap", "http-vlan-0.pcap", "windowsupdate_over_http.pcap", "vnd.ms-cab-compressed-multi-conn-excerpt.pcap", "app-layer-protocol-exact.pcap"} {
		for _, s := range pcaptest.TCPStreams(pcaptest.Read(f, pcaptest.Testdata(file))) {
			if s.Dst.Port() == 80 {
				f.Add(s.Data[:min(len(s.Data), 2048)])
			}
		}
	}
	f.Add([]byte("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n"))
	f.Add([]byte("GET http://u@h:1/x HTTP/1.0\nX: a\n b\nHost: z\n\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		r, st := Request(stream)
		switch st {
		case NeedMore:
			if len(stream) >= MaxHeader {
				t.Fatalf("NeedMore at %d bytes", len(stream))
			}
		case NotHTTP:
			// Refuted stays refuted, whatever comes next.
			if _, st := Request(append(bytes.Clone(stream), "\r\n\r\n"...)); st != NotHTTP {
				t.Fatalf("NotHTTP, then %v once completed", st)
			}
		case Found:
			if r.HeaderEnd > len(stream) || r.HeaderEnd > MaxHeader {
				t.Fatalf("HeaderEnd %d of %d", r.HeaderEnd, len(stream))
			}
			for _, b := range [][]byte{r.Method, r.Target, r.Version, r.Host, r.Port, r.ConnectHost, r.ConnectPort} {
				if len(b) > 0 && !within(b, stream[:r.HeaderEnd]) {
					t.Fatalf("%q is not in the head", b)
				}
			}
			if len(r.Method) == 0 || len(r.Target) == 0 || len(r.Version) != 8 {
				t.Fatalf("request line %q %q %q", r.Method, r.Target, r.Version)
			}
			if err := stdlibCheck(stream, r); err != nil {
				t.Fatal(err)
			}
			// Only the head matters: cut after it, or at any point in it.
			if r2, st := Request(stream[:r.HeaderEnd]); st != Found || !bytes.Equal(r2.Host, r.Host) {
				t.Fatalf("head alone: %v %q", st, r2.Host)
			}
			for _, n := range []int{0, 1, r.HeaderEnd / 2, r.HeaderEnd - 1} {
				if _, st := Request(stream[:n]); st != NeedMore {
					t.Fatalf("prefix %d of a %d-byte head: %v", n, r.HeaderEnd, st)
				}
			}
		default:
			t.Fatalf("status %v", st)
		}
	})
}
