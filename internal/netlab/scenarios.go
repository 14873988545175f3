package netlab

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Scenario runs real clients against real servers in a lab and records the
// traffic; Run returns the captures and what an auditor must find in them.
type Scenario struct {
	Name    string
	Doc     string
	Options Options  // topology
	Needs   []string // programs besides ip, nft, tcpdump and sleep
	Run     func(lab *Lab) Result
}

// Result of a scenario: the pcap files (stopped, complete) and the flows they
// hold.
type Result struct {
	Pcaps []Pcap
	Want  []Expect
}

// Pcap describes one recorded capture.
type Pcap struct {
	Path      string
	NS        string // role of the namespace tcpdump ran in
	Iface     string // interface, or "any" (Linux cooked SLL2 frames)
	Direction string // "" (both), "in" or "out" (tcpdump -Q)
	Nano      bool   // nanosecond timestamps
}

// Expect describes the flows from Client to Server:Port (any client port)
// found in Pcap. ConnState is Zeek's conn_state of each such flow as seen in
// this capture (for UDP: SF answered, S0 unanswered).
type Expect struct {
	Pcap      string
	Proto     string // "tcp" or "udp"
	Client    netip.Addr
	Server    netip.Addr
	Port      uint16
	ConnState string
	Answered  bool       // the capture holds packets from the responder in this flow
	Flows     int        // number of such flows (distinct client ports); 0: at least one
	ICMP      *ICMPError // the ICMP error the attempt got, if any
	Twice     bool       // every packet appears twice (tcpdump -i any in the gateway)

	// Names an auditor can learn from the flow (in at least one of the flows).
	DNSName       string   // question name (without trailing dot)
	DNSAnswers    []string // names and addresses in the answers (the CNAME chain, A/AAAA)
	SNI           string   // TLS ClientHello server_name
	HTTPHost      string   // HTTP Host header of a plain HTTP request
	ConnectTarget string   // HTTP CONNECT request target (host:port)
	Note          string
}

// ICMPError is an ICMP (or ICMPv6) destination unreachable answering a flow.
type ICMPError struct {
	From       netip.Addr // who sent it: the server, or the gateway (a router's address)
	Type, Code uint8
	Kind       string // port-unreachable, host-unreachable, admin-prohibited, addr-unreachable
}

// ICMP destination-unreachable kinds.
var (
	ICMPPortUnreach  = ICMPError{Type: 3, Code: 3, Kind: "port-unreachable"}
	ICMPHostUnreach  = ICMPError{Type: 3, Code: 1, Kind: "host-unreachable"}
	ICMPAdminProhib  = ICMPError{Type: 3, Code: 13, Kind: "admin-prohibited"}
	ICMP6PortUnreach = ICMPError{Type: 1, Code: 4, Kind: "port-unreachable"}
	ICMP6AddrUnreach = ICMPError{Type: 1, Code: 3, Kind: "addr-unreachable"}
	ICMP6AdminProhib = ICMPError{Type: 1, Code: 1, Kind: "admin-prohibited"}
)

var (
	curlBase           = []string{"curl", "-sS", "--connect-timeout", "2", "-m", "8"}
	serverV4, serverV6 = ServerAddr4, ServerAddr6
)

func icmpFrom(e ICMPError, from netip.Addr) *ICMPError { e.From = from; return &e }

// Pcap returns the description of a stopped capture.
func (c *Capture) Pcap() Pcap {
	return Pcap{Path: c.Path, NS: c.NS, Iface: c.Iface, Direction: c.Direction, Nano: c.Nano}
}

// Execute builds the scenario's lab and runs it.
func (s Scenario) Execute(t testing.TB) Result {
	t.Helper()
	Require(t, s.Needs...)
	lab := New(t, s.Options)
	return s.Run(lab)
}

func tcpFlow(pcap string, c, s netip.Addr, port uint16, state string, answered bool) Expect {
	return Expect{Pcap: pcap, Proto: "tcp", Client: c, Server: s, Port: port, ConnState: state, Answered: answered}
}

func udpFlow(pcap string, c, s netip.Addr, port uint16, answered bool) Expect {
	st := "S0"
	if answered {
		st = "SF"
	}
	return Expect{Pcap: pcap, Proto: "udp", Client: c, Server: s, Port: port, ConnState: st, Answered: answered}
}

func hostPort(a netip.Addr, port int) string {
	return netip.AddrPortFrom(a, uint16(port)).String()
}

