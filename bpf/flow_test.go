package bpf

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"

	"github.com/flowaudit/flowaudit/internal/netlab"
)

// skbCtx is struct __sk_buff as BPF_PROG_TEST_RUN takes it: only a few
// fields may be set (mark, priority, ifindexes, cb, tstamp, wire_len,
// gso_segs, gso_size, hwtstamp).
type skbCtx struct {
	Len, PktType, Mark, QueueMapping, Protocol, VlanPresent, VlanTCI, VlanProto uint32
	Priority, IngressIfindex, Ifindex, TCIndex                                  uint32
	CB                                                                          [5]uint32
	Hash, TCClassid, Data, DataEnd, NapiID, Family, RemoteIP4, LocalIP4         uint32
	RemoteIP6, LocalIP6                                                         [4]uint32
	RemotePort, LocalPort, DataMeta                                             uint32
	FlowKeys, Tstamp                                                            uint64
	WireLen, GSOSegs                                                            uint32
	Sk                                                                          uint64
	GSOSize, TstampType                                                         uint32
	HWTstamp                                                                    uint64
}

type harness struct {
	t    *testing.T
	objs *FlowObjects
	rd   *ringbuf.Reader
	rec  ringbuf.Record
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	netlab.Require(t)
	objs, err := Load(cfg)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Cleanup(func() { objs.Close() })
	rd, err := ringbuf.NewReader(objs.Ring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return &harness{t: t, objs: objs, rd: rd}
}

// run hands one frame to the ingress (or egress) program.
func (h *harness) run(frame []byte, egress bool, ctx *skbCtx) {
	h.t.Helper()
	prog := h.objs.FlowauditIngress
	if egress {
		prog = h.objs.FlowauditEgress
	}
	opts := &ebpf.RunOptions{Data: frame}
	if ctx != nil {
		opts.Context = *ctx
	}
	ret, err := prog.Run(opts)
	if err != nil {
		h.t.Fatalf("prog.Run: %v", err)
	}
	if int32(ret) != -1 {
		h.t.Fatalf("program returned %d, want -1 (TCX_NEXT / TC_ACT_UNSPEC)", int32(ret))
	}
}

// records drains the ring buffer.
func (h *harness) records() []Record {
	h.t.Helper()
	var out []Record
	for {
		h.rd.SetDeadline(time.Now().Add(20 * time.Millisecond))
		err := h.rd.ReadInto(&h.rec)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return out
		}
		if err != nil {
			h.t.Fatal(err)
		}
		var r Record
		if err := ParseRecord(h.rec.RawSample, &r); err != nil {
			h.t.Fatal(err)
		}
		r.Data = bytes.Clone(r.Data)
		out = append(out, r)
	}
}

