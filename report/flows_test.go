package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/internal/pkttest"
)

// A finished flow and its verdict, as a pipeline hands them to Add (a copy:
// engines reuse their flows).
type classified struct {
	f *classify.Flow
	r classify.Result
}

// testMatcher compiles the built-in catalog with the example site (so some
// sources and destinations have roles) or without one.
func testMatcher(tb testing.TB, withSite bool) (*classify.Matcher, *catalog.Site) {
	tb.Helper()
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var site *catalog.Site
	if withSite {
		if site, err = catalog.ParseSite("site.yaml", []byte(testSite)); err != nil {
			tb.Fatal(err)
		}
	}
	return classify.Compile(cat, site), site
}

// testSite binds roles to some of the generated addresses, several to
// some of them (a group's role list is then a union).
const testSite = `internal: [10.77.0.0/24, fd77::/64]
roles:
  configmgr/client: [10.77.0.2, 10.77.0.3, 10.77.0.4, 10.77.0.5]
  configmgr/management-point: [10.77.0.5, 10.77.0.4]
  configmgr/software-update-point: [10.77.0.6, 10.77.0.3]
  cassandra-mi/node: [10.77.0.20, 10.77.0.21]
`

// engineFlows runs an engine over packets from next and classifies every
// flow it finishes.
func engineFlows(m *classify.Matcher, next func(*capture.Packet) (bool, error)) ([]classified, error) {
	var out []classified
	var e *classify.Engine
	e = classify.New(classify.Config{MaxFlows: 1 << 20, ServerPorts: m.ServerPorts(), Sink: func(f *classify.Flow) {
		cp := *f
		out = append(out, classified{&cp, m.Classify(&cp, e)})
	}})
	e.SetWatchPorts(m.WatchPorts())
	var p capture.Packet
	for {
		ok, err := next(&p)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		e.Packet(&p)
	}
	e.Finish()
	return out, nil
}

// captureFlows classifies the flows of the repository's test captures: real
// traffic, with names learned from DNS, SNI and Host, ICMP errors, IPv6.
func captureFlows(tb testing.TB, m *classify.Matcher) []classified {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "captures", "*.pcap"))
	if err != nil {
		tb.Fatal(err)
	}
	files = append(files, filepath.Join("..", "testdata", "demo", "teams.pcap"))
	var out []classified
	for _, file := range files {
		src, err := capture.OpenAll([]string{file}, capture.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		flows, err := engineFlows(m, func(p *capture.Packet) (bool, error) {
			for {
				err := src.Next(p)
				var prob *capture.Problem
				switch {
				case err == io.EOF:
					return false, nil
				case errors.As(err, &prob):
					continue
				case err != nil:
					return false, err
				}
				return true, nil
			}
		})
		src.Close()
		if err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		out = append(out, flows...)
	}
	return out
}

// syntheticFlows classifies n generated connections shaped like a
// gateway's: internal clients (some with roles in the example site) to a
// few internal servers and many Internet addresses, over TCP and UDP,
// answered, refused or unanswered, some with an HTTP Host; so that many
// flows join existing groups and many start new ones.
func syntheticFlows(tb testing.TB, m *classify.Matcher, n int, seed uint64) []classified {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var pkts [][]byte
	var times []int64
	now := int64(1_741_000_000e9)
	for i := range n {
		client := fmt.Sprintf("10.77.0.%d", 2+rng.IntN(40))
		var server string
		var dport uint16
		switch k := rng.IntN(10); {
		case k < 2:
			server = []string{"10.77.0.5", "10.77.0.6", "10.77.0.20"}[rng.IntN(3)]
			dport = []uint16{80, 443, 8530, 10123, 9042, 445}[rng.IntN(6)]
		case k < 7: // popular servers
			server = fmt.Sprintf("52.0.0.%d", 1+rng.IntN(8))
			dport = []uint16{443, 443, 443, 80, 53}[rng.IntN(5)]
		default:
			server = fmt.Sprintf("52.%d.%d.%d", rng.IntN(4), rng.IntN(40), 1+rng.IntN(250))
			dport = []uint16{443, 443, 443, 80, 53, 123, 8443, 3389}[rng.IntN(8)]
		}
		sport := uint16(20000 + i%40000)
		t := now + int64(i)*2e6
		add := func(dt int64, b []byte) {
			pkts, times = append(pkts, b), append(times, t+dt)
		}
		if dport == 53 || dport == 123 {
			add(0, udpSeg(tb, client, server, sport, dport, []byte("query")))
			if rng.IntN(4) > 0 {
				add(1e6, udpSeg(tb, server, client, dport, sport, []byte("answer")))
			}
			continue
		}
		add(0, tcpSeg(tb, client, server, sport, dport, "S", 100, 0, nil))
		switch rng.IntN(6) {
		case 0: // unanswered
		case 1:
			add(1e6, tcpSeg(tb, server, client, dport, sport, "RA", 0, 101, nil))
		default:
			add(1e6, tcpSeg(tb, server, client, dport, sport, "SA", 500, 101, nil))
			add(2e6, tcpSeg(tb, client, server, sport, dport, "A", 101, 501, nil))
			var payload []byte
			if dport == 80 {
				payload = fmt.Appendf(nil, "GET / HTTP/1.1\r\nHost: host%d.example.test\r\n\r\n", rng.IntN(50))
			}
			seq := uint32(101 + len(payload))
			if payload != nil {
				add(3e6, tcpSeg(tb, client, server, sport, dport, "PA", 101, 501, payload))
			}
			add(4e6, tcpSeg(tb, client, server, sport, dport, "FA", seq, 501, nil))
			add(5e6, tcpSeg(tb, server, client, dport, sport, "FA", 501, seq+1, nil))
			add(6e6, tcpSeg(tb, client, server, sport, dport, "A", seq+1, 502, nil))
		}
	}
	// Packets in time order: sessions overlap.
	idx := make([]int, len(pkts))
	for i := range idx {
		idx[i] = i
	}
	sortByTime(idx, times)
	i := 0
	flows, err := engineFlows(m, func(p *capture.Packet) (bool, error) {
		if i == len(idx) {
			return false, nil
		}
		j := idx[i]
		i++
		*p = capture.Packet{Data: pkts[j], Time: times[j], Length: len(pkts[j]), Link: capture.LinkIPv4}
		return true, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return flows
}

func sortByTime(idx []int, times []int64) {
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
}

func tcpSeg(tb testing.TB, src, dst string, sport, dport uint16, flags string, seq, ack uint32, payload []byte) []byte {
	tb.Helper()
	return pkttest.TCP{Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Flags: flags, Seq: seq, Ack: ack, Payload: payload}.Bytes(tb)
}

func udpSeg(tb testing.TB, src, dst string, sport, dport uint16, payload []byte) []byte {
	tb.Helper()
	return pkttest.UDP{Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Payload: payload}.Bytes(tb)
}
