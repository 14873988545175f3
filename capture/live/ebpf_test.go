package live

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/flowaudit/flowaudit/bpf"
	"github.com/flowaudit/flowaudit/internal/netlab"
)

// TestAdjust: a finished flow takes the kernel's counters (the largest
// over the interfaces, oriented by its originator), the kernel's entries
// are deleted, and lost frames mark it.
func TestAdjust(t *testing.T) {
	netlab.Require(t)
	objs, err := bpf.Load(bpf.Config{FlowEntries: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	e := &ebpfEngine{objs: objs, ifaces: []ifaceRef{{"lan", 7}, {"wan", 8}}}

	// The server (10.0.0.1, the lower address: side a) answered the
	// client (10.0.0.9): the originator is side b.
	client := netip.MustParseAddrPort("10.0.0.9:40000")
	server := netip.MustParseAddrPort("10.0.0.1:443")
	c := Counts{Proto: 6, Orig: client, Resp: server, OrigPkts: 3, RespPkts: 2, OrigBytes: 180, RespBytes: 120}
	k, origIsA := flowKey(&c)
	if origIsA || k.A != server.Addr().As16() || k.A_port != 443 || k.B_port != 40000 {
		t.Fatalf("key %+v, origIsA %v", k, origIsA)
	}
	for _, ifc := range []uint32{7, 8} {
		k.Ifindex = ifc
		v := bpf.FlowFlowStats{Pkts: [2]uint64{50, 40}, Bytes: [2]uint64{50000, 2400}}
		if ifc == 8 {
			v.Pkts[0] = 49 // one lost on the way out
		}
		if err := objs.Flows.Put(&k, &v); err != nil {
			t.Fatal(err)
		}
	}
	lossy, why := e.Adjust(&c)
	if lossy {
		t.Errorf("lossy: %s", why)
	}
	if c.OrigPkts != 40 || c.RespPkts != 50 || c.OrigBytes != 2400 || c.RespBytes != 50000 {
		t.Errorf("counts %+v", c)
	}
	if n := countEntries(t, objs); n != 0 {
		t.Errorf("%d kernel entries left", n)
	}

	// Lost frames: suspect.
	k.Ifindex = 7
	objs.Flows.Put(&k, &bpf.FlowFlowStats{Pkts: [2]uint64{0, 1}, Lost: [2]uint32{1, 0}})
	c = Counts{Proto: 6, Orig: client, Resp: server, OrigPkts: 1}
	if lossy, why := e.Adjust(&c); !lossy || !strings.Contains(why, "lost") {
		t.Errorf("lost frames: %v %q", lossy, why)
	}
	// The kernel saw the responder, user space did not: suspect (an S0
	// whose SYN-ACK went missing).
	objs.Flows.Put(&k, &bpf.FlowFlowStats{Pkts: [2]uint64{1, 1}})
	c = Counts{Proto: 6, Orig: client, Resp: server, OrigPkts: 1}
	if lossy, why := e.Adjust(&c); !lossy || !strings.Contains(why, "responder") || c.RespPkts != 1 {
		t.Errorf("unseen answer: %v %q %+v", lossy, why, c)
	}
	// No kernel entry (evicted): user space's counts stay; suspect only if
	// the ring buffer was full at the time.
	c = Counts{Proto: 17, Orig: client, Resp: server, OrigPkts: 2, First: 100, Last: 200}
	if lossy, _ := e.Adjust(&c); lossy || c.OrigPkts != 2 {
		t.Errorf("no entry: %v %+v", lossy, c)
	}
	e.drops.note(int64(150+2*TickInterval), 1)
	if lossy, _ := e.Adjust(&c); !lossy {
		t.Errorf("no entry, drops at the time: not marked")
	}
}

func countEntries(t *testing.T, objs *bpf.FlowObjects) int {
	var k bpf.FlowFlowKey
	var v bpf.FlowFlowStats
	n := 0
	it := objs.Flows.Iterate()
	for it.Next(&k, &v) {
		n++
	}
	return n
}

func TestDropLog(t *testing.T) {
	var d dropLog
	sec := int64(time.Second)
	d.note(10*sec, 0) // nothing lost yet
	if d.overlaps(0, 100*sec) {
		t.Fatal("no drops, overlap")
	}
	d.note(10*sec, 5)
	d.note(10*sec+int64(TickInterval), 7) // the same span, extended
	d.note(50*sec, 7)                     // no new drops
	d.note(60*sec, 9)
	if len(d.spans) != 2 {
		t.Fatalf("spans %v", d.spans)
	}
	for _, c := range []struct {
		first, last int64
		want        bool
	}{{0, 5 * sec, false}, {9 * sec, 9*sec + 900e6, true}, {11 * sec, 59 * sec, false}, {59 * sec, 70 * sec, true}, {61 * sec, 62 * sec, false}} {
		if got := d.overlaps(c.first, c.last); got != c.want {
			t.Errorf("overlaps(%d, %d) = %v", c.first/sec, c.last/sec, got)
		}
	}
}

// TestFlowMapLossEstimate: a flow map too small for the traffic evicts
// flows (LRU); the sweep counts them as lost, and never counts the flows
// user space deleted itself.
func TestFlowMapLossEstimate(t *testing.T) {
	netlab.Require(t)
	objs, err := bpf.Load(bpf.Config{FlowEntries: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	e := &ebpfEngine{objs: objs, monoOff: monoOffset()}
	for i := range 200 {
		// Ethernet + IPv4 + UDP from 10.0.0.1:i to 10.0.1.1:53.
		f := make([]byte, 14+20+8)
		f[12], f[13] = 0x08, 0x00
		ip := f[14:]
		ip[0], ip[3], ip[8], ip[9] = 0x45, 28, 64, 17
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 1, 1})
		f[34], f[35], f[37] = byte(i>>8), byte(i), 53
		if _, err := objs.FlowauditIngress.Run(&ebpf.RunOptions{Data: f}); err != nil {
			t.Fatal(err)
		}
	}
	// User space ends some flows itself.
	var k bpf.FlowFlowKey
	var v bpf.FlowFlowStats
	var some []bpf.FlowFlowKey
	for it := objs.Flows.Iterate(); it.Next(&k, &v) && len(some) < 3; {
		some = append(some, k)
	}
	for _, k := range some {
		objs.Flows.Delete(&k)
		e.removed.Add(1)
	}
	e.sweep(time.Now())
	st := e.Stats()
	if st.Flows != 200 || st.FlowsTracked > 16 || st.FlowMapLost < 200-16-3 || st.FlowMapLost+st.FlowsTracked+3 != 200 {
		t.Errorf("inserted %d, tracked %d, lost %d", st.Flows, st.FlowsTracked, st.FlowMapLost)
	}
}
