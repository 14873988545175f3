package netlab

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CaptureOption changes how tcpdump captures.
type CaptureOption func(*captureConfig)

type captureConfig struct {
	nano      bool
	direction string
	filter    string
	snaplen   int
	name      string
}

// Nano records nanosecond timestamps (--time-stamp-precision=nano; the pcap
// file then has the nanosecond magic a1b23c4d).
func Nano() CaptureOption { return func(c *captureConfig) { c.nano = true } }

// Direction captures only packets received ("in") or sent ("out") on the
// interface (tcpdump -Q): a capture point that sees one direction of the
// traffic, as with asymmetric routing.
func Direction(d string) CaptureOption { return func(c *captureConfig) { c.direction = d } }

// Filter sets a capture filter (pcap-filter syntax).
func Filter(expr string) CaptureOption { return func(c *captureConfig) { c.filter = expr } }

// Snaplen sets the snapshot length.
func Snaplen(n int) CaptureOption { return func(c *captureConfig) { c.snaplen = n } }

// FileName sets the pcap file's base name (default: NS-IFACE-N.pcap).
func FileName(name string) CaptureOption { return func(c *captureConfig) { c.name = name } }

// Capture is a running tcpdump.
type Capture struct {
	NS, Iface string
	Path      string
	Nano      bool
	Direction string
	// Counts from tcpdump's closing lines, set by Stop.
	Captured, Received, Dropped int

	lab     *Lab
	proc    *Proc
	stopped bool
}

// Capture starts `tcpdump -i IFACE -w FILE -U` in ns ("any" captures every
// interface as Linux cooked SLL2 frames: a forwarded packet appears twice) and
// returns once tcpdump is listening. The file is in the test's temp dir.
// Packets are handed over at once (--immediate-mode) through a 32 MiB ring
// (-B: in immediate mode each slot holds a whole snaplen, and the default
// 2 MiB ring drops packets of short bursts).
func (l *Lab) Capture(ns, iface string, opts ...CaptureOption) *Capture {
	l.t.Helper()
	var cfg captureConfig
	for _, o := range opts {
		o(&cfg)
	}
	l.mu.Lock()
	n := len(l.caps)
	l.mu.Unlock()
	if cfg.name == "" {
		cfg.name = fmt.Sprintf("%s-%s-%d.pcap", ns, iface, n)
	}
	c := &Capture{NS: ns, Iface: iface, Path: filepath.Join(l.dir, cfg.name), Nano: cfg.nano, Direction: cfg.direction, lab: l}
	args := []string{"tcpdump", "-i", iface, "-w", c.Path, "-U", "-n", "--immediate-mode", "-Z", "root", "-B", "32768"}
	if cfg.snaplen > 0 {
		args = append(args, "-s", strconv.Itoa(cfg.snaplen))
	}
	if cfg.nano {
		args = append(args, "--time-stamp-precision=nano")
	}
	if cfg.direction != "" {
		args = append(args, "-Q", cfg.direction)
	}
	if cfg.filter != "" {
		args = append(args, strings.Fields(cfg.filter)...)
	}
	c.proc = l.Start(ns, "tcpdump "+ns+" "+iface, args...)
	if err := c.proc.WaitOutput("listening on", 10*time.Second); err != nil {
		l.t.Fatalf("netlab: capture: %v", err)
	}
	l.mu.Lock()
	l.caps = append(l.caps, c)
	l.mu.Unlock()
	return c
}

var countRE = regexp.MustCompile(`(\d+) packets? (captured|received by filter|dropped by kernel)`)

// Stop ends the capture cleanly (SIGINT, then waits until tcpdump has exited,
// having printed its "packets captured" line: every packet is in the file)
// and returns the pcap path. Calling it again returns the path.
func (c *Capture) Stop() string {
	t := c.lab.t
	t.Helper()
	if c.stopped {
		return c.Path
	}
	c.stopped = true
	c.settle()
	c.proc.Signal(syscall.SIGINT)
	// tcpdump breaks its loop, writes out what it holds, prints its counts
	// and exits 0.
	if err := c.proc.Wait(10 * time.Second); err != nil {
		t.Fatalf("netlab: stopping tcpdump in %s on %s: %v\n%s", c.NS, c.Iface, err, c.proc.Output())
	}
	if !countRE.MatchString(c.proc.Output()) {
		t.Logf("netlab: tcpdump in %s on %s exited without its counts:\n%s", c.NS, c.Iface, c.proc.Output())
	}
	for _, m := range countRE.FindAllStringSubmatch(c.proc.Output(), -1) {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "captured":
			c.Captured = n
		case "received by filter":
			c.Received = n
		case "dropped by kernel":
			c.Dropped = n
		}
	}
	if c.Dropped > 0 {
		t.Errorf("netlab: tcpdump in %s on %s dropped %d packets", c.NS, c.Iface, c.Dropped)
	}
	return c.Path
}

// infoRE is the line tcpdump prints when asked for its counts (SIGUSR1).
var infoRE = regexp.MustCompile(`(\d+) packets? captured, (\d+) packets? received by filter`)

// settle lets packets already on the wire reach the file before the
// capture stops: tcpdump stops at SIGINT without reading what its ring
// still holds. It asks tcpdump for its counts (SIGUSR1) until neither
// count moved between two asks 20 ms apart, tcpdump running all the while
// (it answered both): no packet came and none waits in its ring. The
// counts need not be equal: libpcap counts as received the packets a
// direction (-Q) leaves out. A fixed pause (30 ms) was not enough on a
// busy machine: a forwarded packet was missing its second copy, received
// by the filter but not captured.
func (c *Capture) settle() {
	t := c.lab.t
	t.Helper()
	prev := [2]int{-1, -1}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		n := len(infoRE.FindAllString(c.proc.Output(), -1))
		c.proc.Signal(syscall.SIGUSR1)
		var last []string
		for wait := time.Now().Add(time.Second); time.Now().Before(wait) && !c.proc.Exited(); time.Sleep(2 * time.Millisecond) {
			if m := infoRE.FindAllStringSubmatch(c.proc.Output(), -1); len(m) > n {
				last = m[len(m)-1]
				break
			}
		}
		if last == nil {
			t.Logf("netlab: tcpdump in %s on %s did not give its counts:\n%s", c.NS, c.Iface, c.proc.Output())
			return
		}
		var now [2]int
		now[0], _ = strconv.Atoi(last[1])
		now[1], _ = strconv.Atoi(last[2])
		if now == prev {
			return
		}
		prev = now
	}
	t.Logf("netlab: tcpdump in %s on %s still busy after 5 s", c.NS, c.Iface)
}

// Output returns tcpdump's messages.
func (c *Capture) Output() string { return c.proc.Output() }

func (c *Capture) kill() {
	if !c.stopped {
		c.proc.Signal(syscall.SIGINT)
	}
	c.proc.Stop()
}