func (h *harness) stats() [NumStats]uint64 {
	h.t.Helper()
	s, err := ReadStats(h.objs.Stats)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// flows returns every entry of the flow map.
func (h *harness) flows() map[FlowFlowKey]FlowFlowStats {
	h.t.Helper()
	out := map[FlowFlowKey]FlowFlowStats{}
	var k FlowFlowKey
	var v FlowFlowStats
	it := h.objs.Flows.Iterate()
	for it.Next(&k, &v) {
		out[k] = v
	}
	if err := it.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// key builds the canonical flow key the program should use (ifindex 1:
// BPF_PROG_TEST_RUN runs on the loopback device).
func key(src string, sport uint16, dst string, dport uint16, proto uint8) (FlowFlowKey, int) {
	s, d := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	a, b := s.As16(), d.As16()
	k := FlowFlowKey{Ifindex: 1, Proto: proto}
	if c := s.Compare(d); c < 0 || (c == 0 && sport <= dport) {
		k.A, k.B, k.A_port, k.B_port = a, b, sport, dport
		return k, 0
	}
	k.A, k.B, k.A_port, k.B_port = b, a, dport, sport
	return k, 1
}

func TestVerifierAcceptsProgram(t *testing.T) {
	h := newHarness(t, Config{})
	for _, p := range []*ebpf.Program{h.objs.FlowauditIngress, h.objs.FlowauditEgress} {
		info, err := p.Info()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := info.Instructions()
		t.Logf("%s: %d instructions after verification", info.Name, len(n))
	}
	// The tunables load too.
	if _, err := Load(Config{FirstPackets: 2, PayloadSegs: 4, PayloadBytes: 4096, KeepaliveNs: 1, Snap: 128, FlowEntries: 1024, RingBytes: 1 << 16}); err != nil {
		t.Fatal(err)
	}
}

func TestParseAndRecords(t *testing.T) {
	const c4, s4 = "10.0.0.2", "10.0.1.2"
	const c6, s6 = "fd00::2", "fd00:1::2"
	dnsQuery := bytesOf(30)
	type want struct {
		flow      bool // a flow entry with this key
		key       FlowFlowKey
		dir       int
		pkts      uint64
		bytes     uint64
		flags     uint8
		records   int
		why       uint8
		cap       int // 0: the whole frame
		stat      int // a stats counter that must be 1
		noRecords bool
	}
	k := func(src string, sport uint16, dst string, dport uint16, proto uint8) (FlowFlowKey, int) {
		return key(src, sport, dst, dport, proto)
	}
	cases := []struct {
		name  string
		frame []byte
		ctx   *skbCtx
		cfg   Config
		w     func() want
	}{
		{"ipv4-tcp-syn", ether(0x0800, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 1, syn, nil))), nil, Config{}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"ipv4-tcp-from-server", ether(0x0800, ipv4(s4, c4, 6, 0, tcp(443, 40000, 1, syn|ack, nil))), nil, Config{}, func() want {
			kk, d := k(s4, 443, c4, 40000, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn | ack, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"vlan-udp-dns", ether(0x0800, ipv4(c4, s4, 17, 0, udp(5353, 53, dnsQuery)), 10), nil, Config{}, func() want {
			kk, d := k(c4, 5353, s4, 53, 17)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 20 + 8 + 30, records: 1, why: WhyNew | WhyFirst | WhyDNS}
		}},
		{"qinq-ipv6-udp", ether(0x86dd, ipv6(c6, s6, 17, udp(1000, 2000, bytesOf(10))), 100, 200), nil, Config{}, func() want {
			kk, d := k(c6, 1000, s6, 2000, 17)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40 + 18, records: 1, why: WhyNew | WhyFirst}
		}},
		{"mpls-ipv4-tcp", ether(0x8847, mpls(1, false, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 1, syn, nil)))), nil, Config{}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"vlan-mpls-3-ipv6-udp", ether(0x8848, mpls(3, false, ipv6(c6, s6, 17, udp(1000, 2000, bytesOf(10)))), 100), nil, Config{}, func() want {
			kk, d := k(c6, 1000, s6, 2000, 17)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40 + 18, records: 1, why: WhyNew | WhyFirst}
		}},
		// Ethernet over MPLS: the control word's first nibble is 0.
		{"mpls-pseudowire", ether(0x8847, mpls(2, false, append([]byte{0, 0, 0, 0}, ether(0x0800, ipv4(c4, s4, 6, 0, tcp(40000, 443, 1, syn, nil)))...))), nil, Config{}, func() want {
			return want{noRecords: true, stat: StatNotIP}
		}},
		// Deeper than the program walks: user space decodes it.
		{"mpls-9-labels", ether(0x8847, mpls(9, false, ipv4(c4, s4, 6, 0, tcp(40000, 443, 1, syn, nil)))), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatMalformed}
		}},
		{"mpls-stack-cut", ether(0x8847, mpls(2, true, nil)), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatMalformed}
		}},
		{"pppoe-ipv4-tcp", ether(0x8864, pppoe([]byte{0x00, 0x21}, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 1, syn, nil)))), nil, Config{}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		// The HDLC address and control bytes, a compressed protocol.
		{"vlan-pppoe-ff03-pfc-ipv6-udp", ether(0x8864, pppoe([]byte{0xff, 0x03, 0x57}, ipv6(c6, s6, 17, udp(1000, 2000, bytesOf(10)))), 7), nil, Config{}, func() want {
			kk, d := k(c6, 1000, s6, 2000, 17)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40 + 18, records: 1, why: WhyNew | WhyFirst}
		}},
		{"pppoe-mpls-ipv4-tcp", ether(0x8864, pppoe([]byte{0x02, 0x81}, mpls(1, false, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 1, syn, nil))))), nil, Config{}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"ppp-ipv4-tcp", ether(0x880b, append([]byte{0x00, 0x21}, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 1, syn, nil))...)), nil, Config{}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"pppoe-code-not-session", ether(0x8864, append([]byte{0x11, 0x09}, pppoe([]byte{0x00, 0x21}, ipv4(c4, s4, 6, 0, tcp(40000, 443, 1, syn, nil)))[2:]...)), nil, Config{}, func() want {
			return want{noRecords: true, stat: StatNotIP}
		}},
		{"pppoe-lcp", ether(0x8864, pppoe([]byte{0xc0, 0x21}, bytesOf(14))), nil, Config{}, func() want {
			return want{noRecords: true, stat: StatNotIP}
		}},
		{"ipv6-ext-headers-tcp", ether(0x86dd, ipv6(c6, s6, 0, ext6(60, 1, ext6(43, 0, frag6(6, 0, true, tcp(40001, 8443, 7, syn, nil)))))), nil, Config{}, func() want {
			kk, d := k(c6, 40001, s6, 8443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 40 + 16 + 8 + 8 + 20, flags: syn, records: 1, why: WhyNew | WhyFirst | WhyCtrl}
		}},
		{"ipv6-nonfirst-fragment", ether(0x86dd, ipv6(c6, s6, 44, frag6(17, 1232, false, bytesOf(100)))), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatFragments}
		}},
		{"ipv4-nonfirst-fragment", ether(0x0800, ipv4(c4, s4, 17, 185, bytesOf(100))), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatFragments}
		}},
		{"truncated-tcp", ether(0x0800, ipv4(c4, s4, 6, 0, tcp(40000, 443, 1, syn, nil))[:30]), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatMalformed}
		}},
		{"truncated-ipv6-ext", ether(0x86dd, ipv6(c6, s6, 0, ext6(6, 1, tcp(40000, 443, 1, syn, nil)))[:40+16+10]), nil, Config{}, func() want {
			return want{records: 1, why: WhyOther, stat: StatMalformed}
		}},
		{"arp", ether(0x0806, bytesOf(28)), nil, Config{}, func() want {
			return want{noRecords: true, stat: StatNotIP}
		}},
		{"icmp-error", ether(0x0800, ipv4(s4, c4, 1, 0, icmp(3, 3, ipv4(c4, s4, 17, 0, udp(1000, 5300, nil))[:28]))), nil, Config{}, func() want {
			return want{records: 1, why: WhyICMPError, stat: StatICMPErrors}
		}},
		{"icmpv6-error", ether(0x86dd, ipv6(s6, c6, 58, icmp(1, 4, ipv6(c6, s6, 17, udp(1000, 5300, nil))))), nil, Config{}, func() want {
			return want{records: 1, why: WhyICMPError, stat: StatICMPErrors}
		}},
		{"icmp-echo", ether(0x0800, ipv4(c4, s4, 1, 0, icmp(8, 0, bytesOf(56)))), nil, Config{}, func() want {
			kk, d := k(c4, 0, s4, 0, 1)
			return want{flow: true, key: kk, dir: d, pkts: 1, bytes: 84, records: 1, why: WhyNew | WhyFirst}
		}},
		// A GRO/GSO super-packet: 3 segments of 1000 bytes in one skb. The
		// record holds the capped prefix and the real length; the flow
		// counts 3 packets, each with its own headers.
		{"gso-super-packet", ether(0x0800, ipv4(c4, s4, 6, 0x4000, tcp(40000, 443, 100, ack|psh, bytesOf(3000)))), &skbCtx{GSOSegs: 3, GSOSize: 1000}, Config{Snap: 1024}, func() want {
			kk, d := k(c4, 40000, s4, 443, 6)
			return want{flow: true, key: kk, dir: d, pkts: 3, bytes: 3000 + 3*40, flags: ack | psh, records: 1, why: WhyNew | WhyFirst | WhyPayload, cap: 1024, stat: StatGSO}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.cfg)
			h.run(tc.frame, false, tc.ctx)
			w := tc.w()
			recs := h.records()
			st := h.stats()
			if st[StatPackets] != 1 || st[StatBytes] != uint64(len(tc.frame)) {
				t.Errorf("stats: %d packets %d bytes, want 1, %d", st[StatPackets], st[StatBytes], len(tc.frame))
			}
			if w.stat != 0 && st[w.stat] != 1 {
				t.Errorf("stat %d = %d, want 1 (all: %v)", w.stat, st[w.stat], st)
			}
			if w.noRecords {
				if len(recs) != 0 {
					t.Errorf("%d records, want none", len(recs))
				}
			} else {
				if len(recs) != w.records {
					t.Fatalf("%d records, want %d", len(recs), w.records)
				}
				r := recs[0]
				if r.Why != w.why {
					t.Errorf("why %#x, want %#x", r.Why, w.why)
				}
				if r.Len != uint32(len(tc.frame)) || r.Ifindex != 1 || r.Dir != 0 {
					t.Errorf("record len %d ifindex %d dir %d, want %d 1 0", r.Len, r.Ifindex, r.Dir, len(tc.frame))
				}
				wantCap := len(tc.frame)
				if w.cap != 0 {
					wantCap = w.cap
				}
				if !bytes.Equal(r.Data, tc.frame[:wantCap]) {
					t.Errorf("record holds %d bytes, want the frame's first %d", len(r.Data), wantCap)
				}
				segs := uint32(1)
				if tc.ctx != nil && tc.ctx.GSOSegs > 1 {
					segs = tc.ctx.GSOSegs
				}
				if r.Segs != segs {
					t.Errorf("record segs %d, want %d", r.Segs, segs)
				}
			}
			flows := h.flows()
			if !w.flow {
				if len(flows) != 0 {
					t.Errorf("flow map has %d entries, want none: %+v", len(flows), flows)
				}
				return
			}
			if len(flows) != 1 {
				t.Fatalf("flow map has %d entries, want 1: %+v", len(flows), flows)
			}
			fs, ok := flows[w.key]
			if !ok {
				for got := range flows {
					t.Fatalf("flow key %+v, want %+v", got, w.key)
				}
			}
			if fs.Pkts[w.dir] != w.pkts || fs.Bytes[w.dir] != w.bytes || fs.Pkts[1-w.dir] != 0 {
				t.Errorf("flow counters pkts %v bytes %v, want %d/%d in direction %d", fs.Pkts, fs.Bytes, w.pkts, w.bytes, w.dir)
			}
			if fs.Flags[w.dir] != w.flags {
				t.Errorf("flags %#x, want %#x", fs.Flags[w.dir], w.flags)
			}
			if fs.Records[w.dir] != 1 || fs.FirstNs == 0 || fs.LastNs < fs.FirstNs {
				t.Errorf("flow %+v: want 1 record and times", fs)
			}
		})
	}
}

