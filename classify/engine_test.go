package classify

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
)

// flowSummary is what a test checks of a finished flow.
type flowSummary struct {
	orig, resp string // addr:port
	proto      uint8
	state      string
	history    string
	origPkts   uint64
	respPkts   uint64
	names      []Name
	blocked    string
	midstream  bool
}

func (s flowSummary) String() string {
	return fmt.Sprintf("%s -> %s p%d %s %q %d/%d names=%v blocked=%q mid=%v", s.orig, s.resp, s.proto, s.state, s.history, s.origPkts, s.respPkts, s.names, s.blocked, s.midstream)
}

func summarize(f *Flow) flowSummary {
	o, op := f.Orig()
	r, rp := f.Resp()
	_, reason := f.Blocked()
	return flowSummary{
		orig: fmt.Sprintf("%s:%d", o, op), resp: fmt.Sprintf("%s:%d", r, rp), proto: f.Proto,
		state: f.State().String(), history: f.History(), origPkts: f.OrigPkts, respPkts: f.RespPkts,
		names: f.Names(), blocked: reason, midstream: f.Midstream,
	}
}

// runCapture feeds capture files through an engine and returns every flow.
func runCapture(t testing.TB, cfg Config, files ...string) ([]flowSummary, Stats) {
	t.Helper()
	var flows []flowSummary
	cfg.Sink = func(f *Flow) { flows = append(flows, summarize(f)) }
	e := New(cfg)
	src, err := capture.OpenAll(files, capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var p capture.Packet
	for {
		err := src.Next(&p)
		if err == io.EOF {
			break
		}
		var prob *capture.Problem
		if errors.As(err, &prob) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		e.Packet(&p)
	}
	e.Finish()
	return flows, e.Stats()
}

func testCapture(name string) string { return filepath.Join("..", "testdata", "captures", name) }

func findFlow(flows []flowSummary, resp string) *flowSummary {
	for i := range flows {
		if flows[i].resp == resp {
			return &flows[i]
		}
	}
	return nil
}

func hasName(names []Name, name, source string) bool {
	return slices.Contains(names, Name{Name: name, Source: source})
}

// TestRealCaptureOutcomes checks conn_state, history and the blocked
// reason on real captures whose outcome is known.
func TestRealCaptureOutcomes(t *testing.T) {
	cases := []struct {
		file, resp, state, history, blocked string
	}{
		{"syn.pcap", "192.150.187.43:80", "S0", "S", "no answer to SYN"},
		{"syn-then-rst.pcap", "1.1.1.2:31313", "RSTOS0", "SR", "originator reset before any answer"},
		{"mssql_tds.pcap", "10.0.0.1:1433", "", "", ""},
		{"cassandra.pcap", "", "", "", ""},
	}
	for _, c := range cases {
		flows, _ := runCapture(t, Config{ServerPorts: []uint16{1433, 9042}}, testCapture(c.file))
		if c.resp == "" {
			if len(flows) == 0 {
				t.Errorf("%s: no flows", c.file)
			}
			continue
		}
		f := findFlow(flows, c.resp)
		if f == nil {
			t.Errorf("%s: no flow to %s in %v", c.file, c.resp, flows)
			continue
		}
		if c.file == "mssql_tds.pcap" && (!f.midstream || !strings.HasPrefix(f.orig, "10.111.111.111:")) {
			t.Errorf("midstream SQL flow not oriented to the documented port 1433: %v", f)
		}
		if c.state != "" && (f.state != c.state || f.history != c.history || f.blocked != c.blocked) {
			t.Errorf("%s: got %v, want %s %q blocked %q", c.file, f, c.state, c.history, c.blocked)
		}
	}
}

// TestICMPErrorsAttachToQuotedFlow: an ICMP error belongs to the flow whose
// header it quotes; it blocks the flow when it is about the originator's
// packet.
func TestICMPErrorsAttachToQuotedFlow(t *testing.T) {
	flows, st := runCapture(t, Config{}, testCapture("icmp-destunreach-udp.pcap"))
	if len(flows) != 1 || st.ICMPErrors != 1 {
		t.Fatalf("flows %v, stats %+v", flows, st)
	}
	// The quoted packet came from 192.168.1.1:53 to an ephemeral port: an
	// answer, so the flow is the client's query, and the client's own
	// "port unreachable" blocks nothing.
	if f := flows[0]; f.orig != "192.168.1.102:59207" || f.resp != "192.168.1.1:53" || f.blocked != "" {
		t.Errorf("got %v", f)
	}
	flows, _ = runCapture(t, Config{}, testCapture("icmp6-destunreach-ip6ext-udp.pcap"))
	if len(flows) != 1 || flows[0].resp != "fe80::dead:13000" || !strings.HasPrefix(flows[0].blocked, "ICMPv6") {
		t.Errorf("ICMPv6: %v", flows)
	}
}

// TestSplitClientHello: the SNI of a ClientHello that spans two TCP segments.
func TestSplitClientHello(t *testing.T) {
	for file, sni := range map[string]string{"codm.pcap": "west-tdm.codmwest.com", "dingtalk.pcap": "static.dingtalk.com"} {
		flows, st := runCapture(t, Config{}, testCapture(file))
		found := false
		for _, f := range flows {
			if hasName(f.names, sni, "sni") {
				found = true
			}
		}
		if !found || st.SNI == 0 {
			t.Errorf("%s: SNI %s not found in %v", file, sni, flows)
		}
	}
}

// TestDNSNames: DNS over TCP names the flows to the answered address.
func TestDNSOverTCP(t *testing.T) {
	flows, st := runCapture(t, Config{}, testCapture("dns_tcp.pcap"))
	if st.DNSMessages == 0 || st.DNSBad != 0 {
		t.Fatalf("stats %+v", st)
	}
	if len(flows) == 0 || flows[0].resp != "209.87.249.18:53" || flows[0].state != "SF" {
		t.Errorf("flows %v", flows)
	}
}

// TestHTTPHost: the Host header names HTTP flows.
func TestHTTPHost(t *testing.T) {
	flows, st := runCapture(t, Config{}, testCapture("vnd.ms-cab-compressed-multi-conn.pcap"))
	n := 0
	for _, f := range flows {
		if hasName(f.names, "au.download.windowsupdate.com", "http-host") {
			n++
		}
	}
	if n == 0 || st.HTTP == 0 {
		t.Errorf("no flow named by Host: %v", flows)
	}
}

// TestSLL2AndQinQ: link layers a gateway capture uses decode into flows.
func TestSLL2AndQinQ(t *testing.T) {
	for _, file := range []string{"linux_dlt_sll2.pcap", "q-in-q.pcap"} {
		flows, st := runCapture(t, Config{}, testCapture(file))
		if len(flows) == 0 || st.IP == 0 || st.Malformed != 0 {
			t.Errorf("%s: flows %v stats %+v", file, flows, st)
		}
	}
}

// TestDynamicRPCFollowsEndpointMapper: the zerologon capture has EPM
// connections to 135, each followed by NETLOGON on dynamic port 49668.
func TestDynamicRPCFollowsEndpointMapper(t *testing.T) {
	e := New(Config{})
	e.SetWatchPorts([]uint16{135})
	src, err := capture.Open(testCapture("zerologon.pcap"), capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var dyn []*Flow
	var p capture.Packet
	seen := false
	e.cfg.Sink = nil
	e.table.sink = func(f *Flow) {
		_, port := f.Resp()
		if port == 49668 {
			src, _ := f.Orig()
			dst, _ := f.Resp()
			if e.SeenBefore(src, dst, 135, f.First) {
				seen = true
			}
			dyn = append(dyn, f)
		}
	}
	for src.Next(&p) == nil {
		e.Packet(&p)
	}
	e.Finish()
	if len(dyn) == 0 || !seen {
		t.Errorf("dynamic flows %d, EPM seen before: %v", len(dyn), seen)
	}
}

// TestDNSChainNamesFlow: on a real Teams session, the TLS connection to an
// address carries the queried name and every name of its CNAME chain.
func TestDNSChainNamesFlow(t *testing.T) {
	flows, _ := runCapture(t, Config{}, filepath.Join("..", "testdata", "demo", "teams.pcap"))
	var f *flowSummary
	for i := range flows {
		if strings.HasPrefix(flows[i].resp, "52.114.75.69:443") {
			f = &flows[i]
		}
	}
	if f == nil {
		t.Fatal("no flow to 52.114.75.69:443")
	}
	for _, n := range []string{"eu-api.asm.skype.com", "asm-api-prod-eu.trafficmanager.net", "weu1-api-skype.cloudapp.net"} {
		if !hasName(f.names, n, "dns") {
			t.Errorf("flow lacks DNS name %s: %v", n, f.names)
		}
	}
	if !hasName(f.names, "eu-api.asm.skype.com", "sni") {
		t.Errorf("flow lacks its SNI: %v", f.names)
	}
}

// TestFinishForgetsAnswersBeforeEndingFlows: the flows left at the end are
// ended after the learned DNS answers are dropped (their memory then holds
// the report's groups), and keep the names they looked up when they
// started.
func TestFinishForgetsAnswersBeforeEndingFlows(t *testing.T) {
	var e *Engine
	answers, named := -1, false
	e = New(Config{Drain: func(flows iter.Seq[*Flow]) {
		answers = len(e.learn.dns.byClient) + len(e.learn.dns.addrs)
		for f := range flows {
			if dst, port := f.Resp(); dst.String() == "52.114.75.69" && port == 443 {
				named = hasName(f.Names(), "asm-api-prod-eu.trafficmanager.net", "dns")
			}
		}
	}})
	src, err := capture.OpenAll([]string{filepath.Join("..", "testdata", "demo", "teams.pcap")}, capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var p capture.Packet
	for src.Next(&p) == nil {
		e.Packet(&p)
	}
	if len(e.learn.dns.byClient) == 0 {
		t.Fatal("nothing learned from the capture's DNS answers")
	}
	e.Finish()
	if answers != 0 {
		t.Errorf("%d answers and addresses still held while the flows were ended", answers)
	}
	if !named {
		t.Error("the flow to 52.114.75.69:443, ended at the end, lost its DNS name")
	}
}
