// Package netlab builds small networks of Linux network namespaces for tests:
// a client, a routing gateway and a server (optionally a second client and a
// second server), each in its own namespace, joined by veth links. Tests run
// real clients and servers in them (curl, openssl, dig, socat, dnsmasq,
// tinyproxy), shape failures with nft rules and record the traffic with
// tcpdump into pcap files.
//
// Everything needs root. New skips the test when not root, or fails it when
// FLOWAUDIT_REQUIRE_PRIVILEGED=1 is set (as in CI). Namespaces are named
// "fa-" + a random id + a role suffix, removed at cleanup; namespaces left
// behind by a dead test process are removed by the next New.
//
// Traffic only ever goes to addresses of the lab (10.77.0.0/16, fd77::/16).
package netlab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Roles of the namespaces of a lab. Methods taking an ns argument accept a
// role (or the namespace's full name).
const (
	Client  = "client"
	Gateway = "gateway"
	Server  = "server"
	Client2 = "client2" // with Options.SecondClient
	Server2 = "server2" // with Options.SecondServer
)

// Interface names. Every end host has a single interface, Eth; the gateway has
// one interface toward each host.
const (
	Eth        = "eth0"
	GwClient   = "gw-c"  // gateway side of the client link
	GwServer   = "gw-s"  // gateway side of the server link
	GwClient2  = "gw-c2" // gateway side of the second client link
	GwServer2  = "gw-s2" // gateway side of the second server link
	nsPrefix   = "fa-"
	envRequire = "FLOWAUDIT_REQUIRE_PRIVILEGED"
	stateDir   = "/run/flowaudit-netlab"
)

// Addresses of the lab. Each link is a /24 and a /64; the gateway is .1 / ::1.
var (
	ClientAddr4  = netip.MustParseAddr("10.77.1.2")
	ClientAddr6  = netip.MustParseAddr("fd77:1::2")
	GwClient4    = netip.MustParseAddr("10.77.1.1")
	GwClient6    = netip.MustParseAddr("fd77:1::1")
	ServerAddr4  = netip.MustParseAddr("10.77.2.2")
	ServerAddr6  = netip.MustParseAddr("fd77:2::2")
	GwServer4    = netip.MustParseAddr("10.77.2.1")
	GwServer6    = netip.MustParseAddr("fd77:2::1")
	Server2Addr4 = netip.MustParseAddr("10.77.3.2")
	Server2Addr6 = netip.MustParseAddr("fd77:3::2")
	GwServer24   = netip.MustParseAddr("10.77.3.1")
	GwServer26   = netip.MustParseAddr("fd77:3::1")
	Client2Addr4 = netip.MustParseAddr("10.77.4.2")
	Client2Addr6 = netip.MustParseAddr("fd77:4::2")
	GwClient24   = netip.MustParseAddr("10.77.4.1")
	GwClient26   = netip.MustParseAddr("fd77:4::1")
)

// Options choose the topology of a lab.
type Options struct {
	SecondClient bool          // a client2 namespace (10.77.4.2, fd77:4::2) behind gw-c2
	SecondServer bool          // a server2 namespace (10.77.3.2, fd77:3::2) behind gw-s2
	RunTimeout   time.Duration // default timeout of Run (default 15s)
}

type link struct {
	role, gwIface string
	host4, gw4    netip.Addr
	host6, gw6    netip.Addr
}

var links = []link{
	{Client, GwClient, ClientAddr4, GwClient4, ClientAddr6, GwClient6},
	{Server, GwServer, ServerAddr4, GwServer4, ServerAddr6, GwServer6},
	{Server2, GwServer2, Server2Addr4, GwServer24, Server2Addr6, GwServer26},
	{Client2, GwClient2, Client2Addr4, GwClient24, Client2Addr6, GwClient26},
}

// Lab is a running topology. Create it with New; it is torn down by the
// test's cleanup.
type Lab struct {
	t        testing.TB
	id       string
	opts     Options
	ns       map[string]string // role -> namespace name
	dir      string            // t.TempDir() of the lab: certificates, configs, captures
	mu       sync.Mutex
	procs    []*Proc
	caps     []*Capture
	cert     *Cert
	etcDirs  []string
	holders  map[string]int    // role -> pid of a process in the namespace
	holderNS map[string]string // role -> its /proc/PID/ns/net link
}

// Privileged reports whether the tests can build labs (running as root).
func Privileged() bool { return os.Geteuid() == 0 }