// TestBudgets follows one TCP connection: the first packets, every SYN,
// FIN and RST, and the first payload segments of each direction go up;
// the bulk does not, but every packet is counted.
func TestBudgets(t *testing.T) {
	h := newHarness(t, Config{FirstPackets: 3, PayloadSegs: 4, PayloadBytes: 1 << 20})
	const c, s = "10.0.0.2", "10.0.1.2"
	cs := func(flags uint8, n int) []byte {
		return ether(0x0800, ipv4(c, s, 6, 0, tcp(40000, 443, 1, flags, bytesOf(n))))
	}
	sc := func(flags uint8, n int) []byte {
		return ether(0x0800, ipv4(s, c, 6, 0, tcp(443, 40000, 1, flags, bytesOf(n))))
	}
	h.run(cs(syn, 0), false, nil)
	h.run(sc(syn|ack, 0), true, nil)
	h.run(cs(ack, 0), false, nil)
	for range 10 {
		h.run(cs(ack|psh, 100), false, nil) // 4 of them within the payload budget
	}
	for range 10 {
		h.run(sc(ack, 0), true, nil) // pure ACKs: the first 2 are within the first 3 packets
	}
	for range 5 {
		h.run(sc(ack|psh, 100), true, nil) // the responder's payload: 2 segments go up
	}
	h.run(cs(fin|ack, 0), false, nil)
	h.run(sc(rst, 0), true, nil)
	recs := h.records()
	var fromC, fromS, ctrl, payload int
	for _, r := range recs {
		if r.Dir == 0 {
			fromC++
		} else {
			fromS++
		}
		if r.Why&WhyCtrl != 0 {
			ctrl++
		}
		if r.Why&WhyPayload != 0 {
			payload++
		}
	}
	// Client: SYN, ACK, 4 payload (the 1st within the first 3), FIN = 7.
	// Server: SYN-ACK, 2 ACKs, 2 payload, RST = 6.
	if fromC != 7 || fromS != 6 || ctrl != 4 || payload != 6 {
		t.Errorf("records: %d from client, %d from server, %d ctrl, %d payload; want 7, 6, 4, 6", fromC, fromS, ctrl, payload)
	}
	kk, d := key(c, 40000, s, 443, 6)
	fs, ok := h.flows()[kk]
	if !ok {
		t.Fatal("no flow")
	}
	if fs.Pkts[d] != 13 || fs.Pkts[1-d] != 17 {
		t.Errorf("packets %v, want 13 from the client, 17 from the server", fs.Pkts)
	}
	if fs.Orig != uint8(d+1) {
		t.Errorf("originator %d, want %d (the SYN's sender)", fs.Orig, d+1)
	}
	if fs.Bytes[d] != 13*40+1000 {
		t.Errorf("client bytes %d, want %d", fs.Bytes[d], 13*40+1000)
	}
	if fs.Flags[d] != syn|ack|psh|fin || fs.Flags[1-d] != syn|ack|psh|rst {
		t.Errorf("flags %#x %#x", fs.Flags[d], fs.Flags[1-d])
	}
	if fs.Segs[d] != 4 || fs.Payload[d] != 400 || fs.Segs[1-d] != 2 {
		t.Errorf("payload sent: %d segments %d bytes, %d from the server; want 4, 400, 2", fs.Segs[d], fs.Payload[d], fs.Segs[1-d])
	}
}

