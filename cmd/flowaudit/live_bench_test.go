package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/internal/netlab"
)

var tcpreplayRate = regexp.MustCompile(`Rated: [0-9.]+ Bps, [0-9.]+ Mbps, ([0-9.]+) pps`)

// BenchmarkLiveEngines compares the engines at the highest rate tcpreplay
// reaches on this machine: the Teams capture replayed 300 times
// (--unique-ip: new addresses, so new flows, each time) as fast as possible
// into a veth, flowaudit live on the other end. It reports the packets the
// kernel side saw, the frames handed to user space, the drops, the flows
// accounted, and flowaudit's CPU time (user + system, the whole process:
// ring reading, classification, reports) per packet seen. Not a timed
// test: run it with make bench (as root).
func BenchmarkLiveEngines(b *testing.B) {
	netlab.Require(b, "tcpreplay")
	lab := netlab.New(b, netlab.Options{RunTimeout: 5 * time.Minute})
	lab.MustRun(netlab.Client, "sh", "-c", `set -e
ip link add rp0 mtu 9000 type veth peer name rp1 mtu 9000
for i in rp0 rp1; do
	echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6
	ip link set $i up
done`)
	for _, mix := range []struct {
		name, file string
		loops      int
	}{
		// Many short flows: TLS sessions, DNS, STUN (19 packets a flow).
		{"teams", "../../testdata/demo/teams.pcap", 300},
		// Bulk: HTTP downloads, a few long flows.
		{"downloads", "../../testdata/captures/vnd.ms-cab-compressed-multi-conn.pcap", 3000},
	} {
		file, err := filepath.Abs(mix.file)
		if err != nil {
			b.Fatal(err)
		}
		loops := mix.loops
		for _, eng := range []string{"ebpf", "afpacket"} {
			benchEngine(b, lab, mix.name+"/"+eng, eng, file, loops)
		}
	}
}

func benchEngine(b *testing.B, lab *netlab.Lab, name, eng, file string, loops int) {
	b.Run(name, func(b *testing.B) {
		for range b.N {
			bin := flowauditBinary(b)
			dir := b.TempDir()
			rep := filepath.Join(dir, "report.json")
			p := lab.Start(netlab.Client, "flowaudit live "+eng, bin, "live", "--engine", eng, "--iface", "rp1", "--format", "json", "-o", rep, "--report-every", "0")
			if err := p.WaitOutput("capturing on", 15*time.Second); err != nil {
				b.Fatal(err)
			}
			out, err := lab.RunTimeout(netlab.Client, 5*time.Minute, "tcpreplay", "-i", "rp0", "--topspeed", "--loop", strconv.Itoa(loops), "--unique-ip", file)
			if err != nil {
				b.Fatalf("tcpreplay: %v\n%s", err, out)
			}
			time.Sleep(300 * time.Millisecond)
			p.Signal(syscall.SIGINT)
			if err := p.Wait(2 * time.Minute); err != nil {
				b.Fatalf("%v\n%s", err, p.Output())
			}
			r := readReport(b, rep)
			l := r.Capture.Loss
			cpu := p.Cmd.ProcessState.UserTime() + p.Cmd.ProcessState.SystemTime()
			pps := 0.0
			if m := tcpreplayRate.FindStringSubmatch(out); m != nil {
				pps, _ = strconv.ParseFloat(m[1], 64)
			}
			b.ReportMetric(pps, "replay-pps")
			b.ReportMetric(float64(l.Packets), "packets")
			b.ReportMetric(float64(l.Delivered), "to-user")
			b.ReportMetric(float64(l.Dropped), "drops")
			b.ReportMetric(float64(r.Summary.Connections), "flows")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(max(l.Packets, 1)), "cpu-ns/pkt")
			b.Logf("%s: tcpreplay %.0f pps; kernel saw %d packets, %d handed to user space, %d dropped, %d flows, %d suspect; CPU %v (%.0f ns/packet)",
				eng, pps, l.Packets, l.Delivered, l.Dropped, r.Summary.Connections, l.Suspect, cpu, float64(cpu.Nanoseconds())/float64(max(l.Packets, 1)))
		}
	})
}