// Require skips the test (or fails it when FLOWAUDIT_REQUIRE_PRIVILEGED=1) if
// the process is not root or one of the programs is not installed.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	if !Privileged() {
		skipOrFail(t, "netlab needs root (network namespaces, nft, tcpdump)")
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			skipOrFail(t, fmt.Sprintf("netlab needs %s (see scripts/install-test-deps): %v", p, err))
		}
	}
}

func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(envRequire) == "1" {
		t.Fatalf("%s (%s=1: not skipping)", msg, envRequire)
	}
	t.Skip(msg)
}

// New creates a lab: client — gateway — server namespaces (plus the optional
// ones), with addresses, routes and forwarding on the gateway. It is removed
// at the end of the test, even when the test fails.
func New(t testing.TB, opts Options) *Lab {
	t.Helper()
	Require(t, "ip", "nft", "tcpdump", "sleep")
	if opts.RunTimeout == 0 {
		opts.RunTimeout = 15 * time.Second
	}
	removeStale(t)
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	l := &Lab{t: t, id: hex.EncodeToString(b[:]), opts: opts, ns: map[string]string{}, holders: map[string]int{}, holderNS: map[string]string{}, dir: t.TempDir()}
	// The owner file exists before any namespace, so that a concurrent
	// removeStale never takes a live lab for a stale one.
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	owner := filepath.Join(stateDir, l.id)
	if err := os.WriteFile(owner, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		l.teardown()
		os.Remove(owner)
	})

	roles := []string{Client, Gateway, Server}
	if opts.SecondServer {
		roles = append(roles, Server2)
	}
	if opts.SecondClient {
		roles = append(roles, Client2)
	}
	short := map[string]string{Client: "c", Gateway: "g", Server: "s", Client2: "c2", Server2: "s2"}
	var batch strings.Builder
	for _, r := range roles {
		l.ns[r] = nsPrefix + l.id + "-" + short[r]
		fmt.Fprintf(&batch, "netns add %s\n", l.ns[r])
	}
	if out, err := l.cmdIn("", batch.String(), "ip", "-batch", "-"); err != nil {
		t.Fatalf("netlab: creating namespaces: %v\n%s", err, out)
	}
	// Per-namespace settings, before the interfaces exist so that their
	// defaults apply: no DAD (addresses usable at once), no router
	// solicitations, no ICMP rate limit (every rejected probe gets its
	// error). Ephemeral ports stop below 50000: the audit tells a flow's
	// sides apart by their ports when the capture missed its start (a
	// documented port is the server's), and a client that drew one of
	// Lync's documented 50000-50059 was taken for the server (CI: an
	// oth-midstream run, client port 50044).
	sysctl := map[string]string{}
	for _, r := range roles {
		script := `set -e
echo 32768 49999 > /proc/sys/net/ipv4/ip_local_port_range
echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad
echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad
echo 0 > /proc/sys/net/ipv6/conf/default/router_solicitations
echo 0 > /proc/sys/net/ipv6/conf/default/accept_ra
echo 0 > /proc/sys/net/ipv4/icmp_ratelimit
echo 0 > /proc/sys/net/ipv6/icmp/ratelimit
`
		if r == Gateway {
			script += "echo 1 > /proc/sys/net/ipv4/ip_forward\necho 1 > /proc/sys/net/ipv6/conf/all/forwarding\n"
		}
		sysctl[r] = script
	}
	l.parallel(sysctl, func(r, script string) (string, error) { return l.Run(r, "sh", "-c", script) })
	// The gateway creates every link, the host ends directly in the hosts'
	// namespaces; then each namespace configures its side.
	ipBatch := map[string]string{Gateway: "link set lo up\n"}
	for _, lk := range links {
		host, ok := l.ns[lk.role]
		if !ok {
			continue
		}
		ipBatch[Gateway] += fmt.Sprintf("link add %s type veth peer name %s netns %s\n", lk.gwIface, Eth, host) +
			fmt.Sprintf("addr add %s/24 dev %s\naddr add %s/64 dev %s nodad\nlink set %s up\n", lk.gw4, lk.gwIface, lk.gw6, lk.gwIface, lk.gwIface)
		ipBatch[lk.role] = fmt.Sprintf("link set lo up\naddr add %s/24 dev %s\naddr add %s/64 dev %s nodad\nlink set %s up\n"+
			"route add default via %s\nroute add ::/0 via %s\n", lk.host4, Eth, lk.host6, Eth, Eth, lk.gw4, lk.gw6)
	}
	ipRun := func(r, batch string) (string, error) {
		return l.cmdIn("", batch, "ip", "-n", l.ns[r], "-batch", "-")
	}
	l.parallel(map[string]string{Gateway: ipBatch[Gateway]}, ipRun)
	delete(ipBatch, Gateway)
	l.parallel(ipBatch, ipRun)
	for _, r := range roles {
		l.startHolder(r)
	}
	for _, r := range roles {
		l.waitHolder(r)
	}
	return l
}

