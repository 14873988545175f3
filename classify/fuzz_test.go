package classify

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
)

// FuzzEngine feeds arbitrary frames, of any link type, to an engine that
// already tracks real flows: no input may panic it, and every flow it
// reports must have a verdict-ready state.
func FuzzEngine(f *testing.F) {
	for _, name := range []string{"codm.pcap", "dns_tcp.pcap", "icmp6-destunreach-ip6ext-udp.pcap", "linux_dlt_sll2.pcap", "q-in-q.pcap", "tftp.pcap"} {
		src, err := capture.Open(filepath.Join("..", "testdata", "captures", name), capture.Options{})
		if err != nil {
			f.Fatal(err)
		}
		var p capture.Packet
		for i := 0; i < 12; i++ {
			if err := src.Next(&p); err == io.EOF {
				break
			} else if err != nil {
				continue
			}
			f.Add(uint16(p.Link), append([]byte(nil), p.Data...))
		}
		src.Close()
	}
	f.Fuzz(func(t *testing.T, link uint16, data []byte) {
		var states []ConnState
		e := New(Config{MaxFlows: 4, Sink: func(fl *Flow) {
			states = append(states, fl.State())
			fl.Names()
			fl.Blocked()
			fl.History()
		}})
		e.SetWatchPorts([]uint16{135})
		for i := 0; i < 3; i++ {
			p := capture.Packet{Data: data, Link: capture.LinkType(link), Time: int64(i) * 1e9}
			e.Packet(&p)
			// The same bytes again with a flipped byte: a different packet of maybe the same flow.
			if len(data) > 40 {
				d := append([]byte(nil), data...)
				d[len(d)-1-i] ^= 0xff
				p.Data = d
				e.Packet(&p)
			}
		}
		e.Finish()
		for _, s := range states {
			if int(s) >= len(connStateNames) {
				t.Fatalf("bad state %d", s)
			}
		}
	})
}