func urlHost(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.String() + "]"
	}
	return a.String()
}

// must fails the test when a client that should have succeeded did not.
func (l *Lab) must(out string, err error) string {
	l.t.Helper()
	if err != nil {
		l.t.Fatalf("%v\n%s", err, out)
	}
	return out
}

// fails fails the test when a client that should have failed succeeded, or
// failed without saying want.
func (l *Lab) fails(out string, err error, want, what string) {
	l.t.Helper()
	if err == nil {
		l.t.Fatalf("%s: succeeded, want a failure (%s)\n%s", what, want, out)
	}
	if want != "" && !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
		l.t.Fatalf("%s: failed without %q: %v\n%s", what, want, err, out)
	}
}

func (l *Lab) curl(ns string, args ...string) (string, error) {
	return l.Run(ns, append(append([]string{}, curlBase...), args...)...)
}

// udpSend sends one datagram with socat and waits wait for an answer.
func (l *Lab) udpSend(ns string, to netip.Addr, port int, wait string) (string, error) {
	fam := "UDP4"
	if to.Is6() {
		fam = "UDP6"
	}
	return l.RunInput(ns, "ping\n", "socat", "-t", wait, "-", fmt.Sprintf("%s:%s", fam, hostPort(to, port)))
}

func (l *Lab) sClient(ns string, to netip.Addr, port int, sni string) (string, error) {
	return l.Run(ns, "openssl", "s_client", "-connect", hostPort(to, port), "-servername", sni)
}

func tcpAddr(a netip.Addr, port int, opts ...string) string {
	fam := "TCP4:"
	if a.Is6() {
		fam = "TCP6:"
	}
	return fam + strings.Join(append([]string{hostPort(a, port)}, opts...), ",")
}

