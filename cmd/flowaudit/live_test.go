package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/capture/live"
	"github.com/flowaudit/flowaudit/internal/netlab"
	"github.com/flowaudit/flowaudit/report"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// flowauditBinary builds the command once per test run (the live tests run
// it as a process: in a namespace, killed with signals).
func flowauditBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flowaudit-live-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "flowaudit")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// liveRun is a `flowaudit live` process in a lab namespace.
type liveRun struct {
	t      *testing.T
	proc   *netlab.Proc
	report string
	events string
}

// startLive starts flowaudit live in ns with the JSON report and events
// going to files, and waits until it captures.
func startLive(t *testing.T, lab *netlab.Lab, ns, engine string, ifaces []string, extra ...string) *liveRun {
	t.Helper()
	dir := t.TempDir()
	lr := &liveRun{t: t, report: filepath.Join(dir, "report.json"), events: filepath.Join(dir, "events.ndjson")}
	args := []string{flowauditBinary(t), "live", "--engine", engine, "--format", "json", "-o", lr.report, "--events", lr.events, "--report-every", "1s"}
	for _, i := range ifaces {
		args = append(args, "--iface", i)
	}
	args = append(args, extra...)
	lr.proc = lab.Start(ns, "flowaudit live "+engine, args...)
	if err := lr.proc.WaitOutput("capturing on", 15*time.Second); err != nil {
		t.Fatal(err)
	}
	return lr
}

// stop ends the process with SIGINT and returns its report and events.
func (lr *liveRun) stop() (*report.Report, []map[string]any) {
	t := lr.t
	t.Helper()
	lr.proc.Signal(syscall.SIGINT)
	if err := lr.proc.Wait(30 * time.Second); err != nil {
		t.Fatalf("flowaudit live: %v\n%s", err, lr.proc.Output())
	}
	return readReport(t, lr.report), readEvents(t, lr.events)
}

func readReport(t testing.TB, path string) *report.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("report: %v\n%s", err, b)
	}
	return &r
}

func readEvents(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("events: line %q: %v", sc.Text(), err)
		}
		out = append(out, ev)
	}
	return out
}

func groupsTo(r *report.Report, proto string, client, server netip.Addr, port uint16) []report.FlowGroup {
	var out []report.FlowGroup
	for _, g := range r.Flows {
		if g.Proto == proto && g.Src == client.String() && g.Dst == server.String() && g.DstPort == port {
			out = append(out, g)
		}
	}
	return out
}

func flowList(r *report.Report) string {
	var b strings.Builder
	for _, g := range r.Flows {
		fmt.Fprintf(&b, "\n  %s:%d -> %s:%d %s %v %s %s %s names=%v pkts=%d/%d", g.Src, g.SrcPort, g.Dst, g.DstPort, g.Proto, g.ConnStates, g.History, g.Verdict, g.Reason, g.Names, g.OrigPackets, g.RespPackets)
	}
	return b.String()
}

// verdictSet lists each group as "proto src -> dst:port verdict requirement
// names" for comparing two reports.
func verdictSet(r *report.Report) []string {
	var out []string
	for _, g := range r.Flows {
		var names []string
		for _, n := range g.Names {
			names = append(names, n.Source+"="+n.Name)
		}
		sort.Strings(names)
		out = append(out, fmt.Sprintf("%s %s -> %s:%d %s %s %v %s [%s]", g.Proto, g.Src, g.Dst, g.DstPort, g.Verdict, g.Requirement, g.ConnStates, g.Reason, strings.Join(names, " ")))
	}
	sort.Strings(out)
	return out
}

const liveSite = `internal: [10.77.1.0/24, 10.77.2.0/24]
roles:
  configmgr/client: [%s]
  configmgr/management-point: [%s]
  configmgr/sql-server: [%s, %s]
  cassandra-mi/node: [%s]
`

