package netlab

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Socket is a TCP or UDP socket of a namespace, as /proc/net/{tcp,udp}[6]
// lists it (the kernel's table that ss reads too).
type Socket struct {
	Proto  string // "tcp" or "udp"
	Local  netip.AddrPort
	Remote netip.AddrPort
	State  string // TCP: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING; UDP: UNCONN or ESTABLISHED
}

var tcpStates = map[string]string{
	"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
	"06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING",
	"0C": "SYN_RECV",
}

// startHolder starts a sleeping process in ns whose /proc/PID/net shows the
// namespace's sockets without running a command per look.
func (l *Lab) startHolder(role string) {
	l.t.Helper()
	var want syscall.Stat_t
	if err := syscall.Stat("/run/netns/"+l.ns[role], &want); err != nil {
		l.t.Fatalf("netlab: %v", err)
	}
	p := l.Start(role, "netns holder", "sleep", "infinity")
	l.holders[role] = p.Cmd.Process.Pid
	l.holderNS[role] = fmt.Sprintf("net:[%d]", want.Ino)
}

// waitHolder waits until the holder process has entered its namespace.
func (l *Lab) waitHolder(role string) {
	l.t.Helper()
	pid, link := l.holders[role], l.holderNS[role]
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid)); got == link {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("netlab: holder process %d did not enter %s", pid, l.ns[role])
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Sockets returns the TCP and UDP sockets of namespace ns (listening,
// connected, and the SYN_RECV entries of half-open connections).
func (l *Lab) Sockets(ns string) []Socket {
	l.t.Helper()
	pid, ok := l.holders[ns]
	if !ok {
		for r, n := range l.ns {
			if n == ns {
				pid, ok = l.holders[r], true
			}
		}
	}
	if !ok {
		l.t.Fatalf("netlab: no namespace %q in this lab", ns)
	}
	var out []Socket
	for _, f := range []string{"tcp", "tcp6", "udp", "udp6"} {
		s, err := readProcNet(fmt.Sprintf("/proc/%d/net/%s", pid, f), strings.TrimSuffix(f, "6"))
		if err != nil {
			l.t.Fatalf("netlab: %v", err)
		}
		out = append(out, s...)
	}
	return out
}

func readProcNet(path, proto string) ([]Socket, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Socket
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 4 {
			continue
		}
		loc, err1 := parseProcAddr(fs[1])
		rem, err2 := parseProcAddr(fs[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad line %q", path, sc.Text())
		}
		st := tcpStates[fs[3]]
		if proto == "udp" {
			st = "UNCONN"
			if fs[3] == "01" {
				st = "ESTABLISHED"
			}
		}
		out = append(out, Socket{Proto: proto, Local: loc, Remote: rem, State: st})
	}
	return out, sc.Err()
}

// parseProcAddr parses "0100007F:0050" or the IPv6 form: the address as
// 32-bit words in host (little-endian) order, the port in hex.
func parseProcAddr(s string) (netip.AddrPort, error) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("no port")
	}
	b, err := hex.DecodeString(a)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address")
	}
	for i := 0; i < len(b); i += 4 {
		binary.BigEndian.PutUint32(b[i:], binary.LittleEndian.Uint32(b[i:]))
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.AddrPort{}, err
	}
	addr, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}

// WaitSockets polls the sockets of ns until ok accepts them, or fails the
// test after timeout, saying what was awaited.
func (l *Lab) WaitSockets(ns string, timeout time.Duration, what string, ok func([]Socket) bool) {
	l.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := l.Sockets(ns)
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("netlab: in %s, waited %v for %s; sockets: %v", ns, timeout, what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Count returns how many sockets have proto, state ("" for any) and the
// local or remote port.
func Count(socks []Socket, proto, state string, localPort, remotePort uint16) int {
	n := 0
	for _, s := range socks {
		if s.Proto == proto && (state == "" || s.State == state) &&
			(localPort == 0 || s.Local.Port() == localPort) && (remotePort == 0 || s.Remote.Port() == remotePort) {
			n++
		}
	}
	return n
}

// WaitListen waits until a socket listens on proto ("tcp" or "udp") port in
// ns. If p is not nil and exits first, the test fails with its output.
func (l *Lab) WaitListen(ns, proto string, port int, p *Proc) {
	l.t.Helper()
	state := "LISTEN"
	if proto == "udp" {
		state = "UNCONN"
	}
	deadline := time.Now().Add(10 * time.Second)
	for Count(l.Sockets(ns), proto, state, uint16(port), 0) == 0 {
		if p != nil && p.Exited() {
			l.t.Fatalf("netlab: %s exited before listening on %s/%d: %v\n%s", p.Name, proto, port, p.err, p.Output())
		}
		if time.Now().After(deadline) {
			msg := ""
			if p != nil {
				msg = p.Output()
			}
			l.t.Fatalf("netlab: nothing listens on %s/%d in %s after 10s\n%s", proto, port, ns, msg)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