// parallel runs f for each role concurrently and fails the test on the
// first error.
func (l *Lab) parallel(jobs map[string]string, f func(role, arg string) (string, error)) {
	l.t.Helper()
	type res struct {
		role, arg, out string
		err            error
	}
	ch := make(chan res, len(jobs))
	for r, a := range jobs {
		go func() {
			out, err := f(r, a)
			ch <- res{r, a, out, err}
		}()
	}
	var first *res
	for range jobs {
		r := <-ch
		if r.err != nil && first == nil {
			first = &r
		}
	}
	if first != nil {
		l.t.Fatalf("netlab: setting up %s: %v\n%s\ninput:\n%s", first.role, first.err, first.out, first.arg)
	}
}

// removeStale deletes namespaces with the netlab prefix whose owning test
// process is gone (killed before its cleanup ran).
func removeStale(t testing.TB) {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], nsPrefix) {
			continue
		}
		name := f[0]
		id, _, _ := strings.Cut(strings.TrimPrefix(name, nsPrefix), "-")
		if ownerAlive(id) {
			continue
		}
		killNetnsProcs(name)
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err == nil {
			t.Logf("netlab: removed stale namespace %s", name)
		} else if !strings.Contains(string(out), "No such file") {
			t.Logf("netlab: removing stale namespace %s: %v %s", name, err, out)
		}
		os.RemoveAll(filepath.Join("/etc/netns", name))
		os.Remove(filepath.Join(stateDir, id))
	}
}

func ownerAlive(id string) bool {
	b, err := os.ReadFile(filepath.Join(stateDir, id))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	return syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM)
}

// killNetnsProcs kills the processes still in a namespace (ip netns pids).
func killNetnsProcs(name string) {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func (l *Lab) teardown() {
	l.mu.Lock()
	caps, procs := l.caps, l.procs
	l.mu.Unlock()
	for _, c := range caps {
		c.kill()
	}
	for _, p := range procs {
		p.Stop()
	}
	if l.t.Failed() {
		for _, p := range procs {
			if out := p.Output(); out != "" {
				l.t.Logf("netlab: output of %s in %s:\n%s", p.Name, p.NS, out)
			}
		}
	}
	for _, name := range l.ns {
		killNetnsProcs(name)
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil && !strings.Contains(string(out), "No such file") {
			l.t.Errorf("netlab: ip netns del %s: %v %s", name, err, out)
		}
	}
	for _, d := range l.etcDirs {
		os.RemoveAll(d)
	}
}

// T returns the test the lab belongs to.
func (l *Lab) T() testing.TB { return l.t }

// Dir returns the lab's temporary directory (removed after the test).
func (l *Lab) Dir() string { return l.dir }

// ID returns the random id in the lab's namespace names.
func (l *Lab) ID() string { return l.id }

// Opts returns the options the lab was built with.
func (l *Lab) Opts() Options { return l.opts }

// NS returns the namespace name of a role (or the name itself when given a
// namespace name of this lab).
func (l *Lab) NS(role string) string {
	if n, ok := l.ns[role]; ok {
		return n
	}
	for _, n := range l.ns {
		if n == role {
			return n
		}
	}
	l.t.Fatalf("netlab: no namespace %q in this lab (options %+v)", role, l.opts)
	return ""
}

// Addr returns the address of an end host role (client, server, client2,
// server2); for the gateway, its address on the client link.
func (l *Lab) Addr(role string, v6 bool) netip.Addr {
	for _, lk := range links {
		if lk.role == role {
			if v6 {
				return lk.host6
			}
			return lk.host4
		}
	}
	if role == Gateway {
		if v6 {
			return GwClient6
		}
		return GwClient4
	}
	l.t.Fatalf("netlab: no address for role %q", role)
	return netip.Addr{}
}

// Command returns an unstarted command running args in namespace ns.
func (l *Lab) Command(ns string, args ...string) *exec.Cmd {
	cmd := exec.Command("ip", append([]string{"netns", "exec", l.NS(ns)}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// cmdIn runs a command (in ns, or in the root namespace when ns is "") with
// stdin and the default timeout; it returns the combined output.
func (l *Lab) cmdIn(ns, stdin string, args ...string) (string, error) {
	return l.run(ns, stdin, l.opts.RunTimeout, args...)
}

func (l *Lab) run(ns, stdin string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", l.NS(ns)}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (timeout %v)", err, timeout)
	}
	if err != nil {
		where := "root namespace"
		if ns != "" {
			where = ns
			args = args[4:]
		}
		err = fmt.Errorf("in %s: %s: %w", where, strings.Join(args, " "), err)
	}
	return out.String(), err
}

// Run runs a command in a namespace in the foreground, with the lab's
// timeout, stdin empty, and returns its combined stdout and stderr.
func (l *Lab) Run(ns string, args ...string) (string, error) {
	return l.run(ns, "", l.opts.RunTimeout, args...)
}

// RunInput is Run with stdin.
func (l *Lab) RunInput(ns, stdin string, args ...string) (string, error) {
	return l.run(ns, stdin, l.opts.RunTimeout, args...)
}

// RunTimeout is Run with a timeout of its own.
func (l *Lab) RunTimeout(ns string, timeout time.Duration, args ...string) (string, error) {
	return l.run(ns, "", timeout, args...)
}

// MustRun is Run failing the test on error.
func (l *Lab) MustRun(ns string, args ...string) string {
	l.t.Helper()
	out, err := l.Run(ns, args...)
	if err != nil {
		l.t.Fatalf("netlab: %v\n%s", err, out)
	}
	return out
}

// SetResolver makes programs run in ns resolve names with the DNS server at
// addr (ip netns exec bind-mounts /etc/netns/NAME/resolv.conf and hosts).
func (l *Lab) SetResolver(ns string, addr netip.Addr) {
	l.t.Helper()
	dir := filepath.Join("/etc/netns", l.NS(ns))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.t.Fatal(err)
	}
	l.mu.Lock()
	l.etcDirs = append(l.etcDirs, dir)
	l.mu.Unlock()
	conf := fmt.Sprintf("nameserver %s\noptions timeout:1 attempts:1\n", addr)
	hosts := "127.0.0.1 localhost\n::1 localhost\n"
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(conf), 0o644); err != nil {
		l.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		l.t.Fatal(err)
	}
}

