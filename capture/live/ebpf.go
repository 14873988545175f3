package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/flowaudit/flowaudit/bpf"
	"github.com/flowaudit/flowaudit/capture"
)

type ifaceRef struct {
	name  string
	index int
}

type ebpfEngine struct {
	objs    *bpf.FlowObjects
	ifaces  []ifaceRef
	mode    string
	links   []link.Link
	filters []*tcFilter
	nl      *netlinkConn
	rd      *ringbuf.Reader
	monoOff int64 // wall clock minus CLOCK_MONOTONIC, ns

	detachOnce sync.Once
	delivered  atomic.Uint64
	badRecords atomic.Uint64
	removed    atomic.Uint64 // flow map entries user space deleted

	mu         sync.Mutex // what Tick maintains
	lastSweep  time.Time
	tracked    uint64
	mapLost    uint64
	drops      dropLog
	errs       []string
	lastStats  [bpf.NumStats]uint64
	statsError error
}

// flowSweepEvery is how often the flow map is read; entries idle for
// flowIdle are deleted (user space ended their flows long ago, or never
// saw them).
const (
	flowSweepEvery = 10 * time.Second
	flowIdle       = 10 * time.Minute
)

func openEBPF(o Options) (_ Engine, err error) {
	if err := checkCaps(EngineEBPF); err != nil {
		return nil, err
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, privileged(EngineEBPF, "raising the locked-memory limit for eBPF maps", err)
	}
	objs, err := bpf.Load(o.BPF)
	if err != nil {
		return nil, privileged(EngineEBPF, "loading the eBPF program", err)
	}
	e := &ebpfEngine{objs: objs}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	err = inNetns(o.Netns, func() error {
		for _, name := range o.Ifaces {
			ifc, err := net.InterfaceByName(name)
			if err != nil {
				return fmt.Errorf("interface %s: %w", name, err)
			}
			if len(ifc.HardwareAddr) != 6 {
				return fmt.Errorf("interface %s is not an Ethernet interface: the ebpf engine reads Ethernet frames (use --engine afpacket)", name)
			}
			e.ifaces = append(e.ifaces, ifaceRef{name, ifc.Index})
		}
		return e.attach(o.Attach)
	})
	if err != nil {
		return nil, err
	}
	e.rd, err = ringbuf.NewReader(objs.Ring)
	if err != nil {
		return nil, fmt.Errorf("ring buffer: %w", err)
	}
	e.monoOff = monoOffset()
	return e, nil
}

// monoOffset is what to add to a CLOCK_MONOTONIC time (bpf_ktime_get_ns)
// to get Unix time.
func monoOffset() int64 {
	var ts unix.Timespec
	before := time.Now()
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return before.UnixNano() - ts.Nano()
}

// attach puts the program on both hooks of every interface: TCX links,
// or clsact filters when the kernel has no TCX (or mode says so).
func (e *ebpfEngine) attach(mode string) error {
	if mode == "" || mode == "tcx" {
		err := e.attachTCX()
		if err == nil {
			e.mode = "tcx"
			return nil
		}
		if mode == "tcx" || !errors.Is(err, ebpf.ErrNotSupported) {
			return privileged(EngineEBPF, "attaching with TCX", err)
		}
		for _, l := range e.links {
			l.Close()
		}
		e.links = nil
		e.errs = append(e.errs, fmt.Sprintf("TCX not supported by this kernel (%v): using tc clsact filters", err))
	} else if mode != "clsact" {
		return fmt.Errorf("unknown attach mode %q (want tcx or clsact)", mode)
	}
	nl, err := openNetlink()
	if err != nil {
		return privileged(EngineEBPF, "opening rtnetlink", err)
	}
	e.nl = nl
	for _, ifc := range e.ifaces {
		for _, egress := range []bool{false, true} {
			prog, name := e.objs.FlowauditIngress, "flowaudit_ingress"
			if egress {
				prog, name = e.objs.FlowauditEgress, "flowaudit_egress"
			}
			f, err := attachClsact(nl, ifc.index, prog.FD(), name, egress)
			if err != nil {
				return privileged(EngineEBPF, "attaching to "+ifc.name, err)
			}
			e.filters = append(e.filters, f)
		}
	}
	e.mode = "clsact"
	return nil
}

func (e *ebpfEngine) attachTCX() error {
	for _, ifc := range e.ifaces {
		for _, at := range []ebpf.AttachType{ebpf.AttachTCXIngress, ebpf.AttachTCXEgress} {
			prog := e.objs.FlowauditIngress
			if at == ebpf.AttachTCXEgress {
				prog = e.objs.FlowauditEgress
			}
			l, err := link.AttachTCX(link.TCXOptions{Interface: ifc.index, Program: prog, Attach: at})
			if err != nil {
				return fmt.Errorf("%s: %w", ifc.name, err)
			}
			e.links = append(e.links, l)
		}
	}
	return nil
}

