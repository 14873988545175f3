package live

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/afpacket"
	"golang.org/x/net/bpf"

	"github.com/flowaudit/flowaudit/capture"
)

// afpEngine reads TPACKET_V3 rings: Fanout sockets (one by default), each
// bound to every interface of the namespace with a classic BPF filter
// keeping the audited ones, sharing the traffic by a symmetric flow hash
// (PACKET_FANOUT_HASH). One socket sees all the interfaces: the two copies
// of a forwarded packet (in on one side, out on the other) arrive in order,
// close together, as the classifier's duplicate suppression needs (sockets
// per interface would deliver them a whole ring block apart). Each socket is
// read by its own goroutine; Handler calls are serialised by a mutex.
type afpEngine struct {
	ifaces []ifaceRef
	links  []capture.LinkType // of each interface's frames: Ethernet, or raw IP (linkOfType)
	socks  []*afpSock

	mu        sync.Mutex // serialises the handler
	delivered atomic.Uint64
	drops     dropLog

	statsMu   sync.Mutex
	packets   uint64
	dropped   uint64
	bytes     atomic.Uint64
	closeOnce sync.Once
}

type afpSock struct {
	tp *afpacket.TPacket
}

// ifindexFilter is a classic BPF program accepting the frames of the given
// interfaces.
func ifindexFilter(ifaces []ifaceRef) ([]bpf.RawInstruction, error) {
	prog := []bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtInterfaceIndex}}
	for i, ifc := range ifaces {
		// Jump to the accept at the end when equal.
		prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(ifc.index), SkipTrue: uint8(len(ifaces) - i)})
	}
	prog = append(prog, bpf.RetConstant{Val: 0}, bpf.RetConstant{Val: 0xffffffff})
	return bpf.Assemble(prog)
}

func openAFPacket(o Options) (_ Engine, err error) {
	if err := checkCaps(EngineAFPacket); err != nil {
		return nil, err
	}
	fanout := max(o.Fanout, 1)
	ring := o.RingMiB
	if ring <= 0 {
		ring = 32
	}
	const blockSize = 1 << 20
	e := &afpEngine{}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	err = inNetns(o.Netns, func() error {
		types, err := deviceTypes()
		if err != nil {
			return err
		}
		for _, name := range o.Ifaces {
			ifc, err := net.InterfaceByName(name)
			if err != nil {
				return fmt.Errorf("interface %s: %w", name, err)
			}
			link, err := ifaceLink(name, ifc.Index, types)
			if err != nil {
				return err
			}
			e.ifaces = append(e.ifaces, ifaceRef{name: name, index: ifc.Index})
			e.links = append(e.links, link)
		}
		filter, err := ifindexFilter(e.ifaces)
		if err != nil {
			return err
		}
		id := uint16(os.Getpid())
		for range fanout {
			tp, err := afpacket.NewTPacket(afpacket.OptTPacketVersion(afpacket.TPacketVersion3),
				afpacket.OptBlockSize(blockSize), afpacket.OptFrameSize(1<<16), afpacket.OptNumBlocks(max(ring*(1<<20)/blockSize, 1)),
				afpacket.OptBlockTimeout(10*time.Millisecond), afpacket.OptPollTimeout(TickInterval))
			if err != nil {
				return privileged(EngineAFPacket, "opening an AF_PACKET socket", err)
			}
			e.socks = append(e.socks, &afpSock{tp: tp})
			if err := tp.SetBPF(filter); err != nil {
				return fmt.Errorf("AF_PACKET filter: %w", err)
			}
			if fanout > 1 {
				if err := tp.SetFanout(afpacket.FanoutHash, id); err != nil {
					return fmt.Errorf("AF_PACKET fanout: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// linkOf returns the link type of the frames of interface ifindex, and
// false when it is not an audited interface (frames that arrived before
// the filter was set may not be).
func (e *afpEngine) linkOf(ifindex int) (capture.LinkType, bool) {
	for i, ifc := range e.ifaces {
		if ifc.index == ifindex {
			return e.links[i], true
		}
	}
	return 0, false
}

func (e *afpEngine) Run(ctx context.Context, h Handler) error {
	var wg sync.WaitGroup
	errc := make(chan error, len(e.socks))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, s := range e.socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.read(ctx, s, h); err != nil {
				errc <- err
				cancel()
			}
		}()
	}
	t := time.NewTicker(TickInterval)
	defer t.Stop()
	for done := false; !done; {
		select {
		case now := <-t.C:
			e.tick(now, h)
		case <-ctx.Done():
			done = true
		}
	}
	wg.Wait()
	e.tick(time.Now(), h)
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func (e *afpEngine) read(ctx context.Context, s *afpSock, h Handler) error {
	var pkt capture.Packet
	// After ctx is done, what the ring holds is still read, until it stays
	// empty for a poll timeout (or for drainMax under steady traffic).
	var stopAt time.Time
	for {
		if ctx.Err() != nil {
			if stopAt.IsZero() {
				stopAt = time.Now().Add(drainMax)
			} else if time.Now().After(stopAt) {
				return nil
			}
		}
		data, ci, err := s.tp.ZeroCopyReadPacketData()
		if err != nil {
			if errors.Is(err, afpacket.ErrTimeout) {
				if ctx.Err() != nil {
					return nil
				}
				continue
			}
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("AF_PACKET: %w", err)
		}
		link, ok := e.linkOf(ci.InterfaceIndex)
		if !ok {
			continue
		}
		pkt.Link = link
		pkt.Data = data
		pkt.Time = ci.Timestamp.UnixNano()
		pkt.Length = ci.Length
		pkt.Iface = uint32(ci.InterfaceIndex)
		e.mu.Lock()
		pkt.Number++
		h.Packet(&pkt)
		e.mu.Unlock()
		e.delivered.Add(1)
		e.bytes.Add(uint64(ci.Length))
	}
}

// drainMax bounds how long a socket is read after the capture was asked
// to stop.
const drainMax = time.Second

func (e *afpEngine) tick(now time.Time, h Handler) {
	e.statsMu.Lock()
	var pk, dr uint64
	for _, s := range e.socks {
		_, v3, err := s.tp.SocketStats()
		if err != nil {
			continue
		}
		pk += uint64(v3.Packets())
		dr += uint64(v3.Drops())
	}
	e.packets, e.dropped = pk, dr
	e.statsMu.Unlock()
	e.drops.note(now.UnixNano(), dr)
	e.mu.Lock()
	h.Tick(now)
	e.mu.Unlock()
}

func (e *afpEngine) Stats() Stats {
	s := Stats{Engine: EngineAFPacket, Mode: "tpacket_v3"}
	for _, ifc := range e.ifaces {
		s.Ifaces = append(s.Ifaces, ifc.name)
	}
	e.statsMu.Lock()
	// tp_packets counts every frame the socket received, dropped or not.
	s.Packets, s.Dropped = e.packets, e.dropped
	e.statsMu.Unlock()
	s.Delivered = e.delivered.Load()
	s.Packets = max(s.Packets, s.Delivered+s.Dropped)
	s.Bytes = e.bytes.Load()
	return s
}

// Adjust: every frame reached user space, except those the socket dropped.
func (e *afpEngine) Adjust(c *Counts) (bool, string) {
	if e.drops.overlaps(c.First, c.Last) {
		return true, "the AF_PACKET ring dropped frames while this connection was active"
	}
	return false, ""
}

func (e *afpEngine) Close() error {
	e.closeOnce.Do(func() {
		for _, s := range e.socks {
			s.tp.Close()
		}
	})
	return nil
}