// TestLiveEnginesOnRealTraffic runs flowaudit live with both engines at
// once on the four interfaces of the lab's gateway, while real clients and
// servers make one flow of each verdict (a firewall dropping HTTPS, a
// closed port, an ICMP error), with names from DNS, SNI and the HTTP Host;
// tcpdump records the same traffic for the offline audit. Both engines
// must give the findings, and the same verdicts as the offline audit.
func TestLiveEnginesOnRealTraffic(t *testing.T) {
	netlab.Require(t, "socat", "curl", "dig", "dnsmasq", "openssl")
	lab := netlab.New(t, netlab.Options{SecondClient: true, SecondServer: true})
	client, server := lab.Addr(netlab.Client, false), lab.Addr(netlab.Server, false)
	outsider, other := lab.Addr(netlab.Client2, false), lab.Addr(netlab.Server2, false)

	lab.HTTPServer(netlab.Server, 80)
	lab.HTTPServer(netlab.Server, 8080)
	lab.HTTPServer(netlab.Server2, 5555)
	lab.TCPEcho(netlab.Server, 9042)
	lab.UDPEcho(netlab.Server, 1434)
	lab.TLSServer(netlab.Server2, 8443)
	lab.DNSServer(netlab.Server, netlab.DefaultZone)
	lab.NFT(netlab.Server, netlab.Chain("input", "tcp dport 443 drop"))

	site := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(site, []byte(fmt.Sprintf(liveSite, client, server, client, server, server)), 0o644); err != nil {
		t.Fatal(err)
	}
	ifaces := []string{netlab.GwClient, netlab.GwServer, netlab.GwClient2, netlab.GwServer2}
	runs := map[string]*liveRun{}
	for _, eng := range []string{"ebpf", "afpacket"} {
		runs[eng] = startLive(t, lab, netlab.Gateway, eng, ifaces, "--site", site)
	}
	pcap := lab.Capture(netlab.Gateway, "any")

	lab.MustRun(netlab.Client, "dig", "+short", "+tries=1", "+time=2", "@"+server.String(), netlab.NameWWW, "A")
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", "--resolve", netlab.NameWWW+":80:"+server.String(), "http://"+netlab.NameWWW+"/")
	lab.Run(netlab.Client, "curl", "-sS", "--connect-timeout", "2", fmt.Sprintf("https://%s/", server))
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s:8080/", server))
	lab.MustRun(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s:5555/", other))
	lab.RunInput(netlab.Client2, "hello\n", "socat", "-t", "1", "-", fmt.Sprintf("TCP4:%s:9042", server))
	lab.RunInput(netlab.Client, "ping\n", "socat", "-t", "1", "-", fmt.Sprintf("UDP4:%s:1434", server))
	lab.Run(netlab.Client, "curl", "-sS", "-m", "5", fmt.Sprintf("http://%s:81/", server))
	lab.RunInput(netlab.Client, "ping\n", "socat", "-t", "1", "-", fmt.Sprintf("UDP4:%s:5300", server))
	lab.MustRun(netlab.Client, "openssl", "s_client", "-connect", fmt.Sprintf("%s:8443", other), "-servername", netlab.NameCloud)
	time.Sleep(1500 * time.Millisecond) // a periodic summary
	offline := pcap.Stop()

	code, out, errs := runCLI(t, "audit", "--format", "json", "--site", site, offline)
	if code != 0 {
		t.Fatalf("offline audit: exit %d: %s", code, errs)
	}
	var want report.Report
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		proto       string
		src, dst    netip.Addr
		port        uint16
		verdict     string
		requirement string
		reason      string
		name        string
	}{
		{"tcp", client, server, 80, "documented", "configmgr/client-to-management-point-http", "", netlab.NameWWW},
		{"tcp", client, server, 443, "blocked", "configmgr/client-to-management-point-https", "no answer to SYN", ""},
		{"tcp", client, server, 8080, "undocumented-port", "", "", ""},
		{"tcp", client, other, 5555, "unexpected", "", "", ""},
		{"tcp", outsider, server, 9042, "exposure", "cassandra-mi/client-cql", "", ""},
		{"udp", client, server, 1434, "not-required", "configmgr/sql-server-to-sql-server-browser", "", ""},
		{"tcp", client, server, 81, "blocked", "", "rejected (RST)", ""},
		{"udp", client, server, 5300, "blocked", "", "port unreachable", ""},
		{"tcp", client, other, 8443, "unexpected", "", "", netlab.NameCloud},
	}
	for eng, lr := range runs {
		t.Run(eng, func(t *testing.T) {
			r, events := lr.stop()
			for _, c := range cases {
				gs := groupsTo(r, c.proto, c.src, c.dst, c.port)
				if len(gs) != 1 || gs[0].Verdict != c.verdict || gs[0].Requirement != c.requirement || !strings.Contains(gs[0].Reason, c.reason) {
					t.Errorf("%s %s -> %s:%d: want %s %q %q, got %s", c.proto, c.src, c.dst, c.port, c.verdict, c.requirement, c.reason, flowList(r))
					continue
				}
				if c.name != "" && gs[0].DstName != c.name {
					t.Errorf("%s -> %s:%d: name %q, want %q", c.src, c.dst, c.port, gs[0].DstName, c.name)
				}
			}
			if r.Capture.Duplicates == 0 {
				t.Errorf("no duplicates counted: every forwarded packet crosses two interfaces")
			}
			l := r.Capture.Loss
			if l == nil || l.Engine != eng || l.Dropped != 0 || l.Delivered == 0 || len(l.Interfaces) != 4 {
				t.Errorf("loss: %+v", l)
			}
			// Interfaces coming up send IPv6 multicast listener reports
			// (ff02::16): the live engines start before tcpdump and see more.
			noMLD := func(s []string) []string {
				return slices.DeleteFunc(s, func(l string) bool { return strings.Contains(l, "-> ff02:") })
			}
			if got, w := noMLD(verdictSet(r)), noMLD(verdictSet(&want)); !slices.Equal(got, w) {
				t.Errorf("live and offline verdicts differ:\nlive:    %s\noffline: %s", strings.Join(got, "\n         "), strings.Join(w, "\n         "))
			}
			// Packet counts: the kernel's (ebpf) or every frame (afpacket)
			// match the offline audit's.
			for _, c := range cases[:1] {
				g, w := groupsTo(r, c.proto, c.src, c.dst, c.port), groupsTo(&want, c.proto, c.src, c.dst, c.port)
				if len(g) == 1 && len(w) == 1 && (g[0].OrigPackets != w[0].OrigPackets || g[0].RespPackets != w[0].RespPackets || g[0].Bytes != w[0].Bytes) {
					t.Errorf("%s:%d counts %d/%d %dB, offline %d/%d %dB", c.dst, c.port, g[0].OrigPackets, g[0].RespPackets, g[0].Bytes, w[0].OrigPackets, w[0].RespPackets, w[0].Bytes)
				}
			}
			checkEvents(t, events, eng)
		})
	}
}

