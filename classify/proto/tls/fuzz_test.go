package tls

import (
	"bytes"
	ctls "crypto/tls"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
)

func FuzzClientHello(f *testing.F) {
	for _, file := range []string{"codm.pcap", "dingtalk.pcap", "tls_certificate_too_long-excerpt.pcap", "tls_missing_ch_frag.pcap", "teams-excerpt.pcap"} {
		for i, s := range pcaptest.TCPStreams(pcaptest.Read(f, pcaptest.Testdata(file))) {
			if len(s.Data) > 0 && s.Data[0] == typeHandshake && i < 12 {
				f.Add(s.Data[:min(len(s.Data), 4096)])
			}
		}
	}
	pq := cryptoTLSHello(f, &ctls.Config{ServerName: "login.microsoftonline.com", NextProtos: []string{"h2"}})
	f.Add(pq)
	f.Add(records(pq[recordHeader:], every(len(pq)-recordHeader, 700)...))
	msg := helloMsg(sniExt("a.example"), alpnExt("h2"))
	f.Add(records(msg, 70, 90))
	var p Parser
	f.Fuzz(func(t *testing.T, stream []byte) {
		h, need, st := p.Parse(stream)
		switch st {
		case NeedMore:
			if need <= len(stream) || h.ServerName != nil || h.End != 0 {
				t.Fatalf("NeedMore: need %d of %d, %q", need, len(stream), h.ServerName)
			}
			// More bytes can only confirm or refute; a stream already
			// refuted stays refuted is checked by the prefix loop below.
		case NotTLS:
			if need != 0 || h.ServerName != nil {
				t.Fatalf("NotTLS with need %d, %q", need, h.ServerName)
			}
		case Found, NoSNI:
			if (st == Found) != (h.ServerName != nil) || need != 0 || h.End > len(stream) || h.End < recordHeader+handshakeHeader+minBody {
				t.Fatalf("%v: %q need %d End %d of %d", st, h.ServerName, need, h.End, len(stream))
			}
			// The slices come from the stream or the scratch buffer.
			for _, b := range [][]byte{h.ServerName, h.ALPN} {
				if len(b) > 0 && !within(b, stream) && !within(b, p.scratch) {
					t.Fatalf("%q is neither in the stream nor in the buffer", b)
				}
			}
			// Bytes after the hello do not matter, the hello's own do:
			// every prefix is NeedMore with a need no more than End.
			sni := bytes.Clone(h.ServerName)
			end := h.End
			if h2, _, st2 := p.Parse(append(bytes.Clone(stream[:end]), 0xFF, 0, 0)); st2 != st || !bytes.Equal(h2.ServerName, sni) {
				t.Fatalf("with trailing bytes: %v %q, was %v %q", st2, h2.ServerName, st, sni)
			}
			for _, n := range []int{0, 1, 5, 9, end / 2, end - 1} {
				if n >= end {
					continue
				}
				if _, need, st := p.Parse(stream[:n]); st != NeedMore || need > end {
					t.Fatalf("prefix %d of %d: %v need %d", n, end, st, need)
				}
			}
			// gopacket reads the same server name where it finds one.
			if g, ok := gopacketSNI(completeRecords(stream[:recordsEnd(stream, end)])); ok && g != "" && g != string(sni) {
				t.Fatalf("SNI %q, gopacket %q", sni, g)
			} else if ok && g != "" && st == NoSNI {
				t.Fatalf("NoSNI, gopacket %q", g)
			}
		default:
			t.Fatalf("status %v", st)
		}
	})
}
