package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/internal/netlab"
	"github.com/flowaudit/flowaudit/report"
)

// replayCaptures are the shared captures (Ethernet) replayed into a veth.
var replayCaptures = []string{
	"captures/syn.pcap",
	"captures/syn-then-rst.pcap",
	"captures/icmp-destunreach-udp.pcap",
	"captures/icmp6-destunreach-ip6ext-udp.pcap",
	"captures/dns_tcp.pcap",
	"captures/q-in-q.pcap",
	"captures/tftp.pcap",
	"captures/cassandra.pcap",
	"captures/mssql_tds.pcap",
	"captures/vnd.ms-cab-compressed-multi-conn.pcap",
	"captures/zerologon.pcap",
	"demo/teams.pcap", // at its own pace (26s): DNS answers expire (TTL) before some flows
}

// realTime are the captures replayed at their recorded pace, not as fast as
// possible: compressing time would keep names past their DNS TTL.
var realTime = map[string]bool{"demo/teams.pcap": true}

// replayVeth makes a veth pair rp0/rp1 in ns: tcpreplay writes into rp0,
// flowaudit live reads rp1. Neither has an address or IPv6, the namespace
// does not forward: nothing answers or adds traffic.
func replayVeth(t *testing.T, lab *netlab.Lab, ns string) {
	t.Helper()
	lab.MustRun(ns, "sh", "-c", `set -e
ip link add rp0 mtu 9000 type veth peer name rp1 mtu 9000
for i in rp0 rp1; do
	echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6
	ip link set $i up
done`)
}

// TestLiveReplayMatchesOfflineAudit replays shared captures with tcpreplay
// into a veth while both live engines run on its other end, and compares
// their final reports with `flowaudit audit` of the same file: the same
// flows, names, conn_states, verdicts and packet counts.
func TestLiveReplayMatchesOfflineAudit(t *testing.T) {
	netlab.Require(t, "tcpreplay")
	lab := netlab.New(t, netlab.Options{})
	replayVeth(t, lab, netlab.Client)
	for _, name := range replayCaptures {
		file, err := filepath.Abs(filepath.Join("../../testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			code, out, errs := runCLI(t, "audit", "--format", "json", file)
			if code != 0 {
				t.Fatalf("offline audit: exit %d: %s", code, errs)
			}
			var want report.Report
			if err := json.Unmarshal([]byte(out), &want); err != nil {
				t.Fatal(err)
			}
			runs := map[string]*liveRun{}
			for _, eng := range []string{"ebpf", "afpacket"} {
				runs[eng] = startLive(t, lab, netlab.Client, eng, []string{"rp1"})
			}
			speed := "--topspeed"
			if realTime[name] {
				speed = "--multiplier=1"
			}
			if out, err := lab.RunTimeout(netlab.Client, 2*time.Minute, "tcpreplay", "-q", "-i", "rp0", speed, file); err != nil {
				t.Fatalf("tcpreplay: %v\n%s", err, out)
			}
			time.Sleep(200 * time.Millisecond)
			for eng, lr := range runs {
				r, _ := lr.stop()
				if l := r.Capture.Loss; l == nil || l.Dropped != 0 || l.Suspect != 0 {
					t.Errorf("%s: loss %+v", eng, l)
				}
				if got, w := verdictSet(r), verdictSet(&want); !slices.Equal(got, w) {
					t.Errorf("%s: live and offline differ:\nlive:    %s\noffline: %s", eng, strings.Join(got, "\n         "), strings.Join(w, "\n         "))
				}
				if got, w := countSet(r), countSet(&want); !slices.Equal(got, w) {
					t.Errorf("%s: packet counts differ:\nlive:    %s\noffline: %s", eng, strings.Join(got, "\n         "), strings.Join(w, "\n         "))
				}
			}
		})
	}
}

// countSet lists each group's packets and bytes per direction.
func countSet(r *report.Report) []string {
	var out []string
	for _, g := range r.Flows {
		out = append(out, fmt.Sprintf("%s %s -> %s:%d x%d: %d/%d packets %d/%d bytes", g.Proto, g.Src, g.Dst, g.DstPort, g.Count, g.OrigPackets, g.RespPackets, g.OrigBytes, g.RespBytes))
	}
	slices.Sort(out)
	return out
}
