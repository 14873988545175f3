package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/internal/netlab"
)

// TestLiveRawIPInterface: a tun device (as OpenVPN's, and like WireGuard's
// and PPP's, frames without a link-layer header) is read as raw IP by the
// afpacket engine, and refused by the ebpf engine, which reads Ethernet
// frames. socat holds the device open and drops what the kernel sends out
// of it, so curl's connections over IPv4 and IPv6 get no answer.
func TestLiveRawIPInterface(t *testing.T) {
	netlab.Require(t, "socat", "curl", "ip")
	lab := netlab.New(t, netlab.Options{})
	ns := netlab.Client
	const dev = "fatun0"
	local4, peer4 := netip.MustParseAddr("10.78.0.1"), netip.MustParseAddr("10.78.0.2")
	local6, peer6 := netip.MustParseAddr("fd78::1"), netip.MustParseAddr("fd78::2")
	lab.Start(ns, "socat tun", "socat", "-u", "TUN:"+local4.String()+"/24,tun-type=tun,tun-name="+dev+",iff-up", "OPEN:/dev/null,wronly")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out, err := lab.Run(ns, "ip", "-o", "link", "show", dev); err == nil && strings.Contains(out, "UP") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come up", dev)
		}
		time.Sleep(100 * time.Millisecond)
	}
	lab.MustRun(ns, "ip", "-6", "addr", "add", local6.String()+"/64", "dev", dev, "nodad")

	// The ebpf engine says why it cannot, and which engine can.
	out, err := lab.Run(ns, flowauditBinary(t), "live", "--engine", "ebpf", "--iface", dev, "--duration", "1s")
	if err == nil || !strings.Contains(out, "not an Ethernet interface") || !strings.Contains(out, "--engine afpacket") {
		t.Errorf("ebpf engine on %s: %v\n%s", dev, err, out)
	}

	lr := startLive(t, lab, ns, "afpacket", []string{dev})
	lab.Run(ns, "curl", "-s", "--max-time", "1", "http://"+peer4.String()+":8080/")
	lab.Run(ns, "curl", "-s", "--max-time", "1", "-g", "http://["+peer6.String()+"]:8443/")
	r, _ := lr.stop()
	for _, c := range []struct {
		client, server netip.Addr
		port           uint16
	}{{local4, peer4, 8080}, {local6, peer6, 8443}} {
		gs := groupsTo(r, "tcp", c.client, c.server, c.port)
		if len(gs) != 1 || gs[0].History == "" || gs[0].History[0] != 'S' || gs[0].OrigPackets == 0 || gs[0].RespPackets != 0 {
			t.Errorf("%v -> %v:%d: %d groups, want one unanswered connection; all:%s", c.client, c.server, c.port, len(gs), flowList(r))
		}
	}
	if r.Capture.Malformed != 0 || r.Capture.Skipped != 0 {
		t.Errorf("capture: %d malformed, %d skipped frames, want none", r.Capture.Malformed, r.Capture.Skipped)
	}
}