// detach takes the program off the interfaces: the kernel's counters stop.
func (e *ebpfEngine) detach() {
	e.detachOnce.Do(func() {
		for _, l := range e.links {
			l.Close()
		}
		for _, f := range e.filters {
			f.Close()
		}
		if e.nl != nil {
			e.nl.Close()
		}
	})
}

func (e *ebpfEngine) Close() error {
	e.detach()
	if e.rd != nil {
		e.rd.Close()
	}
	return e.objs.Close()
}

func (e *ebpfEngine) Run(ctx context.Context, h Handler) error {
	defer func() {
		// The counters stop; the last estimate of the map's losses.
		e.detach()
		e.sweep(time.Now())
	}()
	stop := context.AfterFunc(ctx, func() { e.rd.Flush() })
	defer stop()
	var rec ringbuf.Record
	var r bpf.Record
	pkt := capture.Packet{Link: capture.LinkEthernet}
	next := time.Now().Add(TickInterval)
	e.rd.SetDeadline(next)
	n := 0
	for {
		err := e.rd.ReadInto(&rec)
		switch {
		case err == nil:
			if bpf.ParseRecord(rec.RawSample, &r) != nil {
				e.badRecords.Add(1)
				continue
			}
			pkt.Data = r.Data
			pkt.Time = int64(r.Time) + e.monoOff
			pkt.Length = int(r.Len)
			pkt.Iface = r.Ifindex
			pkt.Number++
			h.Packet(&pkt)
			e.delivered.Add(1)
			if n++; n&255 == 0 {
				if now := time.Now(); now.After(next) {
					e.tick(now, h)
					next = now.Add(TickInterval)
				}
			}
		case errors.Is(err, os.ErrDeadlineExceeded):
			now := time.Now()
			e.tick(now, h)
			next = now.Add(TickInterval)
			e.rd.SetDeadline(next)
		case errors.Is(err, ringbuf.ErrFlushed), errors.Is(err, ringbuf.ErrClosed):
			e.tick(time.Now(), h)
			return nil
		default:
			return fmt.Errorf("reading the ring buffer: %w", err)
		}
	}
}

// tick reads the kernel's counters, notes drops, sweeps the flow map now
// and then, and lets the handler do its periodic work.
func (e *ebpfEngine) tick(now time.Time, h Handler) {
	st, err := bpf.ReadStats(e.objs.Stats)
	e.mu.Lock()
	if err != nil {
		e.statsError = err
	} else {
		e.lastStats = st
		e.drops.note(now.UnixNano(), st[bpf.StatRingFull])
	}
	sweep := now.Sub(e.lastSweep) >= flowSweepEvery
	if sweep {
		e.lastSweep = now
	}
	e.mu.Unlock()
	if sweep {
		e.sweep(now)
	}
	h.Tick(now)
}

// sweep counts the flow map's entries, deletes the long idle ones, and
// estimates the flows the map lost (LRU evictions): those inserted that are
// neither in the map nor deleted by user space. Insertions and deletions
// racing with the count only lower the estimate: it never reports a loss
// that did not happen.
func (e *ebpfEngine) sweep(now time.Time) {
	st, err := bpf.ReadStats(e.objs.Stats)
	if err != nil {
		return
	}
	inserted := st[bpf.StatFlows]
	var k bpf.FlowFlowKey
	var v bpf.FlowFlowStats
	var idle []bpf.FlowFlowKey
	var n uint64
	mono := uint64(now.UnixNano() - e.monoOff)
	it := e.objs.Flows.Iterate()
	for it.Next(&k, &v) {
		n++
		if mono > v.LastNs && mono-v.LastNs > uint64(flowIdle) {
			idle = append(idle, k)
		}
	}
	for _, k := range idle {
		if e.objs.Flows.Delete(&k) == nil {
			e.removed.Add(1)
			n--
		}
	}
	removed := e.removed.Load()
	e.mu.Lock()
	e.tracked = n
	if inserted > n+removed {
		e.mapLost = max(e.mapLost, inserted-n-removed)
	}
	e.mu.Unlock()
}

