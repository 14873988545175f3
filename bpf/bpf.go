package bpf

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
)

// Why bits of a record: the reasons the program sent a frame up.
const (
	WhyNew       = 0x01 // the flow's first packet
	WhyFirst     = 0x02 // one of the first packets of its direction
	WhyCtrl      = 0x04 // SYN, FIN or RST
	WhyDNS       = 0x08 // port 53
	WhyPayload   = 0x10 // within the TCP payload budget of its direction
	WhyICMPError = 0x20 // an ICMP error (quotes another flow's packet)
	WhyKeepalive = 0x40 // a busy flow's periodic frame
	WhyOther     = 0x80 // not a tracked flow: fragment, cut or inconsistent header
)

// Indexes of the per-CPU stats array (enum stat in flow.c).
const (
	StatPackets = iota
	StatBytes
	StatRecords
	StatRingFull
	StatFlows
	StatFlowFail
	StatNotIP
	StatMalformed
	StatFragments
	StatGSO
	StatLoadFail
	StatICMPErrors
	StatSegments
	NumStats
)

// SnapMax is the most bytes of a frame a record holds.
const SnapMax = 4096

// RecordHeaderLen is the size of a record's fixed part, before the frame.
const RecordHeaderLen = 24

// Config tunes the program. Zero fields take the defaults.
type Config struct {
	FirstPackets int    // first packets of each direction of a flow sent up (default 4)
	PayloadSegs  int    // TCP payload segments from the originator sent up (default 16)
	PayloadBytes int    // TCP payload bytes of each direction sent up (default 16 KiB)
	RespSegs     int    // TCP payload segments from the responder sent up (default 2)
	WakeupBytes  int    // user space is woken when this much waits in the ring (default 64 KiB; it also polls)
	KeepaliveNs  uint64 // a busy flow sends a frame at least this often (default 20s)
	Snap         int    // bytes of a frame copied (default and maximum SnapMax)
	FlowEntries  int    // size of the LRU flow map (default 131072)
	RingBytes    int    // size of the ring buffer, a power of two (default 8 MiB)
}

// Load loads the program and its maps into the kernel (not attached).
func Load(cfg Config) (*FlowObjects, error) {
	spec, err := LoadFlow()
	if err != nil {
		return nil, err
	}
	set := func(name string, v any) error {
		vs, ok := spec.Variables[name]
		if !ok {
			return fmt.Errorf("bpf: no variable %s", name)
		}
		return vs.Set(v)
	}
	if cfg.FirstPackets > 0 {
		err = errors.Join(err, set("cfg_first_pkts", uint32(cfg.FirstPackets)))
	}
	if cfg.PayloadSegs > 0 {
		err = errors.Join(err, set("cfg_payload_segs", uint32(cfg.PayloadSegs)))
	}
	if cfg.PayloadBytes > 0 {
		err = errors.Join(err, set("cfg_payload_bytes", uint32(cfg.PayloadBytes)))
	}
	if cfg.RespSegs > 0 {
		err = errors.Join(err, set("cfg_resp_segs", uint32(cfg.RespSegs)))
	}
	if cfg.WakeupBytes > 0 {
		err = errors.Join(err, set("cfg_wakeup_bytes", uint64(cfg.WakeupBytes)))
	}
	if cfg.KeepaliveNs > 0 {
		err = errors.Join(err, set("cfg_keepalive_ns", cfg.KeepaliveNs))
	}
	if cfg.Snap > 0 {
		err = errors.Join(err, set("cfg_snap", uint32(min(cfg.Snap, SnapMax))))
	}
	if err != nil {
		return nil, err
	}
	if cfg.FlowEntries > 0 {
		spec.Maps["flows"].MaxEntries = uint32(cfg.FlowEntries)
	}
	if cfg.RingBytes > 0 {
		n := uint32(4096)
		for n < uint32(cfg.RingBytes) {
			n <<= 1
		}
		spec.Maps["ring"].MaxEntries = n
	}
	var objs FlowObjects
	if err := spec.LoadAndAssign(&objs, nil); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("bpf: the kernel's verifier rejected the program: %+v", ve)
		}
		return nil, err
	}
	return &objs, nil
}

// Record is a decoded ring-buffer record. Data aliases the raw sample.
type Record struct {
	Time    uint64 // bpf_ktime_get_ns (CLOCK_MONOTONIC)
	Ifindex uint32
	Len     uint32 // length of the frame (skb->len: a GSO/GRO packet may exceed the MTU)
	Segs    uint32 // GSO segments, 1 when not GSO
	Dir     uint8  // 0 ingress, 1 egress
	Why     uint8
	Data    []byte
}

// ParseRecord decodes a raw ring-buffer sample (host byte order).
func ParseRecord(b []byte, r *Record) error {
	if len(b) < RecordHeaderLen {
		return fmt.Errorf("bpf: record of %d bytes", len(b))
	}
	ne := binary.NativeEndian
	r.Time = ne.Uint64(b[0:])
	r.Ifindex = ne.Uint32(b[8:])
	r.Len = ne.Uint32(b[12:])
	r.Segs = ne.Uint32(b[16:])
	capLen := int(ne.Uint16(b[20:]))
	r.Dir = b[22]
	r.Why = b[23]
	if RecordHeaderLen+capLen > len(b) {
		return fmt.Errorf("bpf: record says %d bytes, has %d", capLen, len(b)-RecordHeaderLen)
	}
	r.Data = b[RecordHeaderLen : RecordHeaderLen+capLen]
	return nil
}

// ReadStats sums the per-CPU counters.
func ReadStats(m *ebpf.Map) ([NumStats]uint64, error) {
	var out [NumStats]uint64
	var vals []uint64
	for i := uint32(0); i < NumStats; i++ {
		if err := m.Lookup(i, &vals); err != nil {
			return out, err
		}
		for _, v := range vals {
			out[i] += v
		}
	}
	return out, nil
}