// Proc is a background process of a lab (a server, a long-lived client, a
// capture). It is killed at cleanup; its output is logged if the test failed.
type Proc struct {
	Name string
	NS   string
	Cmd  *exec.Cmd
	out  lockedBuffer
	in   io.WriteCloser
	done chan struct{}
	err  error
	once sync.Once
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Start runs a command in the background in a namespace. Its stdin is a pipe
// kept open (see Proc.Stdin) so that programs reading it do not stop early.
func (l *Lab) Start(ns, name string, args ...string) *Proc {
	l.t.Helper()
	p := &Proc{Name: name, NS: ns, Cmd: l.Command(ns, args...), done: make(chan struct{})}
	p.Cmd.Stdout, p.Cmd.Stderr = &p.out, &p.out
	in, err := p.Cmd.StdinPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	p.in = in
	if err := p.Cmd.Start(); err != nil {
		l.t.Fatalf("netlab: starting %s: %v", name, err)
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.done)
	}()
	l.mu.Lock()
	l.procs = append(l.procs, p)
	l.mu.Unlock()
	return p
}

// Stdin returns the write end of the process's stdin.
func (p *Proc) Stdin() io.WriteCloser { return p.in }

// Output returns what the process wrote to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits up to timeout for the process to exit by itself and returns its
// exit error; on timeout it returns an error and leaves the process running.
func (p *Proc) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("%s still running after %v", p.Name, timeout)
	}
}

// WaitOutput waits up to timeout until the output contains s.
func (p *Proc) WaitOutput(s string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if strings.Contains(p.Output(), s) {
			return nil
		}
		if p.Exited() {
			if strings.Contains(p.Output(), s) {
				return nil
			}
			return fmt.Errorf("%s exited (%v) without printing %q:\n%s", p.Name, p.err, s, p.Output())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not print %q within %v:\n%s", p.Name, s, timeout, p.Output())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Signal sends sig to the process group.
func (p *Proc) Signal(sig syscall.Signal) {
	if p.Cmd.Process != nil && !p.Exited() {
		syscall.Kill(-p.Cmd.Process.Pid, sig)
	}
}

// Stop ends the process group: SIGTERM, then SIGKILL after 2s.
func (p *Proc) Stop() {
	p.once.Do(func() {
		p.in.Close()
		if p.Exited() {
			return
		}
		p.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(2 * time.Second):
			p.Signal(syscall.SIGKILL)
			<-p.done
		}
	})
}