func (e *ebpfEngine) Stats() Stats {
	e.mu.Lock()
	st := e.lastStats
	s := Stats{Engine: EngineEBPF, Mode: e.mode, FlowsTracked: e.tracked, FlowMapLost: e.mapLost, Errors: append([]string(nil), e.errs...)}
	if e.statsError != nil {
		s.Errors = append(s.Errors, "reading the kernel's counters: "+e.statsError.Error())
	}
	e.mu.Unlock()
	if cur, err := bpf.ReadStats(e.objs.Stats); err == nil {
		st = cur
	}
	for _, ifc := range e.ifaces {
		s.Ifaces = append(s.Ifaces, ifc.name)
	}
	s.Packets = st[bpf.StatSegments]
	s.Bytes = st[bpf.StatBytes]
	s.Delivered = e.delivered.Load()
	s.Dropped = st[bpf.StatRingFull]
	s.Flows = st[bpf.StatFlows]
	s.Malformed = st[bpf.StatMalformed]
	s.GSO = st[bpf.StatGSO]
	s.FlowMapLost += st[bpf.StatFlowFail]
	if b := e.badRecords.Load(); b > 0 {
		s.Errors = append(s.Errors, fmt.Sprintf("%d ring-buffer records could not be decoded", b))
	}
	if st[bpf.StatLoadFail] > 0 {
		s.Errors = append(s.Errors, fmt.Sprintf("%d frames could not be copied from the kernel", st[bpf.StatLoadFail]))
	}
	return s
}

// flowKey builds the kernel's canonical key of a flow.
func flowKey(c *Counts) (k bpf.FlowFlowKey, origIsA bool) {
	sport, dport := c.Orig.Port(), c.Resp.Port()
	s, d := c.Orig.Addr().As16(), c.Resp.Addr().As16() // IPv4 as ::ffff:a.b.c.d, as the kernel stores it
	k.Proto = c.Proto
	cmp := bytes.Compare(s[:], d[:])
	if cmp < 0 || (cmp == 0 && sport <= dport) {
		k.A, k.B, k.A_port, k.B_port = s, d, sport, dport
		return k, true
	}
	k.A, k.B, k.A_port, k.B_port = d, s, dport, sport
	return k, false
}

// Adjust replaces a finished flow's packet and byte counts with the
// kernel's, which saw every packet (the largest over the interfaces: a
// forwarded packet crosses two), deletes the kernel's entries, and tells
// whether data of the flow was lost on the way to user space.
func (e *ebpfEngine) Adjust(f *Counts) (bool, string) {
	k, origIsA := flowKey(f)
	var pkts, byts [2]uint64
	var lost uint64
	found := false
	var v bpf.FlowFlowStats
	for _, ifc := range e.ifaces {
		k.Ifindex = uint32(ifc.index)
		if err := e.objs.Flows.LookupAndDelete(&k, &v); err != nil {
			if !errors.Is(err, ebpf.ErrKeyNotExist) {
				// LRU hash maps before 5.14 cannot look up and delete at once.
				if e.objs.Flows.Lookup(&k, &v) != nil {
					continue
				}
				e.objs.Flows.Delete(&k)
			} else {
				continue
			}
		}
		e.removed.Add(1)
		found = true
		for i := range 2 {
			pkts[i] = max(pkts[i], v.Pkts[i])
			byts[i] = max(byts[i], v.Bytes[i])
		}
		lost += uint64(v.Lost[0]) + uint64(v.Lost[1])
	}
	if !found {
		if e.drops.overlaps(f.First, f.Last) {
			return true, "the ring buffer was full while this connection was active"
		}
		return false, ""
	}
	o, r := 0, 1
	if !origIsA {
		o, r = 1, 0
	}
	var why string
	switch {
	case lost > 0:
		why = fmt.Sprintf("%d frames of this connection were lost (ring buffer full)", lost)
	case pkts[r] > 0 && f.RespPkts == 0:
		why = fmt.Sprintf("the kernel counted %d packets from the responder that user space never saw", pkts[r])
	case pkts[o] > 0 && f.OrigPkts == 0:
		why = fmt.Sprintf("the kernel counted %d packets from the originator that user space never saw", pkts[o])
	}
	f.OrigPkts = max(f.OrigPkts, pkts[o])
	f.RespPkts = max(f.RespPkts, pkts[r])
	f.OrigBytes = max(f.OrigBytes, byts[o])
	f.RespBytes = max(f.RespBytes, byts[r])
	return why != "", why
}

// AttachedPrograms lists the names of the eBPF programs attached with TCX
// to the ingress and egress of an interface (of the network namespace at
// netns, "" for this one), as "ingress:NAME" and "egress:NAME": a check
// that nothing was left behind.
func AttachedPrograms(netns, iface string) ([]string, error) {
	var out []string
	err := inNetns(netns, func() error {
		ifc, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		for _, at := range []ebpf.AttachType{ebpf.AttachTCXIngress, ebpf.AttachTCXEgress} {
			res, err := link.QueryPrograms(link.QueryOptions{Target: ifc.Index, Attach: at})
			if err != nil {
				return err
			}
			hook := "ingress"
			if at == ebpf.AttachTCXEgress {
				hook = "egress"
			}
			for _, p := range res.Programs {
				name := fmt.Sprintf("id-%d", p.ID)
				if prog, err := ebpf.NewProgramFromID(p.ID); err == nil {
					if info, err := prog.Info(); err == nil {
						name = info.Name
					}
					prog.Close()
				}
				out = append(out, hook+":"+name)
			}
		}
		return nil
	})
	return out, err
}
