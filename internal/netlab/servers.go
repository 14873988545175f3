package netlab

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Names of DefaultZone.
const (
	Domain    = "example.test"
	NameWWW   = "www.example.test"   // CNAME edge.example.test
	NameEdge  = "edge.example.test"  // CNAME cloud.example.test
	NameCloud = "cloud.example.test" // A 10.77.2.2, AAAA fd77:2::2
	NameAPI   = "api.example.test"   // A 10.77.2.2 only
	NameProxy = "proxy.example.test" // A 10.77.3.2 only
)

// Zone is what the DNS server answers.
type Zone struct {
	Domain string // answered authoritatively: unknown names get NXDOMAIN
	Hosts  []HostRecord
	CNAMEs []CNAME
}

// HostRecord gives a name its A and AAAA records.
type HostRecord struct {
	Name  string
	Addrs []netip.Addr
}

// CNAME makes Name an alias of Target (which must be a host record or
// another CNAME of the zone).
type CNAME struct{ Name, Target string }

// DefaultZone: www -> edge -> cloud (A and AAAA of the server), api (A of the
// server only), proxy (A of server2 only).
var DefaultZone = Zone{
	Domain: Domain,
	Hosts: []HostRecord{
		{NameCloud, []netip.Addr{ServerAddr4, ServerAddr6}},
		{NameAPI, []netip.Addr{ServerAddr4}},
		{NameProxy, []netip.Addr{Server2Addr4}},
	},
	CNAMEs: []CNAME{{NameWWW, NameEdge}, {NameEdge, NameCloud}},
}

// Cert is a self-signed certificate and its key (PEM files).
type Cert struct{ CertFile, KeyFile string }

// Cert returns the lab's self-signed certificate (CN cloud.example.test,
// SANs cloud.example.test and *.example.test), generated on first use with
// openssl req -x509 into the lab's temp dir.
func (l *Lab) Cert() Cert {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cert != nil {
		return *l.cert
	}
	c := Cert{CertFile: filepath.Join(l.dir, "cert.pem"), KeyFile: filepath.Join(l.dir, "key.pem")}
	cmd := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
		"-nodes", "-days", "2", "-subj", "/CN="+NameCloud,
		"-addext", "subjectAltName=DNS:"+NameCloud+",DNS:*."+Domain,
		"-keyout", c.KeyFile, "-out", c.CertFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		l.t.Fatalf("netlab: openssl req: %v\n%s", err, out)
	}
	l.cert = &c
	return c
}

// TLSServer starts openssl s_server on port (all addresses, IPv4 and IPv6)
// with the lab's certificate. With -www it answers an HTTP GET with a status
// page and closes; it serves one connection at a time.
func (l *Lab) TLSServer(ns string, port int, extra ...string) *Proc {
	l.t.Helper()
	Require(l.t, "openssl")
	c := l.Cert()
	args := append([]string{"openssl", "s_server", "-accept", strconv.Itoa(port),
		"-cert", c.CertFile, "-key", c.KeyFile, "-www"}, extra...)
	p := l.Start(ns, fmt.Sprintf("openssl s_server :%d", port), args...)
	l.WaitListen(ns, "tcp", port, p)
	return p
}

// Script writes an executable shell script into the lab's temp dir and
// returns its path (for socat's EXEC: address, which cannot hold commas).
func (l *Lab) Script(name, body string) string {
	l.t.Helper()
	path := filepath.Join(l.dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		l.t.Fatal(err)
	}
	return path
}

// Socat starts socat with args in ns and waits until something listens on
// proto/port there.
func (l *Lab) Socat(ns, proto string, port int, args ...string) *Proc {
	l.t.Helper()
	Require(l.t, "socat")
	p := l.Start(ns, fmt.Sprintf("socat %s/%d", proto, port), append([]string{"socat"}, args...)...)
	l.WaitListen(ns, proto, port, p)
	return p
}

