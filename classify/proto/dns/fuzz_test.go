package dns

import (
	"bytes"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
)

// seedFiles are the captures whose DNS messages seed FuzzDNS.
var seedFiles = []string{
	"teams-excerpt.pcap", "detect-dotprefix-01.pcap", "dns-two-responses.pcap",
	"dns-edns-ecs.pcap", "dns_tcp.pcap", "dns-tcp-multirequest-buffer.pcap", "malformed_dns.pcap",
}

func FuzzDNS(f *testing.F) {
	for _, file := range seedFiles {
		msgs, _ := dnsPayloads(f, pcaptest.Testdata(file))
		for _, msg := range msgs {
			f.Add(msg)
		}
	}
	msg, _ := chainResponse()
	f.Add(msg)
	var m, fresh Message
	var chain []Name
	f.Fuzz(func(t *testing.T, msg []byte) {
		// Parse must agree with gopacket wherever gopacket decodes.
		if _, err := crossCheck(&m, msg); err != nil {
			t.Fatal(err)
		}
		// A reused Message gives what a fresh one gives.
		err := fresh.Parse(msg)
		if err2 := m.Parse(msg); err2 != err {
			t.Fatalf("reused Message: %v, fresh: %v", err2, err)
		}
		fresh = Message{}
		if len(m.Answers) > MaxAnswers || len(m.names) > MaxNameBytes {
			t.Fatalf("%d answers, %d name bytes", len(m.Answers), len(m.names))
		}
		checkName(t, m.Question)
		for i, rr := range m.Answers {
			checkName(t, rr.Name)
			switch rr.Type {
			case TypeA:
				if !rr.Addr.Is4() {
					t.Fatalf("A record %v", rr.Addr)
				}
			case TypeAAAA:
				if !rr.Addr.Is6() {
					t.Fatalf("AAAA record %v", rr.Addr)
				}
			case TypeCNAME:
				checkName(t, rr.Target)
				if rr.Addr.IsValid() {
					t.Fatal("CNAME with an address")
				}
			default:
				t.Fatalf("kept type %d", rr.Type)
			}
			names, ok := m.AddrNames(i, chain[:0])
			if ok && (len(names) == 0 || !names[0].Equal(m.Question) || !names[len(names)-1].Equal(rr.Name)) {
				t.Fatalf("AddrNames(%d) does not run from the question to the owner", i)
			}
		}
		if c := m.Chain(chain[:0]); len(c) > len(m.Answers)+1 {
			t.Fatalf("chain of %d names from %d answers", len(c), len(m.Answers))
		}
		// SplitTCP cuts its input after the 2-byte prefix, without copying.
		if one, rest, ok := SplitTCP(msg); ok {
			if 2+len(one)+len(rest) != len(msg) || len(one) > 0 && &one[0] != &msg[2] || cap(one) != len(one) {
				t.Fatalf("SplitTCP: %d + %d of %d bytes", len(one), len(rest), len(msg))
			}
		} else if len(rest) != len(msg) || TCPNeed(msg) <= len(msg) {
			t.Fatalf("SplitTCP not ok: rest %d, need %d of %d", len(rest), TCPNeed(msg), len(msg))
		}
	})
}

func checkName(t *testing.T, n Name) {
	t.Helper()
	if n.Len() > maxName-2 {
		t.Fatalf("name of %d bytes", n.Len())
	}
	if bytes.ContainsFunc(n.Bytes(), func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
		t.Fatalf("name %q not lower-cased", n)
	}
}
