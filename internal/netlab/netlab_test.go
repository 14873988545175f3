package netlab

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestParseProcAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:0050":                         "127.0.0.1:80",
		"02024D0A:01BB":                         "10.77.2.2:443",
		"00000000000000000000000001000000:0035": "[::1]:53",
		"0000000000000000FFFF00000202A80A:1F90": "10.168.2.2:8080", // v4-mapped, unmapped
		"000077FD000000020000000002000000:0016": "[fd77:0:200::2]:22",
	} {
		got, err := parseProcAddr(in)
		if err != nil || got.String() != want {
			t.Errorf("parseProcAddr(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseProcAddr("zz:1"); err == nil {
		t.Error("parseProcAddr accepted a bad address")
	}
}

func TestChain(t *testing.T) {
	got := Chain("forward", "tcp dport 80 "+RejectTCPReset)
	for _, want := range []string{"table inet netlab {", "chain forward {", "type filter hook forward priority filter; policy accept;", "tcp dport 80 reject with tcp reset"} {
		if !strings.Contains(got, want) {
			t.Errorf("Chain: %q lacks %q", got, want)
		}
	}
}

// TestLabLifecycle checks the topology (routing through the gateway, IPv4
// and IPv6), the socket view, and that cleanup removes namespaces,
// processes and resolver files.
func TestLabLifecycle(t *testing.T) {
	Require(t, "socat")
	var names []string
	var pids []int
	t.Run("lab", func(t *testing.T) {
		l := New(t, Options{SecondClient: true, SecondServer: true})
		for _, r := range []string{Client, Gateway, Server, Client2, Server2} {
			names = append(names, l.NS(r))
			pids = append(pids, l.holders[r])
		}
		// The end hosts reach the server through the gateway.
		p := l.TCPEcho(Server, 7100)
		for _, from := range []string{Client, Client2, Server2} {
			for _, v6 := range []bool{false, true} {
				to := l.Addr(Server, v6)
				if out, err := l.RunInput(from, "hi\n", "socat", "-t", "2", "-", tcpAddr(to, 7100)); err != nil || out != "hi\n" {
					t.Errorf("%s to %s: %v %q", from, to, err, out)
				}
			}
		}
		socks := l.Sockets(Server)
		if Count(socks, "tcp", "LISTEN", 7100, 0) != 1 {
			t.Errorf("no listening socket on 7100: %v", socks)
		}
		if Count(l.Sockets(Client), "tcp", "LISTEN", 7100, 0) != 0 {
			t.Error("the client namespace sees the server's socket")
		}
		l.SetResolver(Client, ServerAddr4)
		out := l.MustRun(Client, "cat", "/etc/resolv.conf")
		if !strings.Contains(out, "nameserver "+ServerAddr4.String()) {
			t.Errorf("resolv.conf in the client namespace: %q", out)
		}
		pids = append(pids, p.Cmd.Process.Pid)
	})
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(string(out), n) {
			t.Errorf("namespace %s left behind", n)
		}
		if _, err := os.Stat(filepath.Join("/etc/netns", n)); err == nil {
			t.Errorf("/etc/netns/%s left behind", n)
		}
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("process %d still alive after cleanup", pid)
		}
	}
}

// TestRemovesStaleNamespaces: a namespace whose owner process is gone is
// removed by the next New; one whose owner lives is kept.
func TestRemovesStaleNamespaces(t *testing.T) {
	Require(t, "ip")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale, live := nsPrefix+"0badc0de-c", nsPrefix+"0badbeef-c"
	for name, pid := range map[string]int{stale: dead.Process.Pid, live: os.Getpid()} {
		id := strings.TrimSuffix(strings.TrimPrefix(name, nsPrefix), "-c")
		if err := os.WriteFile(filepath.Join(stateDir, id), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add %s: %v %s", name, err, out)
		}
	}
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", live).Run()
		exec.Command("ip", "netns", "del", stale).Run()
		os.Remove(filepath.Join(stateDir, "0badbeef"))
		os.Remove(filepath.Join(stateDir, "0badc0de"))
	})
	New(t, Options{})
	out, _ := exec.Command("ip", "netns", "list").Output()
	if strings.Contains(string(out), stale) {
		t.Errorf("stale namespace %s not removed", stale)
	}
	if !strings.Contains(string(out), live) {
		t.Errorf("namespace %s of a live process removed", live)
	}
}

// TestCaptureOptions: nanosecond pcap, direction filter, a capture filter,
// and counts from Stop.
func TestCaptureOptions(t *testing.T) {
	Require(t, "socat")
	l := New(t, Options{})
	l.UDPEcho(Server, 7)
	both := l.Capture(Gateway, GwServer, Nano())
	out := l.Capture(Gateway, GwServer, Direction("out"), Filter("udp"))
	converse(l, l.Start(Client, "udp client", "socat", "-t", "0.1", "-", "UDP4:"+netip.AddrPortFrom(ServerAddr4, 7).String()), "ping")
	fb, err := readPcap(both.Stop())
	if err != nil {
		t.Fatal(err)
	}
	fo, err := readPcap(out.Stop())
	if err != nil {
		t.Fatal(err)
	}
	if !fb.nano || fo.nano {
		t.Errorf("nano magic: %v (want true), %v (want false)", fb.nano, fo.nano)
	}
	if both.Captured != len(fb.packets) || both.Dropped != 0 {
		t.Errorf("counts: captured %d, file %d, dropped %d", both.Captured, len(fb.packets), both.Dropped)
	}
	var toServer, fromServer int
	for _, p := range fo.packets {
		if p.proto != 17 {
			t.Errorf("filter udp let through %+v", p)
		}
		if p.dst == ServerAddr4 {
			toServer++
		} else {
			fromServer++
		}
	}
	if toServer != 1 || fromServer != 0 {
		t.Errorf("direction out on gw-s: %d to the server, %d from it; want 1, 0", toServer, fromServer)
	}
	udp := 0
	for _, p := range fb.packets {
		if p.proto == 17 {
			udp++
		}
	}
	if udp != 2 {
		t.Errorf("both directions on gw-s: %d UDP packets, want 2", udp)
	}
}
