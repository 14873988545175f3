// Package live captures packets on network interfaces for flowaudit's live
// mode, with one of two engines feeding the same classifier:
//
//   - ebpf: the program of package bpf attached with TCX (tc clsact on
//     kernels before 6.6) on the ingress and egress of each interface. It
//     counts every packet of every flow in the kernel and hands user space,
//     through a ring buffer, only the frames classification needs; the
//     kernel's counters replace user space's when a flow ends (Adjust).
//   - afpacket: a TPACKET_V3 ring per interface (several with fanout), every
//     frame copied to user space; the fallback where eBPF cannot be loaded,
//     and the engine for interfaces without Ethernet frames (tun, WireGuard,
//     PPP: raw IP, linkOfType).
//
// Both hand each frame to a Handler as a capture.Packet (Link Ethernet or,
// from afpacket, raw IP, Length the frame's real length, Iface its interface index, so that a
// packet seen on two interfaces of a gateway counts once) and count what
// they lose: ring-buffer reservation failures, socket drops, flows the
// kernel's flow map could not hold.
package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"net/netip"

	"github.com/flowaudit/flowaudit/bpf"
	"github.com/flowaudit/flowaudit/capture"
)

// Engines.
const (
	EngineEBPF     = "ebpf"
	EngineAFPacket = "afpacket"
)

// Options choose what to capture and how.
type Options struct {
	Ifaces []string
	Engine string // EngineEBPF (default) or EngineAFPacket
	BPF    bpf.Config
	// Attach forces the eBPF attach mode: "tcx", "clsact", or "" (TCX,
	// falling back to clsact when the kernel has no TCX).
	Attach string
	// Fanout is the number of AF_PACKET sockets per interface sharing its
	// traffic (PACKET_FANOUT_HASH; 0 or 1: one).
	Fanout int
	// RingMiB is the AF_PACKET ring size per socket (default 32).
	RingMiB int
	// Netns, when set, is the path of a network namespace (/run/netns/NAME)
	// whose interfaces are opened (the engine itself runs in any).
	Netns string
}

// Handler receives what an engine captures. Its methods are never called
// concurrently (an engine with several readers serialises them).
type Handler interface {
	// Packet handles one frame; p.Data is valid only during the call.
	Packet(p *capture.Packet)
	// Tick is called about every TickInterval, and when no packet came
	// for that long: the place for periodic work (flushing batches,
	// reports, reading kernel counters).
	Tick(now time.Time)
}

// TickInterval is how often Handler.Tick runs.
const TickInterval = 100 * time.Millisecond

// Engine is a running capture.
type Engine interface {
	// Run captures until ctx is done, then hands over what the kernel still
	// holds and returns. It returns early on a read error.
	Run(ctx context.Context, h Handler) error
	// Stats reports what was seen and lost so far (safe at any time).
	Stats() Stats
	// Adjust corrects a finished flow's counters with the kernel's (for
	// engines that do not copy every packet) and reports whether the flow
	// lost data, and why. Safe for concurrent use.
	Adjust(c *Counts) (lossy bool, why string)
	// Close detaches everything from the interfaces and frees the kernel
	// objects.
	Close() error
}

// Counts is a finished flow as user space saw it: its endpoints, times
// (Unix ns) and per-direction packets and IP bytes, which Adjust corrects.
type Counts struct {
	Proto                uint8
	Orig, Resp           netip.AddrPort
	First, Last          int64
	OrigPkts, RespPkts   uint64
	OrigBytes, RespBytes uint64
}

// Stats count an engine's work and losses.
type Stats struct {
	Engine    string   // "ebpf" or "afpacket"
	Mode      string   // "tcx", "clsact" or "tpacket_v3"
	Ifaces    []string // interfaces captured
	Packets   uint64   // packets the kernel side saw (GSO segments counted for ebpf)
	Bytes     uint64   // their bytes (frame lengths)
	Delivered uint64   // frames handed to user space
	Dropped   uint64   // frames lost between the kernel and user space: ring buffer full, socket drops
	// eBPF flow map.
	Flows        uint64   // flows inserted in the kernel's flow map
	FlowMapLost  uint64   // flows the map could not hold or evicted before user space read them
	FlowsTracked uint64   // entries in the map at the last sweep
	Malformed    uint64   // IP frames the kernel program could not parse
	GSO          uint64   // GSO/GRO super-packets (frames longer than the MTU)
	Errors       []string // attach problems, fallbacks, undecodable records
}

// Open starts capturing on the interfaces (nothing is delivered before Run).
func Open(o Options) (Engine, error) {
	if len(o.Ifaces) == 0 {
		return nil, errors.New("live: no interface given")
	}
	switch o.Engine {
	case "", EngineEBPF:
		return openEBPF(o)
	case EngineAFPacket:
		return openAFPacket(o)
	}
	return nil, fmt.Errorf("live: unknown engine %q (want ebpf or afpacket)", o.Engine)
}