// ScenarioByName returns the scenario called name.
func ScenarioByName(name string) (Scenario, bool) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Scenarios returns the table of scenarios.
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name:  "http-sf",
			Doc:   "curl GETs from the socat HTTP server over IPv4 and IPv6: normal establishment and termination, Host header",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				l.HTTPServer(Server, 80)
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					out := l.must(l.curl(Client, "--resolve", NameWWW+":80:"+urlHost(a), "http://"+NameWWW+"/"))
					if out != HTTPBody {
						l.t.Fatalf("curl got %q", out)
					}
				}
				p := c.Stop()
				w4 := tcpFlow(p, ClientAddr4, serverV4, 80, "SF", true)
				w6 := tcpFlow(p, ClientAddr6, serverV6, 80, "SF", true)
				w4.HTTPHost, w6.HTTPHost = NameWWW, NameWWW
				return Result{[]Pcap{c.Pcap()}, []Expect{w4, w6}}
			},
		},
		{
			Name:  "tls-sni-sf",
			Doc:   "openssl s_client with -servername to openssl s_server, IPv4 and IPv6, captured in the server namespace with nanosecond timestamps",
			Needs: []string{"openssl"},
			Run: func(l *Lab) Result {
				l.TLSServer(Server, 443)
				c := l.Capture(Server, Eth, Nano())
				l.must(l.sClient(Client, serverV4, 443, NameCloud))
				l.must(l.sClient(Client, serverV6, 443, NameAPI))
				p := c.Stop()
				w4 := tcpFlow(p, ClientAddr4, serverV4, 443, "SF", true)
				w4.SNI = NameCloud
				w6 := tcpFlow(p, ClientAddr6, serverV6, 443, "SF", true)
				w6.SNI = NameAPI
				return Result{[]Pcap{c.Pcap()}, []Expect{w4, w6}}
			},
		},
		{
			Name:  "dns-cname-then-tls",
			Doc:   "dig resolves www (CNAME edge -> CNAME cloud -> A/AAAA) from dnsmasq over UDP (IPv4) and TCP (IPv6); openssl s_client and curl then connect to the resolved addresses with SNI www",
			Needs: []string{"dig", "dnsmasq", "openssl", "curl"},
			Run: func(l *Lab) Result {
				l.DNSServer(Server, DefaultZone)
				l.TLSServer(Server, 443)
				c := l.Capture(Gateway, GwServer)
				out := l.must(l.Run(Client, "dig", "+short", "+tries=1", "+time=2", "@"+serverV4.String(), NameWWW, "A"))
				a4 := lastAddr(l, out)
				l.must(l.sClient(Client, a4, 443, NameWWW))
				out = l.must(l.Run(Client, "dig", "+tcp", "+short", "+tries=1", "+time=2", "@"+serverV6.String(), NameWWW, "AAAA"))
				a6 := lastAddr(l, out)
				body := l.must(l.curl(Client, "-k", "--resolve", NameWWW+":443:"+urlHost(a6), "https://"+NameWWW+"/"))
				if !strings.Contains(body, "s_server") {
					l.t.Fatalf("curl https: unexpected page %q", body)
				}
				p := c.Stop()
				d4 := udpFlow(p, ClientAddr4, serverV4, 53, true)
				d4.DNSName, d4.DNSAnswers = NameWWW, []string{NameEdge, NameCloud, a4.String()}
				t4 := tcpFlow(p, ClientAddr4, a4, 443, "SF", true)
				t4.SNI = NameWWW
				d6 := tcpFlow(p, ClientAddr6, serverV6, 53, "SF", true)
				d6.DNSName, d6.DNSAnswers = NameWWW, []string{NameEdge, NameCloud, a6.String()}
				t6 := tcpFlow(p, ClientAddr6, a6, 443, "SF", true)
				t6.SNI = NameWWW
				return Result{[]Pcap{c.Pcap()}, []Expect{d4, t4, d6, t6}}
			},
		},
		{
			Name:  "resolver-curl",
			Doc:   "the client's resolver (resolv.conf) points at dnsmasq; curl -4 fetches http://www and https://www: the name goes through DNS (A query, CNAME chain), then HTTP Host and TLS SNI",
			Needs: []string{"curl", "dnsmasq", "openssl", "socat"},
			Run: func(l *Lab) Result {
				l.DNSServer(Server, DefaultZone)
				l.HTTPServer(Server, 80)
				l.TLSServer(Server, 443)
				l.SetResolver(Client, serverV4)
				c := l.Capture(Client, Eth)
				l.must(l.curl(Client, "-4", "http://"+NameWWW+"/"))
				l.must(l.curl(Client, "-4", "-k", "https://"+NameWWW+"/"))
				p := c.Stop()
				d := udpFlow(p, ClientAddr4, serverV4, 53, true)
				d.Flows, d.DNSName, d.DNSAnswers = 2, NameWWW, []string{NameEdge, NameCloud, serverV4.String()}
				h := tcpFlow(p, ClientAddr4, serverV4, 80, "SF", true)
				h.HTTPHost = NameWWW
				s := tcpFlow(p, ClientAddr4, serverV4, 443, "SF", true)
				s.SNI = NameWWW
				return Result{[]Pcap{c.Pcap()}, []Expect{d, h, s}}
			},
		},
		{
			Name:  "rej-closed-port",
			Doc:   "curl to a port nothing listens on: the server's kernel answers the SYN with RST-ACK (IPv4 and IPv6)",
			Needs: []string{"curl"},
			Run: func(l *Lab) Result {
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					out, err := l.curl(Client, "-g", "http://"+hostPort(a, 81)+"/")
					l.fails(out, err, "(7)", "curl to closed port")
				}
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 81, "REJ", true),
					tcpFlow(p, ClientAddr6, serverV6, 81, "REJ", true),
				}}
			},
		},
		{
			Name:  "rej-nft-reset",
			Doc:   "a server listens on 8443 but nft rejects with tcp reset: in the server namespace (IPv4) and in the gateway, spoofing the server (IPv6)",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				l.TCPEcho(Server, 8443)
				l.NFT(Server, Chain("input", "meta nfproto ipv4 tcp dport 8443 "+RejectTCPReset))
				l.NFT(Gateway, Chain("forward", "ip6 daddr "+serverV6.String()+" tcp dport 8443 "+RejectTCPReset))
				c := l.Capture(Gateway, GwClient)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					out, err := l.curl(Client, "-g", "http://"+hostPort(a, 8443)+"/")
					l.fails(out, err, "(7)", "curl to reset port")
				}
				p := c.Stop()
				w4 := tcpFlow(p, ClientAddr4, serverV4, 8443, "REJ", true)
				w6 := tcpFlow(p, ClientAddr6, serverV6, 8443, "REJ", true)
				w6.Note = "the RST comes from the gateway's nft rule, with the server's address"
				return Result{[]Pcap{c.Pcap()}, []Expect{w4, w6}}
			},
		},
		{
			Name:  "s0-drop",
			Doc:   "nft silently drops the SYNs (IPv4 in the gateway, IPv6 in the server namespace) of a listening port: curl --connect-timeout 2 retransmits and gives up",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				l.TCPEcho(Server, 8444)
				l.NFT(Gateway, Chain("forward", "ip daddr "+serverV4.String()+" tcp dport 8444 "+Drop))
				l.NFT(Server, Chain("input", "meta nfproto ipv6 tcp dport 8444 "+Drop))
				c := l.Capture(Gateway, GwClient)
				var ps []*Proc
				for _, a := range []netip.Addr{serverV4, serverV6} {
					ps = append(ps, l.Start(Client, "curl "+a.String(), append(append([]string{}, curlBase...), "-g", "http://"+hostPort(a, 8444)+"/")...))
				}
				for _, pr := range ps {
					err := pr.Wait(6 * time.Second)
					l.fails(pr.Output(), err, "(28)", "curl to dropped port")
				}
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 8444, "S0", false),
					tcpFlow(p, ClientAddr6, serverV6, 8444, "S0", false),
				}}
			},
		},
		{
			Name: "icmp-unreach-tcp",
			Doc: "TCP SYNs to listening ports answered by nft reject with ICMP/ICMPv6: admin-prohibited and host/addr-unreachable from the gateway, port-unreachable from the server namespace " +
				"(over IPv6 the client's kernel gives up at the second error, after one SYN retransmission)",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				for _, port := range []int{8445, 8446, 8447} {
					l.TCPEcho(Server, port)
				}
				s4, s6 := serverV4.String(), serverV6.String()
				l.NFT(Gateway, Chain("forward",
					"ip daddr "+s4+" tcp dport 8445 "+RejectAdminProhib,
					"ip daddr "+s4+" tcp dport 8446 "+RejectHostUnreach,
					"ip6 daddr "+s6+" tcp dport 8445 "+RejectAdminProhib6,
					"ip6 daddr "+s6+" tcp dport 8446 "+RejectAddrUnreach6))
				l.NFT(Server, Chain("input",
					"meta nfproto ipv4 tcp dport 8447 "+RejectPortUnreach,
					"meta nfproto ipv6 tcp dport 8447 "+RejectPortUnreach6))
				c := l.Capture(Client, Eth)
				// Concurrently: over IPv6 this kernel aborts the connection
				// at the second ICMPv6 error (the SYN retransmitted after 1s).
				var ps []*Proc
				for _, a := range []netip.Addr{serverV4, serverV6} {
					for _, port := range []int{8445, 8446, 8447} {
						ps = append(ps, l.Start(Client, "curl "+hostPort(a, port), append(append([]string{}, curlBase...), "-g", "http://"+hostPort(a, port)+"/")...))
					}
				}
				for _, pr := range ps {
					// (7): the ICMP error failed the connection, no timeout (28).
					err := pr.Wait(10 * time.Second)
					l.fails(pr.Output(), err, "(7)", pr.Name)
				}
				p := c.Stop()
				e := func(c, s netip.Addr, port uint16, icmp *ICMPError) Expect {
					w := tcpFlow(p, c, s, port, "S0", false)
					w.ICMP = icmp
					return w
				}
				return Result{[]Pcap{c.Pcap()}, []Expect{
					e(ClientAddr4, serverV4, 8445, icmpFrom(ICMPAdminProhib, GwClient4)),
					e(ClientAddr4, serverV4, 8446, icmpFrom(ICMPHostUnreach, GwClient4)),
					e(ClientAddr4, serverV4, 8447, icmpFrom(ICMPPortUnreach, serverV4)),
					e(ClientAddr6, serverV6, 8445, icmpFrom(ICMP6AdminProhib, GwClient6)),
					e(ClientAddr6, serverV6, 8446, icmpFrom(ICMP6AddrUnreach, GwClient6)),
					e(ClientAddr6, serverV6, 8447, icmpFrom(ICMP6PortUnreach, serverV6)),
				}}
			},
		},
		{
			Name:  "icmp-unreach-udp",
			Doc:   "UDP datagrams (socat, dig) to a closed port (the server's kernel answers ICMP port unreachable) and to ports rejected by the gateway's nft (admin-prohibited, host-unreachable)",
			Needs: []string{"socat", "dig"},
			Run: func(l *Lab) Result {
				s4, s6 := serverV4.String(), serverV6.String()
				l.UDPEcho(Server, 5301)
				l.UDPEcho(Server, 5302)
				l.NFT(Gateway, Chain("forward",
					"ip daddr "+s4+" udp dport 5302 "+RejectAdminProhib,
					"ip6 daddr "+s6+" udp dport 5302 "+RejectAdminProhib6,
					"ip daddr "+s4+" udp dport 5301 "+RejectHostUnreach))
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					out, err := l.udpSend(Client, a, 5300, "2")
					l.fails(out, err, "refused", "UDP to closed port")
				}
				out, err := l.udpSend(Client, serverV6, 5302, "2")
				l.fails(out, err, "", "UDP to rejected port")
				// Host unreachable is a soft error for a UDP socket (not
				// reported to the application): no answer, no failure.
				out, _ = l.udpSend(Client, serverV4, 5301, "0.3")
				if strings.Contains(out, "ping") {
					l.t.Fatalf("UDP to rejected port answered: %q", out)
				}
				out, err = l.Run(Client, "dig", "+tries=1", "+time=1", "-p", "5302", "@"+s4, NameWWW)
				if strings.Contains(out, "ANSWER SECTION") {
					l.t.Fatalf("dig to rejected port got an answer: %v\n%s", err, out)
				}
				p := c.Stop()
				e := func(c, s netip.Addr, port uint16, icmp *ICMPError) Expect {
					w := udpFlow(p, c, s, port, false)
					w.ICMP = icmp
					return w
				}
				dig := e(ClientAddr4, serverV4, 5302, icmpFrom(ICMPAdminProhib, GwClient4))
				dig.DNSName = NameWWW
				return Result{[]Pcap{c.Pcap()}, []Expect{
					e(ClientAddr4, serverV4, 5300, icmpFrom(ICMPPortUnreach, serverV4)),
					e(ClientAddr6, serverV6, 5300, icmpFrom(ICMP6PortUnreach, serverV6)),
					e(ClientAddr6, serverV6, 5302, icmpFrom(ICMP6AdminProhib, GwClient6)),
					e(ClientAddr4, serverV4, 5301, icmpFrom(ICMPHostUnreach, GwClient4)),
					dig,
				}}
			},
		},
		{
			Name:  "udp-answered-unanswered",
			Doc:   "socat UDP datagrams to an echo server (answered) and to an echo server behind an nft drop in the server namespace (unanswered), IPv4 and IPv6",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				l.UDPEcho(Server, 5303)
				l.UDPEcho(Server, 7)
				l.NFT(Server, Chain("input", "udp dport 5303 "+Drop))
				c := l.Capture(Client, Eth)
				var want []Expect
				for _, a := range []netip.Addr{serverV4, serverV6} {
					fam := "UDP4:"
					if a.Is6() {
						fam = "UDP6:"
					}
					converse(l, l.Start(Client, "socat UDP client", "socat", "-t", "0.1", "-", fam+hostPort(a, 7)), "ping")
					out, err := l.udpSend(Client, a, 5303, "0.3")
					if err != nil || out != "" {
						l.t.Fatalf("UDP to dropped port: %v %q", err, out)
					}
				}
				p := c.Stop()
				want = append(want,
					udpFlow(p, ClientAddr4, serverV4, 7, true), udpFlow(p, ClientAddr6, serverV6, 7, true),
					udpFlow(p, ClientAddr4, serverV4, 5303, false), udpFlow(p, ClientAddr6, serverV6, 5303, false))
				return Result{[]Pcap{c.Pcap()}, want}
			},
		},
		{
			Name: "rsto-client-abort",
			Doc: "socat client with SO_LINGER 0 (linger=0) sends a line to an echo server (which holds its side open), reads the echo and closes: " +
				"socat's shutdown sends a FIN, then close() an RST from the originator",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				script := l.Script("echo-hold.sh", "cat\nsleep 10\n")
				l.Socat(Server, "tcp", 7000, TCPListen(7000), "EXEC:"+script)
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					pr := l.Start(Client, "socat client "+a.String(), "socat", "-t", "0.1", "-", tcpAddr(a, 7000, "linger=0", "shut-none"))
					converse(l, pr, "hello")
				}
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 7000, "RSTO", true),
					tcpFlow(p, ClientAddr6, serverV6, 7000, "RSTO", true),
				}}
			},
		},
		{
			Name:  "rstr-server-abort",
			Doc:   "socat server with SO_LINGER 0 (linger=0) writes a line and closes (socat's shutdown: a FIN, then close(): an RST) while the client holds the connection open",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				startAbortServer(l, 7001)
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					abortClient(l, a, 7001)
				}
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 7001, "RSTR", true),
					tcpFlow(p, ClientAddr6, serverV6, 7001, "RSTR", true),
				}}
			},
		},
		{
			Name:  "s1-open",
			Doc:   "connections established and still open when the capture stops: an openssl s_client TLS session (SNI) and a socat session to an echo server (IPv6)",
			Needs: []string{"openssl", "socat"},
			Run: func(l *Lab) Result {
				l.TLSServer(Server, 443)
				l.TCPEcho(Server, 7007)
				c := l.Capture(Client, Eth)
				tls := l.Start(Client, "s_client", "openssl", "s_client", "-connect", hostPort(serverV4, 443), "-servername", NameCloud)
				if err := tls.WaitOutput("Verify return code", 5*time.Second); err != nil {
					l.t.Fatal(err)
				}
				echo := l.Start(Client, "socat echo client", "socat", "-", tcpAddr(serverV6, 7007))
				fmt.Fprintln(echo.Stdin(), "hello")
				if err := echo.WaitOutput("hello", 5*time.Second); err != nil {
					l.t.Fatal(err)
				}
				p := c.Stop()
				w := tcpFlow(p, ClientAddr4, serverV4, 443, "S1", true)
				w.SNI = NameCloud
				return Result{[]Pcap{c.Pcap()}, []Expect{w, tcpFlow(p, ClientAddr6, serverV6, 7007, "S1", true)}}
			},
		},
		{
			Name:  "s2-originator-close",
			Doc:   "socat -u client sends a line and closes (FIN); the socat server (-t 30, its child still running) never closes its side before the capture stops",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				l.Socat(Server, "tcp", 7002, "-t", "30", TCPListen(7002), "EXEC:sleep 30")
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					l.must(l.RunInput(Client, "hello\n", "socat", "-u", "-", tcpAddr(a, 7002)))
				}
				// The server acknowledges the FINs: both client sockets reach FIN-WAIT-2.
				l.WaitSockets(Client, 5*time.Second, "2 sockets in FIN_WAIT2", func(s []Socket) bool { return Count(s, "tcp", "FIN_WAIT2", 0, 7002) == 2 })
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 7002, "S2", true),
					tcpFlow(p, ClientAddr6, serverV6, 7002, "S2", true),
				}}
			},
		},
		{
			Name:  "s3-responder-close",
			Doc:   "socat -U server writes a line and closes (FIN); the socat client (-t 30, stdin still open) never closes its side before the capture stops",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				script := l.Script("bye.sh", "printf 'bye\\n'\n")
				l.Socat(Server, "tcp", 7003, "-U", TCPListen(7003), "EXEC:"+script)
				c := l.Capture(Client, Eth)
				for _, a := range []netip.Addr{serverV4, serverV6} {
					pr := l.Start(Client, "socat client "+a.String(), "socat", "-t", "30", "-", tcpAddr(a, 7003))
					if err := pr.WaitOutput("bye", 5*time.Second); err != nil {
						l.t.Fatal(err)
					}
				}
				l.WaitSockets(Client, 5*time.Second, "2 sockets in CLOSE_WAIT", func(s []Socket) bool { return Count(s, "tcp", "CLOSE_WAIT", 0, 7003) == 2 })
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{
					tcpFlow(p, ClientAddr4, serverV4, 7003, "S3", true),
					tcpFlow(p, ClientAddr6, serverV6, 7003, "S3", true),
				}}
			},
		},
		{
			Name: "one-way-captures",
			Doc: "two gateway captures that each see one direction (tcpdump -Q out, as with asymmetric routing): " +
				"on gw-s only the originator's packets (curl HTTP: SH), on gw-c only the responder's (the same HTTP: SHR; a server abort with SO_LINGER 0: RSTRH)",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				l.HTTPServer(Server, 80)
				startAbortServer(l, 7001)
				origOnly := l.Capture(Gateway, GwServer, Direction("out"), Filter("tcp port 80"), FileName("orig-only.pcap"))
				respOnly := l.Capture(Gateway, GwClient, Direction("out"), FileName("resp-only.pcap"))
				l.must(l.curl(Client, "http://"+serverV4.String()+"/"))
				abortClient(l, serverV4, 7001)
				po, pr := origOnly.Stop(), respOnly.Stop()
				sh := tcpFlow(po, ClientAddr4, serverV4, 80, "SH", false)
				sh.HTTPHost = serverV4.String()
				sh.Note = "the capture sees only the originator's packets"
				shr := tcpFlow(pr, ClientAddr4, serverV4, 80, "SHR", true)
				shr.Note = "the capture sees only the responder's packets; Zeek flips the direction of a flow first seen with a SYN-ACK"
				rstrh := tcpFlow(pr, ClientAddr4, serverV4, 7001, "RSTRH", true)
				rstrh.Note = shr.Note
				return Result{[]Pcap{origOnly.Pcap(), respOnly.Pcap()}, []Expect{sh, shr, rstrh}}
			},
		},
		{
			Name: "rstos0-late-synack",
			Doc: "the gateway drops the server's SYN-ACK until curl (--connect-timeout 0.3) gives up, then lets the retransmitted SYN-ACK through: " +
				"the client's kernel answers it with RST; the capture on gw-s sees only the originator (SYN, RST)",
			Needs: []string{"curl", "socat"},
			Run: func(l *Lab) Result {
				l.TCPEcho(Server, 7005)
				l.NFT(Gateway, Chain("forward", "ip saddr "+serverV4.String()+" tcp sport 7005 tcp flags & (syn|ack) == syn|ack "+Drop))
				c := l.Capture(Gateway, GwServer, Direction("out"))
				out, err := l.Run(Client, "curl", "-sS", "--connect-timeout", "0.3", "http://"+hostPort(serverV4, 7005)+"/")
				l.fails(out, err, "(28)", "curl with dropped SYN-ACK")
				l.NFTFlush(Gateway)
				if n := Count(l.Sockets(Server), "tcp", "SYN_RECV", 7005, 0); n != 1 {
					l.t.Fatalf("server has %d half-open connections, want 1", n)
				}
				// The server retransmits its SYN-ACK after 1s; the client's
				// RST removes the server's SYN-RECV request.
				l.WaitSockets(Server, 10*time.Second, "the client's RST", func(s []Socket) bool { return Count(s, "tcp", "SYN_RECV", 7005, 0) == 0 })
				p := c.Stop()
				return Result{[]Pcap{c.Pcap()}, []Expect{tcpFlow(p, ClientAddr4, serverV4, 7005, "RSTOS0", false)}}
			},
		},
		{
			Name:  "oth-midstream",
			Doc:   "the capture starts after a socat session to an echo server is established and stops before it closes: midstream traffic only, no SYN",
			Needs: []string{"socat"},
			Run: func(l *Lab) Result {
				l.TCPEcho(Server, 7006)
				pr := l.Start(Client, "socat echo client", "socat", "-", tcpAddr(serverV4, 7006))
				l.WaitSockets(Client, 5*time.Second, "an established connection", func(s []Socket) bool { return Count(s, "tcp", "ESTABLISHED", 0, 7006) == 1 })
				c := l.Capture(Client, Eth)
				fmt.Fprintln(pr.Stdin(), "hello")
				if err := pr.WaitOutput("hello", 5*time.Second); err != nil {
					l.t.Fatal(err)
				}
				p := c.Stop()
				w := tcpFlow(p, ClientAddr4, serverV4, 7006, "OTH", true)
				w.Note = "the first packet is the client's data"
				return Result{[]Pcap{c.Pcap()}, []Expect{w}}
			},
		},
		{
			Name: "connect-proxy",
			Doc: "curl -x through tinyproxy (server2) to https://api: CONNECT api.example.test:443, the proxy resolves the name with dnsmasq and opens the TLS connection; " +
				"captured with tcpdump -i any in the gateway (SLL2, every packet twice, nanosecond timestamps)",
			Options: Options{SecondServer: true},
			Needs:   []string{"curl", "tinyproxy", "dnsmasq", "openssl"},
			Run: func(l *Lab) Result {
				l.DNSServer(Server, DefaultZone)
				l.TLSServer(Server, 443)
				l.SetResolver(Server2, serverV4)
				l.HTTPProxy(Server2, 8888)
				c := l.Capture(Gateway, "any", Nano())
				body := l.must(l.curl(Client, "-k", "-x", "http://"+hostPort(Server2Addr4, 8888), "https://"+NameAPI+"/"))
				if !strings.Contains(body, "s_server") {
					l.t.Fatalf("curl via proxy: unexpected page %q", body)
				}
				p := c.Stop()
				cp := tcpFlow(p, ClientAddr4, Server2Addr4, 8888, "SF", true)
				cp.ConnectTarget, cp.SNI, cp.Twice = NameAPI+":443", NameAPI, true
				cp.Note = "the TLS ClientHello travels inside the CONNECT tunnel"
				dns := udpFlow(p, Server2Addr4, serverV4, 53, true)
				dns.DNSName, dns.DNSAnswers, dns.Twice = NameAPI, []string{serverV4.String()}, true
				up := tcpFlow(p, Server2Addr4, serverV4, 443, "SF", true)
				up.SNI, up.Twice = NameAPI, true
				return Result{[]Pcap{c.Pcap()}, []Expect{cp, dns, up}}
			},
		},
		{
			Name:    "gateway-any-two-clients",
			Doc:     "tcpdump -i any in the gateway while the client fetches HTTP and the second client asks dnsmasq over UDP and TCP: every forwarded packet appears twice (SLL2, two interfaces)",
			Options: Options{SecondClient: true},
			Needs:   []string{"curl", "dig", "dnsmasq", "socat"},
			Run: func(l *Lab) Result {
				l.DNSServer(Server, DefaultZone)
				l.HTTPServer(Server, 80)
				c := l.Capture(Gateway, "any")
				l.must(l.curl(Client, "--resolve", NameWWW+":80:"+serverV4.String(), "http://"+NameWWW+"/"))
				l.must(l.Run(Client2, "dig", "+tries=1", "+time=2", "@"+serverV4.String(), NameCloud, "A"))
				l.must(l.Run(Client2, "dig", "+tcp", "+tries=1", "+time=2", "@"+serverV6.String(), NameCloud, "AAAA"))
				p := c.Stop()
				h := tcpFlow(p, ClientAddr4, serverV4, 80, "SF", true)
				h.HTTPHost, h.Twice = NameWWW, true
				d := udpFlow(p, Client2Addr4, serverV4, 53, true)
				d.DNSName, d.DNSAnswers, d.Twice = NameCloud, []string{serverV4.String()}, true
				d6 := tcpFlow(p, Client2Addr6, serverV6, 53, "SF", true)
				d6.DNSName, d6.DNSAnswers, d6.Twice = NameCloud, []string{serverV6.String()}, true
				return Result{[]Pcap{c.Pcap()}, []Expect{h, d, d6}}
			},
		},
	}
}

