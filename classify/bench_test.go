package classify

import (
	"encoding/binary"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/catalog"
)

// BenchmarkNewFlowHandshake: the cost of a new TCP flow (SYN, SYN-ACK, ACK,
// a ClientHello with SNI, FIN exchange) through the engine, flow creation
// and end included.
func BenchmarkNewFlowHandshake(b *testing.B) {
	hello := realClientHelloBench(b)
	c, s := "10.77.1.2", "10.77.2.2"
	pkts := [][]byte{
		tcpSeg(b, c, s, 40000, 443, 64, 1, "S", 100, 0, nil),
		tcpSeg(b, s, c, 443, 40000, 64, 2, "SA", 500, 101, nil),
		tcpSeg(b, c, s, 40000, 443, 64, 3, "A", 101, 501, nil),
		tcpSeg(b, c, s, 40000, 443, 64, 4, "PA", 101, 501, hello),
		tcpSeg(b, c, s, 40000, 443, 64, 5, "FA", 101+uint32(len(hello)), 501, nil),
		tcpSeg(b, s, c, 443, 40000, 64, 6, "FA", 501, 102+uint32(len(hello)), nil),
	}
	e := New(Config{Timeouts: Timeouts{TCPClosed: 1}})
	p := capture.Packet{Link: capture.LinkIPv4}
	port := uint16(0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		port++
		for i, data := range pkts {
			// A new source port: a new flow each round (checksums left stale: not checked).
			if i%2 == 0 || i == 3 || i == 4 {
				binary.BigEndian.PutUint16(data[20:], 1024+port%60000)
			} else {
				binary.BigEndian.PutUint16(data[22:], 1024+port%60000)
			}
			p.Data, p.Time = data, p.Time+1000
			e.Packet(&p)
		}
	}
	b.ReportMetric(float64(len(pkts)), "pkts/op")
}

func realClientHelloBench(b *testing.B) []byte {
	t := &testing.T{}
	return realClientHello(t, "login.microsoftonline.com")
}

// classifiedSetup is a matcher of the built-in catalog, and a finished
// flow (a TCP handshake to port 443) of the engine it came from.
func classifiedSetup(tb testing.TB) (*Matcher, *Engine, *Flow) {
	tb.Helper()
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var flow *Flow
	e := New(Config{Sink: func(f *Flow) {
		if flow == nil {
			cp := *f
			flow = &cp
		}
	}})
	c, s := "10.77.1.2", "10.77.2.2"
	feed(e, capture.LinkIPv4, 1e18,
		tcpSeg(tb, c, s, 40000, 443, 64, 1, "S", 100, 0, nil),
		tcpSeg(tb, s, c, 443, 40000, 64, 2, "SA", 500, 101, nil))
	e.Finish()
	return Compile(cat, nil), e, flow
}

// BenchmarkClassify: matching one finished flow (TLS to port 443, its
// SNI a name of the catalog's) against the built-in catalog, its Matches
// reused as the pipeline does.
func BenchmarkClassify(b *testing.B) {
	m, e, flow := classifiedSetup(b)
	flow.more = &flowMore{sni: "login.microsoftonline.com"}
	var matches []int
	b.ReportAllocs()
	for b.Loop() {
		matches = m.ClassifyInto(flow, e, matches).Matches
	}
}

// TestClassifyIntoNoAllocs: classifying a flow with names, its Matches
// reused, allocates nothing (a gateway ends millions of flows).
func TestClassifyIntoNoAllocs(t *testing.T) {
	m, e, flow := classifiedSetup(t)
	flow.more = &flowMore{sni: "login.microsoftonline.com", httpHost: "login.live.com"}
	flow.DNSNames = &dnsNames{names: []string{"login.microsoftonline.com", "login.mso.msidentity.com"}}
	var matches []int
	if r := m.ClassifyInto(flow, e, matches); len(r.Matches) == 0 {
		t.Fatalf("the flow matches no requirement: %+v", r)
	}
	if n := testing.AllocsPerRun(100, func() { matches = m.ClassifyInto(flow, e, matches).Matches }); n != 0 {
		t.Errorf("%v allocations per flow", n)
	}
}