// TCPListen returns socat's address listening on TCP port on every IPv4 and
// IPv6 address, forking a child per connection, with extra socat options.
func TCPListen(port int, opts ...string) string {
	return "TCP6-LISTEN:" + strings.Join(append([]string{strconv.Itoa(port), "ipv6only=0", "reuseaddr", "fork"}, opts...), ",")
}

// HTTPBody is the body of HTTPServer's answer.
const HTTPBody = "flowaudit netlab\n"

// HTTPServer starts a tiny HTTP server (socat, a child per connection) on
// port: it reads the request head, answers 200 with HTTPBody and
// "Connection: close", and closes.
func (l *Lab) HTTPServer(ns string, port int) *Proc {
	l.t.Helper()
	script := l.Script(fmt.Sprintf("http-%d.sh", port), fmt.Sprintf(
		"sed -n '/^\\r\\{0,1\\}$/q'\nprintf 'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s'\n",
		len(HTTPBody), strings.TrimSuffix(HTTPBody, "\n")+`\n`))
	return l.Socat(ns, "tcp", port, "-T", "10", TCPListen(port), "EXEC:"+script)
}

// TCPEcho starts a socat TCP echo server (cat per connection) on port.
func (l *Lab) TCPEcho(ns string, port int, opts ...string) *Proc {
	l.t.Helper()
	return l.Socat(ns, "tcp", port, "-T", "30", TCPListen(port, opts...), "EXEC:cat")
}

// UDPEcho starts a socat UDP echo server on port (IPv4 and IPv6): every
// datagram is answered with its own content.
func (l *Lab) UDPEcho(ns string, port int) *Proc {
	l.t.Helper()
	return l.Socat(ns, "udp", port, "-T", "2", fmt.Sprintf("UDP6-RECVFROM:%d,ipv6only=0,reuseaddr,fork", port), "EXEC:cat")
}

// DNSServer starts dnsmasq on port 53 of ns's addresses (UDP and TCP),
// answering only from zone: A/AAAA host records and CNAME chains,
// NXDOMAIN for other names of the zone's domain, REFUSED for others.
func (l *Lab) DNSServer(ns string, zone Zone) *Proc {
	l.t.Helper()
	Require(l.t, "dnsmasq")
	args := []string{"dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
		"--bind-interfaces", "--port=53", "--pid-file=", "--log-facility=-", "--log-queries",
		"--listen-address=" + l.Addr(ns, false).String(), "--listen-address=" + l.Addr(ns, true).String()}
	if zone.Domain != "" {
		args = append(args, "--local=/"+zone.Domain+"/")
	}
	for _, h := range zone.Hosts {
		rec := h.Name
		for _, a := range h.Addrs {
			rec += "," + a.String()
		}
		args = append(args, "--host-record="+rec)
	}
	for _, c := range zone.CNAMEs {
		args = append(args, "--cname="+c.Name+","+c.Target)
	}
	p := l.Start(ns, "dnsmasq", args...)
	l.WaitListen(ns, "udp", 53, p)
	l.WaitListen(ns, "tcp", 53, p)
	return p
}

// HTTPProxy starts tinyproxy on port of ns's IPv4 address, allowing CONNECT
// to port 443 from the lab's addresses. It resolves names with the DNS server
// given to SetResolver for ns.
func (l *Lab) HTTPProxy(ns string, port int) *Proc {
	l.t.Helper()
	Require(l.t, "tinyproxy")
	conf := filepath.Join(l.dir, fmt.Sprintf("tinyproxy-%d.conf", port))
	body := fmt.Sprintf(`Port %d
Listen %s
Timeout 10
MaxClients 16
Allow 10.77.0.0/16
Allow fd77::/16
ConnectPort 443
LogLevel Info
PidFile "%s"
`, port, l.Addr(ns, false), filepath.Join(l.dir, fmt.Sprintf("tinyproxy-%d.pid", port)))
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		l.t.Fatal(err)
	}
	p := l.Start(ns, "tinyproxy", "tinyproxy", "-d", "-c", conf)
	l.WaitListen(ns, "tcp", port, p)
	return p
}