// TestKeepalive: a busy flow past its budgets still sends a frame once
// per keepalive interval.
func TestKeepalive(t *testing.T) {
	frame := ether(0x0800, ipv4("10.0.0.2", "10.0.1.2", 17, 0, udp(1000, 2000, bytesOf(10))))
	for _, tc := range []struct {
		keepalive uint64
		want      int
	}{{1, 5}, {uint64(time.Hour), 1}} {
		h := newHarness(t, Config{FirstPackets: 1, KeepaliveNs: tc.keepalive})
		for range 5 {
			h.run(frame, false, nil)
		}
		recs := h.records()
		if len(recs) != tc.want {
			t.Errorf("keepalive %d: %d records, want %d", tc.keepalive, len(recs), tc.want)
		}
		for _, r := range recs[1:] {
			if r.Why != WhyKeepalive {
				t.Errorf("why %#x, want keepalive", r.Why)
			}
		}
	}
}

// TestRingFull: when user space does not keep up, lost records are
// counted globally and on the flow.
func TestRingFull(t *testing.T) {
	h := newHarness(t, Config{RingBytes: 4096, FirstPackets: 1000})
	frame := ether(0x0800, ipv4("10.0.0.2", "10.0.1.2", 17, 0, udp(1000, 2000, bytesOf(1000))))
	for range 20 {
		h.run(frame, false, nil)
	}
	st := h.stats()
	if st[StatRingFull] == 0 || st[StatRecords]+st[StatRingFull] != 20 {
		t.Errorf("records %d, ring full %d; want some lost, 20 in all", st[StatRecords], st[StatRingFull])
	}
	kk, d := key("10.0.0.2", 1000, "10.0.1.2", 2000, 17)
	fs := h.flows()[kk]
	if uint64(fs.Lost[d]) != st[StatRingFull] || fs.Pkts[d] != 20 {
		t.Errorf("flow: lost %d, packets %d; want %d, 20", fs.Lost[d], fs.Pkts[d], st[StatRingFull])
	}
}
