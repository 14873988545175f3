package audit

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/internal/netlab"
	"github.com/flowaudit/flowaudit/report"
)

// auditFile audits one capture with the built-in catalog and a site.
func auditFile(t *testing.T, site *catalog.Site, files ...string) *report.Report {
	t.Helper()
	cat := builtin(t)
	if site != nil {
		if err := cat.CheckSite(site); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Run(Options{Files: files, Catalog: cat, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// groupsTo returns the flow groups from client to server:port.
func groupsTo(r *report.Report, proto string, client, server netip.Addr, port uint16) []report.FlowGroup {
	var out []report.FlowGroup
	for _, g := range r.Flows {
		if g.Proto == proto && g.Src == client.String() && g.Dst == server.String() && g.DstPort == port {
			out = append(out, g)
		}
	}
	return out
}

func hasReportName(gs []report.FlowGroup, name, source string) bool {
	for _, g := range gs {
		if slices.Contains(g.Names, report.Name{Name: name, Source: source}) {
			return true
		}
	}
	return false
}

// TestScenarioOutcomes records real traffic for every scenario of the lab
// (real clients and servers in network namespaces, firewall rules making
// each kind of failure) and checks that the audit of each capture gives
// the conn_state, answer, ICMP error, duplicates and names the scenario
// produced.
func TestScenarioOutcomes(t *testing.T) {
	for _, sc := range netlab.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			res := sc.Execute(t)
			reports := map[string]*report.Report{}
			for _, w := range res.Want {
				r := reports[w.Pcap]
				if r == nil {
					r = auditFile(t, nil, w.Pcap)
					reports[w.Pcap] = r
				}
				what := fmt.Sprintf("%s %s -> %s:%d (%s)", filepath.Base(w.Pcap), w.Client, w.Server, w.Port, w.Note)
				gs := groupsTo(r, w.Proto, w.Client, w.Server, w.Port)
				if len(gs) == 0 {
					t.Errorf("%s: no such flow in the report: %s", what, flowList(r))
					continue
				}
				var n uint64
				answered := false
				for _, g := range gs {
					n += g.ConnStates.Count(w.ConnState)
					answered = answered || g.Answered
				}
				if n == 0 || (w.Flows > 0 && n != uint64(w.Flows)) {
					t.Errorf("%s: want %d flow(s) in %s, got %s", what, w.Flows, w.ConnState, flowList(r))
				}
				if answered != w.Answered {
					t.Errorf("%s: answered %v, want %v", what, answered, w.Answered)
				}
				if w.ICMP != nil {
					reason := map[string]string{"admin-prohibited": "administratively prohibited", "addr-unreachable": "address unreachable",
						"port-unreachable": "port unreachable", "host-unreachable": "host unreachable"}[w.ICMP.Kind]
					blocked := false
					for _, g := range gs {
						if g.Verdict == "blocked" && strings.Contains(g.Reason, reason) {
							blocked = true
						}
					}
					if !blocked && w.ICMP.Kind != "host-unreachable" {
						t.Errorf("%s: want blocked by ICMP %s, got %s", what, w.ICMP.Kind, flowList(r))
					}
				}
				if w.Twice && r.Capture.Duplicates == 0 {
					t.Errorf("%s: packets captured twice, no duplicates counted", what)
				}
				if w.SNI != "" && !hasReportName(gs, w.SNI, "sni") {
					t.Errorf("%s: SNI %s missing: %s", what, w.SNI, flowList(r))
				}
				if w.HTTPHost != "" && !hasReportName(gs, w.HTTPHost, "http-host") {
					t.Errorf("%s: Host %s missing: %s", what, w.HTTPHost, flowList(r))
				}
				if w.ConnectTarget != "" {
					host := w.ConnectTarget[:strings.LastIndexByte(w.ConnectTarget, ':')]
					if !hasReportName(gs, strings.Trim(host, "[]"), "connect") {
						t.Errorf("%s: CONNECT %s missing: %s", what, w.ConnectTarget, flowList(r))
					}
				}
				// A DNS answer names the client's later flows to the answered
				// addresses (with the queried name and every name of the chain).
				if w.DNSName != "" {
					for _, a := range w.DNSAnswers {
						addr, err := netip.ParseAddr(a)
						if err != nil {
							continue
						}
						var later []report.FlowGroup
						for _, g := range r.Flows {
							if g.Src == w.Client.String() && g.Dst == addr.String() && g.DstPort != 53 {
								later = append(later, g)
							}
						}
						if len(later) == 0 {
							continue
						}
						for _, n := range w.DNSAnswers {
							if _, err := netip.ParseAddr(n); err == nil {
								continue
							}
							if !hasReportName(later, n, "dns") {
								t.Errorf("%s: the flow to %s lacks DNS name %s: %s", what, addr, n, flowList(r))
							}
						}
						if !hasReportName(later, w.DNSName, "dns") {
							t.Errorf("%s: the flow to %s lacks DNS name %s: %s", what, addr, w.DNSName, flowList(r))
						}
					}
				}
			}
		})
	}
}

func flowList(r *report.Report) string {
	var b strings.Builder
	for _, g := range r.Flows {
		fmt.Fprintf(&b, "\n  %s:%d -> %s:%d %s %v %s %s names=%v", g.Src, g.SrcPort, g.Dst, g.DstPort, g.Proto, g.ConnStates, g.Verdict, g.Reason, g.Names)
	}
	return b.String()
}

// TestVerdictsOnRealTraffic makes one flow of each verdict with real clients
// and servers, and a site file that binds the lab's hosts to roles.
func TestVerdictsOnRealTraffic(t *testing.T) {
	netlab.Require(t, "socat", "curl")
	lab := netlab.New(t, netlab.Options{SecondClient: true, SecondServer: true})
	client, server := lab.Addr(netlab.Client, false), lab.Addr(netlab.Server, false)
	outsider, other := lab.Addr(netlab.Client2, false), lab.Addr(netlab.Server2, false)

	lab.HTTPServer(netlab.Server, 80)                                   // management point, HTTP
	lab.HTTPServer(netlab.Server, 8080)                                 // not a documented port
	lab.HTTPServer(netlab.Server2, 5555)                                // an address no role has
	lab.TCPEcho(netlab.Server, 9042)                                    // Cassandra CQL: internal only
	lab.UDPEcho(netlab.Server, 1434)                                    // SQL Server Browser: not required
	lab.NFT(netlab.Server, netlab.Chain("input", "tcp dport 443 drop")) // a firewall dropping HTTPS

	cap := lab.Capture(netlab.Gateway, "any")
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s/", server))
	lab.Run(netlab.Client, "curl", "-sS", "--connect-timeout", "2", fmt.Sprintf("https://%s/", server))
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s:8080/", server))
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s:5555/", other))
	lab.RunInput(netlab.Client2, "hello\n", "socat", "-t", "1", "-", fmt.Sprintf("TCP4:%s:9042", server))
	lab.RunInput(netlab.Client, "ping\n", "socat", "-t", "1", "-", fmt.Sprintf("UDP4:%s:1434", server))
	pcap := cap.Stop()

	sitePath := filepath.Join(t.TempDir(), "site.yaml")
	siteYAML := fmt.Sprintf(`internal: [10.77.1.0/24, 10.77.2.0/24]
roles:
  configmgr/client: [%s]
  configmgr/management-point: [%s]
  configmgr/sql-server: [%s, %s]
  cassandra-mi/node: [%s]
`, client, server, client, server, server)
	if err := os.WriteFile(sitePath, []byte(siteYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := catalog.LoadSite(sitePath)
	if err != nil {
		t.Fatal(err)
	}
	r := auditFile(t, site, pcap)

	cases := []struct {
		proto       string
		src, dst    netip.Addr
		port        uint16
		verdict     string
		requirement string
	}{
		{"tcp", client, server, 80, "documented", "configmgr/client-to-management-point-http"},
		{"tcp", client, server, 443, "blocked", "configmgr/client-to-management-point-https"},
		{"tcp", client, server, 8080, "undocumented-port", ""},
		{"tcp", client, other, 5555, "unexpected", ""},
		{"tcp", outsider, server, 9042, "exposure", "cassandra-mi/client-cql"},
		{"udp", client, server, 1434, "not-required", "configmgr/sql-server-to-sql-server-browser"},
	}
	for _, c := range cases {
		gs := groupsTo(r, c.proto, c.src, c.dst, c.port)
		if len(gs) != 1 || gs[0].Verdict != c.verdict || gs[0].Requirement != c.requirement {
			t.Errorf("%s %s -> %s:%d: want %s %q, got %s", c.proto, c.src, c.dst, c.port, c.verdict, c.requirement, flowList(r))
		}
	}
	if r.Capture.Duplicates == 0 {
		t.Errorf("a gateway capture on any interface counted no duplicates")
	}
	byID := map[string]report.RequirementStatus{}
	for _, q := range r.Requirements {
		byID[q.ID] = q
	}
	if s := byID["configmgr/client-to-management-point-http"].Status; s != "observed" {
		t.Errorf("HTTP requirement %s", s)
	}
	if s := byID["configmgr/client-to-management-point-https"].Status; s != "blocked" {
		t.Errorf("HTTPS requirement %s", s)
	}
	if !slices.Contains(r.Diff.DocumentedFailing, "configmgr/client-to-management-point-https") {
		t.Errorf("diff: failing %v", r.Diff.DocumentedFailing)
	}
}