// checkEvents: start, summaries, each finding once (the blocked HTTPS
// attempt with its requirement), stop.
func checkEvents(t *testing.T, events []map[string]any, eng string) {
	t.Helper()
	kinds := map[string]int{}
	seen := map[string]bool{}
	blockedHTTPS := false
	for _, ev := range events {
		kind, _ := ev["event"].(string)
		kinds[kind]++
		if kind != "finding" {
			continue
		}
		k := fmt.Sprint(ev["src"], ev["dst"], ev["dst_port"], ev["proto"], ev["verdict"])
		if seen[k] {
			t.Errorf("finding reported twice: %v", ev)
		}
		seen[k] = true
		switch ev["verdict"] {
		case "blocked", "unexpected", "undocumented-port", "exposure":
		default:
			t.Errorf("event for verdict %v", ev["verdict"])
		}
		if ev["verdict"] == "blocked" && ev["requirement"] == "configmgr/client-to-management-point-https" {
			blockedHTTPS = true
		}
	}
	if kinds["start"] != 1 || kinds["stop"] != 1 || kinds["summary"] == 0 || kinds["finding"] < 6 || !blockedHTTPS {
		t.Errorf("%s events: %v (blocked HTTPS found: %v)", eng, kinds, blockedHTTPS)
	}
}

// attachedPrograms lists what is attached to an interface of ns: TCX
// programs (queried with BPF_PROG_QUERY: this bpftool may predate TCX),
// tc filters, and a clsact qdisc.
func attachedPrograms(t *testing.T, lab *netlab.Lab, ns, iface string) string {
	t.Helper()
	var b strings.Builder
	progs, err := live.AttachedPrograms("/run/netns/"+lab.NS(ns), iface)
	if err != nil {
		t.Fatalf("querying TCX programs on %s: %v", iface, err)
	}
	for _, p := range progs {
		b.WriteString("tcx " + p + "\n")
	}
	for _, hook := range []string{"ingress", "egress"} {
		out, _ := lab.Run(ns, "tc", "filter", "show", "dev", iface, hook)
		b.WriteString(strings.TrimSpace(out))
	}
	if out, _ := lab.Run(ns, "tc", "qdisc", "show", "dev", iface); strings.Contains(out, "clsact") {
		b.WriteString(out)
	}
	return strings.TrimSpace(b.String())
}