// startAbortServer starts a socat server on port that writes "hello" and
// closes with SO_LINGER 0 (socat shuts the socket down, a FIN, then close()
// sends an RST).
func startAbortServer(l *Lab, port int) {
	script := l.Script(fmt.Sprintf("abort-%d.sh", port), "printf 'hello\\n'\n")
	l.Socat(Server, "tcp", port, "-t", "0.2", TCPListen(port, "linger=0", "shut-none"), "EXEC:"+script)
}

// abortClient connects to an abort server with a socat client whose stdin
// stays open, and waits until the server's RST has closed the client's
// socket.
func abortClient(l *Lab, a netip.Addr, port int) {
	l.t.Helper()
	pr := l.Start(Client, "socat client "+a.String(), "socat", "-t", "30", "-", tcpAddr(a, port))
	if err := pr.WaitOutput("hello", 5*time.Second); err != nil {
		l.t.Fatal(err)
	}
	l.WaitSockets(Client, 5*time.Second, "the server's RST", func(s []Socket) bool { return Count(s, "tcp", "", 0, uint16(port)) == 0 })
}

// converse writes a line to a client's stdin, waits for the answer to hold
// it, closes stdin and waits for the client to exit successfully.
func converse(l *Lab, pr *Proc, line string) {
	l.t.Helper()
	fmt.Fprintln(pr.Stdin(), line)
	if err := pr.WaitOutput(line, 5*time.Second); err != nil {
		l.t.Fatal(err)
	}
	pr.Stdin().Close()
	if err := pr.Wait(5 * time.Second); err != nil {
		l.t.Fatalf("%s: %v\n%s", pr.Name, err, pr.Output())
	}
}

// lastAddr returns the address on the last line of dig +short output.
func lastAddr(l *Lab, out string) netip.Addr {
	l.t.Helper()
	lines := strings.Fields(out)
	if len(lines) == 0 {
		l.t.Fatalf("dig: no answer")
	}
	a, err := netip.ParseAddr(lines[len(lines)-1])
	if err != nil {
		l.t.Fatalf("dig: last answer is not an address: %q", out)
	}
	return a
}