func waitDetached(t *testing.T, lab *netlab.Lab, ns string, ifaces []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []string
		for _, i := range ifaces {
			if s := attachedPrograms(t, lab, ns, i); s != "" {
				left = append(left, i+": "+s)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("left attached after flowaudit exited:\n%s", strings.Join(left, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLiveLeavesNothingAttached: after flowaudit live exits, by SIGTERM,
// at --duration's end, or killed with SIGKILL, no program stays on the
// interfaces. TCX links die with the process's file descriptors; clsact
// filters outlive a killed process, and the next flowaudit live on the
// interface removes them.
func TestLiveLeavesNothingAttached(t *testing.T) {
	netlab.Require(t, "tc")
	lab := netlab.New(t, netlab.Options{})
	ifaces := []string{netlab.GwClient, netlab.GwServer}
	for _, mode := range []string{"tcx", "clsact"} {
		t.Run(mode, func(t *testing.T) {
			lr := startLive(t, lab, netlab.Gateway, "ebpf", ifaces, "--attach", mode)
			for _, i := range ifaces {
				s := attachedPrograms(t, lab, netlab.Gateway, i)
				if !strings.Contains(s, "flowaudit_ingress") || !strings.Contains(s, "flowaudit_egress") {
					t.Fatalf("%s: programs not attached:\n%s", i, s)
				}
			}
			lab.Run(netlab.Client, "ping", "-c", "2", "-i", "0.2", lab.Addr(netlab.Server, false).String())
			lr.proc.Signal(syscall.SIGKILL)
			lr.proc.Wait(10 * time.Second)
			if mode == "clsact" {
				// The filters stay: a process killed with SIGKILL cannot remove
				// them. The next run does, and leaves nothing when it ends.
				if s := attachedPrograms(t, lab, netlab.Gateway, netlab.GwClient); !strings.Contains(s, "flowaudit") {
					t.Logf("clsact filters gone after SIGKILL (unexpected but fine): %q", s)
				}
				next := lab.Start(netlab.Gateway, "flowaudit live again", flowauditBinary(t), "live", "--iface", netlab.GwClient, "--iface", netlab.GwServer,
					"--attach", "clsact", "--duration", "1s", "-o", filepath.Join(t.TempDir(), "r.txt"))
				if err := next.Wait(20 * time.Second); err != nil {
					t.Fatalf("%v\n%s", err, next.Output())
				}
			}
			waitDetached(t, lab, netlab.Gateway, ifaces)

			// A clean stop (SIGTERM) leaves nothing either, and writes the report.
			lr = startLive(t, lab, netlab.Gateway, "ebpf", ifaces, "--attach", mode)
			lab.Run(netlab.Client, "ping", "-c", "1", lab.Addr(netlab.Server, false).String())
			lr.proc.Signal(syscall.SIGTERM)
			if err := lr.proc.Wait(20 * time.Second); err != nil {
				t.Fatalf("%v\n%s", err, lr.proc.Output())
			}
			if b, err := os.ReadFile(lr.report); err != nil || !strings.Contains(string(b), `"engine": "ebpf"`) {
				t.Errorf("no report after SIGTERM: %v %s", err, b)
			}
			waitDetached(t, lab, netlab.Gateway, ifaces)
		})
	}
}

// TestLivePrivileges: without privileges, flowaudit live says which
// capabilities it needs (exit status 3), not a bare "operation not
// permitted"; with only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (ambient,
// as the README's systemd unit gives them) as an unprivileged user, the
// ebpf engine runs.
func TestLivePrivileges(t *testing.T) {
	netlab.Require(t, "setpriv")
	bin := flowauditBinary(t)
	os.Chmod(filepath.Dir(bin), 0o755)
	nobody := []string{"--reuid=65534", "--regid=65534", "--clear-groups"}
	for engine, want := range map[string][]string{"ebpf": {"CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON"}, "afpacket": {"CAP_NET_RAW"}} {
		args := append(append([]string{}, nobody...), "--inh-caps=-all", bin, "live", "--iface", "lo", "--engine", engine)
		out, err := exec.Command("setpriv", args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitPrivileges {
			t.Errorf("%s without privileges: %v, want exit %d\n%s", engine, err, exitPrivileges, out)
		}
		for _, c := range want {
			if !strings.Contains(string(out), c) {
				t.Errorf("%s: message does not name %s:\n%s", engine, c, out)
			}
		}
		if strings.Contains(strings.ToLower(string(out)), "operation not permitted") && !strings.Contains(string(out), "missing") {
			t.Errorf("%s: raw EPERM:\n%s", engine, out)
		}
	}

	netlab.Require(t, "tc")
	lab := netlab.New(t, netlab.Options{})
	dir, err := os.MkdirTemp("", "flowaudit-caps")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	rep := filepath.Join(dir, "report.json")
	caps := "+bpf,+net_admin,+perfmon"
	args := append(append([]string{"setpriv"}, nobody...), "--inh-caps="+caps, "--ambient-caps="+caps, bin, "live",
		"--iface", netlab.GwClient, "--duration", "2s", "--format", "json", "-o", rep)
	p := lab.Start(netlab.Gateway, "flowaudit live with capabilities", args...)
	lab.Run(netlab.Client, "ping", "-c", "3", "-i", "0.2", lab.Addr(netlab.Server, false).String())
	if err := p.Wait(20 * time.Second); err != nil {
		t.Fatalf("with %s only: %v\n%s", caps, err, p.Output())
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Capture.Loss == nil || r.Capture.Loss.Delivered == 0 || len(r.Flows) == 0 {
		t.Errorf("with %s only: nothing captured: %s", caps, b)
	}
	waitDetached(t, lab, netlab.Gateway, []string{netlab.GwClient})
}
